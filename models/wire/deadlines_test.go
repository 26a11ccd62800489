package wire_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/faults"
	"dsdemo/models/wire"
)

// testLease is an item of a DeadlineQueue, as a server's lease would be.
type testLease struct {
	wire.DeadlineSlot
	name string
	at   time.Duration
}

func (l *testLease) Deadline() time.Duration { return l.at }

// The queue gives the earliest deadline first, follows a renewed one and
// forgets a removed one.
func TestDeadlineQueueOrder(t *testing.T) {
	q := wire.NewDeadlineQueue[*testLease]()
	a, b, c := &testLease{name: "a", at: 3}, &testLease{name: "b", at: 1}, &testLease{name: "c", at: 2}
	assert.False(t, a.Queued())
	for _, l := range []*testLease{a, b, c} {
		q.Push(l)
	}
	first := func() string {
		l, ok := q.First()
		require.True(t, ok)
		return l.name
	}
	assert.Equal(t, "b", first())
	b.at = 10
	q.Fix(b)
	assert.Equal(t, "c", first())
	q.Remove(c)
	assert.False(t, c.Queued())
	q.Remove(c) // a second time does nothing
	assert.Equal(t, "a", first())
	assert.Equal(t, 2, q.Len())
	var names []string
	for l := range q.All() {
		names = append(names, l.name)
	}
	assert.ElementsMatch(t, []string{"a", "b"}, names)
}

// Sweep ends what is due, in deadline order, and nothing while the
// protocol stands still; a change of pace is reported.
func TestDeadlineQueueSweep(t *testing.T) {
	f := faults.New(1)
	clock := wire.NewProtocolClock(f)
	q := wire.NewDeadlineQueue[*testLease]()
	var (
		mu      sync.Mutex // guards q, expired, repaced
		expired []string
		repaced int
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.Sweep(ctx, clock, &mu, func(l *testLease) {
			q.Remove(l)
			expired = append(expired, l.name)
		}, func() { repaced++ })
	}()
	defer func() { cancel(); <-done }()
	state := func() ([]string, int) {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), expired...), repaced
	}

	mu.Lock()
	now := clock.Now()
	q.Push(&testLease{name: "later", at: now + 40*time.Millisecond})
	q.Push(&testLease{name: "soon", at: now + 10*time.Millisecond})
	q.Push(&testLease{name: "never", at: now + time.Hour})
	mu.Unlock()
	require.Eventually(t, func() bool { got, _ := state(); return len(got) == 2 }, 5*time.Second, time.Millisecond)
	got, _ := state()
	assert.Equal(t, []string{"soon", "later"}, got)

	f.SetHold(true) // step mode: protocol time stands still
	require.Eventually(t, func() bool { _, n := state(); return n == 1 }, 5*time.Second, time.Millisecond)
	mu.Lock()
	q.Push(&testLease{name: "still", at: clock.Now() + time.Millisecond})
	mu.Unlock()
	time.Sleep(20 * time.Millisecond) // what must not happen must not happen in this time either
	got, _ = state()
	assert.Equal(t, []string{"soon", "later"}, got, "nothing runs out in step mode")
	f.SetHold(false)
	require.Eventually(t, func() bool { got, _ := state(); return len(got) == 3 }, 5*time.Second, time.Millisecond)
}

// A change of pace that another caller of the clock noticed first (here
// before Sweep even began, as when a server's handler reads the clock
// while its sweeper is busy) still reaches repace: the live view's timers
// are reported again at the new speed.
func TestSweepHearsOfAChangeSomeoneElseNoticed(t *testing.T) {
	f := faults.New(1)
	clock := wire.NewProtocolClock(f)
	q := wire.NewDeadlineQueue[*testLease]()
	f.SetStill(true)
	clock.Now() // notices the change first
	var mu sync.Mutex
	repaced := make(chan struct{}, 8)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.Sweep(ctx, clock, &mu, func(l *testLease) { q.Remove(l) }, func() { repaced <- struct{}{} })
	}()
	defer func() { cancel(); <-done }()
	select {
	case <-repaced:
	case <-time.After(5 * time.Second):
		t.Fatal("repace was never called for a change of pace")
	}
}
