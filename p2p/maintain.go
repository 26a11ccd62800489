package p2p

import (
	"context"
	"maps"
	"slices"
	"time"
)

// Maintain runs one maintenance round, as every peer does periodically:
//
//   - stabilize: ask the successor for its predecessor; a peer that joined
//     in between becomes the new successor. Then notify the successor
//     ("I might be your predecessor") and copy its successor list.
//   - check the predecessor: forget it when it does not answer.
//   - fix one finger: look up successor(self + 2^i) for the next i.
//   - replicate: copy this peer's own keys to its r-1 successors when they
//     changed (and every tenth round anyway, to repair what was missed).
//
// No peer ever learns the whole membership this way; each keeps O(log N)
// others, and the ring still heals after joins, leaves and crashes.
func (p *Peer) Maintain(ctx context.Context) {
	p.stabilize(ctx)
	p.checkPredecessor(ctx)
	p.fixFinger(ctx)
	p.replicate(ctx)
	p.forget()
	p.report()
}

// stabilize verifies the successor and tells it about this peer.
func (p *Peer) stabilize(ctx context.Context) {
	for ctx.Err() == nil {
		p.mu.Lock()
		succ := p.succs[0]
		var n neighbours
		if succ.Addr == p.self.Addr { // alone, or the last one standing
			n = neighbours{Pred: p.pred, Succs: slices.Clone(p.succs)}
		}
		p.mu.Unlock()
		if succ.Addr != p.self.Addr {
			if err := p.call(ctx, succ, "predecessor", struct{}{}, &n); err != nil {
				if ctx.Err() == nil {
					p.suspect(succ) // try the next one on the list
					continue
				}
				return
			}
		}
		p.mu.Lock()
		if x := n.Pred; !x.IsZero() && x.Addr != p.self.Addr && Inside(x.ID, p.self.ID, succ.ID) {
			// Someone joined between us: it is the nearer successor. Its
			// own list is fetched in the next round.
			p.succs = trim(append([]NodeRef{x, succ}, n.Succs...), p.self, p.cfg.Replicas)
		} else {
			p.succs = trim(append([]NodeRef{succ}, n.Succs...), p.self, p.cfg.Replicas)
		}
		succ = p.succs[0]
		p.mu.Unlock()
		if succ.Addr != p.self.Addr {
			if p.call(ctx, succ, "notify", nodeBody{Node: p.self}, nil) != nil && ctx.Err() == nil {
				p.suspect(succ)
			}
		} else {
			p.notified(ctx, p.self)
		}
		return
	}
}

// notified is Chord's notify: n thinks it might be this peer's predecessor.
// It is when it lies between the old predecessor and this peer. The keys
// between the old and the new predecessor now belong to n, so they are
// handed over; this peer keeps its copies, as n's first replica.
func (p *Peer) notified(ctx context.Context, n NodeRef) {
	if n.Addr == p.self.Addr {
		return
	}
	p.mu.Lock()
	old := p.pred
	if !old.IsZero() && old.Addr != n.Addr && !Inside(n.ID, old.ID, p.self.ID) {
		p.mu.Unlock()
		return
	}
	p.pred = n
	if p.succs[0].Addr == p.self.Addr { // the second peer of a ring
		p.succs = []NodeRef{n}
	}
	var moved []Item
	if old.Addr != n.Addr {
		for _, it := range p.items {
			id := Hash(it.Key)
			if !Between(id, n.ID, p.self.ID) && (old.IsZero() || Between(id, old.ID, n.ID)) {
				moved = append(moved, it)
			}
		}
	}
	p.mu.Unlock()
	if len(moved) > 0 {
		// Not while n waits for the answer to its notify: a slow handover
		// would make n's notify time out and n count this peer as gone.
		go p.send(ctx, n, "handover", moved)
	}
	p.report()
}

// checkPredecessor forgets a predecessor that does not answer, so that a
// live peer that notifies us can take its place.
func (p *Peer) checkPredecessor(ctx context.Context) {
	p.mu.Lock()
	pred := p.pred
	p.mu.Unlock()
	if pred.IsZero() || pred.Addr == p.self.Addr {
		return
	}
	if err := p.call(ctx, pred, "ping", struct{}{}, nil); err != nil && ctx.Err() == nil {
		p.suspect(pred)
	}
}

