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

	"dsdemo/models/wire"
)

// Config is how a peer takes part in the ring.
type Config struct {
	// Addr is the address the peer listens on; the others reach it there.
	Addr string
	// Place is the text hashed for the peer's position on the ring. Empty
	// means Addr, as in Chord's paper (the hash of IP and port).
	Place string
	// Replicas is r: the length of the successor list, and the number of
	// peers that hold each key (its successor and the next r-1). The ring
	// survives r-1 adjacent peers crashing at once. 0 means 3.
	Replicas int
	// Stabilize is the period of the maintenance rounds: stabilize, notify,
	// check the predecessor, repair one finger, replicate. 0 means 1s.
	Stabilize time.Duration
	// Timeout is how long a peer waits for another one to answer before it
	// counts it as gone and tries the next. 0 means 1s.
	Timeout time.Duration
}

func (c *Config) defaults() {
	if c.Place == "" {
		c.Place = c.Addr
	}
	if c.Replicas <= 0 {
		c.Replicas = 3
	}
	if c.Stabilize <= 0 {
		c.Stabilize = time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Second
	}
}

// Item is one key with its value. Version is the Lamport time of the put at
// the key's successor: where two copies disagree, the higher version wins.
type Item struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Version uint64 `json:"version"`
}

// Peer is one participant of the ring: a server to the others (it answers
// lookups, stores keys, takes part in maintenance) and a client of them (it
// looks up keys and repairs its own routing state) at the same time.
type Peer struct {
	node *wire.Node
	cfg  Config
	self NodeRef

	// silent makes Serve stop without the goodbye, as if the process
	// crashed. Only the benchmark's mass failure sets it.
	silent bool

	pools sync.Map // address -> *wire.Pool, one per peer this one talks to

	mu      sync.Mutex         // guards the fields below
	pred    NodeRef            // the peer just before this one; zero until known
	succs   []NodeRef          // the next peers clockwise, nearest first; [self] when alone
	fingers [Bits]NodeRef      // fingers[i] = successor(self + 2^i), zero until found
	next    int                // the finger the next round repairs
	items   map[string]Item    // every key this peer holds, its own and replicas
	pushed  map[string]NodeRef // the peers the own keys were last copied to, by address, and under "" the predecessor then
	round   int                // maintenance rounds so far
	shown   map[string]string  // the state last reported to the trace
}

// NewPeer returns a peer alone in a ring of its own, until Join.
func NewPeer(n *wire.Node, cfg Config) *Peer {
	cfg.defaults()
	p := &Peer{node: n, cfg: cfg, items: map[string]Item{}, shown: map[string]string{}}
	p.self = NodeRef{ID: Hash(cfg.Place), Addr: cfg.Addr, Name: n.Name}
	p.succs = []NodeRef{p.self}
	return p
}

// Self returns the peer's own reference: its position, address and name.
func (p *Peer) Self() NodeRef { return p.self }

// Serve answers the other peers and clients on ln and runs the maintenance
// rounds until ctx ends. Then the peer leaves the ring gracefully: it hands
// its keys to its successor and tells its neighbours to link up with each
// other, so the ring does not have to find out by timeouts.
func (p *Peer) Serve(ctx context.Context, ln net.Listener) error {
	p.report()
	served := make(chan error, 1)
	go func() { served <- wire.Serve(ctx, p.node, ln, p.handle) }()
	tick := time.NewTicker(p.cfg.Stabilize)
	defer tick.Stop()
	for {
		select {
		case err := <-served:
			if !p.silent {
				p.leave()
			}
			return err
		case <-tick.C:
			p.Maintain(ctx)
		}
	}
}

