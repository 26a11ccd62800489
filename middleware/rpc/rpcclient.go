package rpc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ClientConfig is the rpcclient program's command line.
type ClientConfig struct {
	Directory string            // the directory's address
	Service   string            // the name to look up
	Where     map[string]string // when set: look up by interface Bank and these attributes instead of by name
	Codec     string            // json, binary or raw
	ByteOrder string            // the byte order of the machine this client plays (raw codec)
	Semantics string            // at-least-once or at-most-once
	Retries   int               // how often a call is sent again when no reply comes
	Timeout   time.Duration     // how long one attempt waits for its reply
	Every     time.Duration     // in a session, call Balance this often
}

// DefaultClientConfig is the rpcclient's configuration without flags.
func DefaultClientConfig() ClientConfig {
	return ClientConfig{Service: "bank", Codec: CodecJSON, ByteOrder: "big", Semantics: AtMostOnce,
		Retries: 2, Timeout: time.Second}
}

// Check says what is wrong with the configuration, naming the flag.
func (cfg ClientConfig) Check() error {
	if _, err := ParseCodec(cfg.Codec, cfg.ByteOrder); err != nil {
		return program.Usagef("--codec/--byte-order: %v", err)
	}
	switch {
	case cfg.Directory == "":
		return program.Usagef("--directory needs the directory's address")
	case checkName("name", cfg.Service, true) != nil:
		return program.Usagef("--service: %v", checkName("name", cfg.Service, true))
	case checkAttrs(cfg.Where) != nil:
		return program.Usagef("--where: %v", checkAttrs(cfg.Where))
	case cfg.Semantics != AtMostOnce && cfg.Semantics != AtLeastOnce:
		return program.Usagef("--semantics %q: want at-least-once or at-most-once", cfg.Semantics)
	case cfg.Retries < 0 || cfg.Retries > 10:
		return program.Usagef("--retries must be between 0 and 10, not %d", cfg.Retries)
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	}
	return nil
}

// RunClient is the rpcclient program: one command given as arguments, or
// an interactive session reading commands from stdin and from the
// collector's "do" lines.
func RunClient(ctx context.Context, env *program.Env, cfg ClientConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	c := NewClient(env.Node, cfg, env.Stdout)
	defer c.Close()
	if len(env.Args) > 0 {
		return program.RunArgs(ctx, env, c.Command)
	}
	s := program.Session{
		Prompt: "bank> ",
		Help:   "commands: " + commands + " | help | quit",
		Every:  cfg.Every,
		Auto:   func(int) string { return "balance alice" },
		Run:    c.Command,
	}
	return s.Loop(ctx, env)
}

const commands = "balance ACCOUNT | transfer FROM TO EUR | lookup | list | watch | where"

// Client is the client's half of the middleware: the Invoker behind a
// BankStub. It finds the server in the directory and remembers its
// address; it marshals each call in its codec, sends it, waits, and
// sends it again when no reply comes, as its call semantics say. It is
// safe for concurrent use.
type Client struct {
	node      *wire.Node
	dir       *DirectoryClient
	cfg       ClientConfig
	codec     Codec
	caller    string // who this client is, for the server's reply cache
	out       io.Writer
	requests  atomic.Uint64 // the last request id (at-most-once)
	Bank      BankStub      // the stub the commands call
	watching  atomic.Bool
	watchStop context.CancelFunc // guarded by mu

	mu   sync.Mutex // guards addr, conn and watchStop
	addr string     // the server's address as last looked up; "" before the first lookup
	conn *wire.Conn // to addr; nil before the first call or after a failure
}

// NewClient returns a client configured by cfg that writes what it does
// (retries, new lookups) to out as well as to the trace.
func NewClient(n *wire.Node, cfg ClientConfig, out io.Writer) *Client {
	codec, _ := ParseCodec(cfg.Codec, cfg.ByteOrder)
	b := make([]byte, 3)
	rand.Read(b)
	c := &Client{node: n, dir: NewDirectoryClient(n, cfg.Directory, cfg.Timeout), cfg: cfg, codec: codec,
		caller: n.Name + "#" + hex.EncodeToString(b), out: out}
	c.Bank = BankStub{Invoker: c}
	return c
}

