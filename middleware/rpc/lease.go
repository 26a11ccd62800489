package rpc

import (
	"container/heap"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"time"
)

// A lease is a promise with an end: the directory keeps a registration
// (or a subscription) only for as long as its lease runs, and the owner
// has to renew it before then. A server that crashes cannot say goodbye,
// but it stops renewing, so its entry goes away by itself: the directory
// never needs to ask whether a server is still alive.
//
// Every lease sits in one heap ordered by its deadline, watched by one
// goroutine (Directory.expire) that sleeps until the earliest deadline:
// ten thousand leases cost ten thousand heap entries, not ten thousand
// timers or goroutines.
type lease struct {
	id       string        // "L7": public, it appears in lists and events
	key      string        // secret: only its holder may renew or cancel
	duration time.Duration // granted, renewed for as long again
	deadline time.Duration // when it runs out unless renewed, in protocol time (wire.ProtocolClock)
	index    int           // its place in the heap; -1 when not in it

	reg *entry        // what it keeps alive: a registration,
	sub *subscription // or a subscription
}

// newKey returns a fresh secret for a lease: 128 random bits in hex, so
// nobody renews or cancels a lease by guessing.
func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// holds reports whether key is this lease's secret, in constant time.
func (l *lease) holds(key string) bool {
	return subtle.ConstantTimeCompare([]byte(l.key), []byte(key)) == 1
}

// left is how long the lease still runs at now.
func (l *lease) left(now time.Duration) time.Duration { return max(l.deadline-now, 0) }

// leaseHeap orders leases by deadline, the earliest first (container/heap).
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

// add puts l into the heap; renew moves it after its deadline changed;
// remove takes it out.
func (h *leaseHeap) add(l *lease)    { heap.Push(h, l) }
func (h *leaseHeap) renew(l *lease)  { heap.Fix(h, l.index) }
func (h *leaseHeap) remove(l *lease) { heap.Remove(h, l.index) }
