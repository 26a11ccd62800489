package space

import (
	"container/heap"
	"context"
	"time"
)

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
		changed := s.clock.Changed()
		var fire <-chan time.Time
		if first != nil {
			if wall, ok := s.clock.Until(at); ok {
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
