package trace_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
)

func kind(k trace.Kind) func(trace.Event) bool {
	return func(ev trace.Event) bool { return ev.Kind == k }
}

func everyEvent(trace.Event) bool { return true }

// collect starts a collector that records every event, closed when the test ends.
func collect(t *testing.T) (*trace.Collector, *programtest.EventLog) {
	t.Helper()
	rec := programtest.NewEventLog()
	col, err := trace.Listen("127.0.0.1:0", rec.Add)
	require.NoError(t, err)
	t.Cleanup(func() { col.Close() })
	return col, rec
}

// dialEmitter connects an emitter for node to addr, closed when the test ends.
func dialEmitter(t *testing.T, addr, node string, onControl func(trace.Control)) *trace.Emitter {
	t.Helper()
	em, err := trace.Dial(programtest.Context(t), addr, node, onControl)
	require.NoError(t, err)
	t.Cleanup(func() { em.Close("test over") })
	return em
}

func TestEmitterReportsToCollector(t *testing.T) {
	col, rec := collect(t)
	em := dialEmitter(t, col.Addr(), "server-1", nil)
	em.Hello("server", "clientserver", 4242, "127.0.0.1:7000")
	em.State("keys", "3")
	em.Logf("stored %q", "a")
	em.Emit(trace.Event{Kind: trace.KindSend, Msg: &trace.Message{From: "server-1", To: "client", Type: "put_ok", ID: 9, Clock: 4}})

	got := rec.WaitN(t, 4, everyEvent)
	require.Len(t, got, 4)
	for i, ev := range got {
		assert.Equal(t, trace.Version, ev.V, "event %d: v", i)
		assert.Equal(t, "server-1", ev.Node, "event %d: node", i)
		assert.Equal(t, uint64(i+1), ev.Seq, "event %d: seq", i)
		assert.NotZero(t, ev.Time, "event %d: time", i)
	}

	hello := got[0]
	assert.Equal(t, trace.KindHello, hello.Kind)
	assert.Equal(t, "server", hello.Role)
	assert.Equal(t, "clientserver", hello.Model)
	assert.Equal(t, 4242, hello.PID)
	assert.Equal(t, "127.0.0.1:7000", hello.Listen)

	assert.Equal(t, trace.KindState, got[1].Kind)
	assert.Equal(t, "keys", got[1].Key)
	assert.Equal(t, "3", got[1].Value)

	assert.Equal(t, trace.KindLog, got[2].Kind)
	assert.Equal(t, `stored "a"`, got[2].Text)

	assert.Equal(t, trace.KindSend, got[3].Kind)
	require.NotNil(t, got[3].Msg)
	assert.Equal(t, trace.Message{From: "server-1", To: "client", Type: "put_ok", ID: 9, Clock: 4}, *got[3].Msg)
	assert.Zero(t, em.Dropped())
}

func TestEmitterSeqUnderConcurrency(t *testing.T) {
	const goroutines, each = 8, 200
	col, rec := collect(t)
	em := dialEmitter(t, col.Addr(), "busy", nil)
	em.Hello("server", "clientserver", 1, "127.0.0.1:1")
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				em.State("g"+strconv.Itoa(g), strconv.Itoa(i))
			}
		})
	}
	wg.Wait()
	got := rec.WaitN(t, goroutines*each, kind(trace.KindState))
	require.Zero(t, em.Dropped(), "the queue holds all %d events", goroutines*each)
	for i, ev := range got {
		if ev.Seq != uint64(i+2) { // after the hello
			assert.Fail(t, "seq out of step", "event %d: got seq %d, want %d", i, ev.Seq, i+2)
			break
		}
	}
}

