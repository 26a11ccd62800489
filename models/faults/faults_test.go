package faults_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/faults"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *faults.Injector)
		peer  []string
		want  faults.Verdict
	}{
		{"no faults", func(*faults.Injector) {}, []string{"server"}, faults.Verdict{Copies: 1}},
		{"drop p=1", func(f *faults.Injector) { f.SetDrop(1) }, []string{"server"}, faults.Verdict{Lost: "drop"}},
		{"drop p=0", func(f *faults.Injector) { f.SetDrop(0) }, []string{"server"}, faults.Verdict{Copies: 1}},
		{"duplicate p=1", func(f *faults.Injector) { f.SetDuplicate(1) }, []string{"server"}, faults.Verdict{Copies: 2}},
		{"partitioned by name", func(f *faults.Injector) { f.SetPartition([]string{"server"}) },
			[]string{"server", "127.0.0.1:7000"}, faults.Verdict{Lost: "partition"}},
		{"partitioned by address", func(f *faults.Injector) { f.SetPartition([]string{"127.0.0.1:7000"}) },
			[]string{"server", "127.0.0.1:7000"}, faults.Verdict{Lost: "partition"}},
		{"partition of another peer", func(f *faults.Injector) { f.SetPartition([]string{"other"}) },
			[]string{"server", "127.0.0.1:7000"}, faults.Verdict{Copies: 1}},
		{"healed partition", func(f *faults.Injector) {
			f.SetPartition([]string{"server"})
			f.SetPartition(nil)
		}, []string{"server"}, faults.Verdict{Copies: 1}},
		{"partition comes before drop", func(f *faults.Injector) {
			f.SetDrop(1)
			f.SetPartition([]string{"server"})
		}, []string{"server"}, faults.Verdict{Lost: "partition"}},
		{"drop comes before duplicate", func(f *faults.Injector) {
			f.SetDuplicate(1)
			f.SetDrop(1)
		}, []string{"server"}, faults.Verdict{Lost: "drop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := faults.New(1)
			tt.setup(f)
			for range 10 {
				assert.Equal(t, tt.want, f.Decide(tt.peer...))
			}
		})
	}

	t.Run("nil injector is a perfect network", func(t *testing.T) {
		var f *faults.Injector
		assert.Equal(t, faults.Verdict{Copies: 1}, f.Decide("server"))
		assert.NoError(t, f.Wait(programtest.Context(t), 1, func() { t.Error("nil injector held a message") }))
	})
}

func TestSeededDropIsReproducible(t *testing.T) {
	const n = 1000
	draw := func(seed uint64) []string {
		f := faults.New(seed)
		f.SetDrop(0.5)
		got := make([]string, n)
		for i := range got {
			got[i] = f.Decide("server").Lost
		}
		return got
	}
	first, second, other := draw(42), draw(42), draw(43)
	assert.Equal(t, first, second, "same seed, same fates")
	assert.NotEqual(t, first, other, "another seed, other fates")

	dropped := 0
	for _, lost := range first {
		if lost == "drop" {
			dropped++
		}
	}
	assert.Greater(t, dropped, n/4, "dropped of %d at p=0.5", n)
	assert.Less(t, dropped, 3*n/4, "dropped of %d at p=0.5", n)
}

// held starts Wait for id on its own goroutine and returns a channel that
// gets Wait's result, once the message is reported held.
func held(t *testing.T, ctx context.Context, f *faults.Injector, id uint64) <-chan error {
	t.Helper()
	onHold := make(chan struct{})
	result := make(chan error, 1)
	go func() { result <- f.Wait(ctx, id, func() { close(onHold) }) }()
	select {
	case <-onHold:
	case err := <-result:
		require.FailNow(t, "Wait returned without holding", "id %d: %v", id, err)
	case <-time.After(programtest.Patience):
		require.FailNow(t, "Wait never reported the hold", "id %d", id)
	}
	return result
}

