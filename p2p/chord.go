package p2p

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// PeerConfig is how a peer takes part in the ring: the flags of the
// program peer.
type PeerConfig struct {
	// Join is the address of a peer of the ring to join through; "" starts
	// a new ring.
	Join string
	// Replicas is r: the length of the successor list, and the number of
	// peers that hold each key (its successor and the next r-1). The ring
	// survives r-1 adjacent peers crashing at once. 0 means 3; at most
	// MaxSuccessors.
	Replicas int
	// Stabilize is the period of the maintenance rounds: stabilize, notify,
	// check the predecessor, repair one finger, replicate. 0 means 1s.
	Stabilize time.Duration
	// Timeout is how long a peer waits for another one to answer before it
	// counts it as gone and tries the next. 0 means 1s.
	Timeout time.Duration
}

func (c *PeerConfig) defaults() {
	if c.Replicas <= 0 {
		c.Replicas = DefaultReplicas
	}
	c.Replicas = min(c.Replicas, MaxSuccessors)
	if c.Stabilize <= 0 {
		c.Stabilize = DefaultStabilize
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
}

// The defaults of a peer's flags.
const (
	DefaultReplicas  = 3
	DefaultStabilize = time.Second
	DefaultTimeout   = time.Second
)

// RunPeer runs a peer on env's listener until ctx ends: it joins the ring
// through cfg.Join (or starts a new one), serves, and takes commands from
// the collector's "do" lines, since a peer is its own client too. When ctx
// ends it leaves gracefully. A peer given a --name sits at the hash of its
// name, so a demo's ring looks the same every time; one without sits at
// the hash of its address, as in Chord.
func RunPeer(ctx context.Context, env *program.Env, cfg PeerConfig) error {
	if len(env.Args) > 0 {
		return program.Usagef("a peer takes no arguments; to ask one, use --to ADDR %s", env.Args[0])
	}
	if cfg.Replicas < 1 || cfg.Replicas > MaxSuccessors {
		return program.Usagef("--replicas must be from 1 to %d", MaxSuccessors)
	}
	if len(env.Node.Name) > MaxName {
		return program.Usagef("--name must be at most %d bytes", MaxName)
	}
	p := newPeer(env.Node, env.Listener.Addr().String(), env.Node.Name != "peer", cfg)
	// Join before serving: the first Accept prints "listening on", and a
	// peer that cannot join must not claim to be ready. Nobody asks this
	// peer anything before it notifies its successor, which it does once
	// it serves, since the successor then asks it who it is (verify).
	if cfg.Join != "" {
		if err := p.join(ctx, cfg.Join); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- p.serve(ctx, env.Listener) }()
	if cfg.Join != "" {
		p.maintain(ctx) // notify the successor now rather than a round later
	}
	fmt.Fprintf(env.Stdout, "%s sits at position %s of the ring\n", p.self.Name, p.self.ID)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case line := <-env.Commands:
				out, err := runOne(ctx, p.node, p, line)
				if err != nil {
					out = "error: " + err.Error()
				}
				fmt.Fprintln(env.Stdout, out)
				env.Node.Trace.Logf("%s: %s", line, out)
			}
		}
	}()
	err := <-served
	// Leave the ring gracefully: hand the own keys to the successor and
	// tell the neighbours to link up with each other, so the ring does not
	// have to find out by timeouts.
	p.leave()
	return err
}

// peer is one participant of the ring: a server to the others (it answers
// lookups, stores keys, takes part in maintenance) and a client of them (it
// looks up keys and repairs its own routing state) at the same time.
type peer struct {
	node *wire.Node
	cfg  PeerConfig
	self NodeRef

	pools sync.Map // address -> *wire.Pool, one per peer this one talks to

	// run is the context the peer runs under, set by serve before it
	// answers anyone. Work that a request starts but that must outlast
	// the request (the handover after a notify) runs on it, so it ends
	// with the peer, never with the request or its connection.
	run context.Context

	mu      sync.Mutex         // guards the fields below
	pred    NodeRef            // the peer just before this one; zero until known
	succs   []NodeRef          // the next peers clockwise, nearest first; [self] when alone
	fingers [bits]NodeRef      // fingers[i] = successor(self + 2^i), zero until found
	next    int                // the finger the next round repairs
	items   map[string]Item    // every key this peer holds, its own and replicas
	pushed  map[string]NodeRef // the peers the own keys were last copied to, by address, and under "" the predecessor then
	round   int                // maintenance rounds so far
	shown   map[string]string  // the state last reported to the trace
}

