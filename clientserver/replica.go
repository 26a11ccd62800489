package clientserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"dsdemo/models/wire"
)

// This file is replicate mode: passing writes on, suspecting a replica that
// does not answer in time, and catching a replica up that may have missed
// writes. The package doc says what the group promises.

// peer is another server of the group, as this one sees it.
type peer struct {
	addr string
	pool *wire.Pool
	wake chan struct{} // buffered 1: the peer has just become suspect

	// guarded by server.mu
	name    string // its node name once it has spoken to us; its address until then
	suspect bool   // it missed a deadline and has not answered since: writes do not wait for it
}

// How often a replica tries again: a suspect peer is asked whether it is
// back, and a peer whose store cannot be copied yet is asked again, first
// after retryFirst, then twice as long each time, up to retryMost.
const (
	retryFirst = 100 * time.Millisecond
	retryMost  = 2 * time.Second
)

// majority is how many servers must hold a write before a client is told ok.
func (s *server) majority() int { return len(s.group)/2 + 1 }

// reachable returns the peers that are not suspect.
func (s *server) reachable() []*peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var up []*peer
	for _, addr := range s.group {
		if p := s.peers[addr]; p != nil && !p.suspect {
			up = append(up, p)
		}
	}
	return up
}

// tooFew refuses a write before it is carried out when fewer than a
// majority of the group answer; nil when enough do, as far as this server
// knows.
func (s *server) tooFew() error {
	if n := 1 + len(s.reachable()); n < s.majority() {
		return fmt.Errorf("too few servers: %d of %d answer, fewer than a majority (%d); the write was not carried out",
			n, len(s.group), s.majority())
	}
	return nil
}

// replicate passes the write w, already applied here, to the other
// replicas, and says whether the client may be told ok. Every error it
// returns either means that w will never be the key's value anywhere (a
// stale write), or says that the outcome is unknown.
func (s *server) replicate(ctx context.Context, w Replica) error {
	sent := s.fanOut(ctx, w, s.reachable())
	if sent.newer != nil {
		// A replica holds a newer version than w: this server had missed
		// it. Take it, and give it to the replicas that took w. Once each
		// of them holds it (or one newer still), w is nowhere the key's
		// value, and the client may send it again with a later clock.
		s.apply(*sent.newer)
		holders := slices.Concat(sent.took, sent.behind)
		back := s.fanOut(ctx, *sent.newer, holders)
		if missing := len(holders) - len(back.took) - len(back.behind) - len(back.ahead); missing > 0 {
			return fmt.Errorf("%s: the write of %q met a newer version on a replica, and %d of the %d replicas that took it did not take the newer one back",
				reasonUnknown, w.Key, missing, len(holders))
		}
		return staleWrite(sent.newer)
	}
	if copies := 1 + len(sent.took); copies < s.majority() {
		return fmt.Errorf("%s: the write of %q reached %d of %d servers, fewer than a majority (%d): it may or may not last",
			reasonUnknown, w.Key, copies, len(s.group), s.majority())
	}
	return nil
}

// fanned is what fanOut found out about one write.
type fanned struct {
	took   []*peer  // took the write, and count towards a majority
	behind []*peer  // took the write but are catching up: they do not know yet what else they should hold, so they do not count
	ahead  []*peer  // kept a newer version instead
	newer  *Replica // the newest of those versions
}

