package trace_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
)

// The collector's hostile-input suite: each test plays a process on the
// same machine that connects to a real collector over TCP and misbehaves,
// and checks that the collector's limits (ListenConfig) hold.

// collectWith starts a collector with the limits of lc that records every
// event, closed when the test ends.
func collectWith(t *testing.T, lc trace.ListenConfig) (*trace.Collector, *programtest.EventLog) {
	t.Helper()
	rec := programtest.NewEventLog()
	col, err := lc.Listen("127.0.0.1:0", rec.Add)
	require.NoError(t, err)
	t.Cleanup(func() { col.Close() })
	return col, rec
}

// peer connects to the collector as a bare TCP client, closed when the
// test ends, and writes lines to it.
func peer(t *testing.T, col *trace.Collector, lines ...string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", col.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	for _, line := range lines {
		_, err := conn.Write([]byte(line + "\n"))
		require.NoError(t, err)
	}
	return conn
}

func hello(node string, pid int) string {
	return fmt.Sprintf(`{"v":1,"ev":"hello","node":%q,"seq":1,"t":1,"role":"server","model":"clientserver","pid":%d}`, node, pid)
}

func helloOf(node string) func(trace.Event) bool {
	return func(ev trace.Event) bool { return ev.Kind == trace.KindHello && ev.Node == node }
}

// waitClosed waits until the collector has closed conn: a read ends
// with EOF (or a reset) instead of waiting.
func waitClosed(t *testing.T, conn net.Conn, what string) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(programtest.Patience)))
	_, err := io.Copy(io.Discard, conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		require.FailNow(t, what+": the collector did not close the connection", "waited %s", programtest.Patience)
	}
}

// A program that stops reading its control lines must not stall whoever
// steers it: each line gets a write deadline, and the program is
// disconnected when it passes, with a log line that says why.
func TestHostileCollectorDisconnectsAPeerThatDoesNotRead(t *testing.T) {
	const writeTimeout = 200 * time.Millisecond
	col, rec := collectWith(t, trace.ListenConfig{WriteTimeout: writeTimeout})
	conn := peer(t, col, hello("deaf", 1))
	require.NoError(t, conn.(*net.TCPConn).SetReadBuffer(4096))
	rec.WaitN(t, 1, helloOf("deaf"))

	// Each line is 4 KiB: the kernel's buffers fill after some thousands.
	line := trace.Control{Op: trace.OpDo, Cmd: strings.Repeat("x", 4000)}
	var sent atomic.Int64
	done := make(chan error, 1)
	go func() {
		for {
			if err := col.Send("deaf", line); err != nil {
				done <- err
				return
			}
			sent.Add(1)
		}
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(programtest.Patience):
		require.FailNow(t, "Send blocked on a program that does not read", "after %d lines", sent.Load())
	}
	t.Logf("%d control lines taken before the program was disconnected", sent.Load())
	assert.EqualError(t, err, "deaf does not read its control lines: disconnected")

	logs := rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Kind == trace.KindLog && ev.Node == "deaf" })
	assert.Equal(t, "trace connection closed by the collector: it took no control line for 200ms", logs[0].Text)
	assert.EqualError(t, col.Send("deaf", line), `no program named "deaf" is connected`, "the name is free again")
}

// A connection that never says hello is closed at the hello deadline, and
// what it wrote before is not passed on: it is nobody.
func TestHostileCollectorClosesAConnectionThatNeverSaysHello(t *testing.T) {
	const helloTimeout = 300 * time.Millisecond
	col, rec := collectWith(t, trace.ListenConfig{HelloTimeout: helloTimeout})
	t.Run("silent", func(t *testing.T) {
		start := time.Now()
		waitClosed(t, peer(t, col), "a silent connection")
		assert.GreaterOrEqual(t, time.Since(start), helloTimeout)
	})
	t.Run("events without a hello", func(t *testing.T) {
		waitClosed(t, peer(t, col,
			`{"v":1,"ev":"state","node":"server","seq":2,"t":2,"key":"keys","value":"forged"}`,
			`{"v":1,"ev":"log","node":"server","seq":3,"t":3,"text":"forged"}`), "a connection with no hello")
	})
	t.Run("a long line before the hello", func(t *testing.T) {
		// 100 KiB is more than any hello: the collector does not hold it.
		waitClosed(t, peer(t, col, strings.Repeat("x", 100<<10)), "a long first line")
	})
	assert.Empty(t, rec.All(), "nothing is passed on for a connection that did not say hello")
}

