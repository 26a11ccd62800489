package history_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// TestFaultRows places a kill among the arrows of a run: below what the
// killed node had done, above the first message to it sent afterwards,
// even when that message's Lamport clock is smaller than the node's.
func TestFaultRows(t *testing.T) {
	at := func(ms int64) int64 { return time.UnixMilli(1_000_000 + ms).UnixMicro() }
	msg := func(kind trace.Kind, node, from, to string, id, clock uint64, ms int64) trace.Event {
		return trace.Event{V: 1, Kind: kind, Node: node, Clock: clock, Time: at(ms),
			Msg: &trace.Message{From: from, To: to, Type: "m", ID: id, Clock: clock}}
	}
	s := history.New(0)
	for _, ev := range []trace.Event{
		msg(trace.KindSend, "a", "a", "s", 1, 1, 0),
		msg(trace.KindRecv, "s", "a", "s", 1, 2, 1),
		msg(trace.KindSend, "s", "s", "a", 1, 8, 2), // s is ahead: its clock is 8
		{V: 1, Kind: trace.KindFault, Node: "s", Fault: trace.FaultKill, Time: at(3)},
		msg(trace.KindSend, "b", "b", "s", 1, 5, 4), // to the dead s, with a smaller clock
		msg(trace.KindSend, "c", "c", "d", 1, 3, 5), // between others: keeps its Lamport place
	} {
		s.Add(ev)
	}
	faults := s.Faults()
	assert.Len(t, faults, 1)
	assert.Equal(t, uint64(8), faults[0].Clock, "the killed node's latest clock")
	assert.Equal(t, "kill s", faults[0].Label("en"))
	assert.Equal(t, "s hart beendet (SIGKILL)", faults[0].Label("de"))

	var rows []string
	for _, r := range history.Rows(s.Arrows(), faults) {
		if r.Fault != nil {
			rows = append(rows, history.FaultMark+" "+r.Fault.Label("en"))
		} else {
			rows = append(rows, r.Arrow.From+"→"+r.Arrow.To)
		}
	}
	assert.Equal(t, []string{"a→s", "c→d", "⚡ kill s", "b→s", "s→a"}, rows)
	assert.Equal(t, uint64(6), s.Total(), "a fault is an event of the history")
	assert.Len(t, s.Nodes(), 4, "but no node of its own: a, s, b and c sent events")
}
