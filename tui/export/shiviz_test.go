package export_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/export"
)

func TestShiVizRealRecording(t *testing.T) {
	var out strings.Builder
	require.NoError(t, export.ShiViz(&out, realRun(t).Events, export.Options{}))
	events := checkShiViz(t, out.String())
	assert.Greater(t, len(events), 10)
}

// msgEvent is a send or recv event of a message from from to to.
func msgEvent(kind trace.Kind, node, from, to, typ string, id uint64, fault string) trace.Event {
	return trace.Event{V: 1, Kind: kind, Node: node, Fault: fault, Msg: &trace.Message{From: from, To: to, Type: typ, ID: id}}
}

// TestHostileShiVizInput feeds the exporter what a recording may hold
// but no well-behaved run does: a receive recorded before its send, one
// whose sender was never traced, names with spaces and braces, a fault on
// every node before any node. The log still passes ShiViz's checks.
func TestHostileShiVizInput(t *testing.T) {
	events := []trace.Event{
		{V: 1, Kind: trace.KindFault, Fault: trace.FaultDelay, Value: "300"},
		msgEvent(trace.KindRecv, "b node", "a", "b node", "ping", 1, ""), // before its send
		msgEvent(trace.KindSend, "a", "a", "b node", "ping", 1, ""),
		msgEvent(trace.KindRecv, "a", "stranger", "a", "{\"x\":1}", 7, ""), // a sender that was not traced
		msgEvent(trace.KindSend, "a", "a", "b node", "ping", 2, "drop"),
		{V: 1, Kind: trace.KindFault, Node: "a", Fault: trace.FaultKill},
		{V: 1, Kind: trace.KindFault, Fault: trace.FaultHold, Value: "on"},
		msgEvent(trace.KindSend, "b node", "b node", "a", "pong", 1, ""),
		{V: 1, Kind: trace.KindHello, Node: "a"}, // a restarted, counting ids from 1 again
		msgEvent(trace.KindSend, "a", "a", "b node", "ping", 1, ""),
		msgEvent(trace.KindRecv, "b node", "a", "b node", "ping", 1, ""),
	}
	var out strings.Builder
	require.NoError(t, export.ShiViz(&out, events, export.Options{Lang: "de"}))
	got := checkShiViz(t, out.String())
	var texts []string
	for _, e := range got {
		texts = append(texts, e.host+": "+e.text)
	}
	assert.Contains(t, texts, "a: ⚡ a hart beendet (SIGKILL)")
	assert.Contains(t, texts, "a: ⚡ Schrittmodus an bei allen Knoten")
	assert.Contains(t, texts, "b_node: ⚡ Schrittmodus an bei allen Knoten")
	assert.Contains(t, texts, `a: recv ("x":1) ← stranger [stranger#7]`)
}