// handle answers one message from another peer or a client. Peers talk in
// the message types of Chord's protocol; clients ask put, get and ring.
func (p *Peer) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case "closest":
		var b findBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		return p.closest(b.ID), nil
	case "predecessor":
		p.mu.Lock()
		defer p.mu.Unlock()
		return neighbours{Pred: p.pred, Succs: slices.Clone(p.succs)}, nil
	case "notify":
		var b nodeBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		if err := b.Node.valid(); err != nil {
			return nil, err
		}
		p.notified(ctx, b.Node)
		return struct{}{}, nil
	case "ping":
		return struct{}{}, nil
	case "store":
		var b itemsBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		if len(b.Items) != 1 {
			return nil, errors.New("store takes exactly one item")
		}
		return p.storeOwn(ctx, b.Items[0])
	case "replicate", "handover":
		var b itemsBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		p.merge(b.Items)
		return struct{}{}, nil
	case "fetch":
		var b keyBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		p.mu.Lock()
		it, ok := p.items[b.Key]
		p.mu.Unlock()
		return fetched{Item: it, Found: ok, Peer: p.self}, nil
	case "leave":
		var b leaveBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		if err := b.Node.valid(); err != nil {
			return nil, err
		}
		p.left(b)
		return struct{}{}, nil
	case "state":
		return p.State(), nil
	case "put":
		var b itemsBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		if len(b.Items) != 1 || b.Items[0].Key == "" {
			return nil, errors.New("put takes one key and its value")
		}
		return p.Put(ctx, b.Items[0].Key, b.Items[0].Value)
	case "get":
		var b keyBody
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		if b.Key == "" {
			return nil, errors.New("get takes a key")
		}
		return p.Get(ctx, b.Key)
	case "ring":
		return p.Ring(ctx)
	}
	return nil, fmt.Errorf("unknown message type %q (a peer knows closest, predecessor, notify, ping, store, replicate, handover, fetch, leave, state, put, get, ring)", req.Type)
}

// The message bodies.
type (
	findBody struct {
		ID ID `json:"id"`
	}
	nodeBody struct {
		Node NodeRef `json:"node"`
	}
	keyBody struct {
		Key string `json:"key"`
	}
	itemsBody struct {
		Items []Item `json:"items"`
	}
	neighbours struct {
		Pred  NodeRef   `json:"pred"`
		Succs []NodeRef `json:"succs"`
	}
	// step is a peer's answer to "closest": either the key's successor is
	// its own successor (Done, with its whole successor list), or the
	// peers it knows that are closer to the key, the closest first.
	step struct {
		Done  bool      `json:"done"`
		Succs []NodeRef `json:"succs,omitempty"`
		Next  []NodeRef `json:"next,omitempty"`
	}
	fetched struct {
		Item  Item    `json:"item"`
		Found bool    `json:"found"`
		Peer  NodeRef `json:"peer"`
	}
	leaveBody struct {
		Node  NodeRef   `json:"node"`  // the peer that leaves
		Pred  NodeRef   `json:"pred"`  // its predecessor, for its successor
		Succs []NodeRef `json:"succs"` // its successors, for its predecessor
	}
)

// valid refuses a NodeRef a peer could not talk to.
func (r NodeRef) valid() error {
	if r.Addr == "" || r.Name == "" {
		return errors.New("a peer needs an address and a name")
	}
	if _, _, err := net.SplitHostPort(r.Addr); err != nil {
		return fmt.Errorf("bad peer address %q", r.Addr)
	}
	return nil
}

// call sends one request to peer to and decodes its reply into out. It
// waits at most the configured timeout: a peer that answers too slowly
// counts as gone, and the caller tries another.
func (p *Peer) call(ctx context.Context, to NodeRef, typ string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	pool, _ := p.pools.LoadOrStore(to.Addr, wire.NewPool(p.node, to.Addr))
	reply, err := pool.(*wire.Pool).Call(ctx, to.Name, typ, body)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return reply.UnmarshalBody(out)
}

// forget closes the connections to peers that are no longer part of this
// peer's routing state, so a long-running peer holds O(log N) of them.
func (p *Peer) forget() {
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
func (p *Peer) report() {
	if p.node.Trace == nil {
		return
	}
	s := p.State()
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

// State is a peer's routing state and store, as "state" and "ring" show it.
// Fingers lists each distinct finger once, nearest first: that is all a
// peer knows of the ring beyond its neighbours, O(log N) peers.
type State struct {
	Self    NodeRef   `json:"self"`
	Pred    NodeRef   `json:"pred"`
	Succs   []NodeRef `json:"succs"`
	Fingers []NodeRef `json:"fingers"`
	Keys    int       `json:"keys"` // every key held, own and replicas
	Own     int       `json:"own"`  // keys this peer is the successor of
}

// State returns the peer's current routing state.
func (p *Peer) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := State{Self: p.self, Pred: p.pred, Succs: slices.Clone(p.succs), Keys: len(p.items)}
	for _, f := range p.fingers {
		if !f.IsZero() && f.Addr != p.self.Addr && !slices.Contains(s.Fingers, f) {
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
func (p *Peer) ownsLocked(id ID) bool {
	return p.pred.IsZero() || Between(id, p.pred.ID, p.self.ID)
}
