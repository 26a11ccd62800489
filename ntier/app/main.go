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
	var cfg ntier.AppConfig
	p.Flags.StringVar(&cfg.DB, "db", "127.0.0.1:7520", "the data tier's `ADDR`")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 3*time.Second, "how long to wait for the data tier")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return ntier.RunApp(ctx, env, cfg)
	}))
}
