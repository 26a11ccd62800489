package wire

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// MaxClockJump is how far ahead of the receiver's own time a received clock
// may be. A real run never comes near it: it is four billion events, more
// than any demo will ever see. A clock further ahead is a forgery or a bug,
// and believing it would let one message push every clock it reaches to the
// end of the number range, where it wraps to 0 and turns "later" into
// "earlier" for everything that follows.
const MaxClockJump = 1 << 32

// MaxClock is the largest time a LamportClock ever takes. It is far below
// the end of uint64, so Tick and Observe never wrap around, and it is also
// below 2^63, so every time fits a signed 64-bit integer in any language.
const MaxClock = 1 << 62

// ErrClockAhead is returned by Observe for a remote time that is not
// believable; the message that carried it is refused.
var ErrClockAhead = errors.New("clock too far ahead")

// LamportClock is a logical clock (Lamport, 1978). It does not tell the time
// of day; it orders events so that a cause always has a smaller time than its
// effect: Tick before every send, Observe on every receive. The zero value is
// a clock at 0, ready to use, and safe for concurrent use.
type LamportClock struct {
	t atomic.Uint64
}

// Tick advances the clock for a local event such as a send and returns the
// new time. At MaxClock the clock stops rather than wrap; no honest run gets
// there (Observe refuses the jumps that could).
func (c *LamportClock) Tick() uint64 {
	for {
		local := c.t.Load()
		next := min(local+1, MaxClock)
		if c.t.CompareAndSwap(local, next) {
			return next
		}
	}
}

// Observe merges the time carried by a received message: the clock becomes
// max(local, remote)+1, and that new time is returned. A remote time more
// than MaxClockJump ahead of the local one, or past MaxClock, is refused
// with an error wrapping ErrClockAhead and leaves the clock as it was.
func (c *LamportClock) Observe(remote uint64) (uint64, error) {
	for {
		local := c.t.Load()
		if remote > MaxClock || remote > local && remote-local > MaxClockJump {
			return local, fmt.Errorf("%w: %d is more than %d ahead of %d", ErrClockAhead, remote, uint64(MaxClockJump), local)
		}
		next := min(max(local, remote)+1, MaxClock)
		if c.t.CompareAndSwap(local, next) {
			return next, nil
		}
	}
}

// Now returns the current time without advancing it.
func (c *LamportClock) Now() uint64 { return c.t.Load() }
