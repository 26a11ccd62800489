// Command cacheproxy is the caching proxy of the proxy model: clients ask it
// instead of the origin; it answers from its cache when it may, filters
// paths and restricts access.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/proxy"
)

func main() {
	p := program.New("cacheproxy", "proxy", "127.0.0.1:7300", "[--origin URL] [--cache-size 64MiB] [--block PATTERN] [--allow CIDR] [--token T]")
	var cfg proxy.ProxyConfig
	p.Flags.Func("origin", "the origin server's `URL` (default http://127.0.0.1:7200)", cfg.SetOrigin)
	p.Flags.Func("cache-size", "the cache's `SIZE` in bytes, KiB, MiB or GiB (default 64MiB)", cfg.SetCacheSize)
	p.Flags.Func("max-entry", "the largest answer the cache keeps, `SIZE` (default a quarter of --cache-size)", cfg.SetMaxEntry)
	p.Flags.Func("block", "answer 403 for paths matching `PATTERN` (path.Match, e.g. /ads/*; repeatable). "+
		"The path is matched after undoing its spelling (percent-escapes, dot and empty segments) and regardless of case; "+
		"a pattern also blocks what lies below the paths it matches; write classes in lower case ([a-z], not [A-Z])", cfg.AddBlock)
	p.Flags.Func("allow", "let in only clients from `CIDR` (repeatable)", cfg.AddAllow)
	p.Flags.StringVar(&cfg.Token, "token", "", "require Proxy-Authorization: Bearer `TOKEN` (a client with 10 wrong ones within a minute waits: 429)")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "how long to wait for the origin")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return proxy.RunProxy(ctx, env, cfg)
	}))
}
