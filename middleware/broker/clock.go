package broker

import (
	"container/heap"
	"context"
	"time"
)

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
		changed := b.clock.Changed()
		var fire <-chan time.Time
		if first != nil {
			if wall, ok := b.clock.Until(at); ok {
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
