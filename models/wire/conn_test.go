package wire_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
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

// echo answers every request with its own body.
func echo(_ context.Context, req wire.Envelope) (any, error) { return req.Body, nil }

// startServer runs wire.Serve for n with h on a free loopback port until the
// test ends, and returns its address.
func startServer(t *testing.T, n *wire.Node, h wire.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return serveOn(t, n, ln, h)
}

func serveOn(t *testing.T, n *wire.Node, ln net.Listener, h wire.Handler) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- wire.Serve(ctx, n, ln, h) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-served, "Serve")
	})
	return ln.Addr().String()
}

// dial connects n to addr and closes the Conn, waiting for its reader, when
// the test ends.
func dial(t *testing.T, n *wire.Node, addr string) *wire.Conn {
	t.Helper()
	c, err := wire.Dial(programtest.Context(t), n, addr)
	require.NoError(t, err)
	t.Cleanup(func() {
		c.Close()
		<-c.Done()
	})
	return c
}

// listen returns a loopback listener closed when the test ends.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln
}

// accept takes the next connection from ln, closed when the test ends.
func accept(t *testing.T, ln net.Listener) net.Conn {
	t.Helper()
	require.NoError(t, ln.(*net.TCPListener).SetDeadline(time.Now().Add(programtest.Patience)))
	nc, err := ln.Accept()
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	return nc
}

// acceptConn is accept wrapped in a wire.Conn for node n.
func acceptConn(t *testing.T, ln net.Listener, n *wire.Node) *wire.Conn {
	t.Helper()
	c := wire.NewConn(n, accept(t, ln))
	t.Cleanup(func() {
		c.Close()
		<-c.Done()
	})
	return c
}

// traceTo gives each node a trace emitter connected to one fresh collector
// and returns what the collector receives.
func traceTo(t *testing.T, nodes ...*wire.Node) *programtest.EventLog {
	t.Helper()
	rec := programtest.NewEventLog()
	col, err := trace.Listen("127.0.0.1:0", rec.Add)
	require.NoError(t, err)
	t.Cleanup(func() { col.Close() })
	for _, n := range nodes {
		em, err := trace.Dial(programtest.Context(t), col.Addr(), n.Name, nil)
		require.NoError(t, err)
		em.Hello(n.Name, "test", 1, "")
		t.Cleanup(func() { em.Close("test over") })
		n.Trace = em
	}
	return rec
}

func TestCallMatchesRepliesOutOfOrder(t *testing.T) {
	const calls = 10
	ln := listen(t)
	client := dial(t, wire.NewNode("client"), ln.Addr().String())
	server := acceptConn(t, ln, wire.NewNode("server"))

	// The server collects every request first, then answers the last one first.
	answered := make(chan error, 1)
	go func() {
		ctx := programtest.Context(t)
		var reqs []wire.Envelope
		for range calls {
			req, err := server.Recv(ctx)
			if err != nil {
				answered <- err
				return
			}
			reqs = append(reqs, req)
		}
		for i := len(reqs) - 1; i >= 0; i-- {
			if err := server.Reply(ctx, reqs[i], "echo_ok", reqs[i].Body); err != nil {
				answered <- err
				return
			}
		}
		answered <- nil
	}()

	type result struct {
		n     int
		reply wire.Envelope
		err   error
	}
	results := make(chan result, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			reply, err := client.Call(programtest.Context(t), "server", "echo", map[string]int{"n": i})
			results <- result{i, reply, err}
		})
	}
	wg.Wait()
	close(results)
	require.NoError(t, <-answered)

	seen := map[uint64]bool{}
	for r := range results {
		require.NoError(t, r.err, "call %d", r.n)
		var body struct{ N int }
		require.NoError(t, json.Unmarshal(r.reply.Body, &body))
		assert.Equal(t, r.n, body.N, "call %d got the reply to call %d", r.n, body.N)
		assert.Equal(t, "echo_ok", r.reply.Type)
		assert.False(t, seen[r.reply.ReplyTo], "reply_to %d seen twice", r.reply.ReplyTo)
		seen[r.reply.ReplyTo] = true
	}
	assert.Len(t, seen, calls)
}

func TestCallReturnsRemoteError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantReason string
	}{
		{"plain error", errors.New("no such key"), "no such key"},
		{"remote error passed on", &wire.RemoteError{From: "db", Reason: "seat taken"}, "seat taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := startServer(t, wire.NewNode("server"), func(context.Context, wire.Envelope) (any, error) {
				return nil, tt.err
			})
			c := dial(t, wire.NewNode("client"), addr)

			reply, err := c.Call(programtest.Context(t), "server", "get", map[string]string{"key": "a"})
			var remote *wire.RemoteError
			require.ErrorAs(t, err, &remote)
			assert.Equal(t, "server", remote.From)
			assert.Equal(t, tt.wantReason, remote.Reason)
			assert.Equal(t, wire.TypeError, reply.Type, "the error reply is returned too")
		})
	}
}

