package wire_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/faults"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// The tests of protocol time steer a node as the launcher does: control
// lines from a collector, over the program's trace connection, into its
// fault injector (programtest.StartNode and Recorder.Steer).

// waitDone waits until ctx has ended and returns when it did.
func waitDone(t *testing.T, ctx context.Context) time.Time {
	t.Helper()
	select {
	case <-ctx.Done():
		return time.Now()
	case <-time.After(programtest.Patience):
		t.Fatalf("the timeout did not end within %s", programtest.Patience)
		return time.Time{}
	}
}

// notWithin checks that ctx does not end within window.
func notWithin(t *testing.T, ctx context.Context, window time.Duration, why string) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatalf("the timeout ended (%v) although %s", ctx.Err(), why)
	case <-time.After(window):
	}
}

func TestWithTimeoutStandsStillInStepMode(t *testing.T) {
	rec := programtest.NewRecorder(t)
	n := programtest.StartNode(t, rec, "client")
	rec.Steer(t, "client", trace.Control{Op: trace.OpHold, On: true})

	ctx, cancel := n.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	notWithin(t, ctx, time.Second, "step mode was on")

	released := time.Now()
	rec.Steer(t, "client", trace.Control{Op: trace.OpHold, On: false})
	ended := waitDone(t, ctx)
	assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	assert.GreaterOrEqual(t, ended.Sub(released), 200*time.Millisecond, "all 200 ms run after step mode ends")
}

// While the class thinks about a message held at another node, time stands
// still at this one too, though its own messages go on.
func TestWithTimeoutStandsStillWhileTheClassThinks(t *testing.T) {
	rec := programtest.NewRecorder(t)
	n := programtest.StartNode(t, rec, "client")
	rec.Steer(t, "client", trace.Control{Op: trace.OpStill, On: true})

	ctx, cancel := n.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	notWithin(t, ctx, time.Second, "time stood still")
	assert.Equal(t, faults.Verdict{Copies: 1}, n.Faults.Decide("server"), "messages go as before")

	released := time.Now()
	rec.Steer(t, "client", trace.Control{Op: trace.OpStill, On: false})
	ended := waitDone(t, ctx)
	assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	assert.GreaterOrEqual(t, ended.Sub(released), 200*time.Millisecond, "all 200 ms run after time runs again")
}

func TestWithTimeoutIsStretchedBySlowMotion(t *testing.T) {
	rec := programtest.NewRecorder(t)
	n := programtest.StartNode(t, rec, "client")
	rec.Steer(t, "client", trace.Control{Op: trace.OpDelay, Ms: 1000})

	start := time.Now()
	ctx, cancel := n.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	notWithin(t, ctx, 500*time.Millisecond, "slow motion was on")
	ended := waitDone(t, ctx)
	assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	// 200 ms at SlowHop/(SlowHop+1 s) of the wall clock's speed.
	want := 200 * time.Millisecond * (wire.SlowHop + time.Second) / wire.SlowHop
	assert.GreaterOrEqual(t, ended.Sub(start), want)
}

func TestWithTimeoutAdjustsWhenThePaceChanges(t *testing.T) {
	t.Run("slow motion ends", func(t *testing.T) {
		rec := programtest.NewRecorder(t)
		n := programtest.StartNode(t, rec, "client")
		rec.Steer(t, "client", trace.Control{Op: trace.OpDelay, Ms: 3000})
		start := time.Now()
		ctx, cancel := n.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		rec.Steer(t, "client", trace.Control{Op: trace.OpDelay, Ms: 0})
		ended := waitDone(t, ctx)
		got := ended.Sub(start)
		assert.GreaterOrEqual(t, got, 200*time.Millisecond)
		assert.Less(t, got, 3*time.Second, "at 3 s a message it would have lasted 3.2 s")
	})
	t.Run("step mode begins", func(t *testing.T) {
		rec := programtest.NewRecorder(t)
		n := programtest.StartNode(t, rec, "client")
		start := time.Now()
		ctx, cancel := n.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		rec.Steer(t, "client", trace.Control{Op: trace.OpHold, On: true})
		require.NoError(t, ctx.Err(), "step mode took %s to begin", time.Since(start))
		notWithin(t, ctx, 700*time.Millisecond, "step mode began before its time was up")
	})
	t.Run("the collector goes away", func(t *testing.T) {
		// Nobody is left to end step mode: the program ends it, and the
		// timer runs again.
		rec := programtest.NewRecorder(t)
		n := programtest.StartNode(t, rec, "client")
		rec.Steer(t, "client", trace.Control{Op: trace.OpHold, On: true})
		ctx, cancel := n.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		rec.Hangup("client")
		waitDone(t, ctx)
		assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	})
}

