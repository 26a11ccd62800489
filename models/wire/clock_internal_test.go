package wire

import "testing"

// The end of the clock cannot be reached from outside in a test's time
// (2^30 jumps), so this test puts the clock there directly.
func TestLamportClockStopsAtMaxClock(t *testing.T) {
	var c LamportClock
	c.t.Store(MaxClock - 1)
	if got := c.Tick(); got != MaxClock {
		t.Fatalf("Tick at MaxClock-1 = %d, want %d", got, uint64(MaxClock))
	}
	if got := c.Tick(); got != MaxClock {
		t.Fatalf("Tick at MaxClock = %d, want it to stay at %d", got, uint64(MaxClock))
	}
	got, err := c.Observe(MaxClock)
	if err != nil || got != MaxClock {
		t.Fatalf("Observe(MaxClock) at MaxClock = %d, %v; want %d, nil", got, err, uint64(MaxClock))
	}
}
