package space

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// The space's bounds beyond the configurable ones in Config.
const (
	MaxConns        = 512              // connections at once; one more is told why and closed
	MaxRegsPerConn  = 16               // notify registrations of one connection
	MaxWait         = 60 * time.Second // a read's or take's wait
	MaxLease        = time.Hour        // the longest lease the space grants
	DefaultTxnLease = 10 * time.Second // a transaction's lease when begin asks for none
	eventBuffer     = 64               // events of one connection not yet sent; more are dropped
	maxPending      = 64               // requests of one connection waiting at once
)

// Config is the space program's command line.
type Config struct {
	MaxEntries int           // entries the space holds at most, visible or held by transactions
	MaxBytes   int64         // bytes of all entries together
	MaxWaiting int           // reads and takes waiting at once
	MaxTxns    int           // transactions open at once
	MaxLease   time.Duration // the longest lease granted; longer requests get this
}

// DefaultConfig is the configuration of a space started without flags.
func DefaultConfig() Config {
	return Config{MaxEntries: 10000, MaxBytes: 32 << 20, MaxWaiting: 256, MaxTxns: 256, MaxLease: MaxLease}
}

// Check reports the first thing wrong with cfg as a usage error.
func (cfg Config) Check() error {
	switch {
	case cfg.MaxEntries < 1:
		return program.Usagef("--max-entries must be at least 1, not %d", cfg.MaxEntries)
	case cfg.MaxBytes < MaxEntryBytes:
		return program.Usagef("--max-bytes must be at least %d (one entry of the largest size), not %d", MaxEntryBytes, cfg.MaxBytes)
	case cfg.MaxWaiting < 1:
		return program.Usagef("--max-waiting must be at least 1, not %d", cfg.MaxWaiting)
	case cfg.MaxTxns < 1:
		return program.Usagef("--max-txns must be at least 1, not %d", cfg.MaxTxns)
	case cfg.MaxLease < time.Millisecond || cfg.MaxLease > MaxLease:
		return program.Usagef("--max-lease must be from 1ms to %s, not %s", MaxLease, cfg.MaxLease)
	}
	return nil
}

// RunSpace is the space program: it serves writers, readers and takers on
// env.Listener until ctx is done. The space keeps its entries in memory
// only: it is a single point of failure, and when it stops, they are gone.
func RunSpace(ctx context.Context, env *program.Env, cfg Config) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if env.Listener == nil {
		return errors.New("a space needs an address to listen on")
	}
	s := New(env.Node, cfg)
	defer s.Close()
	return s.Serve(ctx, env.Listener)
}

// Space is a tuple space: its entries, transactions, waiting requests and
// leases, all guarded by one mutex.
type Space struct {
	node  *wire.Node
	cfg   Config
	clock *wire.ProtocolClock

	mu      sync.Mutex
	lastID  uint64                      // of entries, registrations and transactions alike: one lease number space
	entries list.List                   // of *entry, oldest first: a take takes the oldest match
	bytes   int64                       // of all entries
	leases  *wire.DeadlineQueue[*lease] // every lease by deadline
	byLease map[uint64]*lease           // every lease by id
	txns    map[uint64]*txn             // open transactions
	waiting list.List                   // of *waiter, in the order they came
	regs    map[uint64]*registration
	types   map[string]int // entries by type, for the live view
	report  reportBoard
	running sync.WaitGroup
	stop    context.CancelFunc
}

// New returns an empty space for node n. Close stops its background work.
func New(n *wire.Node, cfg Config) *Space {
	s := &Space{node: n, cfg: cfg, clock: wire.NewProtocolClock(n.Faults),
		byLease: map[uint64]*lease{}, txns: map[uint64]*txn{}, regs: map[uint64]*registration{},
		types: map[string]int{}, leases: wire.NewDeadlineQueue[*lease]()}
	s.report.init(n)
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	// The leases: one whose time is up ends; the live view's timers are
	// reported again when the pace changes.
	s.running.Go(func() {
		s.leases.Sweep(ctx, s.clock, &s.mu, func(l *lease) { s.endLeaseLocked(l, "expired") },
			func() { s.report.markTimers(s) })
	})
	s.running.Go(func() { s.report.run(ctx, s) })
	return s
}

// Close stops the space's background work.
func (s *Space) Close() {
	s.stop()
	s.running.Wait()
}

