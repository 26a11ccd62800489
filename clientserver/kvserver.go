package clientserver

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// Mode is how a server cooperates with its peers.
type Mode string

// The modes of cooperation.
const (
	Alone     Mode = ""          // a single server
	Partition Mode = "partition" // each key lives on one owner, chosen by hash
	Replicate Mode = "replicate" // each key lives on every server
)

// clientRequest is the body of get, put and del as it arrives: a Request
// from a client, or a Sealed one from a server that forwards it.
type clientRequest struct {
	Request
	Sealed
}

// syncBytes bounds one sync_ok page, well within the wire's frame limit.
const syncBytes = wire.MaxFrame / 2

// ServerConfig is the server program's command line.
type ServerConfig struct {
	Mode    Mode          // Alone, or how to cooperate with Peers
	Peers   []string      // the other servers' addresses; empty when Alone
	Timeout time.Duration // how long to wait for a peer before suspecting it; 0 means one second
	// GroupKey is the secret the servers of a group share, to tell each
	// other from clients (seal.go). A group mode needs one; "" takes it
	// from $DSDEMO_GROUP_KEY.
	GroupKey string
}

// server is the key-value server, alone or as one of a group.
type server struct {
	node      *wire.Node
	store     *store
	cfg       ServerConfig
	self      string           // this server's address, canonical
	group     []string         // every server's address, self included, sorted: the same list on each server
	peers     map[string]*peer // the other servers, by address
	forwarded *replayGuard     // the forwarded requests taken, each once (partition mode)
	reportMu  sync.Mutex       // serialises state reports, so "keys" never goes backwards

	behind    chan struct{} // buffered 1: wakes the catch-up (replicate mode)
	mu        sync.Mutex    // guards catching, restarted, and each peer's name and suspect
	catching  bool          // this replica may have missed writes; it refuses clients until it has copied its peers
	restarted bool          // this replica has started and not yet finished its first catch-up
}

// RunServer is the server program: it answers clients, and in a group its
// peers, on env.Listener until ctx is done.
func RunServer(ctx context.Context, env *program.Env, cfg ServerConfig) error {
	cfg, err := cfg.settle()
	if err != nil {
		return err
	}
	if env.Listener == nil {
		return errors.New("a server needs an address to listen on")
	}
	s, err := newServer(env.Node, env.Listener.Addr().String(), cfg)
	if err != nil {
		return err
	}
	return s.serve(ctx, env.Listener)
}

// Check reports the first thing wrong with cfg, as a usage error: a mode
// that does not exist, a group without peers or without a key, peers
// without a group, a timeout that is not positive, an address that is not
// one. It starts nothing, so a main can ask before it listens, and a
// server with bad flags never says that it is listening.
func (cfg ServerConfig) Check() error {
	_, err := cfg.settle()
	return err
}

// settle checks cfg and fills in what it leaves to a default. The peers'
// addresses are resolved once, here, so every server of a group computes
// the same owners from the same list.
func (cfg ServerConfig) settle() (ServerConfig, error) {
	switch cfg.Mode {
	case Alone, Partition, Replicate:
	default:
		return cfg, program.Usagef("--mode must be partition or replicate, not %q", string(cfg.Mode))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	if cfg.Timeout < 0 {
		return cfg, program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	}
	if cfg.GroupKey == "" {
		cfg.GroupKey = os.Getenv(GroupKeyEnv)
	}
	switch {
	case cfg.Mode == Alone && len(cfg.Peers) > 0:
		return cfg, program.Usagef("--peers needs --mode partition or --mode replicate")
	case cfg.Mode != Alone && len(cfg.Peers) == 0:
		return cfg, program.Usagef("--mode %s needs --peers", cfg.Mode)
	case cfg.Mode != Alone && cfg.GroupKey == "":
		return cfg, program.Usagef("--mode %s needs --group-key KEY (or $%s), the secret the servers of the group share", cfg.Mode, GroupKeyEnv)
	}
	peers := make([]string, 0, len(cfg.Peers))
	for _, p := range cfg.Peers {
		addr, err := canonical(p)
		if err != nil {
			return cfg, program.Usagef("--peers: %v", err)
		}
		peers = append(peers, addr)
	}
	cfg.Peers = peers
	return cfg, nil
}

// newServer returns a server for node n listening on self, with a cfg
// that settle has checked.
func newServer(n *wire.Node, self string, cfg ServerConfig) (*server, error) {
	self, err := canonical(self)
	if err != nil {
		return nil, err
	}
	s := &server{node: n, store: newStore(), cfg: cfg, self: self, group: []string{self},
		peers: map[string]*peer{}, forwarded: newReplayGuard(processStart), behind: make(chan struct{}, 1)}
	for _, addr := range cfg.Peers {
		if addr == self || s.peers[addr] != nil {
			continue
		}
		s.peers[addr] = &peer{addr: addr, name: addr, pool: wire.NewPool(n, addr), wake: make(chan struct{}, 1)}
		s.group = append(s.group, addr)
	}
	slices.Sort(s.group)
	return s, nil
}

// canonical turns "localhost:7100" into "127.0.0.1:7100".
func canonical(addr string) (string, error) {
	a, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("bad address %q: %w", addr, err)
	}
	return a.String(), nil
}

