package screen

import (
	"time"

	"dsdemo/tui/history"
	"dsdemo/tui/launch"
)

// outcome is what became of a message, as the screen tells the class. Each
// has a mark of its own, drawn on the topology and in the sequence diagram
// alike, so the picture says the same with NO_COLOR or on a projector that
// washes colours out; colour is only ever a second signal.
//
//	● in flight   ✓ delivered   ⚠ error reply (error, 4xx, 5xx)
//	✗ lost        ⏸ held        ⊘ abandoned by its sender
//	☠ on its way to a node that is down   ❄ to a frozen node
type outcome int

const (
	inFlight  outcome = iota
	delivered         // it arrived
	failed            // it arrived, and it is an error reply
	lost              // the network dropped it, or a partition cut it off
	held              // it waits in step mode for a release
	abandoned         // its sender gave up waiting for it
	toDown            // it is on its way to a node that is down: it cannot arrive
	toFrozen          // it is on its way to a frozen node: it waits in the node's socket
	vanished          // it never arrived, long after it should have
)

// mark is the symbol that tells the outcome without colour.
func (o outcome) mark() string {
	return [...]string{inFlight: "●", delivered: "✓", failed: "⚠", lost: "✗", held: "⏸",
		abandoned: "⊘", toDown: "☠", toFrozen: "❄", vanished: "✗"}[o]
}

// ended reports whether the message has reached its end, for better or
// worse: it moves no more.
func (o outcome) ended() bool { return o != inFlight && o != held && o != toFrozen }

// reached reports whether the message got to its receiver.
func (o outcome) reached() bool { return o == delivered || o == failed }

// why says in words why a message did not arrive, for its label; empty
// when it did or may still.
func (o outcome) why(c *common, fault string) string {
	switch o {
	case lost:
		if fault == "partition" {
			return c.t("abgetrennt", "partition")
		}
		return c.t("verworfen", "dropped")
	case abandoned:
		return c.t("aufgegeben", "given up")
	case toDown:
		return c.t("Empfänger aus", "receiver down")
	case toFrozen:
		return c.t("Empfänger eingefroren", "receiver frozen")
	case vanished:
		return c.t("nie angekommen", "never arrived")
	}
	return ""
}

// linger is how long a message that has reached its end stays on the
// topology, so the eye can follow it.
const linger = 3 * time.Second

// expiry is how long a message may be on its way before the picture says
// it never arrived: well past the slowest slow motion.
func (sc *scene) expiry() time.Duration { return max(5*time.Second, 2*sc.delay+2*time.Second) }

// outcome is what became of a, as far as the run shows by now.
func (sc *scene) outcome(a *history.Arrow) outcome {
	switch {
	case a.Delivered() && a.ErrorReply():
		return failed
	case a.Delivered():
		return delivered
	case a.Held:
		return held
	case a.Fault == "abandoned":
		return abandoned
	case a.Lost():
		return lost
	case sc.now.Sub(a.Sent) > sc.expiry():
		return vanished
	}
	if p, ok := sc.proc(a.To); ok {
		switch {
		case p.State == launch.StateFrozen:
			return toFrozen
		case sc.down[a.To]:
			return toDown
		}
	}
	return inFlight
}

// settled is when the message reached its end: when it arrived, was lost,
// or when the picture gave up on it.
func (sc *scene) settled(a *history.Arrow, o outcome) time.Time {
	switch {
	case o.reached():
		return a.Received
	case o == vanished:
		return a.Sent.Add(sc.expiry())
	}
	return a.Sent
}
