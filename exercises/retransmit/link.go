// Package retransmit is a coding exercise: reliable delivery over a link
// that loses, damages and duplicates frames – the lecture's fault tolerance
// in two steps: detect a fault (a checksum), then mask it (send again).
//
//	Sender                    data Link                    Receiver
//	  |  [crc|seq 7|msg] ---- lost, damaged, doubled ---->  |  crc ok? seq 7 new?
//	  |                                                     |  deliver, once, in order
//	  |  <--------- lost, damaged, doubled ---- [crc|ack 7] |
//	  |                         ack Link                    |
//	  no ack in time? send frame 7 again
//
// The Link in this file is the unreliable network: it carries frames (byte
// slices) in one direction and, as the seeded Faults say, drops some, flips
// bits in some or cuts them short, and delivers some twice. The student
// writes Sender and Receiver in retransmit.go; the grader in grader_test.go
// pushes hundreds of messages through links of different quality
// (make grade EX=retransmit).
package retransmit

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
)

// ErrNotImplemented is what the stubs return until you write them.
var ErrNotImplemented = errors.New("not implemented")

// Faults says how a link misbehaves. Each is a probability per frame, from
// 0 (never) to 1 (always).
type Faults struct {
	Loss      float64 // the frame vanishes
	Corrupt   float64 // some of its bits flip, or its tail is cut off
	Duplicate float64 // it arrives twice
}

// LinkStats counts what a link did to the frames sent over it.
type LinkStats struct {
	Sent, Lost, Corrupted, Duplicated int
}

// queueLength is how many frames a link holds before it loses new ones, as
// a router drops packets when its queue is full.
const queueLength = 256

// Link carries frames in one direction with no guarantees, like one
// direction of a UDP path. Its faults come from a seeded random source, so
// the same seed makes the same decisions for the same sequence of frames.
// It is safe for concurrent use.
type Link struct {
	faults Faults
	frames chan []byte // the frames on their way

	mu    sync.Mutex // guards rng and stats
	rng   *rand.Rand
	stats LinkStats
}

// NewLink returns a link with the given faults, its random decisions seeded
// by seed.
func NewLink(faults Faults, seed uint64) *Link {
	return &Link{
		faults: faults,
		frames: make(chan []byte, queueLength),
		rng:    rand.New(rand.NewPCG(seed, 0x5eed)),
	}
}

// Send puts a copy of frame on the link and returns at once; it never
// blocks. The frame may be lost, damaged or duplicated on the way. The
// caller may reuse frame afterwards.
func (l *Link) Send(frame []byte) {
	l.mu.Lock()
	l.stats.Sent++
	if l.rng.Float64() < l.faults.Loss {
		l.stats.Lost++
		l.mu.Unlock()
		return
	}
	out := append([]byte(nil), frame...)
	if l.rng.Float64() < l.faults.Corrupt {
		l.stats.Corrupted++
		out = l.damage(out)
	}
	copies := 1
	if l.rng.Float64() < l.faults.Duplicate {
		l.stats.Duplicated++
		copies = 2
	}
	l.mu.Unlock()
	for range copies {
		select {
		case l.frames <- append([]byte(nil), out...):
		default:
			l.mu.Lock()
			l.stats.Lost++ // the queue is full: lost like any other frame
			l.mu.Unlock()
		}
	}
}

// damage flips one to three bits of frame, or cuts off its tail. A CRC-32
// detects both. Callers hold l.mu.
func (l *Link) damage(frame []byte) []byte {
	if len(frame) == 0 {
		return frame
	}
	if l.rng.IntN(3) == 0 {
		return frame[:l.rng.IntN(len(frame))]
	}
	for range 1 + l.rng.IntN(3) {
		frame[l.rng.IntN(len(frame))] ^= 1 << l.rng.IntN(8)
	}
	return frame
}

// Recv waits for the next frame that arrives, and returns it. It returns
// ctx's error when ctx ends first (for example the timeout of a
// context.WithTimeout: that is how to wait "for an ack, but at most 5 ms").
func (l *Link) Recv(ctx context.Context) ([]byte, error) {
	select {
	case f := <-l.frames:
		return f, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Pending returns the number of frames on their way: sent, not yet received.
func (l *Link) Pending() int { return len(l.frames) }

// Stats returns what the link has done so far.
func (l *Link) Stats() LinkStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}
