package wire_test

import (
	"context"
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
