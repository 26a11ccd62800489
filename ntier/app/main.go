// Command app is the application tier of the n-tier model: the business
// rules of flight booking, between the web tier and the data tier. Start
// several on different ports and give the web tier all of them.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/ntier"
)

func main() {
	p := program.New("app", "ntier", "127.0.0.1:7510", "[--db ADDR]")
	db := p.Flags.String("db", "127.0.0.1:7520", "the data tier's `ADDR`")
	timeout := p.Flags.Duration("timeout", 3*time.Second, "how long to wait for the data tier")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if *db == "" {
			return program.Usagef("--db needs the data tier's address")
		}
		if *timeout <= 0 {
			return program.Usagef("--timeout must be positive, not %s", *timeout)
		}
		return ntier.NewAppTier(env.Node, *db, *timeout).Serve(ctx, env.Listener)
	}))
}
