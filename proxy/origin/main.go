// Command origin is the origin server of the proxy model: the server that
// owns the resources, each with its own caching headers (GET / lists them).
// Clients do not ask it directly; they ask the cacheproxy in front of it.
package main

import (
	"context"
	"os"

	"dsdemo/models/program"
	"dsdemo/proxy"
)

func main() {
	p := program.New("origin", "proxy", "127.0.0.1:7200", "[--delay D]")
	var cfg proxy.OriginConfig
	p.Flags.Func("delay", "wait `D` before every answer, as a slow or distant server would (default 0)", cfg.SetDelay)
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return proxy.RunOrigin(ctx, env, cfg)
	}))
}
