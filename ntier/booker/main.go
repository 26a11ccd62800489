// Command booker is the client of the n-tier model: it books flights
// through the web tier's JSON API. With a command it does that one thing
// ("booker book 7 Ada Lovelace"); without one it is an interactive session
// that the launcher can drive.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"dsdemo/models/program"
	"dsdemo/ntier"
)

func main() {
	p := program.New("booker", "ntier", "", "[flags] [search [FROM [TO [DATE]]] | book FLIGHT NAME | booking ID REF | cancel ID REF | race FLIGHT N]")
	p.Commands = true
	web := p.Flags.String("web", "http://127.0.0.1:7500", "the web tier's `URL`")
	timeout := p.Flags.Duration("timeout", 10*time.Second, "give up on a request after `D`")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if !strings.HasPrefix(*web, "http://") {
			return program.Usagef("--web must be an http:// URL, not %q", *web)
		}
		b := ntier.NewBooker(env.Node, *web, *timeout)
		if len(env.Args) == 0 {
			return b.Session(ctx, env)
		}
		out, err := b.Command(ctx, strings.Join(env.Args, " "))
		if err == nil {
			fmt.Fprintln(env.Stdout, out)
		}
		return err
	}))
}