func TestWaitHold(t *testing.T) {
	t.Run("held until released by id", func(t *testing.T) {
		f := faults.New(1)
		f.SetHold(true)
		one, two := held(t, programtest.Context(t), f, 1), held(t, programtest.Context(t), f, 2)
		assert.False(t, f.Release(3), "release of an id nobody holds")
		require.True(t, f.Release(2))
		require.NoError(t, <-two)
		assert.Empty(t, one, "message 1 still held after releasing 2")
		require.True(t, f.Release(1))
		require.NoError(t, <-one)
		assert.False(t, f.Release(1), "released twice")
	})

	t.Run("ctx ends the hold", func(t *testing.T) {
		f := faults.New(1)
		f.SetHold(true)
		ctx, cancel := context.WithCancel(context.Background())
		result := held(t, ctx, f, 7)
		cancel()
		assert.ErrorIs(t, <-result, context.Canceled)
		assert.False(t, f.Release(7), "a message whose sender gave up is no longer held")
	})

	t.Run("hold off releases all", func(t *testing.T) {
		f := faults.New(1)
		f.SetHold(true)
		results := []<-chan error{held(t, programtest.Context(t), f, 1), held(t, programtest.Context(t), f, 2), held(t, programtest.Context(t), f, 3)}
		f.SetHold(false)
		for _, r := range results {
			assert.NoError(t, <-r)
		}
		assert.NoError(t, f.Wait(programtest.Context(t), 4, func() { t.Error("held with hold off") }))
	})

	t.Run("the delay in force at release applies", func(t *testing.T) {
		// Step mode with slow motion, then slow motion off: a message
		// released now must not wait the delay that was set when it was held.
		f := faults.New(1)
		f.SetHold(true)
		f.SetDelay(time.Hour)
		result := held(t, programtest.Context(t), f, 1)
		f.SetDelay(0)
		require.True(t, f.Release(1))
		assert.NoError(t, <-result)
	})

	t.Run("release all keeps step mode on", func(t *testing.T) {
		f := faults.New(1)
		f.SetHold(true)
		results := []<-chan error{held(t, programtest.Context(t), f, 1), held(t, programtest.Context(t), f, 2)}
		f.ReleaseAll()
		for _, r := range results {
			assert.NoError(t, <-r)
		}
		next := held(t, programtest.Context(t), f, 3)
		require.True(t, f.Release(3))
		assert.NoError(t, <-next)
	})
}

func TestWaitDelay(t *testing.T) {
	t.Run("waits at least the delay", func(t *testing.T) {
		const d = 30 * time.Millisecond
		f := faults.New(1)
		f.SetDelay(d)
		start := time.Now()
		require.NoError(t, f.Wait(programtest.Context(t), 1, func() {}))
		assert.GreaterOrEqual(t, time.Since(start), d)
	})
	t.Run("ctx ends the delay", func(t *testing.T) {
		f := faults.New(1)
		f.SetDelay(time.Hour)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		assert.ErrorIs(t, f.Wait(ctx, 1, func() {}), context.DeadlineExceeded)
	})
	t.Run("zero delay does not wait", func(t *testing.T) {
		f := faults.New(1)
		f.SetDelay(time.Hour)
		f.SetDelay(0)
		assert.NoError(t, f.Wait(programtest.Context(t), 1, func() {}))
	})
}

func TestReset(t *testing.T) {
	t.Run("ends every fault", func(t *testing.T) {
		f := faults.New(1)
		f.SetDelay(time.Hour)
		f.SetDrop(1)
		f.SetDuplicate(1)
		f.SetPartition([]string{"server"})
		f.SetHold(true)
		f.Reset()
		assert.Equal(t, faults.Verdict{Copies: 1}, f.Decide("server"), "no drop, duplicate or partition")
		// With the hour's delay still in force, Wait would end with ctx's error.
		assert.NoError(t, f.Wait(programtest.Context(t), 1, func() { t.Error("held after Reset") }))
	})

	t.Run("lets a held message go", func(t *testing.T) {
		f := faults.New(1)
		f.SetHold(true)
		waiting := held(t, programtest.Context(t), f, 1)
		f.Reset()
		assert.NoError(t, <-waiting)
	})

	t.Run("a held message goes without the delay set before", func(t *testing.T) {
		f := faults.New(1)
		f.SetDelay(time.Hour)
		f.SetHold(true)
		waiting := held(t, programtest.Context(t), f, 1)
		f.Reset() // the network is perfect again: no hour's wait after the hold
		assert.NoError(t, <-waiting)
	})
}