func TestCallHonoursContext(t *testing.T) {
	const slowCalls = 8
	release := make(chan struct{})
	addr := startServer(t, wire.NewNode("server"), func(ctx context.Context, req wire.Envelope) (any, error) {
		if req.Type == "slow" {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return req.Body, nil
	})
	clientNode := wire.NewNode("client")
	rec := traceTo(t, clientNode)
	c := dial(t, clientNode, addr)
	_, err := c.Call(programtest.Context(t), "server", "echo", "warm up")
	require.NoError(t, err)

	before := runtime.NumGoroutine()
	var wg sync.WaitGroup
	errs := make(chan error, slowCalls)
	for range slowCalls {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			_, err := c.Call(ctx, "server", "slow", nil)
			errs <- err
		})
	}
	wg.Wait() // every Call returned while the server still holds the first request
	close(errs)
	for err := range errs {
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	}

	// Now the late replies come; the reader must discard them and go on.
	close(release)
	discarded := func(ev trace.Event) bool {
		return ev.Kind == trace.KindLog && strings.Contains(ev.Text, "discarded reply")
	}
	rec.WaitN(t, slowCalls, discarded)

	reply, err := c.Call(programtest.Context(t), "server", "echo", "still there?")
	require.NoError(t, err, "the Conn is usable after calls gave up")
	assert.JSONEq(t, `"still there?"`, string(reply.Body))

	// before+1: Eventually checks the condition on a goroutine of its own.
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= before+1 }, programtest.Patience, time.Millisecond,
		"goroutines: want no more than the %d before the calls", before)
}

func TestCallOnClosedConn(t *testing.T) {
	t.Run("peer closed before the call", func(t *testing.T) {
		ln := listen(t)
		c := dial(t, wire.NewNode("client"), ln.Addr().String())
		accept(t, ln).Close()
		select {
		case <-c.Done():
		case <-time.After(programtest.Patience):
			require.Fail(t, "Done not closed after the peer hung up")
		}
		_, err := c.Call(programtest.Context(t), "server", "get", nil)
		require.Error(t, err)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
		_, err = c.Recv(programtest.Context(t))
		require.Error(t, err, "Recv")
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("peer closes during the call", func(t *testing.T) {
		ln := listen(t)
		c := dial(t, wire.NewNode("client"), ln.Addr().String())
		nc := accept(t, ln)
		go func() {
			// Read the request, then hang up without an answer.
			_, _ = bufio.NewReader(nc).ReadBytes('\n')
			nc.Close()
		}()
		_, err := c.Call(programtest.Context(t), "server", "get", nil)
		require.Error(t, err)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorIs(t, err, io.EOF)
	})

	t.Run("own Close ends a waiting call and Recv", func(t *testing.T) {
		ln := listen(t)
		c := dial(t, wire.NewNode("client"), ln.Addr().String())
		nc := accept(t, ln)
		got := make(chan error, 2)
		go func() {
			_, err := c.Call(programtest.Context(t), "server", "get", nil)
			got <- err
		}()
		go func() {
			_, err := c.Recv(programtest.Context(t))
			got <- err
		}()
		// Once the request has arrived the call is surely waiting.
		_, err := bufio.NewReader(nc).ReadBytes('\n')
		require.NoError(t, err)
		require.NoError(t, c.Close())
		for range 2 {
			assert.ErrorIs(t, <-got, wire.ErrClosed)
		}
	})
}

func TestServeRefusesBadLines(t *testing.T) {
	addr := startServer(t, wire.NewNode("server"), echo)
	bad := programtest.DialRaw(t, addr)
	other := programtest.DialRaw(t, addr)

	tests := []struct {
		name        string
		line        string
		wantReason  string
		wantReplyTo uint64
	}{
		{"not JSON", `put a 1`, "not JSON", 0},
		{"JSON but not an object", `["put","a","1"]`, "not an envelope", 0},
		{"object without type", `{"from":"raw","id":41}`, `"type"`, 41},
		{"object without id", `{"from":"raw","type":"echo"}`, `"id"`, 0},
		{"field of the wrong type", `{"from":"raw","type":"echo","id":"one"}`, `"id"`, 0},
		{"frame over 1 MiB", strings.Repeat("x", wire.MaxFrame+1), "too large", 0},
		{"invalid UTF-8", "{\"from\":\"raw\",\"type\":\"echo\",\"id\":42,\"body\":\"k\xfe\"}", "UTF-8", 42},
		{"a forged clock near the end of uint64", `{"from":"raw","type":"echo","id":43,"clock":18446744073709551614}`, "clock too far ahead", 43},
	}
	next := uint64(100)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := bad.In(t)
			bad.Line(tt.line)
			got := bad.Reply()
			assert.Equal(t, wire.TypeError, got.Type)
			assert.Equal(t, "server", got.From)
			assert.Equal(t, tt.wantReplyTo, got.ReplyTo)
			var body wire.ErrorBody
			require.NoError(t, got.UnmarshalBody(&body))
			assert.Contains(t, body.Reason, tt.wantReason)

			// The same connection and every other one are still served.
			for _, c := range []*programtest.Raw{bad, other.In(t)} {
				next++
				c.Line(fmt.Sprintf(`{"from":"raw","type":"echo","id":%d,"clock":1,"body":"hi"}`, next))
				reply := c.Reply()
				assert.Equal(t, "echo_ok", reply.Type)
				assert.Equal(t, next, reply.ReplyTo)
			}
		})
	}

	t.Run("an error envelope is not answered", func(t *testing.T) {
		bad := bad.In(t)
		bad.Line(`{"from":"raw","type":"error","id":300,"reply_to":1,"body":{"reason":"I did not understand"}}`)
		bad.Line(`{"from":"raw","type":"error","id":301,"body":{"reason":"nor this"}}`)
		bad.Line(`{"from":"raw","type":"echo","id":302,"body":"hi"}`)
		reply := bad.Reply()
		assert.Equal(t, "echo_ok", reply.Type)
		assert.Equal(t, uint64(302), reply.ReplyTo, "the first line back answers the echo")
	})
}