// serve answers clients and peers on ln until ctx is done.
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	defer func() {
		for _, p := range s.peers {
			p.pool.Close()
		}
	}()
	if s.cfg.Mode != Alone {
		s.node.Trace.State("mode", string(s.cfg.Mode))
		s.node.Trace.State("group", fmt.Sprint(s.group))
	}
	// A server starts empty, and says so: after a crash and a restart the
	// viewer sees the store come back with nothing in it.
	s.reportKeys()
	if s.cfg.Mode == Replicate {
		// A replica that starts may be one that crashed and came back: it
		// copies its peers before it answers a client.
		var background sync.WaitGroup
		defer background.Wait()
		s.restarted = true
		s.fallBehind()
		background.Go(func() { s.catchUp(ctx) })
		for _, p := range s.peers {
			background.Go(func() { s.watch(ctx, p) })
		}
	}
	return wire.Serve(ctx, s.node, ln, s.handle)
}

func (s *server) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case TypeGet, TypePut, TypeDel:
		return s.serveClient(ctx, req)
	case TypeReplicate, TypeSync, TypeCatchUp:
		if s.cfg.Mode != Replicate {
			return nil, fmt.Errorf("%s is a message between replicas, and this server is not one (--mode replicate)", req.Type)
		}
		return s.serveReplica(req)
	}
	return nil, fmt.Errorf("unknown request type %q (want get, put or del)", req.Type)
}

// The reasons of the error replies a client answers by itself. Neither a
// catching-up nor a stale refusal was carried out (or it will never be
// visible), so the client may send it again: to the next server when this
// one is catching up, to the same one when the write was stale. A write
// whose outcome is unknown was taken but may or may not last; the client
// reports it as ErrUnknownOutcome, not as a refusal.
const (
	reasonCatchingUp = "catching up"
	reasonStale      = "stale write"
	reasonUnknown    = "outcome unknown"
)

var errCatchingUp = errors.New(reasonCatchingUp + ": this replica may have missed writes and is copying its peers' stores; ask another server")

// staleWrite refuses a write because the key already has the version kept,
// which is not older than the write's own.
func staleWrite(kept *Replica) error {
	return fmt.Errorf("%s: key %q already has a version as new (clock %d from %s); send it again",
		reasonStale, kept.Key, kept.Version.Clock, kept.Version.Node)
}