func TestPace(t *testing.T) {
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	t.Run("slow motion and step mode change it", func(t *testing.T) {
		f := faults.New(1)
		for _, c := range []struct {
			name   string
			change func()
			want   faults.Pace
		}{
			{"delay", func() { f.SetDelay(time.Second) }, faults.Pace{Delay: time.Second}},
			{"hold", func() { f.SetHold(true) }, faults.Pace{Delay: time.Second, Hold: true}},
			{"reset", f.Reset, faults.Pace{}},
		} {
			_, changed := f.Pace()
			c.change()
			assert.True(t, closed(changed), "%s tells the waiters", c.name)
			got, _ := f.Pace()
			assert.Equal(t, c.want, got, "after %s", c.name)
		}
	})
	t.Run("other faults do not", func(t *testing.T) {
		f := faults.New(1)
		_, changed := f.Pace()
		f.SetDrop(0.5)
		f.SetDuplicate(0.5)
		f.SetPartition([]string{"server"})
		assert.False(t, closed(changed))
	})
	t.Run("a perfect network never changes", func(t *testing.T) {
		var f *faults.Injector
		got, changed := f.Pace()
		assert.Equal(t, faults.Pace{}, got)
		assert.Nil(t, changed)
	})
}

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		ctl     trace.Control
		check   func(t *testing.T, f *faults.Injector)
		wantErr string
	}{
		{name: "delay", ctl: trace.Control{Op: trace.OpDelay, Ms: 20}, check: func(t *testing.T, f *faults.Injector) {
			start := time.Now()
			require.NoError(t, f.Wait(programtest.Context(t), 1, func() {}))
			assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
		}},
		{name: "drop", ctl: trace.Control{Op: trace.OpDrop, P: 1}, check: func(t *testing.T, f *faults.Injector) {
			assert.Equal(t, "drop", f.Decide("server").Lost)
		}},
		{name: "duplicate", ctl: trace.Control{Op: trace.OpDuplicate, P: 1}, check: func(t *testing.T, f *faults.Injector) {
			assert.Equal(t, 2, f.Decide("server").Copies)
		}},
		{name: "hold on", ctl: trace.Control{Op: trace.OpHold, On: true}, check: func(t *testing.T, f *faults.Injector) {
			result := held(t, programtest.Context(t), f, 5)
			require.True(t, f.Release(5))
			assert.NoError(t, <-result)
		}},
		{name: "partition", ctl: trace.Control{Op: trace.OpPartition, Peers: []string{"a", "b"}}, check: func(t *testing.T, f *faults.Injector) {
			assert.Equal(t, "partition", f.Decide("a").Lost)
			assert.Equal(t, "partition", f.Decide("b").Lost)
			assert.Equal(t, "", f.Decide("c").Lost)
		}},
		{name: "release of a message nobody holds", ctl: trace.Control{Op: trace.OpRelease, ID: 9}, wantErr: "no message 9"},
		{name: "do is not a fault", ctl: trace.Control{Op: trace.OpDo, Cmd: "put a 1"}, wantErr: `"do" is not a fault`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := faults.New(1)
			err := f.Apply(tt.ctl)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, f)
		})
	}

	t.Run("release by id, release all, hold off", func(t *testing.T) {
		f := faults.New(1)
		require.NoError(t, f.Apply(trace.Control{Op: trace.OpHold, On: true}))
		one, two, three := held(t, programtest.Context(t), f, 1), held(t, programtest.Context(t), f, 2), held(t, programtest.Context(t), f, 3)
		require.NoError(t, f.Apply(trace.Control{Op: trace.OpRelease, ID: 1}))
		assert.NoError(t, <-one)
		require.NoError(t, f.Apply(trace.Control{Op: trace.OpRelease, All: true}))
		assert.NoError(t, <-two)
		assert.NoError(t, <-three)
		four := held(t, programtest.Context(t), f, 4)
		require.NoError(t, f.Apply(trace.Control{Op: trace.OpHold, On: false}))
		assert.NoError(t, <-four)
	})

	t.Run("turning faults off", func(t *testing.T) {
		f := faults.New(1)
		for _, ctl := range []trace.Control{
			{Op: trace.OpDrop, P: 1}, {Op: trace.OpDuplicate, P: 1}, {Op: trace.OpPartition, Peers: []string{"server"}},
			{Op: trace.OpDrop}, {Op: trace.OpDuplicate}, {Op: trace.OpPartition},
		} {
			require.NoError(t, f.Apply(ctl))
		}
		assert.Equal(t, faults.Verdict{Copies: 1}, f.Decide("server"))
	})
}

