package space

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dsdemo/models/wire"
)

// Client is one connection to the space: the protocol as Go calls. Each
// call waits at most its timeout of protocol time (wire.Node.WithTimeout)
// for the space's answer, and a read or take its wait on top. It is safe
// for concurrent use: a worker renews its transaction while it computes.
type Client struct {
	node    *wire.Node
	conn    *wire.Conn
	timeout time.Duration
	// events holds what the space sends unasked (events, error lines). A
	// goroutine moves them there at once, so that the replies to calls,
	// which come over the same connection, are never stuck behind events
	// nobody has taken yet; when it is full, events are dropped.
	events chan wire.Envelope
	ended  error // why events was closed; written before it is
}

// Dial connects node n to the space at addr.
func Dial(ctx context.Context, n *wire.Node, addr string, timeout time.Duration) (*Client, error) {
	dctx, cancel := n.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := wire.Dial(dctx, n, addr)
	if err != nil {
		return nil, err
	}
	c := &Client{node: n, conn: conn, timeout: timeout, events: make(chan wire.Envelope, eventBuffer)}
	go c.receive()
	return c, nil
}

func (c *Client) receive() {
	defer close(c.events)
	for {
		e, err := c.conn.Recv(context.Background())
		if err != nil {
			c.ended = err
			return
		}
		select {
		case c.events <- e:
		default:
		}
	}
}

// Close closes the connection. The client's transactions stay open until
// their leases run out.
func (c *Client) Close() { c.conn.Close() }

// Done is closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.conn.Done() }

func (c *Client) call(ctx context.Context, wait time.Duration, typ string, body, out any) error {
	cctx, cancel := c.node.WithTimeout(ctx, c.timeout+wait)
	defer cancel()
	reply, err := c.conn.Call(cctx, "", typ, body)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("%s: the space did not answer within %s", typ, c.timeout+wait)
		}
		return err
	}
	if out == nil {
		return nil
	}
	return reply.UnmarshalBody(out)
}

// Write puts entry e into the space for lease (0: as long as it grants),
// under transaction txn (0: none).
func (c *Client) Write(ctx context.Context, e Entry, lease time.Duration, txn uint64) (WriteResult, error) {
	var res WriteResult
	err := c.call(ctx, 0, TypeWrite, WriteRequest{Entry: e, LeaseMS: lease.Milliseconds(), Txn: txn}, &res)
	return res, err
}

// Read returns a copy of an entry matching r.Template, waiting up to
// r.WaitMS for one.
func (c *Client) Read(ctx context.Context, r MatchRequest) (MatchResult, error) {
	return c.match(ctx, TypeRead, r)
}

// Take removes and returns an entry matching r.Template, waiting up to
// r.WaitMS for one.
func (c *Client) Take(ctx context.Context, r MatchRequest) (MatchResult, error) {
	return c.match(ctx, TypeTake, r)
}

func (c *Client) match(ctx context.Context, typ string, r MatchRequest) (MatchResult, error) {
	var res MatchResult
	err := c.call(ctx, time.Duration(r.WaitMS)*time.Millisecond, typ, r, &res)
	return res, err
}

// Notify registers for events about entries matching tmpl.
func (c *Client) Notify(ctx context.Context, tmpl Entry, lease time.Duration) (NotifyResult, error) {
	var res NotifyResult
	err := c.call(ctx, 0, TypeNotify, NotifyRequest{Template: tmpl, LeaseMS: lease.Milliseconds()}, &res)
	return res, err
}

// Renew lets a lease run d more (0: as long as the space grants).
func (c *Client) Renew(ctx context.Context, lease uint64, d time.Duration) (LeaseResult, error) {
	var res LeaseResult
	err := c.call(ctx, 0, TypeRenew, RenewRequest{Lease: lease, LeaseMS: d.Milliseconds()}, &res)
	return res, err
}

// Cancel ends a lease now.
func (c *Client) Cancel(ctx context.Context, lease uint64) error {
	return c.call(ctx, 0, TypeCancel, CancelRequest{Lease: lease}, nil)
}

// Begin opens a transaction with a lease of d (0: DefaultTxnLease).
func (c *Client) Begin(ctx context.Context, d time.Duration) (BeginResult, error) {
	var res BeginResult
	err := c.call(ctx, 0, TypeBegin, BeginRequest{LeaseMS: d.Milliseconds()}, &res)
	return res, err
}

// Commit commits transaction txn.
func (c *Client) Commit(ctx context.Context, txn uint64) (TxnResult, error) {
	var res TxnResult
	err := c.call(ctx, 0, TypeCommit, TxnRequest{Txn: txn}, &res)
	return res, err
}

// Abort aborts transaction txn.
func (c *Client) Abort(ctx context.Context, txn uint64) (TxnResult, error) {
	var res TxnResult
	err := c.call(ctx, 0, TypeAbort, TxnRequest{Txn: txn}, &res)
	return res, err
}

// Status asks how much the space holds.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var res Status
	err := c.call(ctx, 0, TypeStatus, struct{}{}, &res)
	return res, err
}

// NextEvent waits for the next event of a notify. An error line from the
// space comes back as a *wire.RemoteError.
func (c *Client) NextEvent(ctx context.Context) (Event, error) {
	for {
		var e wire.Envelope
		select {
		case m, ok := <-c.events:
			if !ok {
				return Event{}, c.ended
			}
			e = m
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
		switch e.Type {
		case TypeEvent:
			var ev Event
			if err := json.Unmarshal(e.Body, &ev); err != nil {
				return Event{}, fmt.Errorf("event message has a bad body: %w", err)
			}
			return ev, nil
		case wire.TypeError:
			var eb wire.ErrorBody
			_ = json.Unmarshal(e.Body, &eb)
			return Event{}, &wire.RemoteError{From: e.From, Reason: eb.Reason}
		}
	}
}
