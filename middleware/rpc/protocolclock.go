package rpc

import (
	"math"
	"sync"
	"time"

	"dsdemo/models/faults"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// protocolClock measures the directory's leases in protocol time (see
// wire.Node.WithTimeout): at full speed it runs as fast as the wall
// clock, in slow motion slower, and in step mode, or while the class
// answers a question (faults.Pace.Still), not at all. So a lease lasts as
// many message legs at any pace: a server renewing at a third of its
// lease keeps it in slow motion too, and a lease does not run out while a
// renewal is held for the class to look at. One clock serves every lease,
// as one heap does (lease.go). The broker's ack deadlines keep time the
// same way (middleware/broker/clock.go).
type protocolClock struct {
	f       *faults.Injector // nil: full speed for ever
	mu      sync.Mutex       // guards the fields below
	base    time.Duration    // protocol time at since
	since   time.Time
	pace    faults.Pace
	changed <-chan struct{} // closed when the pace changes; nil never closes
	paces   uint64          // how many times the pace changed, for whoever reports timers
}

func newProtocolClock(f *faults.Injector) *protocolClock {
	c := &protocolClock{f: f, since: time.Now()}
	c.pace, c.changed = f.Pace()
	return c
}

// paceShare is how much protocol time passes in one unit of wall-clock time.
func paceShare(p faults.Pace) float64 {
	switch {
	case p.Hold || p.Still:
		return 0
	case p.Delay <= 0:
		return 1
	}
	return float64(wire.SlowHop) / float64(wire.SlowHop+p.Delay)
}

// Now is the protocol time since the clock started.
func (c *protocolClock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return c.base + time.Duration(float64(time.Since(c.since))*paceShare(c.pace))
}

// Changed returns the channel closed when the pace changes. The clock
// takes the new pace by itself the next time it is read.
func (c *protocolClock) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return c.changed
}

// share is how fast protocol time runs now (paceShare).
func (c *protocolClock) share() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return paceShare(c.pace)
}

// repaceLocked takes a new pace if there is one, counting the time
// before at the old one; mu must be held.
func (c *protocolClock) repaceLocked() {
	select {
	case <-c.changed: // a nil channel (no injector) is never ready
	default:
		return
	}
	t := time.Now()
	c.base += time.Duration(float64(t.Sub(c.since)) * paceShare(c.pace))
	c.since = t
	c.pace, c.changed = c.f.Pace()
	c.paces++
}

// Paces counts the changes of pace so far: when it differs from the count
// at the last report, the timers in the live view run at an old pace.
func (c *protocolClock) Paces() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return c.paces
}

// until is how long on the wall clock protocol time takes to reach at;
// ok is false while the clock stands still.
func (c *protocolClock) until(at time.Duration) (wall time.Duration, ok bool) {
	left := at - c.Now()
	s := c.share()
	if s == 0 {
		return 0, false
	}
	w := float64(max(left, 0)) / s
	if w > math.MaxInt64/2 {
		return math.MaxInt64 / 2, true
	}
	return time.Duration(w), true
}

// timer is the live view's timer of a lease of length d that runs out at
// protocol time at: how much of it has passed, and how fast it runs now.
func (c *protocolClock) timer(label string, d, at time.Duration) trace.Timer {
	t := trace.TimerFor(label, d)
	t.ElapsedMS = min(max(d-(at-c.Now()), 0).Milliseconds(), t.MS)
	switch s := c.share(); {
	case s == 0:
		t.Still = true
	case s < 1:
		t.Speed = s
	}
	return t
}