// stalledEmitter returns an emitter for node connected to a collector that
// accepts the connection and does not read until the test calls resume: its
// receive buffer fills, the emitter's writer stalls, the emitter's queue fills.
// resume starts reading and records the events whose line passes keep.
func stalledEmitter(t *testing.T, node string) (em *trace.Emitter, resume func(keep func(line []byte) bool) *programtest.EventLog) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	em, err = trace.Dial(programtest.Context(t), ln.Addr().String(), node, nil)
	require.NoError(t, err)
	em.Hello("server", "clientserver", 1, "127.0.0.1:1")
	require.NoError(t, ln.(*net.TCPListener).SetDeadline(time.Now().Add(programtest.Patience)))
	nc, err := ln.Accept()
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	t.Cleanup(func() { em.Close("test over") })

	resume = func(keep func(line []byte) bool) *programtest.EventLog {
		rec := programtest.NewEventLog()
		drained := make(chan struct{})
		t.Cleanup(func() {
			nc.Close()
			<-drained
		})
		go func() {
			defer close(drained)
			sc := bufio.NewScanner(nc)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				var ev trace.Event
				if keep(sc.Bytes()) && json.Unmarshal(sc.Bytes(), &ev) == nil {
					rec.Add(ev)
				}
			}
		}()
		return rec
	}
	return em, resume
}

// flood emits n state events from one goroutine and fails the test unless
// that finishes well before programtest.Patience: a liveness check, not a timing one.
func flood(t *testing.T, em *trace.Emitter, n int) {
	t.Helper()
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		for i := range n {
			em.State("i", strconv.Itoa(i))
		}
	}()
	select {
	case <-emitted:
	case <-time.After(programtest.Patience):
		require.FailNow(t, "Emit blocked on a collector that does not read")
	}
}

func TestEmitterNeverBlocks(t *testing.T) {
	const n = 200_000
	em, resume := stalledEmitter(t, "flood")
	flood(t, em, n)
	dropped := em.Dropped()
	t.Logf("dropped %d of %d", dropped, n)
	assert.Greater(t, dropped, uint64(0), "events dropped of %d", n)
	assert.Less(t, dropped, uint64(n), "events dropped of %d", n)

	// The collector starts reading: the loss is reported in the stream.
	rec := resume(func(line []byte) bool { return bytes.Contains(line, []byte(`"ev":"overflow"`)) })
	overflows := rec.WaitN(t, 1, func(ev trace.Event) bool {
		return ev.Kind == trace.KindOverflow && ev.Count == dropped
	})
	assert.Equal(t, "flood", overflows[0].Node)
	assert.Equal(t, trace.Version, overflows[0].V)
}

func TestEmitterSeqAcrossOverflow(t *testing.T) {
	// A collector reads seq 1, 2, 3 ... without gaps, overflow events
	// included; lost events are counted by overflow events, not by gaps.
	em, resume := stalledEmitter(t, "flood")
	flood(t, em, 30_000)
	dropped := em.Dropped()
	require.NotZero(t, dropped)
	rec := resume(func([]byte) bool { return true })
	rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Kind == trace.KindOverflow && ev.Count == dropped })
	// The queue may still be full for a moment: say "the end" until it gets through.
	require.Eventually(t, func() bool {
		em.Logf("the end")
		return len(rec.Matching(kind(trace.KindLog))) > 0
	}, programtest.Patience, 10*time.Millisecond)

	got := rec.Matching(everyEvent)
	for i, ev := range got {
		if ev.Seq != uint64(i+1) {
			assert.Fail(t, "seq out of step", "event %d (%s): got seq %d, want %d", i, ev.Kind, ev.Seq, i+1)
			break
		}
	}
	overflows := rec.Matching(kind(trace.KindOverflow))
	for i := 1; i < len(overflows); i++ {
		assert.Greater(t, overflows[i].Count, overflows[i-1].Count, "overflow counts are totals so far")
	}
}

func TestNilEmitter(t *testing.T) {
	var em *trace.Emitter
	assert.NotPanics(t, func() {
		em.Emit(trace.Event{Kind: trace.KindLog, Text: "x"})
		em.Hello("server", "clientserver", 1, "127.0.0.1:1")
		em.State("k", "v")
		em.Logf("%d", 1)
		em.Close("bye")
	})
	assert.Zero(t, em.Dropped())
	assert.Nil(t, em.HungUp(), "a channel that is never ready")
}

