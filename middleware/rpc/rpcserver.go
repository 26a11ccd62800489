package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ServerConfig is the rpcserver program's command line.
type ServerConfig struct {
	Directory  string            // the directory's address
	Service    string            // the name to register under
	Attributes map[string]string // what sets this server apart ("currency": "EUR")
	Lease      time.Duration     // the lease to ask for; renewed at a third of what is granted
	Semantics  string            // at-most-once keeps a reply cache; at-least-once runs every call it gets
	ReplyCache int               // the most replies the cache keeps
	ByteOrder  string            // the byte order of the machine this server plays (raw codec)
	Accounts   map[string]int64  // the bank's accounts, in cents
	Timeout    time.Duration     // how long to wait for the directory
}

// DefaultServerConfig is the rpcserver's configuration without flags.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{Service: "bank", Lease: 10 * time.Second, Semantics: AtMostOnce,
		ReplyCache: 1024, ByteOrder: "big", Accounts: DefaultAccounts(), Timeout: 2 * time.Second}
}

// Check says what is wrong with the configuration, naming the flag.
func (cfg ServerConfig) Check() error {
	if _, err := ParseCodec(CodecRaw, cfg.ByteOrder); err != nil {
		return program.Usagef("--byte-order: %v", err)
	}
	switch {
	case cfg.Directory == "":
		return program.Usagef("--directory needs the directory's address")
	case checkName("name", cfg.Service, true) != nil:
		return program.Usagef("--service: %v", checkName("name", cfg.Service, true))
	case checkAttrs(cfg.Attributes) != nil:
		return program.Usagef("--attr: %v", checkAttrs(cfg.Attributes))
	case cfg.Lease < MinLease:
		return program.Usagef("--lease must be at least %s, not %s", MinLease, cfg.Lease)
	case cfg.Semantics != AtMostOnce && cfg.Semantics != AtLeastOnce:
		return program.Usagef("--semantics %q: want at-least-once or at-most-once", cfg.Semantics)
	case cfg.ReplyCache < 1 || cfg.ReplyCache > 1<<20:
		return program.Usagef("--reply-cache must be between 1 and %d, not %d", 1<<20, cfg.ReplyCache)
	case len(cfg.Accounts) == 0:
		return program.Usagef("--accounts names no account")
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	}
	return nil
}

// RunServer is the rpcserver program: it serves the bank through its
// skeleton and keeps it registered with the directory until ctx is done.
func RunServer(ctx context.Context, env *program.Env, cfg ServerConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if len(env.Args) > 0 {
		return program.Usagef("the rpcserver takes no arguments, only flags")
	}
	bank := NewAccounts(cfg.Accounts)
	srv := NewServer(env.Node, BankSkeleton(bank), cfg)
	srv.After = func() {
		env.Node.Trace.State("accounts", bank.String())
		env.Node.Trace.State("bookings", fmt.Sprint(bank.Bookings()))
	}
	srv.After()
	dir := NewDirectoryClient(env.Node, cfg.Directory, cfg.Timeout)
	defer dir.Close()
	reg := RegisterRequest{Name: cfg.Service, Interface: srv.skel.Interface,
		Address: env.Listener.Addr().String(), Attributes: cfg.Attributes, LeaseMS: cfg.Lease.Milliseconds()}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { KeepRegistered(ctx, env.Node, dir, reg) })
	return srv.Serve(ctx, env.Listener)
}

// Server is the server's half of the middleware: it takes a call off the
// wire, finds the method in the skeleton, lets the skeleton unmarshal the
// arguments and run it, and sends the marshalled results back. With
// at-most-once semantics it remembers the replies it sent, by caller and
// request id, and answers a repeated request from there instead of
// running the method again.
type Server struct {
	node  *wire.Node
	skel  Skeleton
	order string // the byte order this server's machine has (raw codec)
	cache *replyCache
	// After, when set, runs after each call that ran the method, to
	// report what changed. Nil: nothing is reported.
	After func()
}

// NewServer returns a server of skel configured by cfg (Semantics,
// ReplyCache, ByteOrder).
func NewServer(n *wire.Node, skel Skeleton, cfg ServerConfig) *Server {
	s := &Server{node: n, skel: skel, order: cfg.ByteOrder}
	if cfg.Semantics == AtMostOnce {
		s.cache = newReplyCache(cfg.ReplyCache)
	}
	return s
}

// MaxInFlight bounds the calls one connection may have running at once;
// a client that sends more waits until one of them is answered.
const MaxInFlight = 16