// newPeer returns a peer listening at addr, alone in a ring of its own
// until it joins one. byName places it at the hash of its name, so that a
// demo's ring looks the same in every run; otherwise it sits at the hash of
// addr, as in Chord's paper (the hash of IP and port). Either way the
// others can recompute the position, and refuse a peer that claims
// another one.
func newPeer(n *wire.Node, addr string, byName bool, cfg PeerConfig) *peer {
	cfg.defaults()
	p := &peer{node: n, cfg: cfg, items: map[string]Item{}, shown: map[string]string{}, run: context.Background()}
	p.self = NodeRef{ID: Hash(addr), Addr: addr, Name: n.Name}
	if byName {
		p.self.ID = Hash(n.Name)
	}
	p.succs = []NodeRef{p.self}
	return p
}

// serve answers the other peers and clients on ln and runs the maintenance
// rounds until ctx ends. It leaves without a word, as a crashed peer
// does; the goodbye is leave's.
func (p *peer) serve(ctx context.Context, ln net.Listener) error {
	p.report()
	p.run = ctx
	served := make(chan error, 1)
	go func() { served <- wire.Serve(ctx, p.node, ln, p.handle) }()
	tick := time.NewTicker(p.cfg.Stabilize)
	defer tick.Stop()
	for {
		select {
		case err := <-served:
			return err
		case <-tick.C:
			p.maintain(ctx)
		}
	}
}

// handle answers one message from another peer or a client. Peers talk in
// the message types of Chord's protocol; clients ask put, get and ring.
// Every body is checked before it is used (readBody): a peer believes
// nothing it is told without looking, because anybody can open a
// connection and type a message.
func (p *peer) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case TypeClosest:
		var b FindBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		return p.closest(b.ID), nil
	case TypePredecessor:
		p.mu.Lock()
		defer p.mu.Unlock()
		return Neighbours{Pred: p.pred, Succs: slices.Clone(p.succs)}, nil
	case TypeNotify:
		var b NodeBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		return struct{}{}, p.notified(ctx, b.Node)
	case TypePing:
		return NodeBody{Node: p.self}, nil
	case TypeStore:
		var b ItemsBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		if len(b.Items) != 1 {
			return nil, errors.New("store takes exactly one item")
		}
		return p.storeOwn(ctx, b.Items[0])
	case TypeReplicate, TypeHandover:
		var b ItemsBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		// A version is the Lamport time of a put, and every peer's clock
		// is at least the version of every item it holds, so an honest
		// sender's clock is ahead of all it sends. An item from the future
		// would win over every later put of its key: the clock trick,
		// played with versions. An item no later than its message is no
		// better than a put: this peer's clock has moved past the message's,
		// and with it, round by round, the clock of every peer, so the
		// next put of the key gets a later version.
		for _, it := range b.Items {
			if it.Version > req.Clock {
				return nil, fmt.Errorf("item %q has version %d, later than the clock %d of the message that carries it", it.Key, it.Version, req.Clock)
			}
		}
		p.merge(b.Items)
		return struct{}{}, nil
	case TypeFetch:
		var b KeyBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		p.mu.Lock()
		it, ok := p.items[b.Key]
		p.mu.Unlock()
		return Fetched{Item: it, Found: ok, Peer: p.self}, nil
	case TypeLeave:
		var b LeaveBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		return struct{}{}, p.left(ctx, b)
	case TypeState:
		return p.state(), nil
	case TypePut:
		var b ItemsBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		if len(b.Items) != 1 {
			return nil, errors.New("put takes one key and its value")
		}
		return p.Put(ctx, b.Items[0].Key, b.Items[0].Value)
	case TypeGet:
		var b KeyBody
		if err := readBody(req, &b); err != nil {
			return nil, err
		}
		return p.Get(ctx, b.Key)
	case TypeRing:
		return p.Ring(ctx)
	}
	return nil, fmt.Errorf("unknown message type %q (a peer knows closest, predecessor, notify, ping, store, replicate, handover, fetch, leave, state, put, get, ring)", req.Type)
}

