// Command load is the client of the proxy model. With a command it fetches
// one resource ("load get /static/a"); with --session (or --every) it is an
// interactive browser the launcher can drive; otherwise it is a load run:
// many clients at once ask for resources, a few hot ones more often than the
// rest, and it prints the rate, the latency and the cache's hit ratio.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"dsdemo/models/program"
	"dsdemo/proxy"
)

func main() {
	p := program.New("load", "proxy", "", "[flags] [get /PATH [LANGUAGE]]")
	p.Commands = true
	session := p.Flags.Bool("session", false, "an interactive browser: fetch what is typed or sent with do")
	every := p.Flags.Duration("every", 0, "in a session, fetch a resource of its own every `D`")
	token := p.Flags.String("token", "", "the proxy's access `TOKEN` (sent as Proxy-Authorization), for get and sessions")
	url := p.Flags.String("url", "http://127.0.0.1:7300", "the proxy (or origin) to load, `URL`")
	concurrency := p.Flags.Int("c", 10, "concurrent clients")
	requests := p.Flags.Int("n", 10000, "requests in all")
	keys := p.Flags.Int("keys", 100, "how many different resources to ask for")
	prefix := p.Flags.String("path-prefix", "/static/k", "the resources are `PREFIX`0 ... PREFIX(keys-1)")
	zipf := p.Flags.Float64("zipf", 1.1, "popularity of the resources: Zipf exponent `S` > 1 (a few are hot), 0 for uniform")
	timeout := p.Flags.Duration("timeout", 5*time.Second, "give up on a request after `D`")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if len(env.Args) > 0 || *session || *every > 0 {
			b := proxy.NewBrowser(env.Node, *url, *token, *timeout)
			if len(env.Args) == 0 {
				return b.Session(ctx, env, *every)
			}
			out, err := b.Command(ctx, strings.Join(env.Args, " "))
			if err == nil {
				fmt.Fprintln(env.Stdout, out)
			}
			return err
		}
		cfg := proxy.LoadConfig{
			URL: *url, Paths: proxy.KeyPaths(*prefix, max(*keys, 0)),
			Concurrency: *concurrency, Requests: *requests, Zipf: *zipf, Timeout: *timeout,
			// The common --seed, which repeats a run's faults, repeats its choice of resources too.
			Seed: env.Seed,
		}
		res, err := proxy.Load(ctx, env.Node, cfg)
		if res.Requests > 0 {
			fmt.Fprintln(env.Stdout, res)
		}
		if ctx.Err() != nil {
			return nil // stopped by a signal: what was measured is printed
		}
		return err
	}))
}