// Serve accepts clients on ln until ctx is done. It keeps each connection
// (wire.ServeConnsWith, not wire.Serve), since the space also speaks first
// when it sends a notify's events, and it keeps no idle timeout: a worker
// waiting in take may be silent for as long as no task comes.
func (s *Space) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	s.report.markAll()
	s.mu.Unlock()
	return wire.ServeConnsWith(ctx, s.node, ln, wire.ServeOptions{MaxConns: MaxConns}, s.serveConn)
}

// client is one connection.
type client struct {
	name   string
	conn   *wire.Conn
	regs   map[uint64]*registration // guarded by the space's mu
	events chan Event               // to send; full means the event is dropped
}

// serveConn reads a client's requests in order until the connection ends;
// a read or take that waits is answered apart, so the client's other
// requests (a renew of its transaction) are not held up behind it.
func (s *Space) serveConn(ctx context.Context, c *wire.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	var waiting sync.WaitGroup
	cl := &client{conn: c, regs: map[uint64]*registration{}, events: make(chan Event, eventBuffer)}
	slots := make(chan struct{}, maxPending)
	waiting.Go(func() { s.sendEvents(ctx, cl) })
	defer func() {
		c.Close()
		cancel()
		s.disconnect(cl)
		waiting.Wait()
	}()
	for {
		req, err := c.Recv(ctx)
		if err != nil {
			return
		}
		if req.Type == wire.TypeError {
			continue // the client did not understand a reply; never argue
		}
		if cl.name == "" {
			cl.name = req.From
		}
		a := s.handle(cl, req)
		if a.wait == nil {
			if !reply(ctx, c, req, a.body, a.err) {
				return
			}
			continue
		}
		select {
		case slots <- struct{}{}:
		default:
			if !reply(ctx, c, req, nil, fmt.Errorf("busy: this connection already has %d requests waiting", maxPending)) {
				return
			}
			continue
		}
		waiting.Go(func() {
			defer func() { <-slots }()
			body, err := a.wait(ctx)
			if ctx.Err() != nil {
				return // the connection has ended: nobody is left to take the answer
			}
			if !reply(ctx, c, req, body, err) {
				c.Close()
			}
		})
	}
}

func reply(ctx context.Context, c *wire.Conn, req wire.Envelope, body any, err error) bool {
	if err != nil {
		return c.Reply(ctx, req, wire.TypeError, wire.ErrorBody{Reason: err.Error()}) == nil
	}
	return c.Reply(ctx, req, req.Type+"_ok", body) == nil
}

// An answer is what a request gets: a body or an error now, or, for a
// read or take that waits, a function that waits and then answers.
type answer struct {
	body any
	err  error
	wait func(ctx context.Context) (any, error)
}

func now(body any, err error) answer { return answer{body: body, err: err} }

func (s *Space) handle(cl *client, req wire.Envelope) answer {
	switch req.Type {
	case TypeWrite:
		var r WriteRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(s.Write(r))
	case TypeRead, TypeTake:
		var r MatchRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return s.match(r, req.Type == TypeTake)
	case TypeNotify:
		var r NotifyRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(s.notify(cl, r))
	case TypeRenew:
		var r RenewRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(s.Renew(r))
	case TypeCancel:
		var r CancelRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(struct{}{}, s.Cancel(r.Lease))
	case TypeBegin:
		var r BeginRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(s.Begin(req.From, r))
	case TypeCommit, TypeAbort:
		var r TxnRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(s.End(r.Txn, req.Type == TypeCommit))
	case TypeStatus:
		return now(s.Status(), nil)
	case TypeEvent:
		return now(nil, errors.New("event goes from the space to a notify's connection, not the other way"))
	}
	return now(nil, fmt.Errorf("unknown request type %q (want write, read, take, notify, renew, cancel, begin, commit, abort or status)", cut(req.Type)))
}

// Status returns how much the space holds.
func (s *Space) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Entries: s.entries.Len(), Bytes: s.bytes, Types: map[string]int{},
		Transactions: len(s.txns), Waiting: s.waiting.Len(), Registrations: len(s.regs)}
	for t, n := range s.types {
		st.Types[t] = n
	}
	return st
}

// disconnect ends the client's notify registrations. Its transactions
// stay: a transaction does not belong to a connection, and only its
// lease tells the space that its holder is gone.
func (s *Space) disconnect(cl *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range cl.regs {
		s.endLeaseLocked(r.lease, "connection closed")
	}
}
