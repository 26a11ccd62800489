package wire

import "sync/atomic"

// LamportClock is a logical clock (Lamport, 1978). It does not tell the time
// of day; it orders events so that a cause always has a smaller time than its
// effect: Tick before every send, Observe on every receive. The zero value is
// a clock at 0, ready to use, and safe for concurrent use.
type LamportClock struct {
	t atomic.Uint64
}

// Tick advances the clock for a local event such as a send and returns the new time.
func (c *LamportClock) Tick() uint64 { return c.t.Add(1) }

// Observe merges the time carried by a received message: the clock becomes
// max(local, remote)+1, and that new time is returned.
func (c *LamportClock) Observe(remote uint64) uint64 {
	for {
		local := c.t.Load()
		next := max(local, remote) + 1
		if c.t.CompareAndSwap(local, next) {
			return next
		}
	}
}

// Now returns the current time without advancing it.
func (c *LamportClock) Now() uint64 { return c.t.Load() }