func TestCallInSlowMotionTellsTheSameStory(t *testing.T) {
	rec := programtest.NewRecorder(t)
	client := programtest.StartNode(t, rec, "client")
	server := programtest.StartNode(t, rec, "server")
	addr := startServer(t, server, echo)
	c := dial(t, client, addr)
	for _, node := range []string{"client", "server"} {
		rec.Steer(t, node, trace.Control{Op: trace.OpDelay, Ms: 1000})
	}

	// A request and its reply take a second each, twice the client's
	// timeout in wall-clock time, and the call still succeeds: it is the
	// same exchange as at full speed, only slower.
	start := time.Now()
	ctx, cancel := client.WithTimeout(programtest.Context(t), time.Second)
	defer cancel()
	reply, err := c.Call(ctx, "server", "ping", "hello")
	require.NoError(t, err)
	assert.JSONEq(t, `"hello"`, string(reply.Body))
	assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "both legs were slowed down")
}

func TestCallToASilentPeerTimesOutInSlowMotion(t *testing.T) {
	rec := programtest.NewRecorder(t)
	client := programtest.StartNode(t, rec, "client")
	ln := listen(t)
	c := dial(t, client, ln.Addr().String())
	accept(t, ln) // a peer that takes the request and never answers
	rec.Steer(t, "client", trace.Control{Op: trace.OpDelay, Ms: 300})

	start := time.Now()
	ctx, cancel := client.WithTimeout(programtest.Context(t), 200*time.Millisecond)
	defer cancel()
	_, err := c.Call(ctx, "server", "ping", nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	want := 200 * time.Millisecond * (wire.SlowHop + 300*time.Millisecond) / wire.SlowHop
	assert.GreaterOrEqual(t, time.Since(start), want)
}

func TestWithTimeoutIsAContext(t *testing.T) {
	n := wire.NewNode("client")
	n.Faults = faults.New(1)

	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := n.WithTimeout(context.Background(), time.Hour)
		cancel()
		waitDone(t, ctx)
		assert.Equal(t, context.Canceled, ctx.Err())
		cancel() // a second cancel changes nothing
		assert.Equal(t, context.Canceled, ctx.Err())
	})
	t.Run("the parent ends first", func(t *testing.T) {
		parent, stop := context.WithCancel(context.Background())
		ctx, cancel := n.WithTimeout(parent, time.Hour)
		defer cancel()
		stop()
		waitDone(t, ctx)
		assert.Equal(t, context.Canceled, ctx.Err())
	})
	t.Run("the parent has ended already", func(t *testing.T) {
		parent, stop := context.WithTimeout(context.Background(), 0)
		defer stop()
		ctx, cancel := n.WithTimeout(parent, time.Hour)
		defer cancel()
		assert.Equal(t, context.DeadlineExceeded, ctx.Err())
	})
	t.Run("no time at all", func(t *testing.T) {
		ctx, cancel := n.WithTimeout(context.Background(), 0)
		defer cancel()
		assert.Equal(t, context.DeadlineExceeded, ctx.Err())
	})
	t.Run("a context made from it runs out with it", func(t *testing.T) {
		ctx, cancel := n.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		inner, cancelInner := context.WithTimeout(ctx, time.Hour)
		defer cancelInner()
		waitDone(t, inner)
		assert.ErrorIs(t, inner.Err(), context.DeadlineExceeded)
		assert.ErrorIs(t, context.Cause(inner), context.DeadlineExceeded)
	})
	t.Run("values and deadline come from the parent", func(t *testing.T) {
		type key struct{}
		deadline := time.Now().Add(time.Hour)
		parent, stop := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), deadline)
		defer stop()
		ctx, cancel := n.WithTimeout(parent, time.Minute)
		defer cancel()
		assert.Equal(t, "v", ctx.Value(key{}))
		got, ok := ctx.Deadline()
		assert.True(t, ok)
		assert.Equal(t, deadline, got)
	})
	t.Run("without faults it is wall-clock time", func(t *testing.T) {
		plain := wire.NewNode("plain")
		ctx, cancel := plain.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, ok := ctx.Deadline()
		assert.True(t, ok, "context.WithTimeout's deadline")
	})
}