// Serve answers calls on ln until ctx is done. wire.Serve would answer a
// connection's requests one after the other; Serve runs each call on a
// goroutine of its own (at most MaxInFlight per connection), so a client
// may have several calls outstanding on one connection, and a slow call
// does not hold up the ones behind it. Each reply names its request
// (reply_to), so the client's stub finds its caller in whatever order the
// replies come. A connection may stay silent for as long as its client
// likes (a session waits for its user), as with wire.ServeConns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return wire.ServeConns(ctx, s.node, ln, s.serveConn)
}

// serveConn takes one connection's calls off the wire and answers each
// on its own goroutine, until the connection ends.
func (s *Server) serveConn(ctx context.Context, c *wire.Conn) {
	var running sync.WaitGroup
	defer running.Wait()
	slots := make(chan struct{}, MaxInFlight)
	for {
		req, err := c.Recv(ctx)
		if err != nil {
			return
		}
		if req.Type == wire.TypeError {
			continue // the client did not understand a reply; never argue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		running.Go(func() {
			defer func() { <-slots }()
			s.answer(ctx, c, req)
		})
	}
}

// answer runs one call and sends its reply, or an error reply.
func (s *Server) answer(ctx context.Context, c *wire.Conn, req wire.Envelope) {
	body, err := s.Handle(ctx, req)
	if res, ok := body.(Result); ok && err == nil {
		var raw []byte
		if raw, err = res.appendJSON(make([]byte, 0, 64+len(res.Results))); err == nil {
			body = json.RawMessage(raw)
		}
	}
	if err != nil {
		err = c.Reply(ctx, req, wire.TypeError, wire.ErrorBody{Reason: err.Error()})
	} else {
		err = c.Reply(ctx, req, req.Type+"_ok", body)
	}
	if err != nil {
		c.Close() // the client is gone or takes nothing: end the connection
	}
}

// Handle answers one request; it is a wire.Handler.
func (s *Server) Handle(ctx context.Context, req wire.Envelope) (any, error) {
	if req.Type != TypeCall {
		return nil, fmt.Errorf("unknown message type %q: this server takes call", req.Type)
	}
	var call Call
	if !readCall(req.Body, &call) {
		call = Call{}
		if err := json.Unmarshal(orEmpty(req.Body), &call); err != nil {
			return nil, fmt.Errorf("call: the body is not a Call: %v", err)
		}
	}
	m, codec, err := s.resolve(call)
	if err != nil {
		return nil, err
	}
	if s.cache == nil || call.Request == 0 {
		return s.run(ctx, req.From, call, m, codec)
	}
	if len(call.Caller) > MaxNameLen || call.Caller == "" {
		return nil, fmt.Errorf("caller: want 1 to %d bytes with a request id", MaxNameLen)
	}
	id := requestID{call.Caller, call.Request}
	r, first := s.cache.start(id)
	if first {
		r.res, r.err = s.run(ctx, req.From, call, m, codec)
		s.cache.finish(r)
		if s.node.Trace != nil {
			s.node.Trace.Gauge("reply cache", int64(s.cache.size()), int64(s.cache.max), "")
		}
		return r.res, r.err
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.node.Trace.State("call", fmt.Sprintf("%s.%s request %s/%d again (attempt %d): answered from the reply cache, not run again",
		call.Interface, call.Method, call.Caller, call.Request, call.Attempt))
	if r.err != nil {
		return nil, r.err
	}
	res := r.res
	res.Replayed = true
	return res, nil
}

// resolve finds the method a call names and the codec it is marshalled in.
func (s *Server) resolve(call Call) (Method, Codec, error) {
	if call.Interface != s.skel.Interface {
		return nil, Codec{}, fmt.Errorf("no interface %q here: this server offers %s", clip(call.Interface), s.skel.Interface)
	}
	m, ok := s.skel.Methods[call.Method]
	if !ok {
		var names []string
		for name := range s.skel.Methods {
			names = append(names, name)
		}
		sort.Strings(names)
		return nil, Codec{}, fmt.Errorf("no method %s.%s: %s has %s", s.skel.Interface, clip(call.Method), s.skel.Interface, strings.Join(names, ", "))
	}
	codec, err := ParseCodec(call.Codec, s.order)
	if err != nil {
		return nil, Codec{}, err
	}
	return m, codec, nil
}

// run unmarshals the arguments, runs the method and marshals the results,
// and shows both sides of the marshalling in the trace.
func (s *Server) run(ctx context.Context, from string, call Call, m Method, codec Codec) (Result, error) {
	args, err := codec.NewDecoder(call.Args)
	if err != nil {
		return Result{}, &ArgumentError{Method: call.Interface + "." + call.Method, Err: err}
	}
	results := codec.NewEncoder()
	err = m(ctx, args, results)
	traced := s.node.Trace != nil // the layouts cost more than the call: only when someone watches
	if traced {
		s.node.Trace.State("call", fmt.Sprintf("%s.%s from %s (%s): %s", call.Interface, call.Method, from, codec.Name, args.Layout()))
	}
	if s.After != nil {
		defer s.After()
	}
	if err != nil {
		s.node.Trace.State("result", "error: "+err.Error())
		return Result{}, err
	}
	data, err := results.Marshal()
	if err != nil {
		return Result{}, err
	}
	if traced {
		s.node.Trace.State("result", fmt.Sprintf("%s (%s): %s", call.Method, codec.Name, results.Layout()))
	}
	return Result{Codec: codec.Name, Results: data}, nil
}

// requestID names one call for at-most-once: the same in every retry.
type requestID struct {
	caller  string
	request uint64
}

// reply is what the server answered, or will answer, to one request.
type reply struct {
	done chan struct{} // closed when res and err are set
	res  Result
	err  error
}

// replyCache keeps the replies to the last max requests. A retry that
// comes while the first attempt still runs waits for its reply instead of
// running the method a second time. A request older than the last max is
// forgotten: a retry of it that late would run again, which is why the
// cache must be larger than the calls a client can have outstanding.
type replyCache struct {
	max   int
	mu    sync.Mutex // guards byID and order
	byID  map[requestID]*reply
	order []requestID // oldest first, for eviction
}

func newReplyCache(max int) *replyCache {
	return &replyCache{max: max, byID: map[requestID]*reply{}}
}

// start returns the reply for id and whether this is its first attempt,
// which must run the method and then call finish.
func (c *replyCache) start(id requestID) (*reply, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.byID[id]; ok {
		return r, false
	}
	r := &reply{done: make(chan struct{})}
	c.byID[id] = r
	c.order = append(c.order, id)
	for len(c.order) > c.max {
		select {
		case <-c.byID[c.order[0]].done:
		default:
			return r, true // the oldest still runs: it goes once it is done
		}
		delete(c.byID, c.order[0])
		c.order = c.order[1:]
	}
	return r, true
}

// finish makes r's result known to the retries that wait for it.
func (c *replyCache) finish(r *reply) { close(r.done) }

func (c *replyCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byID)
}

