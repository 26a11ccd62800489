// Command sandbox fetches a signed script from a codeserver, refuses it
// unless the trusted key signed it, and runs it in the sandbox: exit 0 when
// it ran to its end, exit 1 with one line naming why it was refused or stopped.
package main

import (
	"context"
	"fmt"
	"os"

	"dsdemo/mobilecode"
	"dsdemo/models/program"
)

func main() {
	p := program.New("sandbox", "mobilecode", "", "--server ADDR --trust PUBKEY SCRIPT | --list | --session")
	p.Commands = true
	server := p.Flags.String("server", "127.0.0.1:7400", "the codeserver, the origin of the code (`ADDR`)")
	trust := p.Flags.String("trust", "", "run only scripts signed by this public key (`PUBKEY` file, or demo for the classroom key)")
	list := p.Flags.Bool("list", false, "list the scripts the server offers")
	session := p.Flags.Bool("session", false, "an interactive sandbox: run scripts by name as they are typed or sent with do")
	steps := p.Flags.Uint64("steps", mobilecode.DefaultLimits.Steps, "stop a script after `N` execution steps")
	timeout := p.Flags.Duration("timeout", mobilecode.DefaultLimits.Timeout, "stop a script after this `DURATION`")
	heap := p.Flags.Uint64("heap", mobilecode.DefaultLimits.Heap>>20, "stop a script whose heap grows by more than `MIB` MiB")
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
		if *trust == "" || (len(env.Args) != 1 && !*session) {
			return program.Usagef("want --trust PUBKEY and one SCRIPT name (or --list, or --session)")
		}
		pub, err := mobilecode.ReadPublicKey(*trust)
		if err != nil {
			return err
		}
		limits := mobilecode.Limits{Steps: *steps, Timeout: *timeout, Heap: *heap << 20}
		if *session {
			return c.Session(ctx, env, pub, limits)
		}
		_, err = c.FetchAndRun(ctx, env.Args[0], pub, limits, env.Stdout)
		return err
	}))
}