// Close closes the connections to the server and to the directory.
func (c *Client) Close() {
	c.mu.Lock()
	if c.conn != nil {
		c.conn.Close()
	}
	if c.watchStop != nil {
		c.watchStop()
	}
	c.mu.Unlock()
	c.dir.Close()
}

// say tells the user, and the trace, what the middleware does behind the
// stub's back.
func (c *Client) say(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if c.out != nil {
		fmt.Fprintln(c.out, line)
	}
	c.node.Trace.Logf("%s", line)
}

// Invoke implements Invoker: it marshals the call and sends it, at most
// 1+Retries times, until a reply comes. An error reply is the server's
// answer and is not retried; only silence is.
func (c *Client) Invoke(ctx context.Context, iface, method string, args func(Encoder)) (Decoder, error) {
	enc := c.codec.NewEncoder()
	args(enc)
	data, err := enc.Marshal()
	if err != nil {
		return nil, fmt.Errorf("cannot marshal the arguments of %s.%s: %w", iface, method, err)
	}
	call := Call{Interface: iface, Method: method, Codec: c.codec.Name, Args: data}
	if c.cfg.Semantics == AtMostOnce {
		call.Caller, call.Request = c.caller, c.requests.Add(1)
	}
	if c.node.Trace != nil { // the layout costs more than the call's bytes: only when someone watches
		c.node.Trace.State("call", fmt.Sprintf("%s.%s (%s): %s", iface, method, c.codec.Name, enc.Layout()))
	}
	var lastErr error
	for attempt := 1; attempt <= 1+c.cfg.Retries; attempt++ {
		if attempt > 1 {
			c.say("retry %d of %d: %s.%s got no reply (%v); sending it again (%s)", attempt-1, c.cfg.Retries, iface, method, lastErr, c.cfg.Semantics)
		}
		call.Attempt = attempt
		res, err := c.attempt(ctx, call)
		if err == nil {
			return c.decodeResult(res)
		}
		var remote *wire.RemoteError
		var lookup *lookupError
		if errors.As(err, &remote) || errors.As(err, &lookup) || ctx.Err() != nil {
			return nil, err // an answer, or no server to send to: sending again cannot help
		}
		lastErr = err
	}
	return nil, &NoReplyError{Call: iface + "." + method, Attempts: 1 + c.cfg.Retries, Semantics: c.cfg.Semantics, Err: lastErr}
}

// NoReplyError is a call that got no reply in any attempt. Whether it ran
// is not known: the request or the reply may have been lost, each time.
type NoReplyError struct {
	Call      string
	Attempts  int
	Semantics string
	Err       error
}

func (e *NoReplyError) Error() string {
	runs := fmt.Sprintf("anywhere from 0 to %d times", e.Attempts)
	if e.Semantics == AtMostOnce {
		runs = "once or not at all"
	}
	return fmt.Sprintf("%s: no reply after %d attempts (%v); it may have run %s", e.Call, e.Attempts, e.Err, runs)
}

func (e *NoReplyError) Unwrap() error { return e.Err }

// lookupError is a lookup that failed (err) or found nothing (err nil).
// No call was sent, so it is no attempt, and no retry can help.
type lookupError struct {
	target string
	err    error
}

func (e *lookupError) Error() string {
	if e.err == nil {
		return "nothing in the directory matches " + e.target
	}
	return fmt.Sprintf("lookup of %s failed: %v", e.target, e.err)
}

func (e *lookupError) Unwrap() error { return e.err }

