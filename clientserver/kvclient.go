package clientserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ClientConfig is the client program's command line.
type ClientConfig struct {
	Servers     []string      // in order of preference; the client fails over along the list
	Timeout     time.Duration // how long one attempt waits for a server
	Every       time.Duration // in a session, send a request of our own this often
	Bench       bool          // a load run instead of commands
	Concurrency int           // load run: clients at once
	Requests    int           // load run: requests in all
}

// RunClient is the client program: one command given as arguments, a load
// run (--bench), or an interactive session reading commands from stdin and
// from the collector's "do" lines until stdin ends or ctx is done.
func RunClient(ctx context.Context, env *program.Env, cfg ClientConfig) error {
	switch {
	case len(cfg.Servers) == 0:
		return program.Usagef("--server needs at least one address")
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	case cfg.Bench && (cfg.Concurrency < 1 || cfg.Requests < 1):
		return program.Usagef("--bench needs -c and -n of at least 1")
	}
	if cfg.Bench {
		res := runLoad(ctx, env.Node, cfg)
		fmt.Fprintln(env.Stdout, res)
		return res.failure()
	}
	c := NewClient(env.Node, cfg.Servers, 0, cfg.Timeout)
	c.waits = TimeoutState // a load run does not: a timer per request would drown its trace
	defer c.Close()
	if len(env.Args) > 0 {
		return program.RunArgs(ctx, env, c.command)
	}
	return session(ctx, env, c, cfg.Every)
}

// session is the interactive client: program.Session with the key-value
// commands, and five keys written and read in turn for --every.
func session(ctx context.Context, env *program.Env, c *Client, every time.Duration) error {
	s := program.Session{
		Prompt: "kv> ",
		Help:   "commands: get KEY | put KEY VALUE | del KEY | help | quit",
		Every:  every,
		Auto:   autoCommand,
		Run: func(ctx context.Context, line string) (string, error) {
			result, err := c.command(ctx, line)
			if errors.Is(err, ErrNotFound) {
				return "not found", nil
			}
			return result, err
		},
	}
	return s.Loop(ctx, env)
}

// autoCommand is the request number i of a client started with --every: it
// writes and reads five keys in turn, a flow easy to follow on a diagram.
func autoCommand(i int) string {
	key := string(rune('a' + i/2%5))
	if i%2 == 0 {
		return "put " + key + " " + strconv.Itoa(i/2+1)
	}
	return "get " + key
}

// ErrNotFound is the answer to a get or del of a key the service does not hold.
var ErrNotFound = errors.New("not found")

// ErrUnknownOutcome is the answer to a write that a server took but could
// not pass on to a majority of its group (replicate mode): it may last, or
// vanish. It is not a refusal, and sending the write again is the caller's
// decision.
var ErrUnknownOutcome = errors.New("outcome unknown")

// Client talks to one server of a list and fails over to the next when that
// one does not answer: a crashed server costs the client one timeout, not
// its work. It is safe for concurrent use.
type Client struct {
	node    *wire.Node
	servers []string
	timeout time.Duration // per attempt
	waits   string        // the state key of the timer a waiting request reports; "": none

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
	return c.do(ctx, TypeGet, Request{Key: key})
}

// Put sets key to value.
func (c *Client) Put(ctx context.Context, key, value string) (Result, error) {
	return c.do(ctx, TypePut, Request{Key: key, Value: value})
}

// Del removes key, or returns ErrNotFound when it was not there.
func (c *Client) Del(ctx context.Context, key string) (Result, error) {
	return c.do(ctx, TypeDel, Request{Key: key})
}

// do sends one request, trying each server at most once. Only a transport
// failure (no connection, no answer in time) or a replica that is catching
// up moves on to the next server; any other error reply is the service's
// answer and is returned as it is. Retrying a put or del on another server
// after a timeout is safe: both are idempotent, and in replicate mode the
// first attempt, should it still arrive, carries an older Lamport time and
// loses to the retry. When every server is catching up, the client waits a
// little and tries them all again, for at most its timeout.
func (c *Client) do(ctx context.Context, typ string, req Request) (Result, error) {
	deadline := time.Now().Add(c.timeout)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, c.timeout/4) {
		res, catchingUp, err := c.round(ctx, typ, req)
		if !catchingUp || time.Now().After(deadline) || !pause(ctx, wait) {
			return res, err
		}
	}
}

// maxStale is how often a client sends a write again that a server refused
// as stale. The refusal carries the server's clock, so the next attempt is
// later than the version that beat it; only a key that other clients write
// at the same moment can make it stale once more.
const maxStale = 8

// round is one try of every server. catchingUp reports that each of them
// refused because it is catching up.
func (c *Client) round(ctx context.Context, typ string, req Request) (res Result, catchingUp bool, err error) {
	res, catchingUp, lost, err := c.tryEach(ctx, typ, req)
	if err != nil && lost != "" && typ != TypeGet {
		// A refusal from the next server says nothing about the attempt
		// that went unanswered: that one may still take effect.
		return res, false, fmt.Errorf("%w: %s did not answer in time, so that attempt may still take effect; then %v", ErrUnknownOutcome, lost, err)
	}
	return res, catchingUp, err
}

// tryEach asks the servers in turn until one answers. lost names the
// first server that may have received the request without answering.
func (c *Client) tryEach(ctx context.Context, typ string, req Request) (res Result, catchingUp bool, lost string, err error) {
	catchingUp = true
	stale := 0
	var lastErr error
	for tried := 0; tried < len(c.servers); {
		conn, err := c.connect(ctx)
		if err == nil {
			var reply wire.Envelope
			actx, cancel := c.node.WithTimeout(ctx, c.timeout)
			end := reportWait(c.node, c.waits, typ+" "+req.Key, c.timeout)
			reply, err = conn.Call(actx, "", typ, req)
			end(err)
			cancel()
			var remote *wire.RemoteError
			switch {
			case err == nil:
				res, err = decodeResult(reply)
				return res, false, lost, err
			case errors.As(err, &remote) && strings.HasPrefix(remote.Reason, reasonStale) && stale < maxStale:
				stale++
				c.node.Trace.Logf("%s refused a stale write of %q: sending it again", remote.From, req.Key)
				continue
			case errors.As(err, &remote) && strings.HasPrefix(remote.Reason, reasonCatchingUp):
			case errors.As(err, &remote) && strings.HasPrefix(remote.Reason, reasonUnknown):
				return Result{}, false, lost, fmt.Errorf("%w: %s", ErrUnknownOutcome, strings.TrimPrefix(remote.Reason, reasonUnknown+": "))
			case errors.As(err, &remote):
				return Result{}, false, lost, err
			default:
				catchingUp = false
				if lost == "" {
					lost = conn.RemoteAddr()
				}
			}
		} else {
			catchingUp = false
		}
		if ctx.Err() != nil {
			return Result{}, false, lost, ctx.Err()
		}
		lastErr = err
		c.failover(conn, err)
		tried++
	}
	return Result{}, catchingUp, lost, fmt.Errorf("no server answered: %w", lastErr)
}

func decodeResult(reply wire.Envelope) (Result, error) {
	var res Result
	if err := reply.UnmarshalBody(&res); err != nil {
		return Result{}, err
	}
	if !res.Found && reply.Type != TypePutOK {
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

// command runs one command line as typed at the REPL ("get a", "put a 1",
// "del a") and returns what to print.
func (c *Client) command(ctx context.Context, line string) (string, error) {
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
	return "", &program.CommandError{Line: line, Why: "want get KEY, put KEY VALUE or del KEY"}
}