func (s *server) serveClient(ctx context.Context, req wire.Envelope) (any, error) {
	var body clientRequest
	if err := req.UnmarshalBody(&body); err != nil {
		return nil, err
	}
	r, forwarded := body.Request, body.sealed()
	if forwarded {
		if s.cfg.Mode != Partition {
			return nil, fmt.Errorf("%s was forwarded, and this server is not one that forwards (--mode partition)", req.Type)
		}
		r = Request{}
		if err := s.open(req, request, &body.Sealed, &r); err != nil {
			return nil, err
		}
		if err := s.forwarded.admit(body.Sealed, time.Now()); err != nil {
			return nil, fmt.Errorf("%s refused: %w", req.Type, err)
		}
	}
	switch {
	case r.Key == "":
		return nil, fmt.Errorf("%s needs a key", req.Type)
	case len(r.Key) > MaxKey:
		return nil, fmt.Errorf("key of %d bytes is longer than the limit of %d", len(r.Key), MaxKey)
	case len(r.Value) > MaxValue:
		return nil, fmt.Errorf("value of %d bytes is longer than the limit of %d", len(r.Value), MaxValue)
	}
	switch s.cfg.Mode {
	case Partition:
		if owner := s.owner(r.Key); owner != s.self {
			if forwarded {
				// The servers disagree about the owner: their --peers differ.
				return nil, fmt.Errorf("key %q lives on %s, not here: this server neither stores it nor passes a forwarded request on", r.Key, owner)
			}
			return s.forward(ctx, req.Type, r, owner)
		}
	case Replicate:
		if s.catchingUp() {
			return nil, errCatchingUp
		}
	}

	res := Result{Key: r.Key, Server: s.node.Name}
	if req.Type == TypeGet {
		res.Value, res.Found = s.store.get(r.Key)
	} else {
		var err error
		if res, err = s.write(ctx, req, r); err != nil {
			return nil, err
		}
	}
	if forwarded {
		return s.sealReply(req, body.Sealed, res)
	}
	return res, nil
}

// owner returns the address of the server that owns key in partition mode.
func (s *server) owner(key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	return s.group[h.Sum32()%uint32(len(s.group))]
}

// forward passes a client's request for a key this server does not own,
// sealed, to its owner and returns the owner's answer.
func (s *server) forward(ctx context.Context, typ string, r Request, owner string) (any, error) {
	cctx, cancel := s.node.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var res Result
	_, err := s.ask(cctx, s.peers[owner], typ, r, &res)
	var remote *wire.RemoteError
	switch {
	case errors.As(err, &remote):
		return nil, remote
	case errors.Is(err, errBadReply):
		return nil, fmt.Errorf("key %q lives on %s, whose answer cannot be trusted: %w", r.Key, owner, err)
	case err != nil:
		return nil, fmt.Errorf("key %q lives on %s, which did not answer: %w", r.Key, owner, err)
	}
	return res, nil
}

// write carries out a put or del and, in replicate mode, passes it on.
func (s *server) write(ctx context.Context, req wire.Envelope, r Request) (Result, error) {
	w := Replica{Key: r.Key, Value: r.Value, Deleted: req.Type == TypeDel, Version: Version{Node: s.node.Name}}
	if s.cfg.Mode == Replicate {
		if err := s.tooFew(); err != nil {
			return Result{}, err
		}
		// The Lamport time at which the client sent the request, not the
		// time it is carried out here: a request held up on its way (this
		// server was frozen, the client gave up and went elsewhere) stays
		// as old as it is, and loses to whatever its client wrote later.
		w.Version.Clock = req.Clock
		if w.Version.Clock == 0 {
			// The clock is optional on the wire, and a student typing
			// into nc leaves it out. Version 0 would lose to every
			// earlier write of the key, for ever ("stale write"); the
			// server's own time is later than every write it has seen.
			// Such a request, if it is held up, cannot lose to a later
			// one: only a client that sends its clock gets that.
			w.Version.Clock = s.node.Clock.Tick()
		}
	} else {
		// One server orders all writes of a key: its own clock will do.
		w.Version.Clock = s.node.Clock.Tick()
	}
	existed, kept := s.apply(w)
	if kept != nil {
		return Result{}, staleWrite(kept)
	}
	if s.cfg.Mode == Replicate {
		if err := s.replicate(ctx, w); err != nil {
			return Result{}, err
		}
	}
	res := Result{Key: r.Key, Server: s.node.Name, Found: existed}
	if req.Type == TypePut {
		res.Value, res.Found = r.Value, true
	}
	return res, nil
}

// apply writes to the local store; see store.apply.
func (s *server) apply(w Replica) (existed bool, kept *Replica) {
	existed, kept = s.store.apply(w)
	if kept == nil && existed == w.Deleted { // the number of keys changed
		s.reportKeys()
	}
	return existed, kept
}

// reportKeys tells the trace how many keys the store holds.
func (s *server) reportKeys() {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	s.node.Trace.State("keys", strconv.Itoa(s.store.len()))
}