func TestEmitterControl(t *testing.T) {
	col, rec := collect(t)
	controls := make(chan trace.Control, 1)
	em := dialEmitter(t, col.Addr(), "client-1", func(c trace.Control) { controls <- c })
	em.Hello("client", "clientserver", 1, "")
	rec.WaitN(t, 1, kind(trace.KindHello)) // the collector knows the node by name now

	tests := []struct {
		name string
		ctl  trace.Control
	}{
		{"delay", trace.Control{Op: trace.OpDelay, Ms: 250}},
		{"drop", trace.Control{Op: trace.OpDrop, P: 0.3}},
		{"duplicate", trace.Control{Op: trace.OpDuplicate, P: 1}},
		{"hold", trace.Control{Op: trace.OpHold, On: true}},
		{"release one", trace.Control{Op: trace.OpRelease, ID: 17}},
		{"release all", trace.Control{Op: trace.OpRelease, All: true}},
		{"partition", trace.Control{Op: trace.OpPartition, Peers: []string{"server-2", "127.0.0.1:7001"}}},
		{"heal", trace.Control{Op: trace.OpPartition}},
		{"do", trace.Control{Op: trace.OpDo, Cmd: "put a 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, col.Send("client-1", tt.ctl))
			want := tt.ctl
			want.V = trace.Version
			select {
			case got := <-controls:
				assert.Equal(t, want, got)
			case <-time.After(programtest.Patience):
				require.FailNow(t, "control line not delivered")
			}
		})
	}

	t.Run("unknown node", func(t *testing.T) {
		err := col.Send("nobody", trace.Control{Op: trace.OpHold, On: true})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nobody")
	})
}

func TestEmitterAnswersBadControlWithLog(t *testing.T) {
	// A hand-made collector, so it can write lines Collector.Send never would.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	controls := make(chan trace.Control, 10)
	em := dialEmitter(t, ln.Addr().String(), "client-1", func(c trace.Control) { controls <- c })
	em.Hello("client", "clientserver", 1, "")
	require.NoError(t, ln.(*net.TCPListener).SetDeadline(time.Now().Add(programtest.Patience)))
	nc, err := ln.Accept()
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	require.NoError(t, nc.SetDeadline(time.Now().Add(programtest.Patience)))
	sc := bufio.NewScanner(nc)
	require.True(t, sc.Scan(), "the hello: %v", sc.Err())

	tests := []struct {
		name     string
		line     string
		wantText string
	}{
		{"not JSON", `drop 0.5`, "bad control line"},
		{"unknown operation", `{"v":1,"ctl":"explode"}`, `unknown operation "explode"`},
		{"wrong version", `{"v":2,"ctl":"drop","p":0.5}`, "version 2"},
		{"probability out of range", `{"v":1,"ctl":"drop","p":1.5}`, "1.5"},
		{"release without id", `{"v":1,"ctl":"release"}`, "release"},
		{"do without cmd", `{"v":1,"ctl":"do"}`, "cmd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := io.WriteString(nc, tt.line+"\n")
			require.NoError(t, err)
			require.True(t, sc.Scan(), "an answer: %v", sc.Err())
			var ev trace.Event
			require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
			assert.Equal(t, trace.KindLog, ev.Kind)
			assert.Contains(t, ev.Text, tt.wantText)
		})
	}
	assert.Empty(t, controls, "no bad line reaches onControl")

	t.Run("blank lines are skipped, a good line still works", func(t *testing.T) {
		_, err := io.WriteString(nc, "\n\n"+`{"v":1,"ctl":"hold","on":true}`+"\n")
		require.NoError(t, err)
		select {
		case got := <-controls:
			assert.Equal(t, trace.Control{V: 1, Op: trace.OpHold, On: true}, got)
		case <-time.After(programtest.Patience):
			require.FailNow(t, "control line not delivered")
		}
	})
}

