// Command server is the key-value server of the client/server model, alone
// or as one of a group of cooperating servers (--mode partition|replicate).
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/clientserver"
	"dsdemo/models/program"
)

func main() {
	p := program.New("server", "clientserver", "127.0.0.1:7100", "[--mode partition|replicate --peers ADDR,ADDR --group-key KEY]")
	var cfg clientserver.ServerConfig
	p.Flags.Func("mode", "cooperate with --peers: `partition` or replicate", func(s string) error {
		cfg.Mode = clientserver.Mode(s)
		return nil
	})
	p.Flags.Func("peers", "the other servers of the group, `ADDR,ADDR`", func(s string) error {
		cfg.Peers = program.List(s)
		return nil
	})
	p.Flags.StringVar(&cfg.GroupKey, "group-key", "", "the secret `KEY` the servers of a group share, so they can tell each other from clients (default $"+clientserver.GroupKeyEnv+")")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", time.Second, "how long to wait for a peer before suspecting it (replicate) or giving up (partition)")
	// A run whose flags do not fit together serves nobody: it opens no
	// listener, so it never says "listening on" before it fails.
	p.ClientRun = func() bool { return cfg.Check() != nil }
	p.ModelFor = func() string { // the catalogue's cooperating-partition or cooperating-replicate
		if cfg.Mode == clientserver.Partition || cfg.Mode == clientserver.Replicate {
			return "cooperating-" + string(cfg.Mode)
		}
		return ""
	}
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return clientserver.RunServer(ctx, env, cfg)
	}))
}
