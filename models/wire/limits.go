package wire

import (
	"errors"
	"sync/atomic"
	"time"
)

// The limits of what a peer can make a node hold or wait for. Every value a
// node reads from the network is bounded: a frame by MaxFrame, the frames
// of all connections together by MaxHeld, their number by MaxConns, and the
// time a peer may take by the timeouts.
const (
	// MaxHeld is how many bytes of received frames a node holds at once,
	// over all its connections: the buffers of frames being read and the
	// bodies of messages waiting for Recv. A frame that would go past it is
	// skipped and refused as busy, so 200 peers each sending most of a
	// 1 MiB line cost MaxHeld, not 200 MiB.
	MaxHeld = 32 << 20

	// MaxConns is how many connections Serve keeps at once. One more is
	// told why in an error line and closed.
	MaxConns = 2048

	// IdleTimeout is how long Serve waits for the next frame from a peer
	// before it closes the connection; a client whose connection was
	// closed this way dials again on its next request.
	IdleTimeout = 10 * time.Minute

	// FrameTimeout is how long a peer may take to send a frame once its
	// first byte has arrived, so a frame sent a byte a minute cannot hold a
	// connection and its buffer.
	FrameTimeout = 30 * time.Second

	// WriteTimeout is how long one write may wait for the peer to take it.
	// A peer that stops reading (but goes on sending requests) is
	// disconnected after it, instead of holding its replies in memory.
	WriteTimeout = 10 * time.Second
)

// ErrBusy is returned by a FrameReader whose node already holds MaxHeld
// bytes of frames. The line has been skipped, as for ErrFrameTooLarge.
var ErrBusy = errors.New("busy: too many large messages at once, try again")

// heldBytes counts bytes a node holds on behalf of its peers. The zero value
// is empty.
type heldBytes struct {
	n atomic.Int64
}

// take reserves size bytes, or reports false and reserves nothing when that
// would go past MaxHeld.
func (h *heldBytes) take(size int) bool {
	if h.n.Add(int64(size)) > MaxHeld {
		h.n.Add(-int64(size))
		return false
	}
	return true
}

// give returns size bytes taken before.
func (h *heldBytes) give(size int) {
	if size != 0 {
		h.n.Add(-int64(size))
	}
}
