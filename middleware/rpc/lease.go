package rpc

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"time"

	"dsdemo/models/wire"
)

// A lease is a promise with an end: the directory keeps a registration
// (or a subscription) only for as long as its lease runs, and the owner
// has to renew it before then. A server that crashes cannot say goodbye,
// but it stops renewing, so its entry goes away by itself: the directory
// never needs to ask whether a server is still alive.
//
// Every lease sits in one queue ordered by its deadline
// (wire.DeadlineQueue), watched by one goroutine that sleeps until the
// earliest deadline: ten thousand leases cost ten thousand heap entries,
// not ten thousand timers or goroutines.
type lease struct {
	id       string        // "L7": public, it appears in lists and events
	key      string        // secret: only its holder may renew or cancel
	duration time.Duration // granted, renewed for as long again
	deadline time.Duration // when it runs out unless renewed, in protocol time (wire.ProtocolClock)

	reg *entry        // what it keeps alive: a registration,
	sub *subscription // or a subscription

	wire.DeadlineSlot // its place in the directory's expiry queue until it ends
}

// Deadline is when l runs out unless renewed, in protocol time.
func (l *lease) Deadline() time.Duration { return l.deadline }

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
