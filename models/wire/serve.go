package wire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Handler answers one request. The returned body goes back in a reply of type
// req.Type+"_ok" (a "put" is answered by "put_ok"); an error goes back as an
// error envelope whose reason is err's text.
type Handler func(ctx context.Context, req Envelope) (any, error)

// Serve accepts connections on ln for node n and serves each one on its own
// goroutine, answering its requests in order with h. It returns when ctx is
// done, after closing the listener and every connection. It keeps at most
// MaxConns connections; each closes when its peer is silent for
// IdleTimeout (see Conn for the other limits).
func Serve(ctx context.Context, n *Node, ln net.Listener, h Handler) error {
	return accept(ctx, n, ln, IdleTimeout, ServeOptions{}, func(ctx context.Context, c *Conn) { ServeConn(ctx, c, h) })
}

// ServeConns accepts connections on ln for node n as Serve does, and hands
// each to serve on its own goroutine; the connection closes when serve
// returns. It is for a server that also speaks first: a broker pushing
// messages to its consumers, a directory sending events to its
// subscribers. Their peers may rightly stay silent for hours (a consumer
// waiting for the next message), so these connections have no
// IdleTimeout; MaxConns, FrameTimeout and the other limits of Conn hold as
// for Serve.
func ServeConns(ctx context.Context, n *Node, ln net.Listener, serve func(ctx context.Context, c *Conn)) error {
	return accept(ctx, n, ln, 0, ServeOptions{}, serve)
}

// ServeOptions are what a server of its own may choose about the accept
// loop of ServeConnsWith; the zero value is ServeConns.
type ServeOptions struct {
	// MaxConns is how many connections the server keeps at once; one more
	// is told why and closed. 0 means the wire's MaxConns.
	MaxConns int
	// Wrap, when not nil, wraps each accepted connection before its Conn
	// reads and writes through it (the broker's buffered writer); nil
	// means the connection as accepted.
	Wrap func(nc net.Conn) net.Conn
}

// ServeConnsWith is ServeConns with a server's own options: the broker
// and the tuple space keep their own bound of connections, and the broker
// wraps each in its buffered writer.
func ServeConnsWith(ctx context.Context, n *Node, ln net.Listener, opts ServeOptions, serve func(ctx context.Context, c *Conn)) error {
	return accept(ctx, n, ln, 0, opts, serve)
}

// accept is the one loop of Serve, ServeConns and ServeConnsWith. idle is
// how long a connection may stay silent between frames; 0 means for ever.
func accept(ctx context.Context, n *Node, ln net.Listener, idle time.Duration, opts ServeOptions, serve func(ctx context.Context, c *Conn)) error {
	limit := opts.MaxConns
	if limit <= 0 {
		limit = MaxConns
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // guards conns
		conns = map[*Conn]bool{}
	)
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var err error
	for {
		var nc net.Conn
		nc, err = ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				err = nil
				break
			}
			// Out of file descriptors and the like: wait a little, go on.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		mu.Lock()
		full := len(conns) >= limit
		mu.Unlock()
		if full {
			refuseConn(n, nc, limit)
			continue
		}
		if opts.Wrap != nil {
			nc = opts.Wrap(nc)
		}
		c := newConn(n, nc, &served{idle: idle})
		mu.Lock()
		conns[c] = true
		mu.Unlock()
		wg.Go(func() {
			serve(ctx, c)
			c.Close()
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
		})
	}
	ln.Close()
	mu.Lock()
	for c := range conns {
		c.Close()
	}
	mu.Unlock()
	wg.Wait()
	return err
}

// ServeConn answers the requests arriving on c with h, one after the other,
// until c ends or ctx is done. Error envelopes from the peer (it did not
// understand one of our replies) are not answered, so two peers never argue.
func ServeConn(ctx context.Context, c *Conn, h Handler) {
	for {
		req, err := c.Recv(ctx)
		if err != nil {
			return
		}
		if req.Type == TypeError {
			continue
		}
		body, err := h(ctx, req)
		if err != nil {
			var remote *RemoteError
			reason := err.Error()
			if errors.As(err, &remote) {
				reason = remote.Reason
			}
			err = c.Reply(ctx, req, TypeError, ErrorBody{Reason: reason})
		} else {
			err = c.Reply(ctx, req, req.Type+"_ok", body)
		}
		if err != nil {
			return
		}
	}
}

// refuseConn tells a peer over the server's limit of connections why,
// and closes its connection.
func refuseConn(n *Node, nc net.Conn, limit int) {
	n.Trace.Logf("refused a connection from %s: already %d", nc.RemoteAddr(), limit)
	body, _ := json.Marshal(ErrorBody{Reason: fmt.Sprintf("busy: already %d connections, try again later", limit)})
	e := Envelope{From: n.Name, Type: TypeError, ID: n.NextID(), Clock: n.Clock.Tick(), Body: body}
	if line, err := e.AppendLine(nil); err == nil {
		_ = nc.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = nc.Write(line)
	}
	nc.Close()
}
