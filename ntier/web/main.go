// Command web is the presentation tier of the n-tier model: HTML pages for a
// browser and a JSON API for curl and the booker, made from what the app
// tier answers. Given several app instances (--app A,B) it asks them in turn
// and skips one that cannot be reached.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/ntier"
)

func main() {
	p := program.New("web", "ntier", "127.0.0.1:7500", "[--app ADDR,ADDR]")
	apps := p.Flags.String("app", "127.0.0.1:7510", "the app tier instances, `ADDR,ADDR`")
	timeout := p.Flags.Duration("timeout", 5*time.Second, "how long to wait for an app instance")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		addrs := program.List(*apps)
		if len(addrs) == 0 {
			return program.Usagef("--app needs at least one address")
		}
		if *timeout <= 0 {
			return program.Usagef("--timeout must be positive, not %s", *timeout)
		}
		tiers := ntier.NewAppTiers(env.Node, addrs, *timeout)
		defer tiers.Close()
		return httpwire.Serve(ctx, env.Node, env.Listener, ntier.NewWebTier(tiers))
	}))
}
