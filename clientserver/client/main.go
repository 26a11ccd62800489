// Command client is the key-value client of the client/server model: one
// command (get, put, del), an interactive session, or a load run (--bench).
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/clientserver"
	"dsdemo/models/program"
)

func main() {
	p := program.New("client", "clientserver", "", "[flags] [get KEY | put KEY VALUE | del KEY]")
	p.Commands = true
	var cfg clientserver.ClientConfig
	servers := p.Flags.String("server", "127.0.0.1:7100", "servers to use, in order of preference: `ADDR,ADDR`")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 2*time.Second, "how long to wait for a server before failing over")
	p.Flags.DurationVar(&cfg.Every, "every", 0, "in a session, send a request of its own every `D`")
	p.Flags.BoolVar(&cfg.Bench, "bench", false, "load mode: send -n requests from -c clients and report the rate")
	p.Flags.IntVar(&cfg.Concurrency, "c", 50, "load mode: concurrent clients")
	p.Flags.IntVar(&cfg.Requests, "n", 100000, "load mode: requests in all")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		cfg.Servers = program.List(*servers)
		return clientserver.RunClient(ctx, env, cfg)
	}))
}
