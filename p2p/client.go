package p2p

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ClientConfig is what a client asks: the flags of the program peer when
// it is given --to.
type ClientConfig struct {
	// Peers are the peers to ask, in order of preference; the first that
	// answers does the lookups.
	Peers []string
	// Session reads commands from stdin (and the collector's "do" lines)
	// instead of running the one given as arguments.
	Session bool
	// Every > 0 makes a session put and get keys of its own at that pace,
	// a steady flow of lookups to watch.
	Every time.Duration
}

// clientWait bounds one command of a client: long enough for a lookup that
// has to wait for the ring to repair itself, short enough that a frozen
// peer does not hang the client.
const clientWait = 15 * time.Second

// RunClient asks the peers of cfg (the first that answers): one command
// from the arguments, or a session of them.
func RunClient(ctx context.Context, env *program.Env, cfg ClientConfig) error {
	c := newClient(env.Node, cfg.Peers...)
	defer c.Close()
	if cfg.Session {
		s := program.Session{Prompt: "p2p> ", Help: usage, Every: cfg.Every, Auto: auto,
			Run: func(ctx context.Context, line string) (string, error) { return runOne(ctx, env.Node, c, line) }}
		return s.Loop(ctx, env)
	}
	if len(env.Args) == 0 {
		return program.Usagef("--to ADDR wants a command; %s", usage)
	}
	out, err := runOne(ctx, env.Node, c, strings.Join(env.Args, " "))
	if out != "" {
		fmt.Fprintln(env.Stdout, out)
	}
	return err
}

// auto is a session's i-th command of its own: it puts key auto-0, gets
// it back, puts auto-1, gets an earlier key, and so on.
func auto(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("put auto-%d %d", i/2, i/2)
	}
	return fmt.Sprintf("get auto-%d", (i*7)%(i/2+1))
}

// runOne runs one command within clientWait of n's protocol time, so that
// a command watched in slow motion or step mode is not given up.
func runOne(ctx context.Context, n *wire.Node, r ringer, line string) (string, error) {
	ctx, cancel := n.WithTimeout(ctx, clientWait)
	defer cancel()
	out, err := command(ctx, r, line)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		// Our own deadline ran out. A shorter one inside (a store's timeout)
		// says more than this, and keeps its own words.
		err = fmt.Errorf("%s: no answer within %s", line, clientWait)
	}
	return out, err
}

// ringer is what the commands put, get and ring need: a peer itself (a
// peer is its own client) or a client that asks one over the network.
type ringer interface {
	Put(ctx context.Context, key, value string) (Stored, error)
	Get(ctx context.Context, key string) (Found, error)
	Ring(ctx context.Context) (RingView, error)
}

// client is a client of the ring: it asks a peer, any peer, to put, get
// or show the ring, and that peer does the lookups. Given several peers it
// asks the first that answers, so a client outlives the peer it knew.
type client struct {
	pools []*wire.Pool
}

// newClient returns a client of the peers at addrs, in order of preference.
func newClient(n *wire.Node, addrs ...string) *client {
	c := &client{}
	for _, a := range addrs {
		c.pools = append(c.pools, wire.NewPool(n, a))
	}
	return c
}

// Close closes the connections to the peers.
func (c *client) Close() {
	for _, p := range c.pools {
		p.Close()
	}
}

// call asks the first peer that answers. A peer that refuses the request
// (a remote error) has answered; only a peer that cannot be reached is
// passed over. A put is passed on only when it never reached the peer: a
// peer that took it and then went silent may have stored it.
func (c *client) call(ctx context.Context, typ string, body any, out checked) error {
	var err error
	for _, pool := range c.pools {
		var reply wire.Envelope
		reply, err = pool.Call(ctx, "peer", typ, body)
		var remote *wire.RemoteError
		switch {
		case err == nil:
			return readBody(reply, out)
		case errors.As(err, &remote) && remote.Reason == errNotFound.Error():
			return errNotFound
		case errors.As(err, &remote), ctx.Err() != nil:
			return err
		case typ == TypePut && !unsent(err):
			return fmt.Errorf("%s did not answer the put, which it may have carried out: %w", pool.Addr(), err)
		}
	}
	return err
}

// Put asks the peer to store key.
func (c *client) Put(ctx context.Context, key, value string) (Stored, error) {
	var s Stored
	err := c.call(ctx, TypePut, ItemsBody{Items: []Item{{Key: key, Value: value}}}, &s)
	return s, err
}

// Get asks the peer for key.
func (c *client) Get(ctx context.Context, key string) (Found, error) {
	var f Found
	err := c.call(ctx, TypeGet, KeyBody{Key: key}, &f)
	return f, err
}

// Ring asks the peer to walk the ring.
func (c *client) Ring(ctx context.Context) (RingView, error) {
	var v RingView
	err := c.call(ctx, TypeRing, struct{}{}, &v)
	return v, err
}

// usage lists the commands, for --help and the session.
const usage = "commands: put KEY VALUE | get KEY | ring"

// command runs one command line against a peer and returns what to print.
// A get of a missing key returns errNotFound.
func command(ctx context.Context, r ringer, line string) (string, error) {
	f := strings.Fields(line)
	switch {
	case len(f) == 3 && f[0] == "put":
		s, err := r.Put(ctx, f[1], f[2])
		if err != nil {
			return "", fmt.Errorf("put %s: %w", f[1], err)
		}
		return fmt.Sprintf("put %s: stored at %s (%s), key at %s, %s", s.Key, s.Peer, s.Peer.Addr, Hash(s.Key), hops(s.Hops)), nil
	case len(f) == 2 && f[0] == "get":
		v, err := r.Get(ctx, f[1])
		if err != nil {
			return "", fmt.Errorf("get %s: %w", f[1], err)
		}
		return fmt.Sprintf("%s = %s (held by %s at %s, %s)", v.Key, v.Value, v.Peer, v.Peer.Addr, hops(v.Hops)), nil
	case len(f) == 1 && f[0] == "ring":
		v, err := r.Ring(ctx)
		if err != nil && len(v.Walk) == 0 {
			return "", fmt.Errorf("ring: %w", err)
		}
		out := formatRing(v)
		if err != nil {
			out += "\n" + err.Error()
		}
		return out, nil
	}
	return "", program.Usagef("%q is not a command; %s", line, usage)
}

func hops(n int) string {
	if n == 1 {
		return "1 hop"
	}
	return fmt.Sprintf("%d hops", n)
}

// formatRing prints a ring view: first what the asked peer itself knows,
// then the peers met on the walk, in ring order.
func formatRing(v RingView) string {
	var b strings.Builder
	s := v.Self
	fmt.Fprintf(&b, "%s knows: predecessor %s, successors %s, fingers %s\n",
		s.Self, s.Pred, refs(s.Succs), refs(s.Fingers))
	peers := "peers"
	if len(v.Walk) == 1 {
		peers = "peer"
	}
	fmt.Fprintf(&b, "the ring, walked along successors (%d %s):\n", len(v.Walk), peers)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "position\tpeer\taddress\tkeys\town")
	for _, w := range v.Walk {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\n", w.Self.ID, w.Self.Name, w.Self.Addr, w.Keys, w.Own)
	}
	tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

func refs(rs []NodeRef) string {
	if len(rs) == 0 {
		return "-"
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return strings.Join(out, " ")
}
