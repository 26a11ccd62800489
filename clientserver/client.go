package clientserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"dsdemo/models/wire"
)

// ErrNotFound is the answer to a get or del of a key the service does not hold.
var ErrNotFound = errors.New("not found")

// Client talks to one server of a list and fails over to the next when that
// one does not answer: a crashed server costs the client one timeout, not
// its work. It is safe for concurrent use.
type Client struct {
	node    *wire.Node
	servers []string
	timeout time.Duration // per attempt

	mu   sync.Mutex // guards cur and conn
	cur  int        // index into servers of the server in use
	conn *wire.Conn // connection to servers[cur], nil before the first request
}

// NewClient returns a client of the given servers that starts with
// servers[start%len(servers)] and gives each attempt timeout to answer.
func NewClient(n *wire.Node, servers []string, start int, timeout time.Duration) *Client {
	return &Client{node: n, servers: servers, timeout: timeout, cur: start % len(servers)}
}

// Close closes the connection in use.
func (c *Client) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// Get returns the value of key, or ErrNotFound.
func (c *Client) Get(ctx context.Context, key string) (Result, error) {
	return c.do(ctx, "get", Request{Key: key})
}

// Put sets key to value.
func (c *Client) Put(ctx context.Context, key, value string) (Result, error) {
	return c.do(ctx, "put", Request{Key: key, Value: value})
}

// Del removes key, or returns ErrNotFound when it was not there.
func (c *Client) Del(ctx context.Context, key string) (Result, error) {
	return c.do(ctx, "del", Request{Key: key})
}

// do sends one request, trying each server at most once. Only a transport
// failure (no connection, no answer in time) moves on to the next server; an
// error reply is the service's answer and is returned as it is. Retrying a
// put or del on another server is safe because both are idempotent.
func (c *Client) do(ctx context.Context, typ string, req Request) (Result, error) {
	var lastErr error
	for range c.servers {
		conn, err := c.connect(ctx)
		if err == nil {
			var reply wire.Envelope
			actx, cancel := context.WithTimeout(ctx, c.timeout)
			reply, err = conn.Call(actx, "", typ, req)
			cancel()
			var remote *wire.RemoteError
			if err == nil || errors.As(err, &remote) {
				return decodeResult(reply, err)
			}
		}
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		lastErr = err
		c.failover(conn, err)
	}
	return Result{}, fmt.Errorf("no server answered: %w", lastErr)
}

func decodeResult(reply wire.Envelope, err error) (Result, error) {
	if err != nil {
		return Result{}, err
	}
	var res Result
	if err := reply.UnmarshalBody(&res); err != nil {
		return Result{}, err
	}
	if !res.Found && reply.Type != "put_ok" {
		return res, ErrNotFound
	}
	return res, nil
}

// connect returns the connection to the current server, dialling it if needed.
func (c *Client) connect(ctx context.Context) (*wire.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		select {
		case <-c.conn.Done():
			c.conn.Close()
			c.conn = nil
		default:
			return c.conn, nil
		}
	}
	dctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	conn, err := wire.Dial(dctx, c.node, c.servers[c.cur])
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return conn, nil
}

// failover gives up the server behind conn (nil when it could not be
// reached) and moves on to the next one. When another goroutine has already
// moved on, there is nothing left to do.
func (c *Client) failover(conn *wire.Conn, cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != conn {
		return
	}
	if conn != nil {
		conn.Close()
		c.conn = nil
	}
	from := c.servers[c.cur]
	c.cur = (c.cur + 1) % len(c.servers)
	if len(c.servers) > 1 {
		c.node.Trace.Logf("%s did not answer (%v); failing over to %s", from, cause, c.servers[c.cur])
	}
}

// Command runs one command line as typed at the REPL ("get a", "put a 1",
// "del a") and returns what to print.
func (c *Client) Command(ctx context.Context, line string) (string, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	key, value, _ := strings.Cut(rest, " ")
	value = strings.TrimSpace(value)
	switch {
	case verb == "get" && key != "" && value == "":
		res, err := c.Get(ctx, key)
		return res.Value, err
	case verb == "put" && key != "" && value != "":
		_, err := c.Put(ctx, key, value)
		return "ok", err
	case verb == "del" && key != "" && value == "":
		_, err := c.Del(ctx, key)
		return "deleted", err
	}
	return "", &CommandError{Line: line}
}

// CommandError is a command line the client does not understand.
type CommandError struct{ Line string }

func (e *CommandError) Error() string {
	return fmt.Sprintf("cannot do %q: want get KEY, put KEY VALUE or del KEY", e.Line)
}