func (c *Client) decodeResult(res Result) (Decoder, error) {
	if res.Codec != c.codec.Name {
		return nil, fmt.Errorf("the server answered in codec %q, not %q", clip(res.Codec), c.codec.Name)
	}
	dec, err := c.codec.NewDecoder(res.Results)
	if err != nil {
		return nil, err
	}
	note := ""
	if res.Replayed {
		note = " (from the server's reply cache: the call did not run again)"
		c.say("the server answered from its reply cache: it did not run the call again")
	}
	if c.node.Trace == nil {
		return dec, nil
	}
	// The stub reads the values after this returns; the layout is known
	// only then, so report it from a decoder that reports as it reads.
	return &reportingDecoder{Decoder: dec, report: func(layout string) {
		c.node.Trace.State("result", fmt.Sprintf("(%s) %s%s", c.codec.Name, layout, note))
	}}, nil
}

// reportingDecoder reports what was decoded when the stub asks for Err,
// which it does after reading the last value.
type reportingDecoder struct {
	Decoder
	report func(layout string)
}

func (d *reportingDecoder) Err() error {
	d.report(d.Layout())
	return d.Decoder.Err()
}

// attempt sends the call once to the server, looked up or cached, and
// waits for the reply for at most the timeout.
func (c *Client) attempt(ctx context.Context, call Call) (Result, error) {
	body, err := call.appendJSON(make([]byte, 0, 128+len(call.Args)))
	if err != nil {
		return Result{}, err
	}
	conn, err := c.connect(ctx)
	if err != nil {
		return Result{}, err
	}
	actx, cancel := c.node.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	traced := c.node.Trace != nil
	what := "reply to " + call.Method
	if traced {
		c.node.Trace.StartTimer("timeout", what, c.cfg.Timeout)
	}
	start := time.Now()
	reply, err := conn.Call(actx, c.cfg.Service, TypeCall, json.RawMessage(body))
	if err != nil {
		if traced {
			c.node.Trace.EndTimer("timeout", fmt.Sprintf("%s: %v", what, err))
		}
		var remote *wire.RemoteError
		if !errors.As(err, &remote) {
			c.dropConn(conn)
		}
		return Result{}, err
	}
	if traced {
		c.node.Trace.EndTimer("timeout", fmt.Sprintf("%s after %s", what, time.Since(start).Round(10*time.Microsecond)))
	}
	var res Result
	if readResult(reply.Body, &res) {
		return res, nil
	}
	res = Result{}
	return res, reply.UnmarshalBody(&res)
}

// connect returns the connection to the server. It dials the cached
// address; when that fails (the server moved or died), it forgets the
// address, looks the service up again and dials what it finds. Nothing
// was sent yet, so this is no retry of the call.
func (c *Client) connect(ctx context.Context) (*wire.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		select {
		case <-c.conn.Done():
			c.conn = nil
		default:
			return c.conn, nil
		}
	}
	if c.addr != "" {
		conn, err := c.dialLocked(ctx, c.addr)
		if err == nil {
			return conn, nil
		}
		c.say("the server at %s (cached) does not answer: %v; looking %s up again", c.addr, err, c.target())
		c.addr = ""
	}
	addr, err := c.lookupLocked(ctx)
	if err != nil {
		return nil, err
	}
	c.say("looked up %s: it is at %s", c.target(), addr)
	return c.dialLocked(ctx, addr)
}

func (c *Client) dialLocked(ctx context.Context, addr string) (*wire.Conn, error) {
	dctx, cancel := c.node.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	conn, err := wire.Dial(dctx, c.node, addr)
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return conn, nil
}

// dropConn closes a connection that failed, so the next attempt dials again.
func (c *Client) dropConn(conn *wire.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn.Close()
	if c.conn == conn {
		c.conn = nil
	}
}

// lookupLocked asks the directory for the service and caches its address.
func (c *Client) lookupLocked(ctx context.Context) (string, error) {
	matches, err := c.dir.Lookup(ctx, c.template())
	if err != nil {
		return "", &lookupError{target: c.target(), err: err}
	}
	if len(matches) == 0 {
		return "", &lookupError{target: c.target()}
	}
	c.addr = matches[0].Address
	c.node.Trace.State("server", fmt.Sprintf("%s at %s (looked up, lease %s)", matches[0].Name, c.addr, matches[0].Lease))
	return c.addr, nil
}

