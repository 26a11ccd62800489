package rpc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dsdemo/models/wire"
)

// DirectoryClient asks a directory service: register, renew, cancel,
// lookup, list, subscribe. Servers use it to offer a service, clients to
// find one. Each call waits at most Timeout of protocol time.
type DirectoryClient struct {
	node    *wire.Node
	pool    *wire.Pool
	timeout time.Duration
}

// NewDirectoryClient returns a client of the directory at addr.
func NewDirectoryClient(n *wire.Node, addr string, timeout time.Duration) *DirectoryClient {
	return &DirectoryClient{node: n, pool: wire.NewPool(n, addr), timeout: timeout}
}

// Addr is the directory's address.
func (c *DirectoryClient) Addr() string { return c.pool.Addr() }

// Close closes the connections to the directory.
func (c *DirectoryClient) Close() { c.pool.Close() }

func (c *DirectoryClient) call(ctx context.Context, typ string, req, res any) error {
	ctx, cancel := c.node.WithTimeout(ctx, c.timeout)
	defer cancel()
	reply, err := c.pool.Call(ctx, "directory", typ, req)
	if err != nil {
		var remote *wire.RemoteError
		if errors.As(err, &remote) {
			return err
		}
		return fmt.Errorf("directory %s: %w", c.pool.Addr(), err)
	}
	if res == nil {
		return nil
	}
	return reply.UnmarshalBody(res)
}

// Register offers a service.
func (c *DirectoryClient) Register(ctx context.Context, r RegisterRequest) (Grant, error) {
	var g Grant
	return g, c.call(ctx, TypeRegister, r, &g)
}

// Renew extends a lease.
func (c *DirectoryClient) Renew(ctx context.Context, g Grant) (Grant, error) {
	var out Grant
	return out, c.call(ctx, TypeRenew, LeaseRequest{Lease: g.Lease, Key: g.Key}, &out)
}

// Cancel gives a lease up.
func (c *DirectoryClient) Cancel(ctx context.Context, g Grant) error {
	return c.call(ctx, TypeCancel, LeaseRequest{Lease: g.Lease, Key: g.Key}, nil)
}

// Lookup finds the registrations that match a template.
func (c *DirectoryClient) Lookup(ctx context.Context, r LookupRequest) ([]Registration, error) {
	var res LookupResult
	return res.Matches, c.call(ctx, TypeLookup, r, &res)
}

// List returns every registration.
func (c *DirectoryClient) List(ctx context.Context) ([]Registration, error) {
	var res LookupResult
	return res.Matches, c.call(ctx, TypeList, struct{}{}, &res)
}

// Subscribe asks for the events of registrations that match r and calls
// onEvent with each, in order, until ctx is done or the subscription ends
// (its lease ran out, the directory went away). It returns the grant as
// soon as the directory has made the subscription; the events come on a
// connection of their own, which is closed when the subscription ends.
// The subscriber renews the lease itself (Renew) if it wants more than
// one lease's worth of events.
func (c *DirectoryClient) Subscribe(ctx context.Context, r SubscribeRequest, onEvent func(Event)) (Grant, <-chan struct{}, error) {
	dctx, cancel := c.node.WithTimeout(ctx, c.timeout)
	conn, err := wire.Dial(dctx, c.node, c.pool.Addr())
	if err != nil {
		cancel()
		return Grant{}, nil, fmt.Errorf("directory %s: %w", c.pool.Addr(), err)
	}
	reply, err := conn.Call(dctx, "directory", TypeSubscribe, r)
	cancel()
	var g Grant
	if err == nil {
		err = reply.UnmarshalBody(&g)
	}
	if err != nil {
		conn.Close()
		return Grant{}, nil, err
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		defer conn.Close()
		for {
			msg, err := conn.Recv(ctx)
			if err != nil {
				return
			}
			var ev Event
			if msg.Type == TypeEvent && msg.UnmarshalBody(&ev) == nil {
				onEvent(ev)
			}
		}
	}()
	return g, ended, nil
}