// fanOut sends w to the peers to, all at once, and waits for their
// answers, each for at most the timeout. A peer that does not answer in
// time becomes suspect, so the next write does not wait for it.
func (s *server) fanOut(ctx context.Context, w Replica, to []*peer) fanned {
	var (
		mu  sync.Mutex // guards out
		wg  sync.WaitGroup
		out fanned
	)
	for _, p := range to {
		wg.Go(func() {
			cctx, cancel := s.node.WithTimeout(ctx, s.cfg.Timeout)
			defer cancel()
			var res ReplicateResult
			reply, err := s.ask(cctx, p, TypeReplicate, w, &res)
			var remote *wire.RemoteError
			switch {
			case ctx.Err() != nil:
				return
			case errors.As(err, &remote):
				s.node.Trace.Logf("%s refused the write of %q: %s", s.nameOf(p), w.Key, remote.Reason)
				return
			case errors.Is(err, errBadReply):
				s.node.Trace.Logf("the answer to the write of %q is not to be trusted: %v", w.Key, err)
				return
			case err != nil:
				s.suspect(p, err)
				return
			}
			if res.Newer != nil {
				if err := checkReplica(*res.Newer, reply.Clock); err != nil || res.Newer.Key != w.Key {
					s.node.Trace.Logf("%s answered the write of %q with a bad newer version: %v", s.nameOf(p), w.Key, err)
					return
				}
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case res.Newer != nil:
				out.ahead = append(out.ahead, p)
				if out.newer == nil || out.newer.Version.less(res.Newer.Version) {
					out.newer = res.Newer
				}
			case res.CatchingUp:
				out.behind = append(out.behind, p)
			default:
				out.took = append(out.took, p)
			}
		})
	}
	wg.Wait()
	return out
}

// serveReplica answers the messages between replicas, each sealed by a
// server of the group (seal.go), with a sealed reply.
func (s *server) serveReplica(req wire.Envelope) (any, error) {
	switch req.Type {
	case TypeReplicate:
		var w Replica
		sd, err := s.openRequest(req, &w)
		if err != nil {
			return nil, err
		}
		if err := checkReplica(w, req.Clock); err != nil {
			return nil, err
		}
		// A replicate that an attacker sends again is harmless: it carries
		// its version, and an older one never replaces a newer one.
		res := ReplicateResult{}
		if _, kept := s.apply(w); kept != nil && w.Version.less(kept.Version) {
			res.Newer = kept
		} else {
			res.CatchingUp = s.catchingUp()
		}
		return s.sealReply(req, sd, res)
	case TypeSync:
		var r SyncRequest
		sd, err := s.openRequest(req, &r)
		if err != nil {
			return nil, err
		}
		if p := s.peers[sd.Sender]; p != nil {
			// A peer that copies our store is alive. Writes wait for it
			// again from now on, before the page is read, so every write
			// reaches it one way or the other.
			s.learn(p, req.From)
			s.answered(p)
		}
		page, more := s.store.since(r.After, syncBytes)
		s.mu.Lock()
		restarted := s.restarted
		s.mu.Unlock()
		return s.sealReply(req, sd, SyncPage{Entries: page, More: more, Incomplete: restarted})
	default: // TypeCatchUp, the last one handle passes on
		var none struct{}
		sd, err := s.openRequest(req, &none)
		if err != nil {
			return nil, err
		}
		s.node.Trace.Logf("%s says this replica may have missed writes", req.From)
		s.fallBehind()
		return s.sealReply(req, sd, none)
	}
}

// checkReplica checks an entry that came from the network in a message
// sent at Lamport time sent. An honest sender's clock has passed every
// version it holds, so a version later than its message is a forgery or a
// bug, and believing it would pin the key above every later write.
func checkReplica(w Replica, sent uint64) error {
	switch {
	case w.Key == "" || len(w.Key) > MaxKey:
		return fmt.Errorf("replica entry needs a key of 1 to %d bytes", MaxKey)
	case len(w.Value) > MaxValue:
		return fmt.Errorf("replica entry's value of %d bytes is longer than the limit of %d", len(w.Value), MaxValue)
	case w.Version.Node == "" || len(w.Version.Node) > maxNode:
		return fmt.Errorf("replica entry needs a version node of 1 to %d bytes", maxNode)
	case w.Version.Clock > sent:
		return fmt.Errorf("replica entry's version %d is later than the message that carries it (%d)", w.Version.Clock, sent)
	}
	return nil
}

// suspected reports whether p is suspect.
func (s *server) suspected(p *peer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return p.suspect
}

