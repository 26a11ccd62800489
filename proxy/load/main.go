// Command load is the load client of the proxy model: many clients at once
// ask for resources, a few hot ones more often than the rest, and it prints
// the rate, the latency and how many answers came from the proxy's cache.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/proxy"
)

func main() {
	p := program.New("load", "proxy", "", "[flags]")
	url := p.Flags.String("url", "http://127.0.0.1:7300", "the proxy (or origin) to load, `URL`")
	concurrency := p.Flags.Int("c", 10, "concurrent clients")
	requests := p.Flags.Int("n", 10000, "requests in all")
	keys := p.Flags.Int("keys", 100, "how many different resources to ask for")
	prefix := p.Flags.String("path-prefix", "/static/k", "the resources are `PREFIX`0 ... PREFIX(keys-1)")
	zipf := p.Flags.Float64("zipf", 1.1, "popularity of the resources: Zipf exponent `S` > 1 (a few are hot), 0 for uniform")
	timeout := p.Flags.Duration("timeout", 5*time.Second, "give up on a request after `D`")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		cfg := proxy.LoadConfig{
			URL: *url, Paths: proxy.KeyPaths(*prefix, max(*keys, 0)),
			Concurrency: *concurrency, Requests: *requests, Zipf: *zipf, Timeout: *timeout,
			// The common --seed, which repeats a run's faults, repeats its choice of resources too.
			Seed: p.Flags.Lookup("seed").Value.(flag.Getter).Get().(uint64),
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
