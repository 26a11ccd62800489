package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

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
	// refused holds the broker's refusals of publishes, up to
	// maxRefusals; more are counted in dropped, not kept.
	refused chan PublishError
	dropped atomic.Int64

	mu      sync.Mutex // guards batched
	batched []Delivery // the messages of a deliver_batch that Next has not returned yet
}

// maxRefusals is how many refused publishes a Client keeps for Refused.
const maxRefusals = 256

// Dial connects node n to the broker at addr.
func Dial(ctx context.Context, n *wire.Node, addr string, timeout time.Duration) (*Client, error) {
	dctx, cancel := n.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot reach %s: %w", addr, err)
	}
	// The writes gather in a buffer while one is on its way: a producer
	// that publishes fast sends many lines per system call.
	conn := wire.NewConn(n, newFlushConn(nc))
	c := &Client{node: n, conn: conn, timeout: timeout, incoming: make(chan wire.Envelope, MaxWindow+16),
		refused: make(chan PublishError, maxRefusals)}
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
		if e.Type == wire.TypeError && c.takeRefusal(e) {
			continue
		}
		c.incoming <- e
	}
}

// takeRefusal keeps the broker's refusal of a publish for Refused, and
// reports whether e was one.
func (c *Client) takeRefusal(e wire.Envelope) bool {
	var pe PublishError
	if json.Unmarshal(e.Body, &pe) != nil || pe.Publish == 0 {
		return false
	}
	select {
	case c.refused <- pe:
	default:
		c.dropped.Add(1)
	}
	return true
}

// Refused returns the broker's refusals of this client's publishes, in
// the order they came, each naming the publish by the id Publish
// returned. It keeps maxRefusals of them; Dropped counts the others.
func (c *Client) Refused() <-chan PublishError { return c.refused }

// Dropped is how many refusals came while Refused held maxRefusals.
func (c *Client) Dropped() int64 { return c.dropped.Load() }

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

// Publish hands a non-persistent message to the broker and goes on: the
// broker does not answer, and the message is delivered at most once. It
// returns the id of the publish envelope; should the broker refuse the
// message (an unknown destination, a full queue), its PublishError with
// that id comes later on Refused. An error here means the message did
// not leave.
func (c *Client) Publish(ctx context.Context, dest, text string) (uint64, error) {
	if !utf8.ValidString(dest) || !utf8.ValidString(text) {
		return 0, errors.New("publish: destination and text must be valid UTF-8")
	}
	body := append(wire.AppendText(append(make([]byte, 0, 32+len(dest)+len(text)), `{"dest":`...), dest), `,"text":`...)
	body = append(wire.AppendText(body, text), '}')
	e, err := c.conn.Send(ctx, wire.Envelope{Type: TypePublish, Body: body})
	return e.ID, err
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

// fromBatch takes the next message of a deliver_batch Next has read.
func (c *Client) fromBatch() (Delivery, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.batched) == 0 {
		return Delivery{}, false
	}
	d := c.batched[0]
	c.batched = c.batched[1:]
	if len(c.batched) == 0 {
		c.batched = nil
	}
	return d, true
}

// Next waits for the next message the broker pushes, one at a time also
// when they come in batches. An error line from
// the broker comes back as a *wire.RemoteError.
func (c *Client) Next(ctx context.Context) (Delivery, error) {
	if d, ok := c.fromBatch(); ok {
		return d, nil
	}
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
			if err := decodeDelivery(e.Body, &d); err != nil {
				return Delivery{}, fmt.Errorf("deliver message has a bad body: %w", err)
			}
			return d, nil
		case TypeDeliverMany:
			var batch DeliverBatch
			if err := json.Unmarshal(e.Body, &batch); err != nil {
				return Delivery{}, fmt.Errorf("deliver_batch message has a bad body: %w", err)
			}
			c.mu.Lock()
			c.batched = append(c.batched, batch.Messages...)
			c.mu.Unlock()
			if d, ok := c.fromBatch(); ok {
				return d, nil
			}
		case wire.TypeError:
			var eb wire.ErrorBody
			_ = json.Unmarshal(e.Body, &eb)
			return Delivery{}, &wire.RemoteError{From: e.From, Reason: eb.Reason}
		}
	}
}
