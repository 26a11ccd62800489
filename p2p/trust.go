package p2p

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"

	"dsdemo/models/wire"
)

// A peer believes nothing it is told without looking: anybody can open a
// connection and type a message. Every body read from the network, request
// or reply, is checked before it is used (readBody), and a peer named by
// another is asked who it is before it becomes a neighbour (verify).

// checked is a message body that can say whether it is well formed: every
// body a peer reads from the network, request or reply, is one.
type checked interface{ check() error }

// readBody decodes the body of e into v and checks it.
func readBody(e wire.Envelope, v checked) error {
	if err := e.UnmarshalBody(v); err != nil {
		return err
	}
	if err := v.check(); err != nil {
		return fmt.Errorf("%s message: %w", e.Type, err)
	}
	return nil
}

func checkKey(key string) error {
	switch {
	case key == "":
		return errors.New("a key must not be empty")
	case len(key) > MaxKey:
		return fmt.Errorf("a key of %d bytes; at most %d", len(key), MaxKey)
	}
	return nil
}

func (it Item) check() error {
	if err := checkKey(it.Key); err != nil {
		return err
	}
	if len(it.Value) > MaxValue {
		return fmt.Errorf("a value of %d bytes; at most %d", len(it.Value), MaxValue)
	}
	return nil
}

func (FindBody) check() error { return nil } // every uint32 is a position

func (b NodeBody) check() error { return b.Node.check() }

func (b KeyBody) check() error { return checkKey(b.Key) }

func (b ItemsBody) check() error {
	if len(b.Items) == 0 || len(b.Items) > maxBatch {
		return fmt.Errorf("%d items; from 1 to %d", len(b.Items), maxBatch)
	}
	for _, it := range b.Items {
		if err := it.check(); err != nil {
			return err
		}
	}
	return nil
}

func (b Neighbours) check() error {
	if err := b.Pred.checkOptional(); err != nil {
		return fmt.Errorf("predecessor: %w", err)
	}
	return checkList("successors", b.Succs, MaxSuccessors)
}

func (s Step) check() error {
	if s.Done && len(s.Succs) == 0 {
		return errors.New("a lookup step that is done names no successor")
	}
	if err := checkList("successors", s.Succs, MaxSuccessors); err != nil {
		return err
	}
	return checkList("closer peers", s.Next, maxRefs)
}

func (f Fetched) check() error {
	if f.Found {
		if err := f.Item.check(); err != nil {
			return err
		}
	}
	return f.Peer.check()
}

func (b LeaveBody) check() error {
	if err := b.Node.check(); err != nil {
		return err
	}
	if err := b.Pred.checkOptional(); err != nil {
		return fmt.Errorf("predecessor: %w", err)
	}
	return checkList("successors", b.Succs, MaxSuccessors)
}

// check refuses a reference read from the network that no peer could
// have: one without a name or a usable address, or one whose position is
// not where its name or address puts it. A peer's position is the hash of
// its name, or of its address when it has none of its own (newPeer), so
// anybody can recompute it; a peer that claims another position lies.
func (r NodeRef) check() error {
	if r.Addr == "" || r.Name == "" {
		return errors.New("a peer needs an address and a name")
	}
	if len(r.Name) > MaxName {
		return fmt.Errorf("a peer name of %d bytes; at most %d", len(r.Name), MaxName)
	}
	host, port, err := net.SplitHostPort(r.Addr)
	if n, perr := strconv.Atoi(port); err != nil || len(r.Addr) > maxAddr || host == "" || perr != nil || n < 1 || n > 65535 {
		return fmt.Errorf("bad peer address %q", r.Addr)
	}
	if r.ID != Hash(r.Name) && r.ID != Hash(r.Addr) {
		return fmt.Errorf("position %s of %s at %s is the hash of neither its name nor its address", r.ID, r.Name, r.Addr)
	}
	return nil
}

// checkOptional is check for a reference that may name nobody, such as a
// predecessor not known yet.
func (r NodeRef) checkOptional() error {
	if r == (NodeRef{}) {
		return nil
	}
	return r.check()
}

// checkList checks every reference of a list of at most max peers.
func checkList(what string, list []NodeRef, max int) error {
	if len(list) > max {
		return fmt.Errorf("%d %s; at most %d", len(list), what, max)
	}
	for _, r := range list {
		if err := r.check(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

func (s Stored) check() error {
	if err := checkKey(s.Key); err != nil {
		return err
	}
	if s.Hops < 0 || s.Hops > maxHops {
		return fmt.Errorf("%d hops; at most %d", s.Hops, maxHops)
	}
	return s.Peer.check()
}

func (f Found) check() error {
	if err := (Item{Key: f.Key, Value: f.Value}).check(); err != nil {
		return err
	}
	if f.Hops < 0 || f.Hops > maxHops {
		return fmt.Errorf("%d hops; at most %d", f.Hops, maxHops)
	}
	return f.Peer.check()
}

func (s State) check() error {
	if err := s.Self.check(); err != nil {
		return err
	}
	if err := s.Pred.checkOptional(); err != nil {
		return fmt.Errorf("predecessor: %w", err)
	}
	if err := checkList("successors", s.Succs, MaxSuccessors); err != nil {
		return err
	}
	if s.Keys < 0 || s.Own < 0 || s.Own > s.Keys {
		return fmt.Errorf("%d keys, %d of them own", s.Keys, s.Own)
	}
	return checkList("fingers", s.Fingers, bits)
}

func (v RingView) check() error {
	if err := v.Self.check(); err != nil {
		return err
	}
	if len(v.Walk) > maxWalk {
		return fmt.Errorf("a walk of %d peers; at most %d", len(v.Walk), maxWalk)
	}
	for _, s := range v.Walk {
		if err := s.check(); err != nil {
			return err
		}
	}
	return nil
}

// verify asks n who it is before this peer adopts it as a neighbour: a
// reference from the network is believed only when the peer at its
// address answers with exactly that reference. Its position has been
// recomputed already (NodeRef.check), so a liar can neither take a
// position it does not hash to nor pass itself off as another peer.
func (p *peer) verify(ctx context.Context, n NodeRef) error {
	if err := n.check(); err != nil {
		return err
	}
	var who NodeBody
	if err := p.call(ctx, n, TypePing, struct{}{}, &who); err != nil {
		// %v, not %w: a remote error inside would become the whole
		// reason of this peer's own error reply.
		return fmt.Errorf("%s does not answer at %s: %v", n, n.Addr, err)
	}
	if who.Node != n {
		return fmt.Errorf("%s claims %s, but the peer there answers as %s", n, n.Addr, who.Node)
	}
	return nil
}

// vetted returns the first r peers of list (without self and repeats, as
// trim does) that this peer already has as neighbours or that answer as
// themselves when asked (verify); the others are left out.
func (p *peer) vetted(ctx context.Context, list []NodeRef, r int) []NodeRef {
	p.mu.Lock()
	known := append([]NodeRef{p.pred}, p.succs...)
	p.mu.Unlock()
	var out []NodeRef
	for _, n := range trim(list, p.self, len(list)) {
		if len(out) == r {
			break
		}
		if n.Addr == p.self.Addr {
			continue // trim's answer for an empty list
		}
		if slices.Contains(known, n) || p.verify(ctx, n) == nil {
			out = append(out, n)
		}
	}
	return out
}
