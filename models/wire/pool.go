package wire

import (
	"context"
	"errors"
	"io"
	"sync"
	"syscall"
)

// maxIdle is how many idle connections a Pool keeps to its peer.
const maxIdle = 32

// Pool calls one remote node over as many connections as there are calls in
// flight, reusing idle ones. A server that asks another server on behalf of
// many clients (cooperating servers, tiers) uses one Pool per peer, so one
// slow request does not hold up the others.
type Pool struct {
	node *Node
	addr string

	mu     sync.Mutex // guards idle and closed
	idle   []*Conn
	closed bool // Close was called: a connection coming back is closed, not kept
}

// NewPool returns a pool of connections from n to the node at addr. No
// connection is opened before the first Call.
func NewPool(n *Node, addr string) *Pool { return &Pool{node: n, addr: addr} }

// Addr is the address of the pool's peer.
func (p *Pool) Addr() string { return p.addr }

// Call is Conn.Call on an idle or new connection to the pool's peer. A
// connection that failed is closed, not reused.
//
// A connection can die while it waits in the pool (the peer restarted) in a
// way the pool notices only when the next call fails on it. Such a call is
// sent once more on a new connection, so the caller sees "connection
// refused" or an answer, not a stale "EOF". That is safe for the programs
// here, which close their connections only when they stop listening too; a
// server that read the request and then dropped the connection while still
// listening would get it twice.
func (p *Pool) Call(ctx context.Context, to, typ string, body any) (Envelope, error) {
	c, reused, err := p.get(ctx)
	if err != nil {
		return Envelope{}, err
	}
	reply, err := c.Call(ctx, to, typ, body)
	if reused && ended(err) && ctx.Err() == nil {
		c.Close()
		if c, err = Dial(ctx, p.node, p.addr); err != nil {
			return Envelope{}, err
		}
		reply, err = c.Call(ctx, to, typ, body)
	}
	var remote *RemoteError
	if err == nil || errors.As(err, &remote) {
		p.put(c)
	} else {
		c.Close()
	}
	return reply, err
}

// ended reports whether err says the connection itself went away.
func ended(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// get returns an idle connection (reused) or a new one.
func (p *Pool) get(ctx context.Context) (c *Conn, reused bool, err error) {
	p.mu.Lock()
	for len(p.idle) > 0 {
		c := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		select {
		case <-c.Done():
			c.Close()
			continue
		default:
		}
		p.mu.Unlock()
		return c, true, nil
	}
	p.mu.Unlock()
	c, err = Dial(ctx, p.node, p.addr)
	return c, false, err
}

func (p *Pool) put(c *Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.idle) >= maxIdle {
		c.Close()
		return
	}
	p.idle = append(p.idle, c)
}

// Close closes the idle connections, and each connection still in use as
// soon as its call is over. A Call after Close still works, on a connection
// of its own that is closed afterwards.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, c := range p.idle {
		c.Close()
	}
	p.idle = nil
}
