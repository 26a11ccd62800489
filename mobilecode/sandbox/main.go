// Command sandbox fetches a signed script from a codeserver, refuses it
// unless the trusted key signed it, and runs it in the sandbox: exit 0 when
// it ran to its end, exit 1 with one line naming why it was refused or stopped.
package main

import (
	"context"
	"os"

	"dsdemo/mobilecode"
	"dsdemo/models/program"
	"dsdemo/models/sandbox"
)

func main() {
	p := program.New("sandbox", "mobilecode", "", "--server ADDR --trust PUBKEY SCRIPT | --key KEY --send SCRIPT | --list | --session")
	p.Commands = true
	var cfg mobilecode.SandboxConfig
	p.Flags.StringVar(&cfg.Server, "server", "127.0.0.1:7400", "the codeserver, the origin of the code (`ADDR`)")
	p.Flags.StringVar(&cfg.Trust, "trust", "", "run only scripts signed by this public key (`PUBKEY` file, or demo for the classroom key)")
	p.Flags.BoolVar(&cfg.List, "list", false, "list the scripts the server offers")
	p.Flags.BoolVar(&cfg.Session, "session", false, "an interactive sandbox: run scripts by name as they are typed or sent with do")
	p.Flags.StringVar(&cfg.Key, "key", "", "the client's own private key (`FILE`, or demo), to sign scripts it sends to the server")
	p.Flags.StringVar(&cfg.Send, "send", "", "remote evaluation: send script `NAME` for the server to run, signed with --key")
	p.Flags.StringVar(&cfg.Scripts, "scripts", "", "the client's own NAME.star scripts to send are in `DIR` (default: the built-in ones)")
	limits := sandbox.LimitFlags(p.Flags)
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		var err error
		if cfg.Limits, err = limits(); err != nil {
			return err
		}
		return mobilecode.RunSandbox(ctx, env, cfg)
	}))
}