// call sends one request to peer to and decodes its reply into out (nil:
// the reply has nothing to read), checking it as every body from the
// network is checked. It waits at most the configured timeout (r times
// that for a store): a peer that answers too slowly counts as gone, and
// the caller tries another.
//
// A request that failed on the way (the connection broke, the peer was not
// there) is sent once more when it is repeatable: asking and merging do no
// harm twice. A store is not repeated, since it would give its key another
// version behind the back of whoever put it.
func (p *peer) call(ctx context.Context, to NodeRef, typ string, body any, out checked) error {
	wait := p.cfg.Timeout
	if typ == TypeStore {
		// The successor copies the key to its r-1 successors before it
		// answers, and may wait the timeout for each of them.
		wait *= time.Duration(p.cfg.Replicas)
	}
	ctx, cancel := p.node.WithTimeout(ctx, wait)
	defer cancel()
	pool, _ := p.pools.LoadOrStore(to.Addr, wire.NewPool(p.node, to.Addr))
	reply, err := pool.(*wire.Pool).Call(ctx, to.Name, typ, body)
	if silent(err) && typ != TypeStore && ctx.Err() == nil {
		reply, err = pool.(*wire.Pool).Call(ctx, to.Name, typ, body)
	}
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return readBody(reply, out)
}

// silent reports whether err means the other peer did not answer, as
// against answering with a refusal (a remote error): a peer that refuses
// is there, and is not dropped from the routing state for it.
func silent(err error) bool {
	var remote *wire.RemoteError
	return err != nil && !errors.As(err, &remote)
}

// unsent reports whether err says a request never left this peer: the
// connection to the other one could not be made. After any other failure
// the other peer may have carried the request out.
func unsent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// forget closes the connections to peers that are no longer part of this
// peer's routing state, so a long-running peer holds O(log N) of them.
func (p *peer) forget() {
	p.mu.Lock()
	keep := map[string]bool{p.pred.Addr: true}
	for _, s := range p.succs {
		keep[s.Addr] = true
	}
	for _, f := range p.fingers {
		keep[f.Addr] = true
	}
	p.mu.Unlock()
	p.pools.Range(func(addr, pool any) bool {
		if !keep[addr.(string)] {
			p.pools.Delete(addr)
			pool.(*wire.Pool).Close()
		}
		return true
	})
}

// report tells the trace what changed in the peer's routing state, for the
// launcher's ring: position, predecessor, successors, fingers, keys.
func (p *peer) report() {
	if p.node.Trace == nil {
		return
	}
	s := p.state()
	names := func(refs []NodeRef) string {
		out := make([]string, len(refs))
		for i, r := range refs {
			out[i] = r.Name
		}
		return strings.Join(out, ",")
	}
	now := map[string]string{
		"id":      s.Self.ID.String(),
		"pred":    s.Pred.Name,
		"succ":    names(s.Succs),
		"fingers": names(s.Fingers),
		"keys":    strconv.Itoa(s.Keys) + " (" + strconv.Itoa(s.Own) + " own)",
	}
	p.mu.Lock()
	var changed [][2]string
	for _, k := range []string{"id", "pred", "succ", "fingers", "keys"} {
		if p.shown[k] != now[k] {
			p.shown[k] = now[k]
			changed = append(changed, [2]string{k, now[k]})
		}
	}
	p.mu.Unlock()
	for _, kv := range changed {
		p.node.Trace.State(kv[0], kv[1])
	}
}

// state returns the peer's current routing state.
func (p *peer) state() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := State{Self: p.self, Pred: p.pred, Succs: slices.Clone(p.succs), Keys: len(p.items)}
	for _, f := range p.fingers {
		if !f.isZero() && f.Addr != p.self.Addr && !slices.Contains(s.Fingers, f) {
			s.Fingers = append(s.Fingers, f)
		}
	}
	for _, it := range p.items {
		if p.ownsLocked(Hash(it.Key)) {
			s.Own++
		}
	}
	return s
}

// ownsLocked reports whether this peer is the successor of id, as far as it
// knows: id lies between its predecessor and itself. A peer that does not
// know its predecessor yet (it just joined, or the old one died) takes
// every key it is asked to store. The caller holds p.mu.
func (p *peer) ownsLocked(id ID) bool {
	return p.pred.isZero() || between(id, p.pred.ID, p.self.ID)
}
