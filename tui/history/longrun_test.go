package history_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
	"dsdemo/tui/history/historytest"
)

// BenchmarkLongRun feeds 30 minutes of the peer-to-peer demo's events
// (historytest.Ring) into a store of the default capacity and reports its
// heap after 5 and after 30 minutes: the same when the store is bounded.
// worst-MiB is the heap of a full store whose every event is as big as the
// store keeps it (a body of trace.MaxBody, a log line of the longest kept).
//
//	go test -run '^$' -bench LongRun -benchtime 1x ./tui/history/
func BenchmarkLongRun(b *testing.B) {
	for b.Loop() {
		base := liveHeap()
		s := history.New(history.DefaultCapacity)
		ring := historytest.NewRing(time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC))
		var heap5 float64
		for at := time.Second; at <= 30*time.Minute; at += time.Second {
			for _, ev := range ring.Until(at) {
				s.Add(ev)
			}
			if at == 5*time.Minute {
				heap5 = liveHeap() - base
			}
		}
		b.ReportMetric(heap5, "heap-5min-MiB")
		b.ReportMetric(liveHeap()-base, "heap-30min-MiB")
		b.ReportMetric(float64(s.Total()), "events")
		runtime.KeepAlive(s)

		base = liveHeap()
		s = history.New(history.DefaultCapacity)
		for i := range uint64(2 * history.DefaultCapacity) {
			s.Add(fullSize(i))
		}
		b.ReportMetric(liveHeap()-base, "worst-MiB")
		runtime.KeepAlive(s)
	}
}

// liveHeap is the live heap after a full collection, in MiB.
func liveHeap() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// huge is the i-th of events each as big as a line of the trace protocol
// may make it: a megabyte of body or of text, each of its own.
func huge(i uint64) trace.Event {
	return sized(i, 1<<20)
}

// fullSize is the i-th of events each as big as the store keeps them: a
// body of trace.MaxBody, a log line of a kilobyte.
func fullSize(i uint64) trace.Event {
	return sized(i, trace.MaxBody)
}

// sized is a log event with a text of n bytes (i even), or a send with a
// body of n bytes (i odd).
func sized(i uint64, n int) trace.Event {
	if i%2 == 0 {
		return trace.Event{V: 1, Kind: trace.KindLog, Node: "mallory", Text: strings.Repeat("é", n/2) + fmt.Sprint(i)}
	}
	return trace.Event{V: 1, Kind: trace.KindSend, Node: "mallory", Clock: i,
		Msg: &trace.Message{From: "mallory", To: "server", Type: "put", ID: i, Clock: i, Size: n + 90,
			Body: json.RawMessage(`"` + strings.Repeat("x", n-2) + `"`)}}
}

// TestHostileHugeEvents: a foreign program may send lines of a megabyte;
// the store keeps a body of at most trace.MaxBody (the size stays) and a
// text cut to whole characters, and never changes the caller's event.
func TestHostileHugeEvents(t *testing.T) {
	s := history.New(10)
	send, log := huge(1), huge(2)
	require.Len(t, send.Msg.Body, 1<<20)
	s.Add(send)
	s.Add(log)
	events := s.Events()
	require.Len(t, events, 2)
	assert.Nil(t, events[0].Msg.Body, "a body over trace.MaxBody is left out")
	assert.Equal(t, send.Msg.Size, events[0].Msg.Size, "its size stays")
	assert.Nil(t, s.Arrows()[0].Body)
	assert.Less(t, len(events[1].Text), 2000)
	assert.True(t, utf8.ValidString(events[1].Text), "cut between characters")
	assert.True(t, strings.HasSuffix(events[1].Text, "…"), "and says so")
	assert.Len(t, send.Msg.Body, 1<<20, "the caller's message is not changed")
	assert.Greater(t, len(log.Text), 1<<20)

	small := msg(trace.KindSend, "c", "c", "s", "put", 1, 0, 1, 1, "")
	small.Msg.Body = json.RawMessage(`{"key":"a"}`)
	s.Add(small)
	assert.Same(t, small.Msg, s.Events()[2].Msg, "an event within the bounds is kept as it is")
}

// TestHostileHeapStaysBounded: a store full of the biggest events a
// program can send costs what its capacity allows, not a megabyte each.
func TestHostileHeapStaysBounded(t *testing.T) {
	base := liveHeap()
	s := history.New(100)
	for i := range uint64(300) {
		s.Add(huge(i))
	}
	grown := liveHeap() - base
	assert.Less(t, grown, 2.0, "100 kept events of a megabyte each cost %.1f MiB", grown)
	runtime.KeepAlive(s)
}

// TestHostileManyNodesAndKeys: node names and state keys come from the
// programs; a store knows at most MaxNodes nodes and MaxStateKeys keys each.
func TestHostileManyNodesAndKeys(t *testing.T) {
	s := history.New(100)
	for i := range 10 * history.MaxNodes {
		s.Add(trace.Event{V: 1, Kind: trace.KindLog, Node: fmt.Sprintf("node-%d", i), Text: "hi"})
	}
	assert.Len(t, s.Nodes(), history.MaxNodes)
	assert.Nil(t, s.Node(fmt.Sprintf("node-%d", history.MaxNodes)), "a node past the bound is not kept")
	assert.Equal(t, uint64(10*history.MaxNodes), s.Total(), "its events are counted")

	for i := range 1000 {
		s.Add(trace.Event{V: 1, Kind: trace.KindState, Node: "node-0", Key: fmt.Sprintf("key-%d", i), Value: "v"})
	}
	s.Add(trace.Event{V: 1, Kind: trace.KindState, Node: "node-0", Key: "key-0", Value: "new"})
	n := s.Node("node-0")
	assert.Len(t, n.Keys, history.MaxStateKeys)
	assert.Len(t, n.State, history.MaxStateKeys)
	assert.Equal(t, uint64(1000-history.MaxStateKeys), n.LeftOut)
	assert.Equal(t, "new", n.State["key-0"], "a kept key still changes")
}

// TestHostileManyAddresses: each restart of a node may bring a new listen
// address (churn in the ring restarts a peer every few seconds); the store
// forgets the stale ones once it remembers too many, and still names the
// node at its current one.
func TestHostileManyAddresses(t *testing.T) {
	s := history.New(100)
	for port := range 10_000 {
		s.Add(hello("peer-3", fmt.Sprintf("127.0.0.1:%d", 20000+port)))
	}
	assert.LessOrEqual(t, s.Addresses(), 4*history.MaxNodes)
	s.Add(msg(trace.KindSend, "c", "c", "127.0.0.1:29999", "get", 1, 0, 1, 1, ""))
	assert.Equal(t, "peer-3", s.Arrows()[0].To, "the current address is named")
}

// TestForgotten: the store says how much of the run it no longer keeps.
func TestForgotten(t *testing.T) {
	s := history.New(10)
	for i := range uint64(25) {
		s.Add(msg(trace.KindSend, "c", "c", "s", "put", i+1, 0, i+1, i+1, ""))
	}
	assert.Equal(t, uint64(15), s.Forgotten())
	assert.Equal(t, uint64(25), s.Messages(), "every arrow ever made")
	assert.Len(t, s.Arrows(), 10)
	assert.Equal(t, 10, s.Capacity())
}
