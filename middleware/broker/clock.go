package broker

import (
	"container/heap"
	"context"
	"math"
	"sync"
	"time"

	"dsdemo/models/faults"
	"dsdemo/models/wire"
)

// protocolClock measures protocol time (see wire.Node.WithTimeout): it
// runs at the wall clock's pace at full speed, slower in slow motion, and
// stands still in step mode, so an ack deadline gives a consumer the same
// number of message legs at any pace. One clock serves every deadline of
// the broker, where a wire.Node.WithTimeout per unacknowledged message
// would cost two goroutines each.
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

// share is how much protocol time passes in one unit of wall-clock time.
func share(p faults.Pace) float64 {
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
	return c.base + time.Duration(float64(time.Since(c.since))*share(c.pace))
}

// Pace returns the pace in force and the channel closed when it changes.
func (c *protocolClock) Pace() (faults.Pace, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pace, c.changed
}

// repace takes the new pace, counting the time before at the old one.
func (c *protocolClock) repace() {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := time.Now()
	c.base += time.Duration(float64(t.Sub(c.since)) * share(c.pace))
	c.since = t
	c.pace, c.changed = c.f.Pace()
}

// until is how long on the wall clock protocol time takes to reach at;
// ok is false while the clock stands still.
func (c *protocolClock) until(at time.Duration) (wall time.Duration, ok bool) {
	left := at - c.Now()
	c.mu.Lock()
	s := share(c.pace)
	c.mu.Unlock()
	if s == 0 {
		return 0, false
	}
	w := float64(max(left, 0)) / s
	if w > math.MaxInt64/2 {
		return math.MaxInt64 / 2, true
	}
	return time.Duration(w), true
}

// sweepDeadlines gives back the deliveries whose ack deadline passes, and
// re-reports the timers of the live view when the pace changes.
func (b *Broker) sweepDeadlines(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		b.mu.Lock()
		first := b.deadlines.first()
		var at time.Duration
		if first != nil {
			at = first.deadline
		}
		b.mu.Unlock()
		_, changed := b.clock.Pace()
		var fire <-chan time.Time
		if first != nil {
			if wall, ok := b.clock.until(at); ok {
				timer.Reset(wall)
				fire = timer.C
			}
		}
		select {
		case <-fire:
			b.mu.Lock()
			b.expireLocked()
			b.mu.Unlock()
		case <-changed:
			b.clock.repace()
			b.mu.Lock()
			b.report.markAllSubs(b)
			b.mu.Unlock()
		case <-b.sweep:
		case <-ctx.Done():
			return
		}
		timer.Stop()
	}
}

// deadlineHeap orders unacknowledged deliveries by their ack deadline.
// It is guarded by the broker's mu.
type deadlineHeap []*delivery

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].deadline < h[j].deadline }
func (h deadlineHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *deadlineHeap) Push(x any) {
	d := x.(*delivery)
	d.index = len(*h)
	*h = append(*h, d)
}
func (h *deadlineHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	d.index = -1
	return d
}

func (h *deadlineHeap) push(d *delivery) { heap.Push(h, d) }

func (h *deadlineHeap) remove(d *delivery) {
	if d.index >= 0 {
		heap.Remove(h, d.index)
	}
}

func (h deadlineHeap) first() *delivery {
	if len(h) == 0 {
		return nil
	}
	return h[0]
}
