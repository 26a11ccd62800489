package history

import (
	"time"

	"dsdemo/models/trace"
)

// Timer is a timer a node reported (trace.Timer) and when it reported it:
// what the time left is counted from.
type Timer struct {
	trace.Timer
	At time.Time // the wall clock of the state event
}

// Left is how much of the timer is left at now.
func (t Timer) Left(now time.Time) time.Duration { return t.Timer.Left(t.At, now) }

// Fraction is the share of the timer left at now, from 1 to 0.
func (t Timer) Fraction(now time.Time) float64 { return t.Timer.Fraction(t.At, now) }

// typed keeps the timer or gauge of a state event that was kept as text
// in State, or forgets the one its key had: a later state of a key
// replaces a timer or gauge as it replaces a value. Both maps have only
// keys of State, so MaxStateKeys bounds them too.
func (n *Node) typed(ev trace.Event) {
	delete(n.Timers, ev.Key)
	delete(n.Gauges, ev.Key)
	switch {
	case ev.Timer != nil:
		n.Timers[ev.Key] = Timer{Timer: *ev.Timer, At: time.UnixMicro(ev.Time)}
	case ev.Gauge != nil:
		n.Gauges[ev.Key] = *ev.Gauge
	}
}

// Urgent returns the timer of the node that runs out first at now, among
// those not yet run out, and its key; ok is false when none runs.
func (n *Node) Urgent(now time.Time) (key string, t Timer, ok bool) {
	for _, k := range n.Keys {
		tm, has := n.Timers[k]
		if !has || tm.Left(now) <= 0 {
			continue
		}
		if !ok || tm.Left(now) < t.Left(now) {
			key, t, ok = k, tm, true
		}
	}
	return key, t, ok
}
