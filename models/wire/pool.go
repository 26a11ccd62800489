package wire

import (
	"context"
	"errors"
	"sync"
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
// Call never sends a request twice. When a connection ends after the
// request went out, nobody can tell whether the peer acted on it (it may
// have booked the seat and died before answering), so the error goes back
// to the caller, who knows whether the request is safe to repeat. What the
// pool can do is not to use a connection it knows is dead: one whose peer
// hung up while it waited in the pool is dropped before the request is
// written (see get).
func (p *Pool) Call(ctx context.Context, to, typ string, body any) (Envelope, error) {
	c, err := p.get(ctx)
	if err != nil {
		return Envelope{}, err
	}
	reply, err := c.Call(ctx, to, typ, body)
	var remote *RemoteError
	if err == nil || errors.As(err, &remote) {
		p.put(c)
	} else {
		c.Close()
	}
	return reply, err
}

// get returns an idle connection that is still open, or a new one. An idle
// connection is checked twice: its reader may already have seen the end, and
// if not, the socket is asked whether the peer's hang-up is waiting in it
// (peerHungUp), which catches a peer that died a moment ago.
func (p *Pool) get(ctx context.Context) (*Conn, error) {
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
		if peerHungUp(c.nc) {
			c.Close()
			continue
		}
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	return Dial(ctx, p.node, p.addr)
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
