// Command sandbox fetches a signed script from a codeserver, refuses it
// unless the trusted key signed it, and runs it in the sandbox: exit 0 when
// it ran to its end, exit 1 with one line naming why it was refused or stopped.
package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"

	"dsdemo/mobilecode"
	"dsdemo/models/program"
)

func main() {
	p := program.New("sandbox", "mobilecode", "", "--server ADDR --trust PUBKEY SCRIPT | --key KEY --send SCRIPT | --list | --session")
	p.Commands = true
	server := p.Flags.String("server", "127.0.0.1:7400", "the codeserver, the origin of the code (`ADDR`)")
	trust := p.Flags.String("trust", "", "run only scripts signed by this public key (`PUBKEY` file, or demo for the classroom key)")
	list := p.Flags.Bool("list", false, "list the scripts the server offers")
	session := p.Flags.Bool("session", false, "an interactive sandbox: run scripts by name as they are typed or sent with do")
	key := p.Flags.String("key", "", "the client's own private key (`FILE`, or demo), to sign scripts it sends to the server")
	send := p.Flags.String("send", "", "remote evaluation: send script `NAME` for the server to run, signed with --key")
	scripts := p.Flags.String("scripts", "", "the client's own NAME.star scripts to send are in `DIR` (default: the built-in ones)")
	limits := mobilecode.LimitFlags(p.Flags)
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		c := mobilecode.NewClient(env.Node, *server)
		defer c.Close()
		if *list {
			names, err := c.List(ctx)
			for _, n := range names {
				fmt.Fprintln(env.Stdout, n)
			}
			return err
		}
		var own ed25519.PrivateKey
		if *key != "" {
			var err error
			if own, err = mobilecode.ReadPrivateKey(*key); err != nil {
				return err
			}
		}
		mine := mobilecode.EmbeddedScripts()
		if *scripts != "" {
			mine = os.DirFS(*scripts)
		}
		if *send != "" {
			if own == nil {
				return program.Usagef("--send needs --key, the key that signs the script")
			}
			r, err := c.Evaluate(ctx, *send, own, mine)
			if err != nil {
				return err
			}
			fmt.Fprint(env.Stdout, r.Output)
			if r.Verdict != mobilecode.VerdictFinished {
				return fmt.Errorf("on the server: %s", r.Verdict)
			}
			return nil
		}
		if *trust == "" || (len(env.Args) != 1 && !*session) {
			return program.Usagef("want --trust PUBKEY and one SCRIPT name (or --list, or --session)")
		}
		lim, err := limits()
		if err != nil {
			return err
		}
		pub, err := mobilecode.ReadPublicKey(*trust)
		if err != nil {
			return err
		}
		if *session {
			return c.Session(ctx, env, pub, lim, own, mine)
		}
		_, err = c.FetchAndRun(ctx, env.Args[0], pub, lim, env.Stdout)
		return err
	}))
}