// The faults as a program meets them: through wire.Conn, observed by a trace.

func sendsOf(typ string) func(trace.Event) bool {
	return func(ev trace.Event) bool { return ev.Kind == trace.KindSend && ev.Msg != nil && ev.Msg.Type == typ }
}

// faultyClient is a node with an injector and a trace, connected to one or
// more plain servers that only receive.
type faultyClient struct {
	node   *wire.Node
	faults *faults.Injector
	trace  *programtest.EventLog
}

func newFaultyClient(t *testing.T) *faultyClient {
	t.Helper()
	rec := programtest.NewEventLog()
	col, err := trace.Listen("127.0.0.1:0", rec.Add)
	require.NoError(t, err)
	t.Cleanup(func() { col.Close() })
	n := wire.NewNode("client")
	n.Faults = faults.New(7)
	n.Trace, err = trace.Dial(programtest.Context(t), col.Addr(), n.Name, nil)
	require.NoError(t, err)
	n.Trace.Hello("client", "test", 1, "")
	t.Cleanup(func() { n.Trace.Close("test over") })
	return &faultyClient{node: n, faults: n.Faults, trace: rec}
}

// connect returns the client's Conn to a new server named name, and the
// server's Conn to the client.
func (fc *faultyClient) connect(t *testing.T, name string) (client, server *wire.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	client, err = wire.Dial(programtest.Context(t), fc.node, ln.Addr().String())
	require.NoError(t, err)
	require.NoError(t, ln.(*net.TCPListener).SetDeadline(time.Now().Add(programtest.Patience)))
	nc, err := ln.Accept()
	require.NoError(t, err)
	server = wire.NewConn(wire.NewNode(name), nc)
	for _, c := range []*wire.Conn{client, server} {
		t.Cleanup(func() {
			c.Close()
			<-c.Done()
		})
	}
	return client, server
}

func send(t *testing.T, c *wire.Conn, typ string) wire.Envelope {
	t.Helper()
	sent, err := c.Send(programtest.Context(t), wire.Envelope{Type: typ})
	require.NoError(t, err, "send %s", typ)
	return sent
}

func recv(t *testing.T, c *wire.Conn) wire.Envelope {
	t.Helper()
	e, err := c.Recv(programtest.Context(t))
	require.NoError(t, err)
	return e
}

func TestDropThroughConn(t *testing.T) {
	fc := newFaultyClient(t)
	client, server := fc.connect(t, "server")

	fc.faults.SetDrop(1)
	lost := send(t, client, "lost")
	evs := fc.trace.WaitN(t, 1, sendsOf("lost"))
	assert.Equal(t, "drop", evs[0].Fault)
	assert.Equal(t, lost.ID, evs[0].Msg.ID)

	fc.faults.SetDrop(0)
	send(t, client, "arrives")
	assert.Equal(t, "arrives", recv(t, server).Type, "the first message the server sees")
}

func TestPartitionThroughConn(t *testing.T) {
	tests := []struct {
		name string
		cut  func(toA *wire.Conn) []string
	}{
		{"by name", func(*wire.Conn) []string { return []string{"a"} }},
		{"by address", func(toA *wire.Conn) []string { return []string{toA.RemoteAddr()} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFaultyClient(t)
			toA, a := fc.connect(t, "a")
			toB, b := fc.connect(t, "b")
			// The servers introduce themselves, so the client knows their names.
			for _, c := range []*wire.Conn{a, b} {
				send(t, c, "hello")
			}
			assert.Equal(t, "hello", recv(t, toA).Type)
			assert.Equal(t, "hello", recv(t, toB).Type)
			require.Equal(t, "a", toA.Peer())

			fc.faults.SetPartition(tt.cut(toA))
			cut := send(t, toA, "to-a-cut")
			send(t, toB, "to-b")
			assert.Equal(t, "to-b", recv(t, b).Type, "b is still reachable")
			evs := fc.trace.WaitN(t, 1, sendsOf("to-a-cut"))
			assert.Equal(t, "partition", evs[0].Fault)
			assert.Equal(t, cut.ID, evs[0].Msg.ID)

			fc.faults.SetPartition(nil)
			send(t, toA, "to-a-healed")
			assert.Equal(t, "to-a-healed", recv(t, a).Type, "the first message a sees")
		})
	}
}

