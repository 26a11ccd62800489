// Command jiniclient looks Jini services up by type and attributes,
// downloads a service's proxy, checks its signature and uses the service
// through it in a sandbox; with --watch it is a listener that prints the
// lookup services' events as services come and go.
package main

import (
	"context"
	"os"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program"
)

func main() {
	p := program.New("jiniclient", "jini", "", "--lookup ADDR,ADDR [--trust NAME.pub|demo --watch] [lookup [TYPE [K=V...]] | proxy TYPE [K=V...] | use TYPE [K=V...] FUNCTION [TEXT] | watch]")
	p.Commands = true
	cfg := rpc.DefaultJiniClientConfig()
	p.Flags.Func("lookup", "the lookup services' addresses, `ADDR,ADDR`, asked in this order", func(s string) error {
		cfg.Lookups = program.List(s)
		return nil
	})
	p.Flags.StringVar(&cfg.Trust, "trust", cfg.Trust, "run only proxies signed with this vendor key: a `NAME.pub` file, or demo")
	p.Flags.BoolVar(&cfg.Watch, "watch", false, "listen to every lookup service's events from the start")
	p.Flags.DurationVar(&cfg.Lease, "lease", cfg.Lease, "the lease of an event subscription; renewed at a third")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "how long to wait for a lookup service")
	p.Flags.DurationVar(&cfg.Limits.Timeout, "proxy-timeout", cfg.Limits.Timeout, "stop a proxy's call after this long")
	p.Flags.Uint64Var(&cfg.Limits.Steps, "proxy-steps", cfg.Limits.Steps, "stop a proxy's call after `N` execution steps")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return rpc.RunJiniClient(ctx, env, cfg)
	}))
}