// A collector serves at most MaxPrograms connections at once: one more is
// closed at once, and the collector's user is told, once per flood. When a
// connection closes, there is room again.
func TestHostileCollectorRefusesConnectionsOverItsBound(t *testing.T) {
	const connections = 300
	col, rec := collectWith(t, trace.ListenConfig{})
	conns := make([]net.Conn, connections)
	for i := range conns {
		conns[i] = peer(t, col, hello(fmt.Sprintf("p-%d", i), i+1))
	}
	refused := make(chan int, connections)
	for i, conn := range conns {
		go func() {
			conn.SetReadDeadline(time.Now().Add(programtest.Patience))
			if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
				refused <- i
			}
		}()
	}
	closed := map[int]bool{}
	for len(closed) < connections-trace.DefaultMaxPrograms {
		select {
		case i := <-refused:
			closed[i] = true
		case <-time.After(programtest.Patience):
			require.FailNow(t, "too few connections refused", "got %d, want %d", len(closed), connections-trace.DefaultMaxPrograms)
		}
	}
	hellos := rec.WaitN(t, trace.DefaultMaxPrograms, kind(trace.KindHello))
	assert.Len(t, hellos, trace.DefaultMaxPrograms, "programs served")
	for _, ev := range hellos {
		assert.NoError(t, col.Send(ev.Node, trace.Control{Op: trace.OpHold}), "a served program takes control lines")
	}
	refusals := rec.Matching(func(ev trace.Event) bool { return ev.Kind == trace.KindLog && ev.Node == "collector" })
	require.Len(t, refusals, 1, "one log line for the flood")
	assert.Contains(t, refusals[0].Text, "256 programs are connected already, the most this collector serves")

	served := hellos[0].Node
	var i int
	_, err := fmt.Sscanf(served, "p-%d", &i)
	require.NoError(t, err)
	conns[i].Close()
	// The collector frees the place once it has read the end of that
	// connection; until then a new one is still one too many. So the late
	// program tries again when it is refused, as a restarted program would.
	deadline := time.Now().Add(programtest.Patience)
	for {
		late := peer(t, col, hello("late", 1000))
		if servedOrRefused(t, rec, late) {
			waitOpen(t, late)
			return
		}
		require.True(t, time.Now().Before(deadline), "no room for a program after one left")
	}
}

// servedOrRefused waits until the collector has either taken conn's hello
// (true) or closed conn (false).
func servedOrRefused(t *testing.T, rec *programtest.EventLog, conn net.Conn) bool {
	t.Helper()
	for end := time.Now().Add(programtest.Patience); time.Now().Before(end); {
		if len(rec.Matching(helloOf("late"))) > 0 {
			return true
		}
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
		if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
			return len(rec.Matching(helloOf("late"))) > 0
		}
	}
	require.FailNow(t, "the collector neither took the hello nor closed the connection")
	return false
}

// waitOpen checks that the collector keeps conn open for a moment.
func waitOpen(t *testing.T, conn net.Conn) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(100*time.Millisecond)))
	_, err := conn.Read(make([]byte, 1))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "the connection is still open")
	require.NoError(t, conn.SetReadDeadline(time.Time{}))
}

// Any process on the machine can connect to the collector. One that says
// hello under the name of a running node must not take that node's
// control lines, nor speak for it: the first connection keeps the name.
func TestHostileCollectorKeepsANodeNameFromAForgedHello(t *testing.T) {
	col, rec := collectWith(t, trace.ListenConfig{HelloTimeout: 500 * time.Millisecond})
	controls := make(chan trace.Control, 8)
	em := dialEmitter(t, col.Addr(), "server-1", func(c trace.Control) { controls <- c })
	em.Hello("server", "clientserver", 4242, "127.0.0.1:7000")
	rec.WaitN(t, 1, helloOf("server-1"))

	forger := peer(t, col, hello("server-1", 666),
		`{"v":1,"ev":"state","node":"server-1","seq":2,"t":2,"key":"keys","value":"forged"}`)
	waitClosed(t, forger, "a forged hello")
	logs := rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Kind == trace.KindLog && ev.Node == "server-1" })
	assert.Contains(t, logs[0].Text, "refused a second hello as server-1")

	require.NoError(t, col.Send("server-1", trace.Control{Op: trace.OpDo, Cmd: "get a"}))
	select {
	case c := <-controls:
		assert.Equal(t, "get a", c.Cmd, "the real program gets its control line")
	case <-time.After(programtest.Patience):
		require.FailNow(t, "the real server-1 got no control line")
	}
	assert.Len(t, rec.Matching(helloOf("server-1")), 1, "the forged hello is not passed on")
	assert.Empty(t, rec.Matching(func(ev trace.Event) bool { return ev.Value == "forged" }), "nor what the forger says")

	t.Run("events naming another node", func(t *testing.T) {
		peer(t, col, hello("mallory", 7), `{"v":1,"ev":"log","node":"server-1","seq":2,"t":2,"text":"forged"}`,
			`{"v":1,"ev":"log","node":"mallory","seq":3,"t":3,"text":"mine"}`)
		rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Text == "mine" })
		assert.Empty(t, rec.Matching(func(ev trace.Event) bool { return ev.Text == "forged" }))
	})
}

