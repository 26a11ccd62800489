package p2p

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"dsdemo/models/wire"
)

// maxHops ends a lookup that goes round in circles, which only a ring
// in the middle of repairs can make it do.
const maxHops = 2 * bits

// closest is one step of a lookup at this peer: if id falls between this
// peer and its successor, the successor is the answer; otherwise the peers
// this one knows that lie between itself and id, the closest to id first.
// The best of them halves the remaining distance or better, which is why a
// lookup takes O(log N) steps.
func (p *peer) closest(id ID) Step {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.pred.isZero() && between(id, p.pred.ID, p.self.ID) {
		return Step{Done: true, Succs: p.ownListLocked()}
	}
	if between(id, p.self.ID, p.succs[0].ID) {
		return Step{Done: true, Succs: slices.Clone(p.succs)}
	}
	var next []NodeRef
	for _, f := range p.fingers {
		if !f.isZero() && inside(f.ID, p.self.ID, id) && !slices.Contains(next, f) {
			next = append(next, f)
		}
	}
	for _, s := range p.succs {
		if inside(s.ID, p.self.ID, id) && !slices.Contains(next, s) {
			next = append(next, s)
		}
	}
	// Closest to id first: the smallest clockwise distance from it to id.
	slices.SortFunc(next, func(a, b NodeRef) int {
		da, db := uint32(id-a.ID), uint32(id-b.ID)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	if len(next) == 0 { // nothing known in between: the successor it is
		return Step{Done: true, Succs: slices.Clone(p.succs)}
	}
	return Step{Next: next[:min(len(next), maxRefs)]}
}

// ownListLocked is this peer followed by its successors: the r peers that
// hold the keys this peer is the successor of.
func (p *peer) ownListLocked() []NodeRef {
	list := []NodeRef{p.self}
	for _, s := range p.succs {
		if len(list) == p.cfg.Replicas {
			break
		}
		if s.Addr != p.self.Addr {
			list = append(list, s)
		}
	}
	return list
}

// lookup finds the successor of id: the peer responsible for it, followed
// by that peer's successors (which hold its replicas). It works the way
// Chord's paper describes, iteratively: this peer asks the closest peer it
// knows, that one names a closer one, and so on; hops counts the peers
// asked. A peer that does not answer in time is dropped from this peer's
// routing state, and the next-best peer of the previous answer is asked.
func (p *peer) lookup(ctx context.Context, id ID) (succs []NodeRef, hops int, err error) {
	return p.lookupFrom(ctx, id, p.closest(id))
}

// lookupFrom continues a lookup from a first step that is already known.
// When none of the peers a step named answers, it goes back to the step
// before and asks that step's next-best peer: slower, but a lookup fails
// only when no way round the silent peers is left.
func (p *peer) lookupFrom(ctx context.Context, id ID, first Step) ([]NodeRef, int, error) {
	path := []Step{first} // the steps so far; the last one is where the lookup stands
	asked := map[string]bool{p.self.Addr: true}
	hops := 0
	for {
		s := &path[len(path)-1]
		if s.Done {
			if len(s.Succs) == 0 {
				return nil, hops, errors.New("the ring gave no successor")
			}
			return s.Succs, hops, nil
		}
		if hops >= maxHops {
			return nil, hops, fmt.Errorf("lookup of %s took more than %d hops: the ring is being repaired, try again", id, maxHops)
		}
		if len(s.Next) == 0 { // every peer this step named is silent: back one step
			path = path[:len(path)-1]
			if len(path) == 0 {
				return nil, hops, errors.New("no peer on the way to the key answered")
			}
			continue
		}
		n := s.Next[0]
		s.Next = s.Next[1:]
		if asked[n.Addr] {
			continue
		}
		asked[n.Addr] = true
		var next Step
		err := p.call(ctx, n, TypeClosest, FindBody{ID: id}, &next)
		if ctx.Err() != nil {
			return nil, hops, ctx.Err()
		}
		if err != nil {
			p.suspect(n)
			continue
		}
		if !next.Done && len(next.Next) == 0 {
			continue // a confused peer; ask the next one
		}
		hops++
		path = append(path, next)
	}
}

// suspect removes a peer that did not answer from the routing state. The
// maintenance rounds will find the right peers again.
func (p *peer) suspect(gone NodeRef) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pred.Addr == gone.Addr {
		p.pred = NodeRef{}
	}
	p.succs = slices.DeleteFunc(p.succs, func(s NodeRef) bool { return s.Addr == gone.Addr })
	for i, f := range p.fingers {
		if f.Addr == gone.Addr {
			p.fingers[i] = NodeRef{}
		}
	}
	if len(p.succs) == 0 {
		// Every successor on the list is gone (r neighbours died at once).
		// The nearest finger is the best guess left: stabilize walks back
		// from it to the true successor. Alone only when none is left.
		p.succs = []NodeRef{p.self}
		for _, f := range p.fingers {
			if !f.isZero() && f.Addr != p.self.Addr {
				p.succs = []NodeRef{f}
				break
			}
		}
	}
}

// join makes this peer part of the ring that the peer at addr belongs to:
// it looks up its own successor through that peer and takes it as its
// first successor. Stabilization does the rest: the successor learns of
// its new predecessor and hands over the keys that now belong to it.
func (p *peer) join(ctx context.Context, addr string) error {
	known := NodeRef{Addr: addr, Name: addr}
	var first Step
	if err := p.call(ctx, known, TypeClosest, FindBody{ID: p.self.ID}, &first); err != nil {
		var remote *wire.RemoteError
		if errors.As(err, &remote) {
			return fmt.Errorf("cannot join through %s: it is not a peer (it answered %q)", addr, remote.Reason)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("cannot join through %s: no answer within %s; is it a peer?", addr, p.cfg.Timeout)
		}
		return fmt.Errorf("cannot join the ring: %w", err)
	}
	if len(first.Succs) == 0 && len(first.Next) == 0 {
		return fmt.Errorf("cannot join through %s: it is not a peer (its answer names no peer)", addr)
	}
	succs, _, err := p.lookupFrom(ctx, p.self.ID, first)
	if err != nil {
		return fmt.Errorf("cannot join through %s: %w", addr, err)
	}
	if s := succs[0]; s.ID == p.self.ID {
		return fmt.Errorf("cannot join through %s: %s already sits at position %s; give this peer another --name", addr, s, s.ID)
	}
	// The peers the ring named are asked who they are before they become
	// this peer's successors: a lookup's answer is only as good as the
	// peers it passed through.
	succs = p.vetted(ctx, succs, p.cfg.Replicas)
	if len(succs) == 0 {
		return fmt.Errorf("cannot join through %s: none of the successors it named answered as itself", addr)
	}
	p.mu.Lock()
	p.succs = succs
	p.mu.Unlock()
	return nil
}

// trim makes a successor list: without self, without repeats, at most r.
func trim(list []NodeRef, self NodeRef, r int) []NodeRef {
	var out []NodeRef
	for _, n := range list {
		if n.Addr != self.Addr && !n.isZero() && !slices.ContainsFunc(out, func(o NodeRef) bool { return o.Addr == n.Addr }) && len(out) < r {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return []NodeRef{self}
	}
	return out
}

// errNotFound is a get of a key no peer holds.
var errNotFound = errors.New("not found")

// attempts is how often put and get look a key up again when the peers
// they found were gone or refused (a ring that is still forming, or
// repairing itself after a crash, can route to the wrong peer for a few
// rounds); between attempts the ring has a maintenance round to repair
// itself.
const attempts = 10

// Put stores key at its successor, which copies it to the next r-1 peers
// before it answers. A successor that refuses (it is not the successor any
// more) or cannot be reached is passed over for the next; one that took
// the store and then did not answer is not: the put may have happened,
// and Put says so rather than store the key a second time.
func (p *peer) Put(ctx context.Context, key, value string) (Stored, error) {
	if err := (Item{Key: key, Value: value}).check(); err != nil {
		return Stored{}, err // the other peers would refuse it
	}
	id := Hash(key)
	var last error
	for range attempts {
		succs, hops, err := p.lookup(ctx, id)
		if err == nil {
			for _, s := range succs {
				var st Stored
				if err = p.storeAt(ctx, s, Item{Key: key, Value: value}, &st); err == nil {
					st.Hops = hops
					return st, nil
				}
				if ctx.Err() != nil {
					return Stored{}, ctx.Err()
				}
				if silent(err) && !unsent(err) {
					// s may have stored the key and copied it before it
					// went silent: sent again, the put could overwrite a
					// later put of the same key. Only the caller can know.
					return Stored{}, fmt.Errorf("%s did not answer the store, which it may have carried out: %w", s, err)
				}
			}
		}
		last = err
		if !p.pause(ctx) {
			return Stored{}, ctx.Err()
		}
	}
	return Stored{}, fmt.Errorf("no peer took the key: %w", last)
}

// storeAt asks s to store it as the key's successor (locally when s is this peer).
func (p *peer) storeAt(ctx context.Context, s NodeRef, it Item, out *Stored) error {
	if s.Addr == p.self.Addr {
		st, err := p.storeOwn(ctx, it)
		*out = st
		return err
	}
	err := p.call(ctx, s, TypeStore, ItemsBody{Items: []Item{it}}, out)
	if silent(err) {
		p.suspect(s)
	}
	return err
}

// storeOwn stores a key this peer is the successor of and copies it to its
// r-1 successors before answering: once the put is acknowledged, r peers
// hold the key. A peer that is not the key's successor refuses, so a
// client that looked it up just before a join asks again.
func (p *peer) storeOwn(ctx context.Context, it Item) (Stored, error) {
	p.mu.Lock()
	if !p.ownsLocked(Hash(it.Key)) {
		pred := p.pred
		p.mu.Unlock()
		// A refusal, not a failure: nothing was stored, so the caller may
		// look the key up again (the same as when another peer refuses).
		return Stored{}, &wire.RemoteError{From: p.self.String(), Reason: fmt.Sprintf("not the successor of %q: %s is closer to it", it.Key, pred)}
	}
	it.Version = p.node.Clock.Tick()
	p.items[it.Key] = it
	copies := p.ownListLocked()[1:]
	p.mu.Unlock()
	for _, s := range copies {
		if err := p.call(ctx, s, TypeReplicate, ItemsBody{Items: []Item{it}}, nil); silent(err) && ctx.Err() == nil {
			p.suspect(s) // the next rounds copy the keys to whoever follows
		}
	}
	p.report()
	return Stored{Key: it.Key, Peer: p.self}, nil
}

// merge keeps, for every item, the copy with the higher version.
func (p *peer) merge(items []Item) {
	p.mu.Lock()
	for _, it := range items {
		if old, ok := p.items[it.Key]; !ok || it.Version > old.Version || (it.Version == old.Version && it.Value > old.Value) {
			p.items[it.Key] = it
		}
	}
	p.mu.Unlock()
	p.report()
}

// Get finds key at its successor, or at one of the next r-1 peers when the
// successor is gone.
func (p *peer) Get(ctx context.Context, key string) (Found, error) {
	if err := checkKey(key); err != nil {
		return Found{}, err
	}
	id := Hash(key)
	var last error
	for range attempts {
		succs, hops, err := p.lookup(ctx, id)
		if err == nil {
			answered := 0
			for _, s := range succs {
				f, err := p.fetch(ctx, s, key)
				if ctx.Err() != nil {
					return Found{}, ctx.Err()
				}
				if err != nil {
					last = err
					continue
				}
				answered++
				if f.Found {
					return Found{Key: key, Value: f.Item.Value, Peer: f.Peer, Hops: hops}, nil
				}
			}
			if answered > 0 {
				return Found{}, errNotFound
			}
		} else {
			last = err
		}
		if !p.pause(ctx) {
			return Found{}, ctx.Err()
		}
	}
	return Found{}, fmt.Errorf("no peer that should hold the key answered: %w", last)
}

func (p *peer) fetch(ctx context.Context, s NodeRef, key string) (Fetched, error) {
	if s.Addr == p.self.Addr {
		p.mu.Lock()
		defer p.mu.Unlock()
		it, ok := p.items[key]
		return Fetched{Item: it, Found: ok, Peer: p.self}, nil
	}
	var f Fetched
	err := p.call(ctx, s, TypeFetch, KeyBody{Key: key}, &f)
	if err == nil && f.Found && f.Item.Key != key {
		err = fmt.Errorf("%s answered a fetch of %q with key %q", s, key, f.Item.Key)
	}
	if err != nil {
		p.suspect(s)
	}
	return f, err
}

// pause waits one maintenance round, or until ctx ends.
func (p *peer) pause(ctx context.Context) bool {
	t := time.NewTimer(p.cfg.Stabilize)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Ring walks the ring from this peer along successor pointers, asking each
// peer for its state. The walk is the only way to see all peers: no peer
// keeps a list of them.
func (p *peer) Ring(ctx context.Context) (RingView, error) {
	v := RingView{Self: p.state()}
	v.Walk = append(v.Walk, v.Self)
	at := v.Self
	for len(v.Walk) < maxWalk {
		var next State
		var err error
		for _, s := range at.Succs {
			if s.Addr == p.self.Addr {
				return v, nil // once around
			}
			if err = p.call(ctx, s, TypeState, struct{}{}, &next); err == nil {
				break
			}
		}
		if err != nil || len(at.Succs) == 0 {
			return v, fmt.Errorf("the walk stopped after %s: none of its successors answered", at.Self)
		}
		if next.Self.Addr == v.Self.Self.Addr {
			return v, nil
		}
		v.Walk = append(v.Walk, next)
		at = next
	}
	return v, fmt.Errorf("the walk did not come back after %d peers", maxWalk)
}
