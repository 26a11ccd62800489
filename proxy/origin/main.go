// Command origin is the origin server of the proxy model: the server that
// owns the resources, each with its own caching headers (GET / lists them).
// Clients do not ask it directly; they ask the cacheproxy in front of it.
package main

import (
	"context"
	"os"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/proxy"
)

func main() {
	p := program.New("origin", "proxy", "127.0.0.1:7200", "[--delay D]")
	delay := p.Flags.Duration("delay", 0, "wait `D` before every answer, as a slow or distant server would")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if *delay < 0 {
			return program.Usagef("--delay must not be negative, not %s", *delay)
		}
		return httpwire.Serve(ctx, env.Node, env.Listener, proxy.NewOrigin(*delay, env.Node))
	}))
}
