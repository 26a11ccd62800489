package p2p

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// maintain runs one maintenance round, as every peer does periodically:
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
func (p *peer) maintain(ctx context.Context) {
	p.stabilize(ctx)
	p.checkPredecessor(ctx)
	p.fixFinger(ctx)
	p.replicate(ctx)
	p.forget()
	p.report()
}

// stabilize verifies the successor and tells it about this peer. What
// the successor answers is checked before it is believed: a peer it names
// as its predecessor or successor joins this peer's list only after it
// answered as itself (vetted).
func (p *peer) stabilize(ctx context.Context) {
	for ctx.Err() == nil {
		p.mu.Lock()
		succ := p.succs[0]
		var n Neighbours
		if succ.Addr == p.self.Addr { // alone, or the last one standing
			n = Neighbours{Pred: p.pred, Succs: slices.Clone(p.succs)}
		}
		p.mu.Unlock()
		if succ.Addr != p.self.Addr {
			if err := p.call(ctx, succ, TypePredecessor, struct{}{}, &n); err != nil {
				if ctx.Err() == nil {
					p.suspect(succ) // try the next one on the list
					continue
				}
				return
			}
		}
		list := append([]NodeRef{succ}, n.Succs...)
		if x := n.Pred; !x.isZero() && x.Addr != p.self.Addr && inside(x.ID, p.self.ID, succ.ID) {
			// Someone joined between us: it is the nearer successor. Its
			// own list is fetched in the next round.
			list = append([]NodeRef{x}, list...)
		}
		list = p.vetted(ctx, list, p.cfg.Replicas)
		p.mu.Lock()
		p.succs = trim(list, p.self, p.cfg.Replicas)
		succ = p.succs[0]
		p.mu.Unlock()
		if succ.Addr != p.self.Addr {
			if err := p.call(ctx, succ, TypeNotify, NodeBody{Node: p.self}, nil); silent(err) && ctx.Err() == nil {
				p.suspect(succ)
			}
		}
		return
	}
}

// notified is Chord's notify: n thinks it might be this peer's
// predecessor. It is when this peer knows no predecessor, or n lies
// between the old predecessor and this peer; otherwise the notify is
// ignored, as the paper has it. Before n is adopted it must prove to be
// what it claims (verify): a forged notify would otherwise hand the keys
// of a whole stretch of the ring to whoever sent it. The keys between the
// old and the new predecessor now belong to n, so they are handed over;
// this peer keeps its copies, as n's first replica.
func (p *peer) notified(ctx context.Context, n NodeRef) error {
	if n == p.self {
		return nil
	}
	if n.Addr == p.self.Addr {
		return fmt.Errorf("%s claims this peer's own address %s", n, n.Addr)
	}
	closer := func() bool { // the caller holds p.mu
		return p.pred != n && (p.pred.isZero() || inside(n.ID, p.pred.ID, p.self.ID))
	}
	p.mu.Lock()
	ok := closer()
	p.mu.Unlock()
	if !ok {
		return nil
	}
	if err := p.verify(ctx, n); err != nil {
		return fmt.Errorf("not taken as predecessor: %w", err)
	}
	p.mu.Lock()
	old := p.pred
	if !closer() { // another peer came first while n was asked
		p.mu.Unlock()
		return nil
	}
	p.pred = n
	if p.succs[0].Addr == p.self.Addr { // the second peer of a ring
		p.succs = []NodeRef{n}
	}
	var moved []Item
	for _, it := range p.items {
		id := Hash(it.Key)
		if !between(id, n.ID, p.self.ID) && (old.isZero() || between(id, old.ID, n.ID)) {
			moved = append(moved, it)
		}
	}
	p.mu.Unlock()
	if len(moved) > 0 {
		// Not while n waits for the answer to its notify: a slow handover
		// would make n's notify time out and n count this peer as gone.
		// Nor on the notify's context: the handover outlasts the request
		// that started it, and is bounded on its own.
		go func() {
			ctx, cancel := p.node.WithTimeout(p.run, handoverTimeout)
			defer cancel()
			p.send(ctx, n, TypeHandover, moved)
		}()
	}
	p.report()
	return nil
}

// checkPredecessor forgets a predecessor that does not answer, or where
// another peer now answers (it restarted under another name), so that a
// live peer that notifies us can take its place.
func (p *peer) checkPredecessor(ctx context.Context) {
	p.mu.Lock()
	pred := p.pred
	p.mu.Unlock()
	if pred.isZero() || pred.Addr == p.self.Addr {
		return
	}
	var who NodeBody
	if err := p.call(ctx, pred, TypePing, struct{}{}, &who); (err != nil || who.Node != pred) && ctx.Err() == nil {
		p.suspect(pred)
	}
}