// suspect marks p as suspect after it missed a deadline (or could not be
// reached): from now on writes neither wait for it nor go to it, and its
// watcher asks it from time to time whether it is back.
func (s *server) suspect(p *peer, cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.suspect {
		return
	}
	p.suspect = true
	s.node.Trace.Logf("%s did not answer in time (%v): suspected; writes no longer wait for it", p.name, cause)
	s.reportSuspects()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// answered ends the suspicion of p, which has answered again.
func (s *server) answered(p *peer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !p.suspect {
		return
	}
	p.suspect = false
	s.node.Trace.Logf("%s answers again: writes wait for it again", p.name)
	s.reportSuspects()
}

// reportSuspects tells the trace which peers are suspect; s.mu is held.
func (s *server) reportSuspects() {
	var names []string
	for _, p := range s.peers {
		if p.suspect {
			names = append(names, p.name)
		}
	}
	slices.Sort(names)
	value := strings.Join(names, ",")
	if value == "" {
		value = "none"
	}
	s.node.Trace.State("suspect", value)
}

// learn remembers the node name p gave in a message.
func (s *server) learn(p *peer, name string) {
	if name == "" || len(name) > maxNode {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p.name = name
}

func (s *server) nameOf(p *peer) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return p.name
}

// watch runs for as long as the server does. Each time p becomes suspect
// it asks p, with growing pauses, to catch up; the first answer ends the
// suspicion, and p then copies what it missed from its peers.
func (s *server) watch(ctx context.Context, p *peer) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
		for wait := retryFirst; s.suspected(p); wait = min(2*wait, retryMost) {
			if !pause(ctx, wait) {
				return
			}
			cctx, cancel := s.node.WithTimeout(ctx, s.cfg.Timeout)
			_, err := s.ask(cctx, p, TypeCatchUp, struct{}{}, &struct{}{})
			cancel()
			var remote *wire.RemoteError
			if err == nil || errors.As(err, &remote) {
				s.answered(p)
			}
		}
	}
}

// catchingUp reports whether this replica refuses clients while it copies
// its peers.
func (s *server) catchingUp() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.catching
}

// fallBehind records that this replica may have missed writes (it has just
// started, or a peer suspected it) and wakes the catch-up.
func (s *server) fallBehind() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.catching {
		s.catching = true
		s.node.Trace.State("sync", "catching up")
	}
	select {
	case s.behind <- struct{}{}:
	default:
	}
}

// catchUp runs for as long as the server does. Each time the replica falls
// behind it copies the stores of its peers, merging entry by entry (each
// key keeps its newest version, so the order does not matter), and then
// serves clients again. Writes that arrive meanwhile are applied as usual.
//
// After its first catch-up a replica that has just started asks its peers
// to catch up in turn: it may have taken writes before it crashed that a
// peer missed, and the server that would have told that peer is itself.
func (s *server) catchUp(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.behind:
		}
		s.mu.Lock()
		restarted := s.restarted
		s.mu.Unlock()
		copied, ok := s.copyPeers(ctx, s.needed(restarted))
		if !ok {
			return
		}
		s.mu.Lock()
		s.restarted = false
		// Behind again while copying: one more round before serving.
		done := len(s.behind) == 0
		if done {
			s.catching = false
			s.node.Trace.State("sync", "in sync")
		}
		s.mu.Unlock()
		if restarted && copied > 0 {
			for _, p := range s.peers {
				go s.tellToCatchUp(ctx, p)
			}
		}
	}
}

// needed is how many peers a replica must copy to be sure it holds every
// acknowledged write. Each such write is on a majority. One that this
// replica missed is on a majority of the others, so copying all but
// majority-1 of the others finds it. A replica that restarted has also
// forgotten the writes it took itself: one more.
//
// With three servers: a replica that was frozen copies one peer, one that
// restarted copies both.
func (s *server) needed(restarted bool) int {
	n := len(s.group) - s.majority()
	if restarted {
		n++
	}
	return max(n, 1)
}

