// Command cacheproxy is the caching proxy of the proxy model: clients ask it
// instead of the origin; it answers from its cache when it may, filters
// paths and restricts access.
package main

import (
	"context"
	"net/netip"
	"net/url"
	"os"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/proxy"
)

func main() {
	p := program.New("cacheproxy", "proxy", "127.0.0.1:7300", "--origin URL [--cache-size 64MiB] [--block PATTERN] [--allow CIDR] [--token T]")
	var cfg proxy.Config
	origin := p.Flags.String("origin", "", "the origin server's `URL`, e.g. http://127.0.0.1:7200")
	size := p.Flags.String("cache-size", "64MiB", "the cache's `SIZE` in bytes (KiB, MiB, GiB)")
	p.Flags.Func("block", "answer 403 for paths matching `PATTERN` (e.g. /private/*; repeatable)", func(s string) error {
		cfg.Block = append(cfg.Block, s)
		return nil
	})
	p.Flags.Func("allow", "let in only clients from `CIDR` (repeatable)", func(s string) error {
		prefix, err := netip.ParsePrefix(s)
		cfg.Allow = append(cfg.Allow, prefix)
		return err
	})
	p.Flags.StringVar(&cfg.Token, "token", "", "require Proxy-Authorization: Bearer `TOKEN`")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "how long to wait for the origin")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		u, err := url.Parse(*origin)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return program.Usagef("--origin must be an http:// URL, not %q", *origin)
		}
		cfg.Origin = u
		if cfg.CacheSize, err = proxy.ParseSize(*size); err != nil {
			return program.Usagef("--cache-size: %v", err)
		}
		return httpwire.Serve(ctx, env.Node, env.Listener, proxy.New(env.Node, cfg))
	}))
}
