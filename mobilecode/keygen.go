package mobilecode

import (
	"context"
	"crypto/rand"
	"fmt"

	"dsdemo/models/program"
	"dsdemo/models/sandbox"
)

// KeygenConfig is what "codeserver keygen" starts with: its flags.
type KeygenConfig struct {
	Out string // the key pair goes to Out.key and Out.pub
}

// RunKeygen is "codeserver keygen --out NAME": it makes a fresh key pair
// and writes NAME.key (private: it signs) and NAME.pub (public: it
// verifies).
func RunKeygen(_ context.Context, env *program.Env, cfg KeygenConfig) error {
	if cfg.Out == "" || len(env.Args) > 0 {
		return program.Usagef("usage: codeserver keygen --out NAME")
	}
	if err := sandbox.GenerateKey(rand.Reader, cfg.Out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s.key (private: keep it secret) and %s.pub (public: give it to clients)\n", cfg.Out, cfg.Out)
	return nil
}
