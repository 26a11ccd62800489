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
	maxEntry := p.Flags.String("max-entry", "", "the largest answer the cache keeps, `SIZE` (default a quarter of --cache-size)")
	p.Flags.Func("block", "answer 403 for paths matching `PATTERN` (path.Match, e.g. /ads/*; repeatable). "+
		"The path is matched after undoing its spelling (percent-escapes, dot and empty segments) and regardless of case; "+
		"a pattern also blocks what lies below the paths it matches; write classes in lower case ([a-z], not [A-Z])", func(s string) error {
		cfg.Block = append(cfg.Block, s)
		return proxy.CheckBlockPattern(s)
	})
	p.Flags.Func("allow", "let in only clients from `CIDR` (repeatable)", func(s string) error {
		prefix, err := netip.ParsePrefix(s)
		cfg.Allow = append(cfg.Allow, prefix)
		return err
	})
	p.Flags.StringVar(&cfg.Token, "token", "", "require Proxy-Authorization: Bearer `TOKEN` (a client with 10 wrong ones within a minute waits: 429)")
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
		if *maxEntry != "" {
			if cfg.MaxEntry, err = proxy.ParseSize(*maxEntry); err != nil {
				return program.Usagef("--max-entry: %v", err)
			}
		}
		px, err := proxy.New(env.Node, cfg)
		if err != nil {
			return program.Usagef("%v", err)
		}
		return httpwire.Serve(ctx, env.Node, env.Listener, px)
	}))
}