// A restarted program connects again under its name while its old
// connection may not be seen closed yet: its hello waits for the old
// connection to close, and then it gets the name and the control lines.
func TestCollectorGivesTheNameToARestartedProgram(t *testing.T) {
	col, rec := collectWith(t, trace.ListenConfig{})
	old := peer(t, col, hello("server-1", 100))
	rec.WaitN(t, 1, helloOf("server-1"))
	restarted := peer(t, col, hello("server-1", 101))
	waitOpen(t, restarted)
	assert.Len(t, rec.Matching(helloOf("server-1")), 1, "the new hello waits for the old connection")

	old.Close() // the old process was killed
	hellos := rec.WaitN(t, 2, helloOf("server-1"))
	assert.Equal(t, 101, hellos[1].PID)
	require.NoError(t, col.Send("server-1", trace.Control{Op: trace.OpHold, On: true}))
	buf := make([]byte, 256)
	require.NoError(t, restarted.SetReadDeadline(time.Now().Add(programtest.Patience)))
	n, err := restarted.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, `{"v":1,"ctl":"hold","on":true}`+"\n", string(buf[:n]))
}

// Fault rows and the class's answers are written by the collector alone:
// a program that sends one (to fake a kill in the diagram, or answers in
// the class's report) is not believed; its other events go on.
func TestHostileCollectorSkipsEventsOnlyItMayWrite(t *testing.T) {
	col, rec := collectWith(t, trace.ListenConfig{})
	peer(t, col, hello("mallory", 1),
		`{"v":1,"ev":"fault","node":"server","seq":2,"t":2,"fault":"kill"}`,
		`{"v":1,"ev":"answer","node":"student-1","seq":3,"t":3,"key":"p2p/predict#3","value":"peer-2","text":"peer-2"}`,
		`{"v":1,"ev":"log","node":"mallory","seq":4,"t":4,"text":"still here"}`)
	rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Kind == trace.KindLog && ev.Text == "still here" })
	for _, ev := range rec.All() {
		assert.False(t, trace.WrittenByCollector(ev.Kind), "a program's %s event passed: %+v", ev.Kind, ev)
	}
}

// Admit is the collector's door: a program it refuses is told why in a
// "refused" control line, and its connection closes; a program it admits
// goes on, and its join token goes no further than Admit.
func TestCollectorAdmitsOnlyWhomAdmitTakes(t *testing.T) {
	col, rec := collectWith(t, trace.ListenConfig{Admit: func(hello trace.Event) error {
		if hello.Token != "tulip" {
			return errors.New("this demo needs the class's join token")
		}
		return nil
	}})
	stranger := peer(t, col, hello("stranger", 1))
	require.NoError(t, stranger.SetReadDeadline(time.Now().Add(programtest.Patience)))
	line, err := io.ReadAll(stranger)
	require.NoError(t, err, "the collector closes the connection")
	c, err := trace.ParseControl([]byte(strings.TrimSpace(string(line))))
	require.NoError(t, err)
	assert.Equal(t, trace.OpRefused, c.Op)
	assert.Equal(t, "this demo needs the class's join token", c.Cmd)

	peer(t, col, `{"v":1,"ev":"hello","node":"student","seq":1,"t":1,"role":"peer","token":"tulip"}`)
	admitted := rec.WaitN(t, 1, helloOf("student"))
	assert.Empty(t, admitted[0].Token, "the token is not passed on")
	assert.Empty(t, rec.Matching(helloOf("stranger")), "the refused program's hello is not passed on")
	assert.NotEmpty(t, rec.Matching(func(ev trace.Event) bool {
		return ev.Kind == trace.KindLog && strings.Contains(ev.Text, `refused "stranger"`)
	}), "the refusal is logged")
}