func TestLamportClockAcrossCall(t *testing.T) {
	serverNode := wire.NewNode("server")
	serverNode.Clock.Observe(999) // the server has been busy: its clock is at 1000
	requests := make(chan wire.Envelope, 1)
	addr := startServer(t, serverNode, func(_ context.Context, req wire.Envelope) (any, error) {
		requests <- req
		return nil, nil
	})
	clientNode := wire.NewNode("client")
	c := dial(t, clientNode, addr)

	reply, err := c.Call(programtest.Context(t), "server", "ping", nil)
	require.NoError(t, err)
	req := <-requests

	assert.Equal(t, uint64(1), req.Clock, "the client ticked once before sending")
	assert.Greater(t, reply.Clock, req.Clock, "reply clock after request clock")
	assert.Greater(t, reply.Clock, uint64(1000), "reply clock after the server's own past")
	assert.Greater(t, clientNode.Clock.Now(), reply.Clock, "receiving the reply raised the client's clock")
}

func TestTraceOfACall(t *testing.T) {
	serverNode, clientNode := wire.NewNode("server"), wire.NewNode("client")
	rec := traceTo(t, serverNode, clientNode)
	c := dial(t, clientNode, startServer(t, serverNode, echo))

	tests := []struct {
		name     string
		body     string
		wantBody bool // whether the events carry the body
	}{
		{"small body travels along", "hello", true},
		{"large body is reported by size only", strings.Repeat("x", trace.MaxBody), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := c.Call(programtest.Context(t), "server", "echo", tt.body)
			require.NoError(t, err)
			request := reply.ReplyTo
			ofThisCall := func(ev trace.Event) bool {
				if ev.Msg == nil || (ev.Kind != trace.KindSend && ev.Kind != trace.KindRecv) {
					return false
				}
				return (ev.Msg.From == "client" && ev.Msg.ID == request) || (ev.Msg.From == "server" && ev.Msg.ReplyTo == request)
			}
			evs := rec.WaitN(t, 4, ofThisCall)
			require.Len(t, evs, 4, "send and recv of the request and of the reply")

			find := func(k trace.Kind, node, typ string) trace.Event {
				for _, ev := range evs {
					if ev.Kind == k && ev.Node == node && ev.Msg.Type == typ {
						return ev
					}
				}
				require.FailNow(t, "event missing", "%s of %s by %s", k, typ, node)
				return trace.Event{}
			}
			arrows := []struct{ send, recv trace.Event }{
				{find(trace.KindSend, "client", "echo"), find(trace.KindRecv, "server", "echo")},
				{find(trace.KindSend, "server", "echo_ok"), find(trace.KindRecv, "client", "echo_ok")},
			}
			for _, a := range arrows {
				assert.Equal(t, *a.send.Msg, *a.recv.Msg, "both ends report the same message")
				assert.Equal(t, a.send.Msg.Clock, a.send.Clock, "a send is at the message's clock")
				assert.Greater(t, a.recv.Clock, a.send.Clock, "recv after send")
				assert.Greater(t, a.send.Msg.Size, len(tt.body), "size of the encoded line")
				if tt.wantBody {
					assert.JSONEq(t, fmt.Sprintf("%q", tt.body), string(a.send.Msg.Body))
				} else {
					assert.Nil(t, a.send.Msg.Body)
				}
			}
			assert.Greater(t, arrows[1].send.Clock, arrows[0].recv.Clock, "the reply leaves after the request arrived")
		})
	}
}

