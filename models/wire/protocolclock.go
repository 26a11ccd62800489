package wire

import (
	"math"
	"sync"
	"time"

	"dsdemo/models/faults"
	"dsdemo/models/trace"
)

// ProtocolClock measures protocol time for a server that keeps many
// deadlines at once: a broker's ack deadlines, a directory's leases, a
// space's leases. Like Node.WithTimeout it runs with the wall clock at
// full speed, slower in slow motion and not at all in step mode or while
// the class answers a question, so a lease of 3 s lasts as many message
// legs at any pace. One clock (and one heap of deadlines) serves them all,
// where a WithTimeout per deadline would cost two goroutines each.
//
// A server sleeps until the first deadline with Until, and wakes up
// again when Changed closes: the pace changed, and with it how long the
// sleep must be; DeadlineQueue.Sweep is that sleep, for every server. The
// clock takes a new pace by itself the next time it is read.
type ProtocolClock struct {
	f       *faults.Injector // nil: full speed for ever
	mu      sync.Mutex       // guards the fields below
	base    time.Duration    // protocol time at since
	since   time.Time
	pace    faults.Pace
	changed <-chan struct{} // closed when the pace changes; nil never closes
	paces   uint64          // how many times the pace changed
}

// NewProtocolClock starts a clock at protocol time 0 that keeps the pace
// of the fault injector f (a node's Faults).
func NewProtocolClock(f *faults.Injector) *ProtocolClock {
	c := &ProtocolClock{f: f, since: time.Now()}
	c.pace, c.changed = f.Pace()
	return c
}

// Now is the protocol time since the clock started.
func (c *ProtocolClock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return c.base + protocolTime(c.pace, time.Since(c.since))
}

// Changed returns the channel closed when the pace changes.
func (c *ProtocolClock) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return c.changed
}

// Rate is how much protocol time passes in one unit of wall-clock time
// now: 1 at full speed, less in slow motion, 0 while time stands still.
func (c *ProtocolClock) Rate() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return rate(c.pace)
}

// Paces counts the changes of pace so far: a server that reports timers
// reports them again when the count differs from that of its last report.
func (c *ProtocolClock) Paces() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaceLocked()
	return c.paces
}

// Until is how long on the wall clock protocol time takes to reach at, at
// the pace of now; ok is false while the clock stands still.
func (c *ProtocolClock) Until(at time.Duration) (wall time.Duration, ok bool) {
	left := at - c.Now()
	r := c.Rate()
	if r == 0 {
		return 0, false
	}
	w := float64(max(left, 0)) / r
	if w > math.MaxInt64/2 {
		return math.MaxInt64 / 2, true
	}
	return time.Duration(w), true
}

// Timer is the live view's timer of a deadline d long that passes at
// protocol time at: how much of it has gone, and how fast it runs now.
func (c *ProtocolClock) Timer(label string, d, at time.Duration) trace.Timer {
	t := trace.TimerFor(label, d)
	t.ElapsedMS = min(max(d-(at-c.Now()), 0).Milliseconds(), t.MS)
	switch r := c.Rate(); {
	case r == 0:
		t.Still = true
	case r < 1:
		t.Speed = r
	}
	return t
}

// repaceLocked takes a new pace if there is one, counting the time
// before at the old one; mu must be held.
func (c *ProtocolClock) repaceLocked() {
	select {
	case <-c.changed: // a nil channel (no injector) is never ready
	default:
		return
	}
	t := time.Now()
	c.base += protocolTime(c.pace, t.Sub(c.since))
	c.since = t
	c.pace, c.changed = c.f.Pace()
	c.paces++
}

// rate is how much protocol time passes in one unit of wall-clock time at
// pace p.
func rate(p faults.Pace) float64 {
	return float64(protocolTime(p, time.Hour)) / float64(time.Hour)
}
