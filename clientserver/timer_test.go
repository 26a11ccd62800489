package clientserver_test

import (
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/clientserver"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
)

// timeoutState matches the client's timeout state at node: a running
// timer when timer is true, else the plain value that ends it.
func timeoutState(node string, timer bool) func(trace.Event) bool {
	return func(ev trace.Event) bool {
		return ev.Kind == trace.KindState && ev.Node == node && ev.Key == clientserver.TimeoutState && (ev.Timer != nil) == timer
	}
}

// TestClientReportsTimeoutTimer: while the real client waits for a frozen
// server, its collector sees the timeout as a timer of the client's
// --timeout that starts with the request; when the timeout runs out, a
// plain value ends it.
func TestClientReportsTimeoutTimer(t *testing.T) {
	server, client := programs(t)
	rec := programtest.NewRecorder(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
	require.NoError(t, srv.Cmd.Process.Signal(syscall.SIGSTOP))
	t.Cleanup(func() { srv.Cmd.Process.Signal(syscall.SIGCONT) })

	cl := programtest.Start(t, client, "--server", srv.Addr, "--timeout", "700ms", "--trace", rec.Addr(), "put", "a", "1")
	timers := rec.WaitN(t, 1, timeoutState("client", true))
	require.NotNil(t, timers[0].Timer)
	assert.Equal(t, trace.Timer{MS: 700, Label: "reply to put a"}, *timers[0].Timer, "the whole timeout, starting now")
	end := rec.WaitN(t, 1, timeoutState("client", false))
	assert.Equal(t, "put a: no reply within 700ms", end[0].Value)
	assert.Equal(t, 1, cl.Wait(t), "no server answered")

	var order []string
	for _, ev := range rec.All() {
		switch {
		case programtest.Msg(trace.KindSend, "client", clientserver.TypePut)(ev):
			order = append(order, "send put")
		case timeoutState("client", true)(ev):
			order = append(order, "timer")
		case timeoutState("client", false)(ev):
			order = append(order, "end")
		}
	}
	assert.Equal(t, []string{"timer", "send put", "end"}, order, "the timer runs while the request is out")
}

// TestClientTimeoutTimerEndsWithReply: a reply ends the timer with how
// long it took; in slow motion the timer says it runs at protocol time's
// pace (wire.SlowHop: 200 ms of a 300 ms leg count, 0.4 of the wall clock).
func TestClientTimeoutTimerEndsWithReply(t *testing.T) {
	server, client := programs(t)
	rec := programtest.NewRecorder(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")

	programtest.Start(t, client, "--server", srv.Addr, "--trace", rec.Addr(), "--name", "c", "--timeout", "5s")
	rec.WaitFor(t, "hello", programtest.Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello && ev.Node == "c" }))
	require.NoError(t, rec.Send("c", trace.Control{Op: trace.OpDo, Cmd: "get a"}))
	end := rec.WaitN(t, 1, timeoutState("c", false))
	assert.True(t, strings.HasPrefix(end[0].Value, "get a answered after "), end[0].Value)

	rec.Steer(t, "c", trace.Control{Op: trace.OpDelay, Ms: 300})
	require.NoError(t, rec.Send("c", trace.Control{Op: trace.OpDo, Cmd: "put a 1"}))
	slow := rec.WaitN(t, 2, timeoutState("c", true))
	require.NotNil(t, slow[1].Timer)
	assert.Equal(t, "reply to put a", slow[1].Timer.Label)
	assert.InDelta(t, 0.4, slow[1].Timer.Speed, 1e-9, "slow motion of 300 ms a message")
	rec.WaitN(t, 2, timeoutState("c", false))
}
