// Command rpcclient calls the Bank service through its stub: it looks the
// server up in the directory, caches the address, and retries as its call
// semantics say. One command, or an interactive session.
package main

import (
	"context"
	"os"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program"
)

func main() {
	p := program.New("rpcclient", "rpc", "", "[flags] [balance ACCOUNT | transfer FROM TO EUR | lookup | list | watch | where]")
	p.Commands = true
	cfg := rpc.DefaultClientConfig()
	p.Flags.StringVar(&cfg.Directory, "directory", "127.0.0.1:7800", "the directory service's `ADDR`")
	p.Flags.StringVar(&cfg.Service, "service", cfg.Service, "the `NAME` to look up")
	p.Flags.Func("where", "look up any Bank with these attributes, `K=V,K=V`, instead of by name", func(s string) (err error) {
		cfg.Where, err = rpc.ParseAttributes(s)
		return err
	})
	p.Flags.StringVar(&cfg.Codec, "codec", cfg.Codec, "the external data format: json, binary (big-endian), or raw (no external format: the memory image)")
	p.Flags.StringVar(&cfg.ByteOrder, "byte-order", cfg.ByteOrder, "the byte order of the machine this client plays: big or little (only the raw codec uses it)")
	p.Flags.StringVar(&cfg.Semantics, "semantics", cfg.Semantics, "at-least-once (retry as a new call) or at-most-once (retry with the same request id)")
	p.Flags.IntVar(&cfg.Retries, "retries", cfg.Retries, "how often to send a call again when no reply comes")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "how long one attempt waits for its reply")
	p.Flags.DurationVar(&cfg.Every, "every", 0, "in a session, ask for alice's balance every `D`")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return rpc.RunClient(ctx, env, cfg)
	}))
}
