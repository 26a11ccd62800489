//go:build solution

package vectorclock

import (
	"fmt"
	"maps"
)

// Tick returns the vector of process self's next local or send event. It
// copies first: vectors are maps, and a vector already sent with a message
// or given to an earlier event must not change afterwards.
func Tick(v Vector, self string) Vector {
	next := maps.Clone(v)
	if next == nil {
		next = Vector{}
	}
	next[self]++
	return next
}

// OnReceive returns the vector of process self's receive event. After the
// receive, self knows of every event the sender knew of (element-wise max),
// and the receive is one more event of self's (tick).
func OnReceive(own, msg Vector, self string) Vector {
	merged := maps.Clone(own)
	if merged == nil {
		merged = Vector{}
	}
	for p, n := range msg {
		merged[p] = max(merged[p], n)
	}
	merged[self]++
	return merged
}

// HappenedBefore reports whether a -> b: a is at most b in every entry and
// smaller in at least one. Both vectors' processes are looked at, because a
// process missing from one vector is a 0 there.
func HappenedBefore(a, b Vector) bool {
	smaller := false
	for p, n := range a {
		if n > b[p] {
			return false
		}
		if n < b[p] {
			smaller = true
		}
	}
	for p, n := range b {
		if n > a[p] {
			smaller = true
		}
	}
	return smaller
}

// Concurrent reports whether a || b: neither happened before the other and
// they are different events.
func Concurrent(a, b Vector) bool {
	return !HappenedBefore(a, b) && !HappenedBefore(b, a) && !equal(a, b)
}

// equal compares two vectors entry by entry, missing entries as 0.
func equal(a, b Vector) bool {
	return dominates(a, b) && dominates(b, a)
}

// dominates reports whether a is at least b in every entry.
func dominates(a, b Vector) bool {
	for p, n := range b {
		if a[p] < n {
			return false
		}
	}
	return true
}

// Stamps gives every event of run its vector time.
func Stamps(run Run) ([]Vector, error) {
	last := map[string]Vector{}    // each process's latest vector
	carried := map[string]Vector{} // the vector each message carries
	received := map[string]bool{}
	stamps := make([]Vector, len(run))
	for i, e := range run {
		switch e.Kind {
		case Local:
			stamps[i] = Tick(last[e.Process], e.Process)
		case Send:
			stamps[i] = Tick(last[e.Process], e.Process)
			carried[e.Msg] = stamps[i]
		case Receive:
			msg, ok := carried[e.Msg]
			if !ok {
				return nil, fmt.Errorf("event %d, %v: message %q was not sent before it is received", i, e, e.Msg)
			}
			if received[e.Msg] {
				return nil, fmt.Errorf("event %d, %v: message %q is received a second time", i, e, e.Msg)
			}
			received[e.Msg] = true
			stamps[i] = OnReceive(last[e.Process], msg, e.Process)
		default:
			return nil, fmt.Errorf("event %d, %v: unknown kind", i, e)
		}
		last[e.Process] = stamps[i]
	}
	return stamps, nil
}
