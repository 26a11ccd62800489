// Command load is the client of the proxy model. With a command it fetches
// one resource ("load get /static/a"); with --session (or --every) it is an
// interactive browser the launcher can drive; otherwise it is a load run:
// many clients at once ask for resources, a few hot ones more often than the
// rest, and it prints the rate, the latency and the cache's hit ratio.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/proxy"
)

func main() {
	p := program.New("load", "proxy", "", "[flags] [get /PATH [LANGUAGE]]")
	p.Commands = true
	var cfg proxy.ClientConfig
	p.Flags.StringVar(&cfg.URL, "url", "http://127.0.0.1:7300", "the proxy (or origin) to ask, `URL`")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "give up on a request after `D`")
	p.Flags.BoolVar(&cfg.Session, "session", false, "an interactive browser: fetch what is typed or sent with do")
	p.Flags.DurationVar(&cfg.Every, "every", 0, "in a session, fetch a resource of its own every `D`")
	p.Flags.StringVar(&cfg.Token, "token", "", "the proxy's access `TOKEN` (sent as Proxy-Authorization), for get and sessions")
	p.Flags.IntVar(&cfg.Concurrency, "c", 10, "concurrent clients")
	p.Flags.IntVar(&cfg.Requests, "n", 10000, "requests in all")
	p.Flags.IntVar(&cfg.Keys, "keys", 100, "how many different resources to ask for")
	p.Flags.StringVar(&cfg.PathPrefix, "path-prefix", "/static/k", "the resources are `PREFIX`0 ... PREFIX(keys-1)")
	p.Flags.Float64Var(&cfg.Zipf, "zipf", 1.1, "popularity of the resources: Zipf exponent `S` > 1 (a few are hot), 0 for uniform")
	p.Flags.Float64Var(&cfg.MaxFailed, "max-failed", 0.5, "the run fails (exit 1) when more than this `SHARE` of its requests failed, from 0 to 1; it always fails when all did")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return proxy.RunClient(ctx, env, cfg)
	}))
}
