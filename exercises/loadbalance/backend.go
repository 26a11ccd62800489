// Package loadbalance is a coding exercise on the lecture's model of
// cooperating servers: a group of equal servers answers the clients'
// requests, and a load balancer in front of them spreads the requests in
// turn (round robin). When a server dies, the balancer notices on the first
// failed connection, skips the server and sends the request to the next one,
// so the client sees no failure (failover); after a rest it tries the dead
// server again and takes it back once it answers.
//
//	                              +----------+
//	                         +--> | server-0 |   request 0, 3, 6, ...
//	+--------+   +---------+ |    +----------+
//	| client |-->| Balancer|-+--> | server-1 |   dead: skipped, retried after RetryAfter
//	+--------+   |   Do    | |    +----------+
//	             +---------+ +--> | server-2 |   request 1, 4, 7, ... while server-1 is dead
//	                              +----------+
//
// This file holds what the student's code and the grader share: Ask, which
// sends one request to one server over the wire; Backend, a tiny server the
// grader starts, kills, freezes and restarts on 127.0.0.1; and Options. The
// student writes the Balancer in loadbalance.go; the reference solution is
// in solution.go.
package loadbalance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"dsdemo/models/wire"
)

// Defaults for Options fields left zero.
const (
	DefaultRetryAfter = 5 * time.Second
	DefaultTryTimeout = 1 * time.Second
)

// Options tune a Balancer. The zero value uses the defaults.
type Options struct {
	// RetryAfter is how long a server marked dead rests before the
	// balancer tries it again. Zero means DefaultRetryAfter.
	RetryAfter time.Duration
	// TryTimeout bounds one attempt at one server, so a server that
	// accepts but never answers (frozen, overloaded) counts as dead
	// instead of holding the request forever. Zero means DefaultTryTimeout.
	TryTimeout time.Duration
	// Now tells the time. Nil means time.Now; the grader passes a clock it
	// moves by hand, so that "after RetryAfter" needs no real waiting.
	Now func() time.Time
}

var (
	// ErrAllDown: no server of the group could answer the request.
	ErrAllDown        = errors.New("loadbalance: all servers are down")
	ErrNotImplemented = errors.New("not implemented")
)

// node is the balancer's side of the wire: its name in traces and its
// Lamport clock.
var node = wire.NewNode("balancer")

// request and reply are the bodies of the one message type the servers know.
type request struct {
	Text string `json:"text"`
}

type reply struct {
	Server string `json:"server"`
	Text   string `json:"text"`
}

// Ask sends one request to the server at addr and returns its reply, which
// is "<server name>: <request>". It opens a connection per request, so a
// server that has died is noticed on the very next Ask.
//
// Two kinds of error come back, and a balancer treats them differently:
//   - the server could not be reached or did not answer in time (a
//     connection error, a timeout of ctx): it may be dead, try another;
//   - the server answered with an error (IsRemote reports true): it is
//     alive and said no, and another server would say the same.
func Ask(ctx context.Context, addr, text string) (string, error) {
	c, err := wire.Dial(ctx, node, addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	env, err := c.Call(ctx, "server", "request", request{Text: text})
	if err != nil {
		return "", fmt.Errorf("ask %s: %w", addr, err)
	}
	var r reply
	if err := env.UnmarshalBody(&r); err != nil {
		return "", fmt.Errorf("ask %s: %w", addr, err)
	}
	return r.Text, nil
}

// IsRemote reports whether err is a server's own error reply: the server is
// alive, it understood the request and refused it.
func IsRemote(err error) bool {
	var remote *wire.RemoteError
	return errors.As(err, &remote)
}

// Backend is one server of the group, listening on 127.0.0.1. It answers a
// request with "<name>: <text>" and refuses an empty one. The grader (or
// you, trying things out) can crash it, freeze it and bring it back on the
// same address.
type Backend struct {
	Name string
	addr string

	mu      sync.Mutex         // guards the fields below
	stop    context.CancelFunc // ends the running Serve; nil while stopped
	done    chan struct{}      // closed when that Serve has returned
	frozen  chan struct{}      // non-nil while frozen; closed by Thaw
	served  int                // requests answered since StartBackend
	refused int                // requests refused since StartBackend
}

// StartBackend starts a server named name on a free port of 127.0.0.1.
func StartBackend(name string) (*Backend, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	b := &Backend{Name: name, addr: ln.Addr().String()}
	b.serve(ln)
	return b, nil
}

// Addr is the server's address, the same across restarts.
func (b *Backend) Addr() string { return b.addr }

// Served returns how many requests the server has answered.
func (b *Backend) Served() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.served
}

// Refused returns how many (empty) requests the server has refused.
func (b *Backend) Refused() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.refused
}

func (b *Backend) serve(ln net.Listener) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.mu.Lock()
	b.stop, b.done = stop, done
	b.mu.Unlock()
	srv := wire.NewNode(b.Name)
	go func() {
		defer close(done)
		wire.Serve(ctx, srv, ln, b.handle)
	}()
}

func (b *Backend) handle(ctx context.Context, req wire.Envelope) (any, error) {
	b.mu.Lock()
	frozen := b.frozen
	b.mu.Unlock()
	if frozen != nil {
		// Like a process under SIGSTOP: the connection is accepted by the
		// kernel, but no answer comes until it is thawed or killed.
		select {
		case <-frozen:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	var r request
	if err := req.UnmarshalBody(&r); err != nil {
		return nil, err
	}
	if r.Text == "" {
		b.mu.Lock()
		b.refused++
		b.mu.Unlock()
		return nil, errors.New("empty request")
	}
	b.mu.Lock()
	b.served++
	b.mu.Unlock()
	return reply{Server: b.Name, Text: b.Name + ": " + r.Text}, nil
}

// Stop crashes the server: it closes the listener and every connection, so
// the next connection attempt is refused. Stopping a stopped server does
// nothing.
func (b *Backend) Stop() {
	b.mu.Lock()
	stop, done := b.stop, b.done
	b.stop = nil
	b.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// Restart brings a stopped server back on the same address. It fails when
// the server is running, or when another process took the port meanwhile.
func (b *Backend) Restart() error {
	b.mu.Lock()
	running := b.stop != nil
	b.mu.Unlock()
	if running {
		return fmt.Errorf("restart %s: it is running", b.Name)
	}
	ln, err := net.Listen("tcp", b.addr)
	if err != nil {
		return fmt.Errorf("restart %s on %s: %w", b.Name, b.addr, err)
	}
	b.serve(ln)
	return nil
}

// Freeze makes the server hang: it still accepts connections but answers
// nothing until Thaw or Stop.
func (b *Backend) Freeze() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.frozen == nil {
		b.frozen = make(chan struct{})
	}
}

// Thaw lets a frozen server answer again, the held requests first.
func (b *Backend) Thaw() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.frozen != nil {
		close(b.frozen)
		b.frozen = nil
	}
}
