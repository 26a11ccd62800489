package rpc_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// TestCallsOverlapOnOneConnection: the server answers each call of a
// connection on its own goroutine, so a call that takes long does not
// hold up a quick one sent after it on the same connection: the quick
// one's reply comes first, and the slow one's still comes.
func TestCallsOverlapOnOneConnection(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	skel := rpc.Skeleton{Interface: "Clock", Methods: map[string]rpc.Method{
		"Slow": func(ctx context.Context, _ rpc.Decoder, _ rpc.Encoder) error {
			close(started)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		"Quick": func(context.Context, rpc.Decoder, rpc.Encoder) error { return nil },
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	srv := rpc.NewServer(wire.NewNode("server"), skel, rpc.DefaultServerConfig())
	var wg sync.WaitGroup
	wg.Go(func() { srv.Serve(ctx, ln) })
	defer func() { cancel(); wg.Wait() }()

	tctx := programtest.Context(t)
	conn, err := wire.Dial(tctx, wire.NewNode("client"), ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	call := func(method string) error {
		_, err := conn.Call(tctx, "server", rpc.TypeCall, rpc.Call{Interface: "Clock", Method: method, Codec: rpc.CodecJSON, Args: []byte("{}")})
		return err
	}
	slow := make(chan error, 1)
	go func() { slow <- call("Slow") }()
	<-started
	require.NoError(t, call("Quick"), "the quick call is answered while the slow one runs")
	select {
	case err := <-slow:
		t.Fatalf("the slow call ended before it was released: %v", err)
	case <-time.After(10 * time.Millisecond): // it still runs, as it must
	}
	close(release)
	assert.NoError(t, <-slow)
}