func TestDuplicateThroughConn(t *testing.T) {
	fc := newFaultyClient(t)
	client, server := fc.connect(t, "server")

	fc.faults.SetDuplicate(1)
	sent := send(t, client, "twice")
	first, second := recv(t, server), recv(t, server)
	assert.Equal(t, sent, first)
	assert.Equal(t, first, second, "the copy is the same message, same id")

	evs := fc.trace.WaitN(t, 2, sendsOf("twice"))
	assert.Equal(t, "", evs[0].Fault)
	assert.Equal(t, "duplicate", evs[1].Fault)
}

func TestHoldThroughConn(t *testing.T) {
	holds := func(id uint64) func(trace.Event) bool {
		return func(ev trace.Event) bool { return ev.Kind == trace.KindHold && ev.Msg != nil && ev.Msg.ID == id }
	}
	// sendAsync sends with a given id and returns the channel of Send's result.
	sendAsync := func(ctx context.Context, c *wire.Conn, typ string, id uint64) <-chan error {
		result := make(chan error, 1)
		go func() {
			_, err := c.Send(ctx, wire.Envelope{Type: typ, ID: id})
			result <- err
		}()
		return result
	}

	t.Run("Send waits for its release", func(t *testing.T) {
		fc := newFaultyClient(t)
		client, server := fc.connect(t, "server")
		fc.faults.SetHold(true)
		result := sendAsync(programtest.Context(t), client, "stepped", 42)
		fc.trace.WaitN(t, 1, holds(42))
		assert.Empty(t, result, "Send returned while its message is held")
		assert.Empty(t, fc.trace.Matching(sendsOf("stepped")), "a held message is not sent yet")

		require.True(t, fc.faults.Release(42))
		require.NoError(t, <-result)
		got := recv(t, server)
		assert.Equal(t, uint64(42), got.ID)
	})

	t.Run("Send gives up with ctx", func(t *testing.T) {
		fc := newFaultyClient(t)
		client, server := fc.connect(t, "server")
		fc.faults.SetHold(true)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		result := sendAsync(ctx, client, "given-up", 7)
		fc.trace.WaitN(t, 1, holds(7))
		cancel()
		require.ErrorIs(t, <-result, context.Canceled)
		evs := fc.trace.WaitN(t, 1, sendsOf("given-up"))
		assert.Equal(t, "abandoned", evs[0].Fault)
		assert.Equal(t, uint64(7), evs[0].Msg.ID)

		fc.faults.SetHold(false)
		send(t, client, "after")
		assert.Equal(t, "after", recv(t, server).Type, "the abandoned message never left")
	})

	t.Run("hold off releases every held Send", func(t *testing.T) {
		fc := newFaultyClient(t)
		client, server := fc.connect(t, "server")
		fc.faults.SetHold(true)
		var results []<-chan error
		for id := uint64(1); id <= 3; id++ {
			results = append(results, sendAsync(programtest.Context(t), client, "stepped", id))
		}
		fc.trace.WaitN(t, 3, func(ev trace.Event) bool { return ev.Kind == trace.KindHold })
		fc.faults.SetHold(false)
		for _, r := range results {
			require.NoError(t, <-r)
		}
		got := map[uint64]bool{}
		for range 3 {
			got[recv(t, server).ID] = true
		}
		assert.Equal(t, map[uint64]bool{1: true, 2: true, 3: true}, got)
	})
}

func TestDelayThroughConn(t *testing.T) {
	const d = 50 * time.Millisecond
	fc := newFaultyClient(t)
	client, server := fc.connect(t, "server")
	fc.faults.SetDelay(d)
	start := time.Now()
	send(t, client, "slow")
	assert.GreaterOrEqual(t, time.Since(start), d, "Send took")
	assert.Equal(t, "slow", recv(t, server).Type)
}

func TestString(t *testing.T) {
	var none *faults.Injector
	assert.Equal(t, "none", none.String())
	f := faults.New(1)
	assert.Equal(t, "none", f.String())
	f.SetDelay(300 * time.Millisecond)
	f.SetDrop(0.5)
	f.SetDuplicate(0.25)
	f.SetHold(true)
	f.SetPartition([]string{"server-2", "127.0.0.1:7102"})
	assert.Equal(t, "delay 300ms, drop 50%, duplicate 25%, hold, cut off from 127.0.0.1:7102 server-2", f.String())
	f.Reset()
	assert.Equal(t, "none", f.String())
}
