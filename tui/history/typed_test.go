package history_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

func state(node, key, value string, at time.Time, tm *trace.Timer, g *trace.Gauge) trace.Event {
	return trace.Event{V: 1, Kind: trace.KindState, Node: node, Time: at.UnixMicro(), Key: key, Value: value, Timer: tm, Gauge: g}
}

// TestHistoryKeepsTypedState: the latest state of a key keeps its timer or
// gauge, a later plain value of the key takes it away, and the text stays
// for whoever reads State.
func TestHistoryKeepsTypedState(t *testing.T) {
	at := time.UnixMicro(1795385315960400)
	s := history.New(100)
	s.Add(hello("client", ""))
	s.Add(state("client", "timeout", "reply to put a: 2s", at, &trace.Timer{MS: 2000, Label: "reply to put a"}, nil))
	s.Add(state("client", "queue", "3/10", at, nil, &trace.Gauge{Value: 3, Max: 10}))

	n := s.Node("client")
	require.NotNil(t, n)
	require.Contains(t, n.Timers, "timeout")
	tm := n.Timers["timeout"]
	assert.Equal(t, "reply to put a", tm.Label)
	assert.Equal(t, at, tm.At)
	assert.Equal(t, 1500*time.Millisecond, tm.Left(at.Add(500*time.Millisecond)))
	assert.Equal(t, trace.Gauge{Value: 3, Max: 10}, n.Gauges["queue"])
	assert.Equal(t, "reply to put a: 2s", n.State["timeout"])
	key, urgent, ok := n.Urgent(at)
	assert.True(t, ok)
	assert.Equal(t, "timeout", key)
	assert.Equal(t, tm, urgent)

	s.Add(state("client", "timeout", "answered after 3ms", at.Add(3*time.Millisecond), nil, nil))
	assert.NotContains(t, n.Timers, "timeout", "the end of the timer takes its bar away")
	assert.Equal(t, "answered after 3ms", n.State["timeout"])
	_, _, ok = n.Urgent(at)
	assert.False(t, ok, "no timer runs")
	s.Add(state("client", "queue", "4", at, nil, nil))
	assert.Empty(t, n.Gauges)
}

// TestHostileTypedStateInRecording: a recording bypasses the collector,
// so the store holds typed state to the protocol's bounds itself, and
// writes out control characters of a label.
func TestHostileTypedStateInRecording(t *testing.T) {
	at := time.UnixMicro(1)
	s := history.New(100)
	s.Add(state("x", "lease", "forever", at, &trace.Timer{MS: -1}, nil))
	s.Add(state("x", "queue", "many", at, nil, &trace.Gauge{Value: 1, Max: 0}))
	s.Add(state("x", "ack", "soon", at, &trace.Timer{MS: 10, Label: "\x1b]0;pwned\a"}, nil))
	n := s.Node("x")
	assert.NotContains(t, n.Timers, "lease")
	assert.Equal(t, "forever", n.State["lease"])
	assert.Empty(t, n.Gauges)
	assert.Equal(t, `\x1b]0;pwned\x07`, n.Timers["ack"].Label)
}

// TestTypedStateIsBounded: as many keys as a node keeps, and no more.
func TestTypedStateIsBounded(t *testing.T) {
	s := history.New(100)
	for i := range history.MaxStateKeys + 10 {
		s.Add(state("x", string(rune('A'+i)), "", time.Unix(0, 0), &trace.Timer{MS: 10}, nil))
	}
	assert.Len(t, s.Node("x").Timers, history.MaxStateKeys)
}
