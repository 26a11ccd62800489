// Command peer is one participant of the peer-to-peer model's Chord ring:
// a server to the other peers and a client of them at once. Without --join
// it starts a new ring; with --to it is only a client that asks a peer to
// put, get or show the ring.
package main

import (
	"context"
	"os"

	"dsdemo/models/program"
	"dsdemo/p2p"
)

func main() {
	p := program.New("peer", "p2p", "127.0.0.1:7600", "[--join ADDR] | --to ADDR (put KEY VALUE | get KEY | ring | --session)")
	p.Commands = true
	var peer p2p.PeerConfig
	var client p2p.ClientConfig
	p.Flags.StringVar(&peer.Join, "join", "", "join the ring through the peer at `ADDR` (without it, start a new ring)")
	p.Flags.IntVar(&peer.Replicas, "replicas", p2p.DefaultReplicas, "r: successors each peer keeps, and peers that hold each key")
	p.Flags.DurationVar(&peer.Stabilize, "stabilize", p2p.DefaultStabilize, "period of the maintenance rounds")
	p.Flags.DurationVar(&peer.Timeout, "timeout", p2p.DefaultTimeout, "how long to wait for another peer before trying the next")
	to := p.Flags.String("to", "", "be a client only: ask the first peer of `ADDR,ADDR` that answers")
	p.Flags.BoolVar(&client.Session, "session", false, "with --to: an interactive session of commands")
	p.Flags.DurationVar(&client.Every, "every", 0, "with --session: put and get keys of its own every `D`")
	p.ClientRun = func() bool { return *to != "" }
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if *to != "" {
			client.Peers = program.List(*to)
			return p2p.RunClient(ctx, env, client)
		}
		return p2p.RunPeer(ctx, env, peer)
	}))
}
