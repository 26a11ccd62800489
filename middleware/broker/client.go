package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dsdemo/models/wire"
)

// Client is one connection of a producer or consumer to the broker: the
// protocol as Go calls. Each call waits at most its timeout of protocol
// time (wire.Node.WithTimeout) for the broker's answer; a pull waits its
// wait on top. It is safe for concurrent use.
type Client struct {
	node    *wire.Node
	conn    *wire.Conn
	timeout time.Duration
	// incoming holds what the broker sends unasked (deliver, error
	// lines). A goroutine moves them there from the connection at once:
	// the connection's reader also carries the replies to our calls, and
	// a consumer that waits for an ack_ok must not find that reply stuck
	// behind deliveries nobody has taken yet. The window bounds how many
	// deliveries come unasked, so MaxWindow of room is enough.
	incoming chan wire.Envelope
	ended    error // why incoming was closed; written before it is
}

// Dial connects node n to the broker at addr.
func Dial(ctx context.Context, n *wire.Node, addr string, timeout time.Duration) (*Client, error) {
	dctx, cancel := n.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := wire.Dial(dctx, n, addr)
	if err != nil {
		return nil, err
	}
	c := &Client{node: n, conn: conn, timeout: timeout, incoming: make(chan wire.Envelope, MaxWindow+16)}
	go c.receive()
	return c, nil
}

// receive moves the messages the broker sends unasked into incoming.
func (c *Client) receive() {
	defer close(c.incoming)
	for {
		e, err := c.conn.Recv(context.Background())
		if err != nil {
			c.ended = err
			return
		}
		c.incoming <- e
	}
}

// Close closes the connection; the broker gives back what it had handed
// over and was not acknowledged.
func (c *Client) Close() { c.conn.Close() }

// Done is closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.conn.Done() }

// call sends one request and decodes its answer into out.
func (c *Client) call(ctx context.Context, wait time.Duration, typ string, body, out any) error {
	cctx, cancel := c.node.WithTimeout(ctx, c.timeout+wait)
	defer cancel()
	reply, err := c.conn.Call(cctx, "", typ, body)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("%s: the broker did not answer within %s", typ, c.timeout+wait)
		}
		return err
	}
	if out == nil {
		return nil
	}
	return reply.UnmarshalBody(out)
}

// Send hands a message to the broker.
func (c *Client) Send(ctx context.Context, dest, text string, persistent bool) (SendResult, error) {
	var res SendResult
	err := c.call(ctx, 0, TypeSend, SendRequest{Dest: dest, Text: text, Persistent: persistent}, &res)
	return res, err
}

// Subscribe attaches this connection to a destination.
func (c *Client) Subscribe(ctx context.Context, r SubscribeRequest) (SubscribeResult, error) {
	var res SubscribeResult
	err := c.call(ctx, 0, TypeSubscribe, r, &res)
	return res, err
}

// Pull asks for at most max messages (0: the window), waiting at most
// wait for the first.
func (c *Client) Pull(ctx context.Context, sub uint64, max int, wait time.Duration) ([]Delivery, error) {
	var res PullResult
	err := c.call(ctx, wait, TypePull, PullRequest{Sub: sub, Max: max, WaitMS: wait.Milliseconds()}, &res)
	return res.Messages, err
}

// Ack acknowledges message msg of subscription sub (in client mode, and
// every earlier one of it).
func (c *Client) Ack(ctx context.Context, sub uint64, msg ...uint64) (AckResult, error) {
	var res AckResult
	err := c.call(ctx, 0, TypeAck, AckRequest{Sub: sub, Msgs: msg}, &res)
	return res, err
}

// Nack gives message msg back to the broker.
func (c *Client) Nack(ctx context.Context, sub, msg uint64) (NackResult, error) {
	var res NackResult
	err := c.call(ctx, 0, TypeNack, NackRequest{Sub: sub, Msg: msg}, &res)
	return res, err
}

// Unsubscribe ends subscription sub; forget also ends a durable one.
func (c *Client) Unsubscribe(ctx context.Context, sub uint64, forget bool) error {
	return c.call(ctx, 0, TypeUnsubscribe, UnsubscribeRequest{Sub: sub, Forget: forget}, nil)
}

// Status asks for every destination and its depth.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var res Status
	err := c.call(ctx, 0, TypeStatus, struct{}{}, &res)
	return res, err
}

// Next waits for the next message the broker pushes. An error line from
// the broker comes back as a *wire.RemoteError.
func (c *Client) Next(ctx context.Context) (Delivery, error) {
	for {
		var e wire.Envelope
		select {
		case m, ok := <-c.incoming:
			if !ok {
				return Delivery{}, c.ended
			}
			e = m
		case <-ctx.Done():
			return Delivery{}, ctx.Err()
		}
		switch e.Type {
		case TypeDeliver:
			var d Delivery
			if err := json.Unmarshal(e.Body, &d); err != nil {
				return Delivery{}, fmt.Errorf("deliver message has a bad body: %w", err)
			}
			return d, nil
		case wire.TypeError:
			var eb wire.ErrorBody
			_ = json.Unmarshal(e.Body, &eb)
			return Delivery{}, &wire.RemoteError{From: e.From, Reason: eb.Reason}
		}
	}
}
