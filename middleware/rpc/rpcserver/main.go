// Command rpcserver offers the remote-call model's Bank service through a
// skeleton, registers it with the directory and renews its lease.
package main

import (
	"context"
	"os"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program"
)

func main() {
	p := program.New("rpcserver", "rpc", "127.0.0.1:7810", "--directory ADDR [--service NAME --attr K=V,K=V --semantics at-most-once|at-least-once --byte-order big|little]")
	cfg := rpc.DefaultServerConfig()
	p.Flags.StringVar(&cfg.Directory, "directory", "127.0.0.1:7800", "the directory service's `ADDR`")
	p.Flags.StringVar(&cfg.Service, "service", cfg.Service, "the `NAME` to register the bank under")
	p.Flags.Func("attr", "attributes to register, `K=V,K=V` (e.g. currency=EUR,branch=north)", func(s string) (err error) {
		cfg.Attributes, err = rpc.ParseAttributes(s)
		return err
	})
	p.Flags.DurationVar(&cfg.Lease, "lease", cfg.Lease, "the lease to ask the directory for; renewed at a third of what it grants")
	p.Flags.StringVar(&cfg.Semantics, "semantics", cfg.Semantics, "at-most-once keeps a reply cache and answers a repeated request from it; at-least-once runs every request")
	p.Flags.IntVar(&cfg.ReplyCache, "reply-cache", cfg.ReplyCache, "how many replies the reply cache keeps (at-most-once)")
	p.Flags.StringVar(&cfg.ByteOrder, "byte-order", cfg.ByteOrder, "the byte order of the machine this server plays: big or little (only the raw codec uses it)")
	p.Flags.Func("accounts", "the bank's accounts in cents, `NAME=CENTS,...` (default alice=10000,bob=5000)", func(s string) (err error) {
		cfg.Accounts, err = rpc.ParseAccounts(s)
		return err
	})
	p.Flags.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "how long to wait for the directory")
	p.ClientRun = func() bool { return cfg.Check() != nil }
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return rpc.RunServer(ctx, env, cfg)
	}))
}
