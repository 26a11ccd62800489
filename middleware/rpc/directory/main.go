// Command directory is the naming and directory service of the remote-call
// model: servers register under a lease, clients look them up by name or
// by interface and attributes, subscribers hear of every change.
package main

import (
	"context"
	"os"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program"
)

func main() {
	p := program.New("directory", "rpc", "127.0.0.1:7800", "[--lease D --max-lease D --max-registrations N --max-subscribers N]")
	cfg := rpc.DefaultDirectoryConfig()
	p.Flags.DurationVar(&cfg.DefaultLease, "lease", cfg.DefaultLease, "the lease granted to a request that asks for none")
	p.Flags.DurationVar(&cfg.MaxLease, "max-lease", cfg.MaxLease, "the longest lease granted; a longer request gets this")
	p.Flags.IntVar(&cfg.MaxRegistrations, "max-registrations", cfg.MaxRegistrations, "how many registrations the directory holds at most")
	p.Flags.IntVar(&cfg.MaxSubscribers, "max-subscribers", cfg.MaxSubscribers, "how many subscriptions to changes it holds at most")
	lan := p.Flags.Bool("lan", false, "also answer Jini's multicast discovery on the local network (with a --listen address the others can reach)")
	jini := p.Flags.Bool("jini", false, "play Jini's lookup service: say so in the trace (model jini), so a recording replays as Jini")
	p.ModelFor = func() string {
		if *jini {
			return "jini"
		}
		return ""
	}
	p.ClientRun = func() bool { return cfg.Check() != nil }
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if *lan {
			go rpc.AnswerLANDiscovery(ctx, env.Node, env.Listener.Addr().String())
		}
		return rpc.RunDirectory(ctx, env, cfg)
	}))
}
