package mobilecode

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// A signature proves who wrote a run request, not that it is new: a man in
// the middle who recorded one can send it again, and the server would run
// the script again (and again). So the client signs a nonce (a random
// number used once) and the time with the script, and the server
//
//   - refuses a request signed more than ReplayWindow ago (stale), or
//     signed before the server itself started (it cannot know what it ran
//     before), or signed in the future beyond MaxClockSkew;
//   - remembers the nonce of every request it accepts until that request
//     is stale, and refuses a nonce it remembers (a replay).
//
// The nonces a server remembers are bounded: at most maxRemembered, which
// is also how many remote evaluations it accepts per ReplayWindow. A server
// that forgot a nonce before its request went stale would run a replay.

// ReplayWindow is how long a run request stays valid after the client
// signed it.
const ReplayWindow = time.Minute

// MaxClockSkew is how far ahead of the server's clock a client's may run.
const MaxClockSkew = 5 * time.Second

// maxRemembered bounds the nonces a server keeps.
const maxRemembered = 10_000

// processStart is when this process started, before it could listen: a
// request signed earlier may have reached an earlier server on this
// address, whose nonces died with it.
var processStart = time.Now()

// ErrReplay: the server has run this very request before.
var ErrReplay = errors.New("refused: this run request was received before (a replay); each request runs once")

// replayGuard is the server's memory of the run requests it accepted.
type replayGuard struct {
	started time.Time

	mu   sync.Mutex                    // guards seen
	seen map[[NonceSize]byte]time.Time // nonce -> when its request goes stale
}

func newReplayGuard(started time.Time) *replayGuard {
	return &replayGuard{started: started.Truncate(time.Millisecond), seen: map[[NonceSize]byte]time.Time{}}
}

// admit accepts a verified request once, at time now.
func (g *replayGuard) admit(r RunRequest, now time.Time) error {
	// Times are compared, not subtracted: a difference of centuries would
	// not fit in a time.Duration.
	switch {
	case len(r.Nonce) != NonceSize:
		return fmt.Errorf("bad run message: the nonce has %d bytes, want %d", len(r.Nonce), NonceSize)
	case r.Issued.After(now.Add(MaxClockSkew)):
		return fmt.Errorf("refused: the run request is signed %s in the future: the client's clock is wrong", r.Issued.Sub(now).Round(time.Second))
	case r.Issued.Before(now.Add(-ReplayWindow)):
		return fmt.Errorf("refused: the run request is stale: signed %s ago, and a request is valid for %s", now.Sub(r.Issued).Round(time.Second), ReplayWindow)
	case r.Issued.Before(g.started):
		return errors.New("refused: the run request was signed before this server started, so the server cannot know whether it ran it already")
	}
	nonce := [NonceSize]byte(r.Nonce)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.seen[nonce]; ok {
		return ErrReplay
	}
	if len(g.seen) >= maxRemembered {
		for n, stale := range g.seen {
			if now.After(stale) {
				delete(g.seen, n)
			}
		}
		if len(g.seen) >= maxRemembered {
			return fmt.Errorf("refused: more than %d run requests in the last %s; try again later", maxRemembered, ReplayWindow)
		}
	}
	g.seen[nonce] = r.Issued.Add(ReplayWindow)
	return nil
}