func TestSendStamps(t *testing.T) {
	ln := listen(t)
	clientNode := wire.NewNode("client-1")
	c := dial(t, clientNode, ln.Addr().String())
	r := bufio.NewReader(accept(t, ln))
	readLine := func() wire.Envelope {
		line, err := r.ReadBytes('\n')
		require.NoError(t, err)
		e, err := wire.Decode(line[:len(line)-1])
		require.NoError(t, err)
		return e
	}

	tests := []struct {
		name   string
		in     wire.Envelope
		wantID uint64 // 0: any new id
		wantTo string // "": the peer's address
	}{
		{"from, id and clock are filled in", wire.Envelope{From: "somebody-else", Type: "note"}, 0, ""},
		{"an id given is kept", wire.Envelope{Type: "note", ID: 99}, 99, ""},
		{"a recipient given is kept", wire.Envelope{To: "server", Type: "note", Body: json.RawMessage(`{"k":1}`)}, 0, "server"},
	}
	usedIDs := map[uint64]bool{}
	lastClock := clientNode.Clock.Now()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := c.Send(programtest.Context(t), tt.in)
			require.NoError(t, err)
			assert.Equal(t, "client-1", sent.From)
			assert.NotZero(t, sent.ID)
			if tt.wantID != 0 {
				assert.Equal(t, tt.wantID, sent.ID)
			}
			assert.False(t, usedIDs[sent.ID], "id %d used before", sent.ID)
			usedIDs[sent.ID] = true
			wantTo := tt.wantTo
			if wantTo == "" {
				wantTo = ln.Addr().String()
			}
			assert.Equal(t, wantTo, sent.To)
			assert.Equal(t, lastClock+1, sent.Clock, "clock ticked once")
			assert.Equal(t, clientNode.Clock.Now(), sent.Clock)
			lastClock = sent.Clock

			assert.Equal(t, sent, readLine(), "what went on the wire")
		})
	}
}

func TestRecvRaisesClockAndLearnsPeer(t *testing.T) {
	ln := listen(t)
	clientNode := wire.NewNode("client")
	clientNode.Clock.Observe(9) // at 10
	c := dial(t, clientNode, ln.Addr().String())
	nc := accept(t, ln)
	assert.Equal(t, ln.Addr().String(), c.Peer(), "before the peer spoke")

	tests := []struct {
		name      string
		clock     uint64
		wantClock uint64
	}{
		{"a later clock pulls ours forward", 500, 501},
		{"an earlier clock still advances ours", 3, 502},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fmt.Fprintf(nc, `{"from":"server","type":"news","id":%d,"clock":%d}`+"\n", i+1, tt.clock)
			require.NoError(t, err)
			got, err := c.Recv(programtest.Context(t))
			require.NoError(t, err)
			assert.Equal(t, tt.clock, got.Clock)
			assert.Equal(t, tt.wantClock, clientNode.Clock.Now())
			assert.Equal(t, "server", c.Peer(), "after the peer spoke")
		})
	}
}

