package space

import (
	"container/heap"
	"context"
	"math"
	"sync"
	"time"

	"dsdemo/models/faults"
	"dsdemo/models/wire"
)

// protocolClock measures protocol time (see wire.Node.WithTimeout), in
// which every lease counts: at full speed it runs with the wall clock, in
// slow motion slower, in step mode (and while the class answers a
// prediction) not at all. So a lease of 3 s gives a worker the same
// number of message legs at any pace, and a space in step mode lets no
// lease run out. One clock serves every lease of the space.
type protocolClock struct {
	f       *faults.Injector
	mu      sync.Mutex    // guards the fields below
	base    time.Duration // protocol time at since
	since   time.Time
	pace    faults.Pace
	changed <-chan struct{} // closed when the pace changes
}

func newProtocolClock(f *faults.Injector) *protocolClock {
	c := &protocolClock{f: f, since: time.Now()}
	c.pace, c.changed = f.Pace()
	return c
}

// rate is how much protocol time passes in one unit of wall-clock time.
func rate(p faults.Pace) float64 {
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
	return c.base + time.Duration(float64(time.Since(c.since))*rate(c.pace))
}

// Rate returns the pace's rate and the channel closed when it changes.
func (c *protocolClock) Rate() (float64, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return rate(c.pace), c.changed
}

// repace takes the new pace, counting the time before at the old one.
func (c *protocolClock) repace() {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := time.Now()
	c.base += time.Duration(float64(t.Sub(c.since)) * rate(c.pace))
	c.since = t
	c.pace, c.changed = c.f.Pace()
}

// wallUntil is how long on the wall clock protocol time takes to reach
// at; ok is false while the clock stands still.
func (c *protocolClock) wallUntil(at time.Duration) (wall time.Duration, ok bool) {
	left := at - c.Now()
	r, _ := c.Rate()
	if r == 0 {
		return 0, false
	}
	w := float64(max(left, 0)) / r
	if w > math.MaxInt64/2 {
		return math.MaxInt64 / 2, true
	}
	return time.Duration(w), true
}

// sweepLeases ends the leases whose time is up, and re-reports the live
// view's timers when the pace changes.
func (s *Space) sweepLeases(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		first := s.leases.first()
		var at time.Duration
		if first != nil {
			at = first.deadline
		}
		s.mu.Unlock()
		_, changed := s.clock.Rate()
		var fire <-chan time.Time
		if first != nil {
			if wall, ok := s.clock.wallUntil(at); ok {
				timer.Reset(wall)
				fire = timer.C
			}
		}
		select {
		case <-fire:
			s.mu.Lock()
			s.expireLocked()
			s.mu.Unlock()
		case <-changed:
			s.clock.repace()
			s.mu.Lock()
			s.report.markTimers(s)
			s.mu.Unlock()
		case <-s.sweep:
		case <-ctx.Done():
			return
		}
		timer.Stop()
	}
}

// expireLocked ends every lease whose deadline has passed.
func (s *Space) expireLocked() {
	now := s.clock.Now()
	for {
		l := s.leases.first()
		if l == nil || l.deadline > now {
			return
		}
		s.endLeaseLocked(l, "expired")
	}
}

// leaseHeap orders the leases by deadline. It is guarded by the space's mu.
type leaseHeap []*lease

func (h leaseHeap) Len() int           { return len(h) }
func (h leaseHeap) Less(i, j int) bool { return h[i].deadline < h[j].deadline }
func (h leaseHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *leaseHeap) Push(x any) {
	l := x.(*lease)
	l.index = len(*h)
	*h = append(*h, l)
}
func (h *leaseHeap) Pop() any {
	old := *h
	l := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	l.index = -1
	return l
}

func (h *leaseHeap) push(l *lease) { heap.Push(h, l) }

func (h *leaseHeap) remove(l *lease) {
	if l.index >= 0 {
		heap.Remove(h, l.index)
	}
}

func (h *leaseHeap) fix(l *lease) {
	if l.index >= 0 {
		heap.Fix(h, l.index)
	}
}

func (h leaseHeap) first() *lease {
	if len(h) == 0 {
		return nil
	}
	return h[0]
}