func TestEmitterHungUp(t *testing.T) {
	col, rec := collect(t)
	em := dialEmitter(t, col.Addr(), "client-1", nil)
	em.Hello("client", "clientserver", 1, "")
	rec.WaitN(t, 1, kind(trace.KindHello))
	select {
	case <-em.HungUp():
		require.FailNow(t, "HungUp closed while the collector is there")
	default:
	}

	t.Run("by Hangup", func(t *testing.T) {
		col.Hangup("client-1")
		select {
		case <-em.HungUp():
		case <-time.After(programtest.Patience):
			require.FailNow(t, "HungUp not closed after the collector hung up")
		}
	})
	t.Run("events after the hang-up count as dropped", func(t *testing.T) {
		before := em.Dropped()
		em.Logf("nobody listens")
		assert.Equal(t, before+1, em.Dropped())
	})
}

func TestEmitterHungUpByCollectorClose(t *testing.T) {
	col, err := trace.Listen("127.0.0.1:0", nil)
	require.NoError(t, err)
	em := dialEmitter(t, col.Addr(), "client-1", nil)
	require.NoError(t, col.Close())
	select {
	case <-em.HungUp():
	case <-time.After(programtest.Patience):
		require.FailNow(t, "HungUp not closed after the collector closed")
	}
}

func TestEmitterCloseSendsBye(t *testing.T) {
	const logs = 100
	col, rec := collect(t)
	em := dialEmitter(t, col.Addr(), "server-1", nil)
	em.Hello("server", "clientserver", 1, "127.0.0.1:1")
	for i := range logs {
		em.Logf("line %d", i)
	}
	em.Close("interrupted")
	em.Close("twice") // a second Close does nothing

	byes := rec.WaitN(t, 1, kind(trace.KindBye))
	require.Len(t, byes, 1)
	assert.Equal(t, "interrupted", byes[0].Text)
	assert.Equal(t, "server-1", byes[0].Node)
	assert.Equal(t, uint64(logs+2), byes[0].Seq, "after the hello and the logs")

	got := rec.Matching(everyEvent)
	assert.Len(t, got, logs+2, "every queued event arrives before bye")
	assert.Equal(t, trace.KindBye, got[len(got)-1].Kind, "bye is last")
	select {
	case <-em.HungUp():
	case <-time.After(programtest.Patience):
		require.FailNow(t, "HungUp not closed after Close")
	}
}

func TestEmitterHelloComesFirst(t *testing.T) {
	// A server reports its state while it gets ready, and says hello only
	// when it accepts connections: the collector still reads the hello first.
	col, rec := collect(t)
	em := dialEmitter(t, col.Addr(), "db", nil)
	em.State("file", "flights.db")
	em.Logf("opened")
	em.Hello("db", "ntier", 1, "127.0.0.1:7000")
	em.Hello("db", "ntier", 2, "127.0.0.1:7001") // only the first counts

	got := rec.WaitN(t, 3, everyEvent)
	require.Len(t, got, 3)
	assert.Equal(t, trace.KindHello, got[0].Kind)
	assert.Equal(t, "127.0.0.1:7000", got[0].Listen)
	assert.Equal(t, []uint64{1, 2, 3}, []uint64{got[0].Seq, got[1].Seq, got[2].Seq})
	assert.Equal(t, trace.KindState, got[1].Kind)
	assert.Equal(t, trace.KindLog, got[2].Kind)
}

func TestEmitterWithoutHelloSaysNothing(t *testing.T) {
	// A program that stops before it is ready (a bad flag, a missing
	// file) never said hello, so it says nothing at all, not even bye.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	em, err := trace.Dial(programtest.Context(t), ln.Addr().String(), "db", nil)
	require.NoError(t, err)
	require.NoError(t, ln.(*net.TCPListener).SetDeadline(time.Now().Add(programtest.Patience)))
	nc, err := ln.Accept()
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	em.State("file", "flights.db")
	em.Close("cannot open the data directory")

	require.NoError(t, nc.SetReadDeadline(time.Now().Add(programtest.Patience)))
	got, err := io.ReadAll(nc)
	require.NoError(t, err, "the connection closes")
	assert.Empty(t, string(got))
}

func TestDialWithoutCollector(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	em, err := trace.Dial(programtest.Context(t), addr, "lonely", nil)
	require.Error(t, err)
	assert.Nil(t, em)
	assert.Contains(t, err.Error(), addr)
}
