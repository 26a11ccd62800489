// Package vectorclock is a coding exercise: vector clocks.
//
// A Lamport clock guarantees: if a happened before b, then a's time is
// smaller. The converse does not hold: a smaller Lamport time says nothing
// about cause. A vector clock keeps one counter per process, and then the
// converse holds too: comparing two events' vectors tells whether one
// happened before the other or whether they are concurrent (neither could
// have influenced the other).
//
//	P  a[P1] ---- b[P2] send m ---------------------- c[P3 Q2]
//	                    \                            ^
//	Q  ------------------ d[P2 Q1] -- e[P2 Q2] send -+
//	R  g[R1] ------------------------------------------------
//
//	b -> c   because b[P2] <= c[P3 Q2] in every entry, and they differ
//	a || g   because a[P1] and g[R1] are each larger in one entry
//
// The student writes the update rules (Tick, OnReceive), the comparisons
// (HappenedBefore, Concurrent) and Stamps, which gives every event of a
// recorded run its vector, in vectorclock.go; the grader in grader_test.go
// checks them against the run's causal structure (make grade EX=vectorclock).
package vectorclock

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrNotImplemented is what the stubs return until you write them.
var ErrNotImplemented = errors.New("not implemented")

// Vector is a vector time: for each process, how many of its events are
// known to have happened. A process that is missing counts as 0, so
// Vector{"P": 1} and Vector{"P": 1, "Q": 0} are the same time.
type Vector map[string]uint64

// String writes the vector with its processes sorted, e.g. "[P:2 Q:1]",
// leaving out zero entries.
func (v Vector) String() string {
	var parts []string
	for _, p := range slices.Sorted(maps.Keys(v)) {
		if v[p] != 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", p, v[p]))
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Kind says what an event of a run is.
type Kind int

const (
	Local   Kind = iota // something happens inside the process
	Send                // the process sends the message Event.Msg
	Receive             // the process receives the message Event.Msg
)

func (k Kind) String() string {
	switch k {
	case Local:
		return "local"
	case Send:
		return "send"
	case Receive:
		return "receive"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Event is one step of one process in a recorded run.
type Event struct {
	Name    string // a label for people, e.g. "a"
	Process string // the process it happens in, e.g. "P"
	Kind    Kind
	Msg     string // the message sent or received; empty for Local
}

func (e Event) String() string {
	if e.Kind == Local {
		return fmt.Sprintf("%s (%s: local)", e.Name, e.Process)
	}
	return fmt.Sprintf("%s (%s: %s %s)", e.Name, e.Process, e.Kind, e.Msg)
}

// Run is a recording of a distributed run: every event of every process, in
// the order an observer wrote them down. The events of one process appear
// in the order that process did them, and a message's send appears before
// its receive. Each message name is sent once and received at most once.
type Run []Event