// fixFinger repairs the next finger: fingers[i] is the successor of
// self + 2^i. Fingers that fall before the previous finger need no lookup,
// so a round fills every finger up to the first one that does.
func (p *Peer) fixFinger(ctx context.Context) {
	for range Bits {
		p.mu.Lock()
		i := p.next
		p.next = (p.next + 1) % Bits
		start := p.self.ID.Add(1 << i)
		known := p.succs[0]
		if i > 0 && !p.fingers[i-1].IsZero() {
			known = p.fingers[i-1]
		}
		if Between(start, p.self.ID, known.ID) {
			p.fingers[i] = known
			p.mu.Unlock()
			continue
		}
		p.mu.Unlock()
		succs, _, err := p.Lookup(ctx, start)
		if err != nil {
			return
		}
		p.mu.Lock()
		p.fingers[i] = succs[0]
		p.mu.Unlock()
		return
	}
}

// replicate copies this peer's own keys to its r-1 successors whenever the
// set of successors changed, and every tenth round anyway. Copies it holds
// for other peers are theirs to replicate.
func (p *Peer) replicate(ctx context.Context) {
	p.mu.Lock()
	p.round++
	if p.pred.IsZero() { // the own keys are not known until the predecessor is
		p.mu.Unlock()
		return
	}
	// The own keys change with the predecessor, the copies' holders with
	// the successors: either is a reason to copy again.
	targets := map[string]NodeRef{"": p.pred}
	for _, s := range p.ownListLocked()[1:] {
		targets[s.Addr] = s
	}
	if maps.Equal(targets, p.pushed) && p.round%10 != 0 {
		p.mu.Unlock()
		return
	}
	p.pushed = targets
	var own []Item
	for _, it := range p.items {
		if p.ownsLocked(Hash(it.Key)) {
			own = append(own, it)
		}
	}
	p.mu.Unlock()
	for addr, s := range targets {
		if addr != "" {
			p.send(ctx, s, "replicate", own)
		}
	}
}

// batchBytes bounds the items of one replicate or handover message, well
// within the wire's frame limit of 1 MiB (JSON escaping can double a value).
const batchBytes = 256 << 10

// send sends items to peer s in batches; a peer that does not answer is
// dropped from the routing state, and the next round tries again.
func (p *Peer) send(ctx context.Context, s NodeRef, typ string, items []Item) {
	for len(items) > 0 {
		n, size := 0, 0
		for n < len(items) && (n == 0 || size+len(items[n].Key)+len(items[n].Value) <= batchBytes) {
			size += len(items[n].Key) + len(items[n].Value) + 48 // and the JSON around them
			n++
		}
		if err := p.call(ctx, s, typ, itemsBody{Items: items[:n]}, nil); err != nil {
			if ctx.Err() == nil {
				p.suspect(s)
				p.mu.Lock()
				p.pushed = nil // copy again to whoever is there next round
				p.mu.Unlock()
			}
			return
		}
		items = items[n:]
	}
}

// leaveTimeout bounds the goodbye of a peer that is shutting down.
const leaveTimeout = 2 * time.Second

// leave is a graceful departure: the own keys go to the successor, and the
// neighbours learn of each other at once.
func (p *Peer) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), leaveTimeout)
	defer cancel()
	p.mu.Lock()
	pred, succs := p.pred, slices.Clone(p.succs)
	var own []Item
	for _, it := range p.items {
		if p.ownsLocked(Hash(it.Key)) {
			own = append(own, it)
		}
	}
	p.mu.Unlock()
	succ := succs[0]
	if succ.Addr == p.self.Addr {
		return // alone: nobody to hand anything to
	}
	p.send(ctx, succ, "handover", own)
	bye := leaveBody{Node: p.self, Pred: pred, Succs: succs}
	_ = p.call(ctx, succ, "leave", bye, nil)
	if !pred.IsZero() && pred.Addr != succ.Addr {
		_ = p.call(ctx, pred, "leave", bye, nil)
	}
}

// left updates the routing state when a neighbour leaves: its successor
// takes its predecessor, its predecessor takes its successors.
func (p *Peer) left(b leaveBody) {
	p.mu.Lock()
	if p.pred.Addr == b.Node.Addr {
		p.pred = b.Pred
		if p.pred.Addr == p.self.Addr {
			p.pred = NodeRef{}
		}
	}
	if i := slices.IndexFunc(p.succs, func(s NodeRef) bool { return s.Addr == b.Node.Addr }); i >= 0 {
		rest := slices.DeleteFunc(slices.Clone(p.succs[i+1:]), func(s NodeRef) bool { return s.Addr == b.Node.Addr })
		p.succs = trim(append(append(slices.Clone(p.succs[:i]), b.Succs...), rest...), p.self, p.cfg.Replicas)
	}
	for i, f := range p.fingers {
		if f.Addr == b.Node.Addr {
			p.fingers[i] = NodeRef{}
		}
	}
	p.pushed = nil
	p.mu.Unlock()
	p.report()
}
