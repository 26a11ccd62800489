package wire_test

import (
	"context"
	"fmt"
	"net"
	"strings"

	"dsdemo/models/wire"
)

// A server answers "shout" requests by returning the text in capitals; a
// client calls it once. The reply's type is the request's type plus "_ok".
func Example() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	// The server: a handler per request, served on a free loopback port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	shout := func(_ context.Context, req wire.Envelope) (any, error) {
		var body struct{ Text string }
		if err := req.UnmarshalBody(&body); err != nil {
			return nil, err
		}
		return map[string]string{"text": strings.ToUpper(body.Text)}, nil
	}
	served := make(chan error, 1)
	go func() { served <- wire.Serve(ctx, wire.NewNode("server"), ln, shout) }()
	defer func() { stop(); <-served }() // Serve closes the listener and its connections

	// The client: one connection, one call, waiting for the reply to it.
	conn, err := wire.Dial(ctx, wire.NewNode("client"), ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	reply, err := conn.Call(ctx, "server", "shout", map[string]string{"text": "hello"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply.Type, string(reply.Body))
	// Output: shout_ok {"text":"HELLO"}
}
