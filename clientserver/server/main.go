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
	mode := p.Flags.String("mode", "", "cooperate with --peers: `partition` or replicate")
	peers := p.Flags.String("peers", "", "the other servers of the group, `ADDR,ADDR`")
	groupKey := p.Flags.String("group-key", "", "the secret `KEY` the servers of a group share, so they can tell each other from clients (default $"+clientserver.GroupKeyEnv+")")
	timeout := p.Flags.Duration("timeout", time.Second, "how long to wait for a peer before suspecting it (replicate) or giving up (partition)")
	p.ModelFor = func() string { // the catalogue's cooperating-partition or cooperating-replicate
		if *mode == "partition" || *mode == "replicate" {
			return "cooperating-" + *mode
		}
		return ""
	}
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		m, err := clientserver.ParseMode(*mode)
		if err != nil {
			return err
		}
		if *groupKey == "" { // read here, so that --help never prints it
			*groupKey = os.Getenv(clientserver.GroupKeyEnv)
		}
		s, err := clientserver.NewServer(env.Node, clientserver.Config{
			Mode: m, Self: env.Listener.Addr().String(), Peers: program.List(*peers), Timeout: *timeout, GroupKey: *groupKey,
		})
		if err != nil {
			return err
		}
		return s.Serve(ctx, env.Listener)
	}))
}
