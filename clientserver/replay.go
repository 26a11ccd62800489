package clientserver

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// The seal proves that a member of the group sent a forwarded request, not
// that it is new. And a forwarded put or del is not harmless when it comes
// twice: the owner gives it a fresh version from its own clock, so a put
// captured on the way and sent again a minute later would overwrite every
// write of the key since. So the owner takes each forwarded request once
// (the idea of mobilecode/replay.go):
//
//   - the seal covers the time the request was sealed (Issued), and a
//     request sealed more than forwardWindow ago is refused as stale, one
//     sealed more than maxSkew in the future as a sign that the servers'
//     clocks disagree;
//   - the owner remembers the nonce of every forwarded request it takes
//     until that request is stale, and refuses a nonce it remembers.
//
// The memory is two generations of nonces: the recent one, and the one
// before it, dropped when the recent one is forwardWindow+maxSkew old (by
// then each of its requests is stale) or holds maxRemembered nonces. When
// load drops a generation before its requests are stale, the guard raises
// its floor instead of forgetting too early: a request sealed before the
// floor may have been taken in what the guard no longer remembers, so it is
// refused as well. The floor starts where the process started, since a
// server that restarted has forgotten what it took before. So memory stays
// bounded at any rate, and a replay is refused at any rate.
//
// A forwarder waits only --timeout (a second) for the owner, so a request
// that arrives after forwardWindow has nobody waiting for it anyway.
const (
	forwardWindow = 10 * time.Second
	maxSkew       = 2 * time.Second
	maxRemembered = 1 << 17 // nonces in one generation: about 11,000 forwarded requests a second before the floor rises
)

// processStart is when this process started, before it could listen.
var processStart = time.Now()

// errReplay is the refusal of a forwarded request taken before.
var errReplay = errors.New("a replay: this forwarded request was taken before, and each is taken once")

// replayGuard is an owner's memory of the forwarded requests it took.
type replayGuard struct {
	mu     sync.Mutex          // guards the fields below
	floor  time.Time           // a request sealed earlier is refused: it may have been taken and forgotten
	since  time.Time           // when recent began
	recent map[string]struct{} // the nonces taken since since
	older  map[string]struct{} // the generation before
}

func newReplayGuard(started time.Time) *replayGuard {
	started = started.Truncate(time.Millisecond) // Issued has milliseconds
	return &replayGuard{floor: started, since: started, recent: map[string]struct{}{}}
}

// admit takes the forwarded request sealed as sd once, at time now; the
// seal must have been checked already, so only members fill the memory.
func (g *replayGuard) admit(sd Sealed, now time.Time) error {
	// Times are compared, not subtracted: a difference of centuries would
	// not fit in a time.Duration.
	issued := time.UnixMilli(sd.Issued)
	switch {
	case sd.Nonce == "":
		return errors.New("a forwarded request needs a nonce")
	case issued.After(now.Add(maxSkew)):
		return fmt.Errorf("sealed %s in the future: the clocks of the group's servers disagree", issued.Sub(now).Round(time.Millisecond))
	case issued.Before(now.Add(-forwardWindow)):
		return fmt.Errorf("stale: sealed %s ago, and a forwarded request is valid for %s", now.Sub(issued).Round(time.Millisecond), forwardWindow)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !now.Before(g.since.Add(forwardWindow+maxSkew)) || len(g.recent) >= maxRemembered {
		// What is kept now was taken from g.since on; a request sealed
		// maxSkew after that cannot have been taken earlier.
		g.floor = later(g.floor, g.since.Add(maxSkew))
		g.older, g.recent, g.since = g.recent, make(map[string]struct{}, len(g.recent)), now
	}
	if issued.Before(g.floor) {
		return errors.New("sealed before what this server remembers (it started since, or is very busy), so it cannot tell whether this is a replay")
	}
	_, inRecent := g.recent[sd.Nonce]
	_, inOlder := g.older[sd.Nonce]
	if inRecent || inOlder {
		return errReplay
	}
	g.recent[sd.Nonce] = struct{}{}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