func TestRecvHonoursContext(t *testing.T) {
	ln := listen(t)
	c := dial(t, wire.NewNode("client"), ln.Addr().String())
	accept(t, ln) // a peer that never says anything
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := c.Recv(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return nc, err
}

func TestPool(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	counted := &countingListener{Listener: ln}
	addr := serveOn(t, wire.NewNode("server"), counted, func(_ context.Context, req wire.Envelope) (any, error) {
		if req.Type == "fail" {
			return nil, errors.New("as asked")
		}
		return req.Body, nil
	})
	p := wire.NewPool(wire.NewNode("client"), addr)
	t.Cleanup(p.Close)
	assert.Equal(t, addr, p.Addr())

	t.Run("sequential calls reuse one connection", func(t *testing.T) {
		for i := range 3 {
			reply, err := p.Call(programtest.Context(t), "server", "echo", i)
			require.NoError(t, err)
			assert.JSONEq(t, fmt.Sprint(i), string(reply.Body))
		}
		var remote *wire.RemoteError
		_, err := p.Call(programtest.Context(t), "server", "fail", nil)
		require.ErrorAs(t, err, &remote, "a remote error keeps the connection")
		_, err = p.Call(programtest.Context(t), "server", "echo", 0)
		require.NoError(t, err)
		assert.Equal(t, int64(1), counted.accepted.Load(), "connections accepted")
	})

	t.Run("after Close no connection is kept", func(t *testing.T) {
		q := wire.NewPool(wire.NewNode("client"), addr)
		before := counted.accepted.Load()
		q.Close()
		for range 2 {
			_, err := q.Call(programtest.Context(t), "server", "echo", 1)
			require.NoError(t, err)
		}
		assert.Equal(t, before+2, counted.accepted.Load(), "each call after Close has a connection of its own")
	})

	t.Run("concurrent calls get their own replies", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				reply, err := p.Call(programtest.Context(t), "server", "echo", i)
				if assert.NoError(t, err) {
					assert.JSONEq(t, fmt.Sprint(i), string(reply.Body))
				}
			})
		}
		wg.Wait()
	})
}

// A peer that read a request and then hung up may have acted on it: the
// pool says so to its caller instead of sending the request again.
func TestHostilePoolNeverResendsARequestThatMayHaveRun(t *testing.T) {
	ln := listen(t)
	var requests, conns atomic.Int64
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			first := conns.Add(1) == 1
			go func() {
				defer nc.Close()
				c := wire.NewConn(wire.NewNode("server"), nc)
				for n := 1; ; n++ {
					req, err := c.Recv(programtest.Context(t))
					if err != nil {
						return
					}
					requests.Add(1)
					if first && n == 2 {
						return // acted on the second request, died before answering
					}
					c.Reply(programtest.Context(t), req, "echo_ok", req.Body)
				}
			}()
		}
	}()
	p := wire.NewPool(wire.NewNode("client"), ln.Addr().String())
	t.Cleanup(p.Close)
	_, err := p.Call(programtest.Context(t), "server", "echo", 1)
	require.NoError(t, err)
	_, err = p.Call(programtest.Context(t), "server", "echo", 2)
	require.Error(t, err, "the second call's connection ended before its answer")
	assert.Equal(t, int64(2), requests.Load(), "the server got each request once")
	assert.Equal(t, int64(1), conns.Load(), "no second connection carried the request again")
}

// A connection whose peer hung up while it waited idle in the pool is not
// used: the next call goes out on a new connection and gets its answer.
func TestPoolSkipsAConnectionThatDiedWhileIdle(t *testing.T) {
	ln := listen(t)
	var conns atomic.Int64
	hungUp := make(chan struct{})
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			first := conns.Add(1) == 1
			go func() {
				defer nc.Close()
				c := wire.NewConn(wire.NewNode("server"), nc)
				for {
					req, err := c.Recv(programtest.Context(t))
					if err != nil {
						return
					}
					c.Reply(programtest.Context(t), req, "echo_ok", req.Body)
					if first {
						c.Close()
						close(hungUp)
						return
					}
				}
			}()
		}
	}()
	p := wire.NewPool(wire.NewNode("client"), ln.Addr().String())
	t.Cleanup(p.Close)
	for i := range 2 {
		reply, err := p.Call(programtest.Context(t), "server", "echo", i)
		require.NoError(t, err, "call %d", i+1)
		assert.JSONEq(t, fmt.Sprint(i), string(reply.Body))
		if i == 0 {
			<-hungUp
		}
	}
	assert.Equal(t, int64(2), conns.Load(), "the second call went out on a new connection")
}

// A request too large for any peer is refused by its sender, at once: the
// peer would skip it unread and could not say which request it refused,
// leaving the caller waiting for its context to end.
func TestCallRefusesAFrameTooLargeBeforeSending(t *testing.T) {
	var served atomic.Int64
	addr := startServer(t, wire.NewNode("server"), func(ctx context.Context, req wire.Envelope) (any, error) {
		served.Add(1)
		return nil, nil
	})
	c := dial(t, wire.NewNode("client"), addr)
	_, err := c.Call(programtest.Context(t), "server", "echo", strings.Repeat("x", wire.MaxFrame))
	require.ErrorIs(t, err, wire.ErrFrameTooLarge)
	_, err = c.Call(programtest.Context(t), "server", "echo", "small")
	require.NoError(t, err, "the connection is still usable")
	assert.Equal(t, int64(1), served.Load(), "only the small request reached the server")
}