func (c *Client) template() LookupRequest {
	if len(c.cfg.Where) > 0 {
		return LookupRequest{Interface: "Bank", Attributes: c.cfg.Where}
	}
	return LookupRequest{Name: c.cfg.Service}
}

// target names what the client looks for, for messages.
func (c *Client) target() string {
	if len(c.cfg.Where) == 0 {
		return fmt.Sprintf("%q", c.cfg.Service)
	}
	return "a Bank with " + attrString(c.cfg.Where)
}

func attrString(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Command runs one command line as typed in a session and returns what
// to print.
func (c *Client) Command(ctx context.Context, line string) (string, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "", &program.CommandError{Line: line, Why: "want " + commands}
	}
	switch {
	case f[0] == "balance" && len(f) == 2:
		cents, err := c.Bank.Balance(ctx, f[1])
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s holds %s", f[1], EUR(cents)), nil
	case f[0] == "transfer" && len(f) == 4:
		cents, err := ParseEUR(f[3])
		if err != nil {
			return "", &program.CommandError{Line: line, Why: err.Error()}
		}
		balance, err := c.Bank.Transfer(ctx, f[1], f[2], cents)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("transferred %s from %s to %s: %s now holds %s", EUR(cents), f[1], f[2], f[1], EUR(balance)), nil
	case f[0] == "lookup" && len(f) == 1:
		c.mu.Lock()
		defer c.mu.Unlock()
		c.addr = ""
		addr, err := c.lookupLocked(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s is at %s", c.target(), addr), nil
	case f[0] == "list" && len(f) == 1:
		regs, err := c.dir.List(ctx)
		return listing(regs), err
	case f[0] == "where" && len(f) == 1:
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.addr == "" {
			return "no address cached: the next call looks " + c.target() + " up", nil
		}
		return c.addr + " (cached)", nil
	case f[0] == "watch" && len(f) == 1:
		return c.watch(ctx)
	}
	return "", &program.CommandError{Line: line, Why: "want " + commands}
}

// watch subscribes to every change in the directory and prints each
// event as it comes, until the client ends.
func (c *Client) watch(ctx context.Context) (string, error) {
	if !c.watching.CompareAndSwap(false, true) {
		return "already watching", nil
	}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	g, ended, err := c.dir.Subscribe(wctx, SubscribeRequest{LeaseMS: time.Hour.Milliseconds()}, func(ev Event) {
		r := ev.Registration
		c.say("event %d: %s %s (%s at %s, lease %s)", ev.Seq, r.Name, ev.Kind, r.Interface, r.Address, r.Lease)
	})
	if err != nil {
		stop()
		c.watching.Store(false)
		return "", err
	}
	c.mu.Lock()
	c.watchStop = stop
	c.mu.Unlock()
	go func() {
		<-ended
		c.watching.Store(false)
	}()
	return fmt.Sprintf("watching the directory (subscription lease %s for %s)", g.Lease, time.Duration(g.DurationMS)*time.Millisecond), nil
}

func listing(regs []Registration) string {
	if len(regs) == 0 {
		return "the directory is empty"
	}
	var b strings.Builder
	for i, r := range regs {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s %s at %s", r.Name, r.Interface, r.Address)
		if len(r.Attributes) > 0 {
			fmt.Fprintf(&b, " [%s]", attrString(r.Attributes))
		}
		fmt.Fprintf(&b, " lease %s, %s left", r.Lease, (time.Duration(r.LeftMS) * time.Millisecond).String())
	}
	return b.String()
}

// ParseEUR reads an amount in euros ("10", "10.5", "10.50") as cents.
func ParseEUR(s string) (int64, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || dot && (len(frac) == 0 || len(frac) > 2) {
		return 0, fmt.Errorf("amount %q: want euros such as 10 or 10.50", s)
	}
	if len(frac) == 1 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > math.MaxInt64/100-1 {
		return 0, fmt.Errorf("amount %q: want euros such as 10 or 10.50", s)
	}
	var f int64
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, fmt.Errorf("amount %q: want euros such as 10 or 10.50", s)
		}
	}
	return w*100 + f, nil
}
