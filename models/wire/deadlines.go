package wire

import (
	"container/heap"
	"context"
	"iter"
	"sync"
	"time"
)

// DeadlineQueue keeps a server's many deadlines in protocol time (see
// ProtocolClock) in one heap, the earliest first: a broker's ack
// deadlines, a directory's leases, a space's leases. One goroutine,
// Sweep, sleeps until the earliest of them and ends what is due: ten
// thousand leases cost ten thousand heap entries, not ten thousand
// timers or goroutines.
//
// A queue has no lock of its own: the server's mutex guards it, and
// Sweep takes that mutex while it looks at the queue.
type DeadlineQueue[T Deadlined] struct {
	items deadlineHeap[T]
	wake  chan struct{} // buffered 1: the earliest deadline changed
}

// Deadlined is an item of a DeadlineQueue: a pointer to a struct that
// embeds a DeadlineSlot and tells its deadline in protocol time.
type Deadlined interface {
	Deadline() time.Duration
	Slot() *DeadlineSlot
}

// DeadlineSlot is an item's place in a DeadlineQueue; embed it in the
// item's struct. Its zero value is in no queue.
type DeadlineSlot struct {
	pos int // 1 + the item's index in the heap; 0 while in no queue
}

// Slot is where the queue keeps the item's place; an item that embeds a
// DeadlineSlot has it.
func (s *DeadlineSlot) Slot() *DeadlineSlot { return s }

// Queued reports whether the item is in a queue: neither has it been
// taken out nor has a sweep expired it yet (an item past its deadline
// stays queued until the next sweep, and for as long as protocol time
// stands still).
func (s *DeadlineSlot) Queued() bool { return s.pos > 0 }

// NewDeadlineQueue returns an empty queue.
func NewDeadlineQueue[T Deadlined]() *DeadlineQueue[T] {
	return &DeadlineQueue[T]{wake: make(chan struct{}, 1)}
}

// Push adds x; when x is the earliest now, Sweep looks again.
func (q *DeadlineQueue[T]) Push(x T) {
	heap.Push(&q.items, x)
	q.wakeIfFirst(x)
}

// Fix moves x after its deadline changed (a lease renewed); an item in no
// queue is left alone.
func (q *DeadlineQueue[T]) Fix(x T) {
	if s := x.Slot(); s.Queued() {
		heap.Fix(&q.items, s.pos-1)
		q.wakeIfFirst(x)
	}
}

// Remove takes x out; an item in no queue is left alone.
func (q *DeadlineQueue[T]) Remove(x T) {
	if s := x.Slot(); s.Queued() {
		heap.Remove(&q.items, s.pos-1)
	}
}

// First returns the item whose deadline comes first; ok is false when
// the queue is empty.
func (q *DeadlineQueue[T]) First() (x T, ok bool) {
	if len(q.items) == 0 {
		return x, false
	}
	return q.items[0], true
}

// Len is the number of items in the queue.
func (q *DeadlineQueue[T]) Len() int { return len(q.items) }

// All yields every item, in no particular order. The loop must not change
// the queue.
func (q *DeadlineQueue[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, x := range q.items {
			if !yield(x) {
				return
			}
		}
	}
}

func (q *DeadlineQueue[T]) wakeIfFirst(x T) {
	if x.Slot().pos == 1 {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

// Sweep is the queue's one goroutine: it sleeps until the earliest
// deadline passes in the protocol time of c, and hands every item that is
// due to expire, which must take it out of the queue. Because the
// deadlines are in protocol time, the sleep is worked out again whenever
// the pace changes, and in step mode there is none: nothing runs out
// while the protocol stands still. When the pace changes, Sweep also
// calls repace, so that the server reports the live view's timers again
// at the new speed; a nil repace does nothing. Both run with mu held, the
// mutex that guards q. Sweep returns when ctx is done.
func (q *DeadlineQueue[T]) Sweep(ctx context.Context, c *ProtocolClock, mu sync.Locker, expire func(x T), repace func()) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var seen uint64 // the changes of pace repace has been told of
	for {
		// Any caller of the clock may be the one that notices a change
		// of pace first, and Changed then hands out the next one's
		// channel: so a change is known by the count, looked at after
		// the channel is taken, never by the channel alone.
		changed := c.Changed()
		if paces := c.Paces(); paces != seen {
			seen = paces
			if repace != nil {
				mu.Lock()
				repace()
				mu.Unlock()
			}
		}
		mu.Lock()
		first, ok := q.First()
		var at time.Duration
		if ok {
			at = first.Deadline()
		}
		mu.Unlock()
		var fire <-chan time.Time
		if ok {
			if wall, running := c.Until(at); running {
				timer.Reset(wall)
				fire = timer.C
			}
		}
		select {
		case <-fire:
			mu.Lock()
			q.expireDue(c.Now(), expire)
			mu.Unlock()
		case <-changed: // repace is called at the top of the loop
		case <-q.wake:
		case <-ctx.Done():
			return
		}
		timer.Stop()
	}
}

// expireDue hands expire every item whose deadline is at or before now.
// An item that expire leaves in the queue, still due, is taken out, so a
// careless expire cannot make the loop spin for ever.
func (q *DeadlineQueue[T]) expireDue(now time.Duration, expire func(x T)) {
	for {
		x, ok := q.First()
		if !ok || x.Deadline() > now {
			return
		}
		expire(x)
		if x.Slot().Queued() && x.Deadline() <= now {
			q.Remove(x)
		}
	}
}

// deadlineHeap is the heap under a DeadlineQueue (container/heap); each
// item's DeadlineSlot knows where it is.
type deadlineHeap[T Deadlined] []T

func (h deadlineHeap[T]) Len() int           { return len(h) }
func (h deadlineHeap[T]) Less(i, j int) bool { return h[i].Deadline() < h[j].Deadline() }
func (h deadlineHeap[T]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].Slot().pos, h[j].Slot().pos = i+1, j+1
}
func (h *deadlineHeap[T]) Push(x any) {
	t := x.(T)
	*h = append(*h, t)
	t.Slot().pos = len(*h)
}
func (h *deadlineHeap[T]) Pop() any {
	old := *h
	t := old[len(old)-1]
	var zero T
	old[len(old)-1] = zero
	*h = old[:len(old)-1]
	t.Slot().pos = 0
	return t
}
