package clientserver_test

import (
	"bufio"
	"fmt"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// These tests attack the server through the wire's limits (models/wire,
// limits.go): what a peer can make a server hold, and for how long.

// waitReadEmpty waits until no connection to the server at addr has bytes
// the server has not read yet, from the receive queues in /proc/net/tcp.
func waitReadEmpty(t *testing.T, addr string) {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	local := fmt.Sprintf(":%04X", p)
	deadline := time.Now().Add(programtest.Patience)
	for {
		table, err := os.ReadFile("/proc/net/tcp")
		require.NoError(t, err)
		waiting := int64(0)
		for line := range strings.Lines(string(table)) {
			f := strings.Fields(line)
			// sl local_address rem_address st tx_queue:rx_queue ...
			if len(f) < 5 || !strings.HasSuffix(f[1], local) || f[3] != "01" {
				continue
			}
			_, rx, _ := strings.Cut(f[4], ":")
			n, _ := strconv.ParseInt(rx, 16, 64)
			waiting += n
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server left %d bytes unread for %v", waiting, programtest.Patience)
		}
		time.Sleep(10 * time.Millisecond) // polling the kernel's table; there is nothing to wait on
	}
}

// Two hundred peers each send most of a 1 MiB frame and, for a while, not
// its newline. Without a budget the server held every one of them (370 MB);
// now a frame beyond wire.MaxHeld is skipped and refused as busy when its
// line ends, the server stays within the budget, and it goes on answering.
func TestHostileUnfinishedLargeFramesStayWithinTheBudget(t *testing.T) {
	server, _ := programs(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")

	const peers = 200
	frame := []byte(`{"from":"mallory","type":"put","id":1,"body":{"key":"k","value":"` + strings.Repeat("m", wire.MaxFrame-200))
	conns := make([]net.Conn, peers)
	for i := range conns {
		c, err := net.Dial("tcp", srv.Addr)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		require.NoError(t, c.SetDeadline(time.Now().Add(programtest.Patience)))
		conns[i] = c
	}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			_, err := c.Write(frame)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	// The writes returned when the bytes were in the kernel's buffers; the
	// server has them once it has read its sockets empty.
	waitReadEmpty(t, srv.Addr)
	peak := programtest.PeakRSS(t, srv.Cmd.Process.Pid)

	var busy, answered atomic.Int64
	for _, c := range conns {
		wg.Go(func() {
			if _, err := c.Write([]byte(`"}}` + "\n")); !assert.NoError(t, err) {
				return
			}
			line, err := bufio.NewReader(c).ReadBytes('\n')
			if !assert.NoError(t, err) {
				return
			}
			e, err := wire.Decode(line[:len(line)-1])
			if !assert.NoError(t, err) {
				return
			}
			answered.Add(1)
			if e.Type == wire.TypeError && strings.Contains(string(e.Body), "busy") {
				busy.Add(1)
			}
		})
	}
	wg.Wait()
	t.Logf("peak RSS %d MiB with %d unfinished frames of 1 MiB; %d answered, %d of them refused as busy", peak>>20, peers, answered.Load(), busy.Load())
	assert.Less(t, peak, uint64(4*wire.MaxHeld), "peak RSS of the server: the budget, garbage not yet collected, and the runtime's own share")
	assert.Equal(t, int64(peers), answered.Load(), "every frame was answered")
	assert.GreaterOrEqual(t, busy.Load(), int64(peers-wire.MaxHeld/wire.MaxFrame), "frames past the budget are refused as busy")

	// Honest clients are still served.
	alice := programtest.DialRaw(t, srv.Addr)
	alice.Line(`{"from":"alice","type":"put","id":1,"body":{"key":"a","value":"1"}}`)
	assert.Equal(t, "put_ok", alice.Reply().Type)
}

// A peer that sends requests and never reads the replies cannot make the
// server hold them: once a reply waits longer than wire.WriteTimeout for the
// peer to take it, the server disconnects the peer.
func TestHostileClientThatDoesNotReadIsDisconnected(t *testing.T) {
	server, _ := programs(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")

	// One large value, so that every reply is large and the socket
	// buffers fill after a few of them.
	alice := programtest.DialRaw(t, srv.Addr)
	value := strings.Repeat("v", 512<<10)
	alice.Line(fmt.Sprintf(`{"from":"alice","type":"put","id":1,"body":{"key":"big","value":"%s"}}`, value))
	alice.ReadLine()

	greedy, err := net.Dial("tcp", srv.Addr)
	require.NoError(t, err)
	defer greedy.Close()
	cut := make(chan error, 1)
	go func() {
		// Write gets until the server stops taking them and then hangs up;
		// the deadline only keeps a broken server from hanging the test.
		_ = greedy.SetWriteDeadline(time.Now().Add(programtest.Patience + wire.WriteTimeout))
		for id := 1; ; id++ {
			if _, err := fmt.Fprintf(greedy, `{"from":"greedy","type":"get","id":%d,"body":{"key":"big"}}`+"\n", id); err != nil {
				cut <- err
				return
			}
		}
	}()
	select {
	case err := <-cut:
		var ne net.Error
		if assert.ErrorAs(t, err, &ne) {
			assert.False(t, ne.Timeout(), "the server hung up (%v), not the test's own deadline", err)
		}
	case <-time.After(programtest.Patience + 2*wire.WriteTimeout):
		t.Fatal("the server never disconnected a peer that does not read")
	}
	peak := programtest.PeakRSS(t, srv.Cmd.Process.Pid)
	t.Logf("peak RSS %d MiB", peak>>20)
	assert.Less(t, peak, uint64(wire.MaxHeld*3), "peak RSS of the server")
}

// encoding/json turns each byte that is not UTF-8 into U+FFFD, so "k\xff"
// and "k\xfe" would be stored as one key. The wire refuses both instead.
func TestHostileInvalidUTF8KeysAreRefused(t *testing.T) {
	server, _ := programs(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
	nc := programtest.DialRaw(t, srv.Addr)
	for i, key := range []string{"k\xff", "k\xfe"} {
		nc.Line(fmt.Sprintf(`{"from":"nc","type":"put","id":%d,"body":{"key":"%s","value":"v%d"}}`, i+1, key, i))
		e := nc.Reply()
		require.Equal(t, wire.TypeError, e.Type, "put %q", key)
		var body wire.ErrorBody
		require.NoError(t, e.UnmarshalBody(&body))
		assert.Contains(t, body.Reason, "UTF-8")
		assert.Equal(t, uint64(i+1), e.ReplyTo, "the refusal answers the request")
	}
	nc.Line(`{"from":"nc","type":"get","id":3,"body":{"key":"k\ufffd"}}`)
	e := nc.Reply()
	var res struct{ Found bool }
	require.NoError(t, e.UnmarshalBody(&res))
	assert.False(t, res.Found, "nothing was stored under the replacement character")
}

// The collector steers a program; it cannot break it. A delay that would
// overflow (2^63-1 ms) or last 31 years, and a "do" that carries terminal
// escape codes, are refused with a log line, and the program goes on. Text
// from the network is printed escaped, so a stored value cannot clear the
// student's screen either.
func TestHostileControlLinesAndPrintedTextAreBounded(t *testing.T) {
	server, client := programs(t)
	rec := programtest.NewRecorder(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
	cl := programtest.Start(t, client, "--server", srv.Addr, "--trace", rec.Addr(), "--name", "student")
	rec.WaitFor(t, "hello of the client", programtest.Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello && ev.Node == "student" }))
	logged := func(text string) func([]trace.Event) bool {
		return programtest.Has(func(ev trace.Event) bool {
			return ev.Kind == trace.KindLog && ev.Node == "student" && strings.Contains(ev.Text, text)
		})
	}

	for _, ms := range []int64{math.MaxInt64, 31 * 365 * 24 * 3600 * 1000} {
		require.NoError(t, rec.Send("student", trace.Control{Op: trace.OpDelay, Ms: ms}))
		rec.WaitFor(t, fmt.Sprintf("the delay of %d ms refused", ms), logged(fmt.Sprintf("delay of %d ms is not between", ms)))
	}
	require.NoError(t, rec.Send("student", trace.Control{Op: trace.OpDo, Cmd: "put a \x1b]0;pwned\x07"}))
	rec.WaitFor(t, "the escape in a do refused", logged("not a printable command"))

	// A value with escape codes, stored by someone else over the wire.
	mallory := programtest.DialRaw(t, srv.Addr)
	mallory.Line(`{"from":"mallory","type":"put","id":1,"body":{"key":"k","value":"\u001b[2J\u001b]0;pwned\u0007"}}`)
	mallory.ReadLine()

	// Not delayed: the refused delay changed nothing.
	require.NoError(t, rec.Send("student", trace.Control{Op: trace.OpDo, Cmd: "get k"}))
	line := cl.WaitLine(t, `\x1b[2J`)
	assert.NotContains(t, line, "\x1b", "the escape reached the terminal")
	assert.Contains(t, line, `\x1b]0;pwned\x07`)
}
