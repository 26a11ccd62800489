// Command codeserver serves signed Starlark scripts to sandbox clients (code
// on demand), answers the calls they make home, and runs signed scripts for
// clients (remote evaluation). "codeserver keygen --out NAME" makes a key pair.
package main

import (
	"context"
	"os"

	"dsdemo/mobilecode"
	"dsdemo/models/program"
	"dsdemo/models/sandbox"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "keygen" {
		os.Exit(keygen(os.Args[2:]))
	}
	p := program.New("codeserver", "mobilecode", "127.0.0.1:7400", "--key FILE [--tamper NAME] [--trust PUBKEY [--steps N --timeout D --heap MIB]] | keygen --out NAME")
	var cfg mobilecode.CodeserverConfig
	p.Flags.StringVar(&cfg.Key, "key", "", "the private key that signs the scripts (`FILE` from keygen, or demo for the classroom key)")
	p.Flags.StringVar(&cfg.Tamper, "tamper", "", "serve script `NAME` with a line added after signing, as an attacker on the way would change it")
	p.Flags.StringVar(&cfg.Trust, "trust", "", "run clients' scripts signed by this public key (`PUBKEY` file)")
	p.Flags.StringVar(&cfg.Scripts, "scripts", "", "serve the NAME.star files in `DIR` (default: the built-in scripts)")
	limits := sandbox.LimitFlags(p.Flags) // of remote evaluations
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		var err error
		if cfg.Limits, err = limits(); err != nil {
			return err
		}
		return mobilecode.RunCodeserver(ctx, env, cfg)
	}))
}

// keygen is "codeserver keygen --out NAME".
func keygen(args []string) int {
	p := program.New("codeserver", "mobilecode", "", "keygen --out NAME")
	var cfg mobilecode.KeygenConfig
	p.Flags.StringVar(&cfg.Out, "out", "", "write the key pair to `NAME`.key and NAME.pub")
	return p.Run(args, os.Stdin, os.Stdout, os.Stderr, func(ctx context.Context, env *program.Env) error {
		return mobilecode.RunKeygen(ctx, env, cfg)
	})
}
