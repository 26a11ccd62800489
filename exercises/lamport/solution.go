//go:build solution

package lamport

import (
	"cmp"
	"fmt"
	"slices"
)

// Clock is the Lamport clock of one process. The zero value is a clock at 0,
// ready to use. (It need not be safe for concurrent use.)
type Clock struct {
	time uint64 // the time of the process's last event
}

// Now returns the clock's current value without changing it.
func (c *Clock) Now() uint64 { return c.time }

// Local records a local event: the clock ticks and the new value is the
// event's time.
func (c *Clock) Local() uint64 {
	c.time++
	return c.time
}

// Send records the sending of a message. A send is an event of its own, so
// the clock ticks first; the message then carries the new time, which is
// what lets the receiver place its receive after it.
func (c *Clock) Send() uint64 {
	c.time++
	return c.time
}

// Receive records the receipt of a message that carries msgTime. The
// receive happens after the send, so its time must be larger than msgTime,
// and after the process's own last event, so larger than that too.
func (c *Clock) Receive(msgTime uint64) uint64 {
	c.time = max(c.time, msgTime) + 1
	return c.time
}

// Timestamps gives every event of run its Lamport time.
func Timestamps(run Run) ([]uint64, error) {
	clocks := map[string]*Clock{} // one clock per process, created on its first event
	sent := map[string]uint64{}   // the time each message carries
	received := map[string]bool{} // messages already received, to catch a second receive
	times := make([]uint64, len(run))
	for i, e := range run {
		c := clocks[e.Process]
		if c == nil {
			c = &Clock{}
			clocks[e.Process] = c
		}
		switch e.Kind {
		case Local:
			times[i] = c.Local()
		case Send:
			times[i] = c.Send()
			sent[e.Msg] = times[i]
		case Receive:
			msgTime, ok := sent[e.Msg]
			if !ok {
				return nil, fmt.Errorf("event %d, %v: message %q was not sent before it is received", i, e, e.Msg)
			}
			if received[e.Msg] {
				return nil, fmt.Errorf("event %d, %v: message %q is received a second time", i, e, e.Msg)
			}
			received[e.Msg] = true
			times[i] = c.Receive(msgTime)
		default:
			return nil, fmt.Errorf("event %d, %v: unknown kind", i, e)
		}
	}
	return times, nil
}

// TotalOrder returns the events of run sorted by Lamport time, ties broken
// by process name. Two events of one process never have the same time, so
// the order is total and the same for everyone who knows the run.
func TotalOrder(run Run) ([]Stamped, error) {
	times, err := Timestamps(run)
	if err != nil {
		return nil, err
	}
	order := make([]Stamped, len(run))
	for i, e := range run {
		order[i] = Stamped{Event: e, Time: times[i]}
	}
	slices.SortFunc(order, func(a, b Stamped) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), cmp.Compare(a.Process, b.Process))
	})
	return order, nil
}
