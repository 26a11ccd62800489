package wire_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// A server that speaks first: on each connection it pushes a greeting
// before its peer has said anything, then answers requests as Serve
// would. When its context ends, ServeConns closes every connection and
// returns.
func TestServeConnsLetsTheServerSpeakFirst(t *testing.T) {
	server := wire.NewNode("broker")
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- wire.ServeConns(ctx, server, ln, func(ctx context.Context, c *wire.Conn) {
			if _, err := c.Send(ctx, wire.Envelope{From: "broker", Type: "deliver"}); err != nil {
				return
			}
			wire.ServeConn(ctx, c, echo)
		})
	}()

	c := dial(t, wire.NewNode("consumer"), ln.Addr().String())
	pushed, err := c.Recv(programtest.Context(t))
	require.NoError(t, err)
	assert.Equal(t, "deliver", pushed.Type, "the server spoke first")

	reply, err := c.Call(programtest.Context(t), "broker", "ping", map[string]int{"n": 7})
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":7}`, string(reply.Body), "and answers requests like Serve")

	cancel()
	require.NoError(t, <-served)
	select {
	case <-c.Done():
	case <-programtest.Context(t).Done():
		t.Fatal("the connection stayed open after ServeConns returned")
	}
}

// A server with a bound of its own: one connection over it is told why
// and closed, and every kept connection goes through the server's Wrap.
func TestServeConnsWithKeepsItsOwnBound(t *testing.T) {
	server := wire.NewNode("space")
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wrapped atomic.Int64
	opts := wire.ServeOptions{MaxConns: 2, Wrap: func(nc net.Conn) net.Conn {
		wrapped.Add(1)
		return nc
	}}
	served := make(chan error, 1)
	go func() {
		served <- wire.ServeConnsWith(ctx, server, ln, opts, func(ctx context.Context, c *wire.Conn) {
			wire.ServeConn(ctx, c, echo)
		})
	}()
	defer func() {
		cancel()
		require.NoError(t, <-served)
	}()

	for i := range 2 {
		c := dial(t, wire.NewNode("client"), ln.Addr().String())
		_, err := c.Call(programtest.Context(t), "space", "ping", i) // served, so counted
		require.NoError(t, err)
	}
	third := dial(t, wire.NewNode("client"), ln.Addr().String())
	refusal, err := third.Recv(programtest.Context(t))
	require.NoError(t, err)
	assert.Equal(t, wire.TypeError, refusal.Type)
	assert.Contains(t, string(refusal.Body), "busy: already 2 connections")
	assert.Equal(t, int64(2), wrapped.Load(), "the refused connection is not wrapped")
}
