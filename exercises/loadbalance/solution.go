//go:build solution

package loadbalance

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Balancer spreads requests over a group of cooperating servers in turn,
// skips dead ones and takes them back when they answer again.
type Balancer struct {
	servers []string
	opts    Options

	mu    sync.Mutex // guards next and state
	next  int        // index of the server whose turn it is
	state []health   // one per server, same order
}

// health is what the balancer believes about one server.
type health struct {
	dead  bool
	since time.Time // when it was marked dead
}

// New returns a balancer over the servers at the given addresses.
func New(servers []string, opts Options) *Balancer {
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = DefaultRetryAfter
	}
	if opts.TryTimeout <= 0 {
		opts.TryTimeout = DefaultTryTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Balancer{
		servers: append([]string(nil), servers...),
		opts:    opts,
		state:   make([]health, len(servers)),
	}
}

// Do sends request to the server whose turn it is, and on a connection
// failure to the next one, until one answers or all have failed.
func (b *Balancer) Do(ctx context.Context, request string) (reply, server string, err error) {
	tried := make([]bool, len(b.servers))
	var last error
	for {
		i, ok := b.pick(tried)
		if !ok {
			if last != nil {
				return "", "", fmt.Errorf("%w (last error: %w)", ErrAllDown, last)
			}
			return "", "", ErrAllDown
		}
		tried[i] = true
		addr := b.servers[i]

		// One attempt may take at most TryTimeout: a frozen server must
		// not hold the request while others could answer it.
		try, cancel := context.WithTimeout(ctx, b.opts.TryTimeout)
		reply, err := Ask(try, addr, request)
		cancel()
		switch {
		case err == nil:
			b.mark(i, false) // it answered: alive (again)
			return reply, addr, nil
		case IsRemote(err):
			// The server is alive and said no; another would say the same.
			b.mark(i, false)
			return "", addr, err
		case ctx.Err() != nil:
			// The caller gave up: nobody's fault but time's.
			return "", "", fmt.Errorf("request to %s: %w", addr, ctx.Err())
		default:
			// Refused, reset or timed out: take it for dead and fail over.
			b.mark(i, true)
			last = err
		}
	}
}

// pick returns the next server in turn that this call has not tried yet
// and that is alive or has rested long enough, and passes the turn on.
// Picking under the lock keeps concurrent calls in strict turns.
func (b *Balancer) pick(tried []bool) (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.opts.Now()
	for k := range b.servers {
		i := (b.next + k) % len(b.servers)
		resting := b.state[i].dead && now.Sub(b.state[i].since) < b.opts.RetryAfter
		if tried[i] || resting {
			continue
		}
		b.next = (i + 1) % len(b.servers)
		return i, true
	}
	return 0, false
}

// mark records server i as dead (since now) or alive.
func (b *Balancer) mark(i int, dead bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.state[i] = health{dead: dead}
	if dead {
		b.state[i].since = b.opts.Now()
	}
}

// Alive returns the servers not marked dead, in order.
func (b *Balancer) Alive() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var alive []string
	for i, addr := range b.servers {
		if !b.state[i].dead {
			alive = append(alive, addr)
		}
	}
	return alive
}
