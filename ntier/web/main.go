// Command web is the presentation tier of the n-tier model: HTML pages for a
// browser and a JSON API for curl and the booker, made from what the app
// tier answers. Given several app instances (--app A,B) it asks them in turn
// and skips one that cannot be reached.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/ntier"
)

func main() {
	p := program.New("web", "ntier", "127.0.0.1:7500", "[--app ADDR,ADDR]")
	var cfg ntier.WebConfig
	apps := p.Flags.String("app", "127.0.0.1:7510", "the app tier instances, `ADDR,ADDR`")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for an app instance")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		cfg.Apps = program.List(*apps)
		return ntier.RunWeb(ctx, env, cfg)
	}))
}
