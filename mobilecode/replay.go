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
//   - refuses a request signed more than replayWindow ago (stale), or
//     signed before the server itself started (it cannot know what it ran
//     before), or signed in the future beyond maxClockSkew;
//   - remembers the nonce of every request it accepts until that request
//     is stale, and refuses a nonce it remembers (a replay).
//
// The nonces a server remembers are bounded: at most maxRemembered, which
// is also how many remote evaluations it accepts per replayWindow. A server
// that forgot a nonce before its request went stale would run a replay.

// replayWindow is how long a run request stays valid after the client
// signed it.
const replayWindow = time.Minute

// maxClockSkew is how far ahead of the server's clock a client's may run.
const maxClockSkew = 5 * time.Second

// maxRemembered bounds the nonces a server keeps.
const maxRemembered = 10_000

// processStart is when this process started, before it could listen: a
// request signed earlier may have reached an earlier server on this
// address, whose nonces died with it.
var processStart = time.Now()

// errReplay: the server has run this very request before.
var errReplay = errors.New("refused: this run request was received before (a replay); each request runs once")

// replayGuard is the server's memory of the run requests it accepted.
type replayGuard struct {
	started time.Time

	mu   sync.Mutex                    // guards seen
	seen map[[nonceSize]byte]time.Time // nonce -> when its request goes stale
}

func newReplayGuard(started time.Time) *replayGuard {
	return &replayGuard{started: started.Truncate(time.Millisecond), seen: map[[nonceSize]byte]time.Time{}}
}

// admit accepts a verified request once, at time now.
func (g *replayGuard) admit(r runRequest, now time.Time) error {
	// Times are compared, not subtracted: a difference of centuries would
	// not fit in a time.Duration.
	switch {
	case len(r.Nonce) != nonceSize:
		return fmt.Errorf("bad run message: the nonce has %d bytes, want %d", len(r.Nonce), nonceSize)
	case r.Issued.After(now.Add(maxClockSkew)):
		return fmt.Errorf("refused: the run request is signed %s in the future: the client's clock is wrong", r.Issued.Sub(now).Round(time.Second))
	case r.Issued.Before(now.Add(-replayWindow)):
		return fmt.Errorf("refused: the run request is stale: signed %s ago, and a request is valid for %s", now.Sub(r.Issued).Round(time.Second), replayWindow)
	case r.Issued.Before(g.started):
		return errors.New("refused: the run request was signed before this server started, so the server cannot know whether it ran it already")
	}
	nonce := [nonceSize]byte(r.Nonce)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.seen[nonce]; ok {
		return errReplay
	}
	if len(g.seen) >= maxRemembered {
		for n, stale := range g.seen {
			if now.After(stale) {
				delete(g.seen, n)
			}
		}
		if len(g.seen) >= maxRemembered {
			return fmt.Errorf("refused: more than %d run requests in the last %s; try again later", maxRemembered, replayWindow)
		}
	}
	g.seen[nonce] = r.Issued.Add(replayWindow)
	return nil
}