// fixFinger repairs the next finger: fingers[i] is the successor of
// self + 2^i. Fingers that fall before the previous finger need no lookup,
// so a round fills every finger up to the first one that does.
func (p *peer) fixFinger(ctx context.Context) {
	for range bits {
		p.mu.Lock()
		i := p.next
		p.next = (p.next + 1) % bits
		start := p.self.ID.add(1 << i)
		known := p.succs[0]
		if i > 0 && !p.fingers[i-1].isZero() {
			known = p.fingers[i-1]
		}
		if between(start, p.self.ID, known.ID) {
			p.fingers[i] = known
			p.mu.Unlock()
			continue
		}
		p.mu.Unlock()
		succs, _, err := p.lookup(ctx, start)
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
func (p *peer) replicate(ctx context.Context) {
	p.mu.Lock()
	p.round++
	if p.pred.isZero() { // the own keys are not known until the predecessor is
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
			p.send(ctx, s, TypeReplicate, own)
		}
	}
}

// batchBytes bounds the items of one replicate or handover message, as
// JSON, well within the wire's frame limit of 1 MiB; one item alone is
// always smaller (MaxKey and MaxValue).
const batchBytes = 512 << 10

// batches cuts items into the batches of a replicate or handover: at most
// maxBatch items and batchBytes of JSON each, so that the receiver, which
// refuses more, takes every one.
func batches(items []Item) [][]Item {
	var out [][]Item
	for len(items) > 0 {
		n, size := 0, 0
		for n < len(items) && n < maxBatch {
			b, _ := json.Marshal(items[n]) // an Item always encodes
			if n > 0 && size+len(b)+1 > batchBytes {
				break
			}
			size += len(b) + 1
			n++
		}
		out = append(out, items[:n])
		items = items[n:]
	}
	return out
}

// send sends items to peer s in batches; a peer that does not answer is
// dropped from the routing state, and the next round tries again.
func (p *peer) send(ctx context.Context, s NodeRef, typ string, items []Item) {
	for _, batch := range batches(items) {
		if err := p.call(ctx, s, typ, ItemsBody{Items: batch}, nil); err != nil {
			if ctx.Err() == nil {
				if silent(err) {
					p.suspect(s)
				}
				p.mu.Lock()
				p.pushed = nil // copy again to whoever is there next round
				p.mu.Unlock()
			}
			return
		}
	}
}

// leaveTimeout bounds the goodbye of a peer that is shutting down.
const leaveTimeout = 2 * time.Second

// handoverTimeout bounds the handover to a new predecessor after its
// notify. One cut short leaves the keys where they were, with this peer
// and its successors, where a get still finds them among the copies.
const handoverTimeout = 10 * time.Second

// leave is a graceful departure: the own keys go to the successor, and the
// neighbours learn of each other at once.
func (p *peer) leave() {
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
	p.send(ctx, succ, TypeHandover, own)
	bye := LeaveBody{Node: p.self, Pred: pred, Succs: succs}
	_ = p.call(ctx, succ, TypeLeave, bye, nil)
	if !pred.isZero() && pred.Addr != succ.Addr {
		_ = p.call(ctx, pred, TypeLeave, bye, nil)
	}
}

// left updates the routing state when a neighbour leaves: its successor
// takes its predecessor, its predecessor takes its successors. A leave is
// believed only when the leaver is really gone (it no longer answers), and
// the neighbours it names are asked who they are before they are adopted,
// so a forged leave cannot cut a live peer out of the ring or slip another
// one in.
func (p *peer) left(ctx context.Context, b LeaveBody) error {
	p.mu.Lock()
	wasPred, succs := p.pred == b.Node, slices.Clone(p.succs)
	p.mu.Unlock()
	i := slices.Index(succs, b.Node)
	if !wasPred && i < 0 {
		return nil // not a neighbour of this peer; the rounds will see to the fingers
	}
	if p.verify(ctx, b.Node) == nil {
		return fmt.Errorf("%s still answers at %s: it has not left", b.Node, b.Node.Addr)
	}
	var pred NodeRef
	if wasPred && !b.Pred.isZero() && b.Pred.Addr != p.self.Addr && p.verify(ctx, b.Pred) == nil {
		pred = b.Pred
	}
	if i >= 0 {
		rest := slices.DeleteFunc(slices.Clone(succs[i+1:]), func(s NodeRef) bool { return s == b.Node })
		succs = p.vetted(ctx, append(append(succs[:i:i], b.Succs...), rest...), p.cfg.Replicas)
	}
	p.mu.Lock()
	if p.pred == b.Node {
		p.pred = pred // nobody, if the one named did not answer: a notify will come
	}
	if i >= 0 && slices.Contains(p.succs, b.Node) {
		p.succs = trim(succs, p.self, p.cfg.Replicas)
	}
	for i, f := range p.fingers {
		if f.Addr == b.Node.Addr {
			p.fingers[i] = NodeRef{}
		}
	}
	p.pushed = nil
	p.mu.Unlock()
	p.report()
	return nil
}