// KeepRegistered registers reg with the directory and renews its lease at
// a third of its duration until ctx is done, then cancels it. When a
// renewal is refused (the lease ran out, the directory restarted and
// forgot it) it registers again; while the directory does not answer it
// keeps trying. A server restarted on another port runs this again with
// its new address, and the directory takes the new registration in place
// of the old one.
func KeepRegistered(ctx context.Context, n *wire.Node, dir *DirectoryClient, reg RegisterRequest) {
	var g Grant
	defer func() {
		if g.Lease != "" {
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			if dir.Cancel(cctx, g) == nil {
				n.Trace.EndTimer("lease", "cancelled on shutdown")
			}
		}
	}()
	for {
		var err error
		switch {
		case g.Lease == "":
			g, err = dir.Register(ctx, reg)
			if err == nil {
				n.Trace.Logf("registered %s (%s) at %s with %s: lease %s for %d ms", reg.Name, reg.Interface, reg.Address, dir.Addr(), g.Lease, g.DurationMS)
			}
		default:
			var renewed Grant
			renewed, err = dir.Renew(ctx, g)
			var remote *wire.RemoteError
			if errors.As(err, &remote) {
				n.Trace.Logf("renewal of lease %s refused (%s): registering again", g.Lease, remote.Reason)
				g = Grant{}
				continue
			}
			if err == nil {
				g = renewed
			}
		}
		wait := reg.leaseOr(g) / 3
		if err != nil {
			n.Trace.Logf("directory %s: %v; trying again in %s", dir.Addr(), err, wait)
		} else {
			n.Trace.StartTimer("lease", g.Lease+" "+reg.Name, time.Duration(g.DurationMS)*time.Millisecond)
		}
		// The wait counts protocol time, as the directory's leases do, so
		// that slow motion stretches both alike.
		wctx, cancel := n.WithTimeout(ctx, wait)
		<-wctx.Done()
		cancel()
		if ctx.Err() != nil {
			return
		}
	}
}

// leaseOr is the lease granted, or the one asked for before any grant.
func (r RegisterRequest) leaseOr(g Grant) time.Duration {
	if g.DurationMS > 0 {
		return time.Duration(g.DurationMS) * time.Millisecond
	}
	return max(time.Duration(r.LeaseMS)*time.Millisecond, MinLease)
}