// tellToCatchUp asks p to catch up. A peer that does not answer becomes
// suspect, and its watcher asks it again until it does.
func (s *server) tellToCatchUp(ctx context.Context, p *peer) {
	cctx, cancel := s.node.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	_, err := s.ask(cctx, p, TypeCatchUp, struct{}{}, &struct{}{})
	var remote *wire.RemoteError
	switch {
	case ctx.Err() != nil, err == nil, errors.As(err, &remote):
	default:
		s.suspect(p, err)
	}
}

// copyPeers copies the stores of peers into this one until it holds the
// whole store of need of them, and returns how many entries it copied. A
// peer that does not answer is asked again, with growing pauses, for as
// long as it takes: the writes this replica lacks may be exactly there. A
// peer that is itself catching up after a restart may lack writes it once
// took, so its copy is merged but not counted. A peer whose address
// refuses the connection has no process behind it, so it holds nothing (a
// server keeps its store in memory); what it held is on other peers or
// lost, and need shrinks to the peers left. When every peer left answers
// but is catching up after a restart, nobody holds more than this replica
// has copied: it stops there. ok is false when ctx ended first.
func (s *server) copyPeers(ctx context.Context, need int) (copied int, ok bool) {
	pending := make([]*peer, 0, len(s.peers))
	for _, addr := range s.group {
		if p := s.peers[addr]; p != nil {
			pending = append(pending, p)
		}
	}
	need = min(need, len(pending))
	done := 0
	after := map[*peer]string{} // how far each copy got, so a retry goes on from there
	for wait := retryFirst; ; wait = min(2*wait, retryMost) {
		var left []*peer
		silent := 0 // peers that did not answer in this round
		for _, p := range pending {
			if done >= need {
				return copied, true
			}
			last := after[p]
			n, whole, err := s.copyFrom(ctx, p, &last)
			after[p] = last
			copied += n
			switch {
			case ctx.Err() != nil:
				return copied, false
			case err == nil && whole:
				s.node.Trace.Logf("copied %d entries from %s", n, s.nameOf(p))
				done++
			case err == nil:
				s.node.Trace.Logf("copied %d entries from %s, which is catching up after a restart itself", n, s.nameOf(p))
				after[p] = ""
				left = append(left, p)
			case errors.Is(err, syscall.ECONNREFUSED):
				s.node.Trace.Logf("%s is not running: nothing to copy from it", s.nameOf(p))
				need--
			default:
				s.node.Trace.Logf("cannot copy the store of %s yet (%v); asking again in %s", s.nameOf(p), err, wait)
				left = append(left, p)
				silent++
			}
		}
		pending = left
		if done >= need || silent == 0 {
			return copied, true
		}
		if !pause(ctx, wait) {
			return copied, false
		}
	}
}

// copyFrom copies the entries of p's store after *after, page by page, and
// returns how many; *after is the last key copied. whole reports that p
// was not itself catching up after a restart while it sent them.
func (s *server) copyFrom(ctx context.Context, p *peer, after *string) (n int, whole bool, err error) {
	whole = true
	for {
		cctx, cancel := s.node.WithTimeout(ctx, s.cfg.Timeout)
		var page SyncPage
		reply, err := s.ask(cctx, p, TypeSync, SyncRequest{After: *after}, &page)
		cancel()
		if err != nil {
			return n, false, err
		}
		whole = whole && !page.Incomplete
		for _, e := range page.Entries {
			if e.Key <= *after {
				return n, false, fmt.Errorf("sync page out of order at key %q", e.Key)
			}
			*after = e.Key
			if err := checkReplica(e, reply.Clock); err != nil {
				s.node.Trace.Logf("skipped an entry from %s: %v", s.nameOf(p), err)
				continue
			}
			s.apply(e)
			n++
		}
		if !page.More || len(page.Entries) == 0 {
			return n, whole, nil
		}
	}
}

// pause waits for d, or until ctx ends; it reports whether d passed.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
