package wire_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"dsdemo/models/faults"
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

// A client's timeout while the class steps through a run one message at a
// time: it stands still in step mode and runs out only after step mode
// ends. A program waits for a reply the same way:
//
//	ctx, cancel := node.WithTimeout(ctx, 2*time.Second)
//	defer cancel()
//	reply, err := conn.Call(ctx, "server", "get", body)
func ExampleNode_WithTimeout() {
	client := wire.NewNode("client")
	client.Faults = faults.New(1)
	client.Faults.SetHold(true) // what the launcher's "hold" control line does

	ctx, cancel := client.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		fmt.Println("ran out in step mode")
	case <-time.After(300 * time.Millisecond):
		fmt.Println("step mode: the timeout stands still")
	}

	client.Faults.SetHold(false)
	<-ctx.Done()
	fmt.Println("step mode over:", ctx.Err())
	// Output:
	// step mode: the timeout stands still
	// step mode over: context deadline exceeded
}
