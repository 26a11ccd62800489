// Command booker is the client of the n-tier model: it books flights
// through the web tier's JSON API. With a command it does that one thing
// ("booker book 7 Ada Lovelace"); without one it is an interactive session
// that the launcher can drive.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/ntier"
)

func main() {
	p := program.New("booker", "ntier", "", "[flags] [search [FROM [TO [DATE]]] | book FLIGHT NAME | booking ID REF | cancel ID REF | race FLIGHT N | direct app|db]")
	p.Commands = true
	var cfg ntier.BookerConfig
	p.Flags.StringVar(&cfg.Web, "web", "http://127.0.0.1:7500", "the web tier's `URL`")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "give up on a request after `D`")
	p.Flags.StringVar(&cfg.App, "app", "", "the app tier's `HOST:PORT`, only for \"direct app\", which asks it past the web tier")
	p.Flags.StringVar(&cfg.DB, "db", "", "the data tier's `HOST:PORT`, only for \"direct db\", which asks it past the web tier")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return ntier.RunBooker(ctx, env, cfg)
	}))
}
