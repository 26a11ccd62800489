package clientserver

import (
	"context"
	"fmt"
	"hash/fnv"
	"net"
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

// Request is the body of get, put and del. Forwarded marks a request one
// server passes to the owner of the key; the owner answers it itself.
type Request struct {
	Key       string `json:"key"`
	Value     string `json:"value,omitempty"`
	Forwarded bool   `json:"forwarded,omitempty"`
}

// Result is the body of get_ok, put_ok and del_ok. Server names the server
// that holds the key, which in partition mode is not always the one asked.
type Result struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Found  bool   `json:"found"`
	Server string `json:"server"`
}

// Replica is the body of replicate: one write, passed from the server that
// took it to every other replica.
type Replica struct {
	Key     string  `json:"key"`
	Value   string  `json:"value,omitempty"`
	Deleted bool    `json:"deleted,omitempty"`
	Version Version `json:"version"`
}

// SyncRequest is the body of sync: a replica that starts asks a peer for
// the store's entries after the key After, one page at a time.
type SyncRequest struct {
	After string `json:"after"`
}

// SyncPage is the body of sync_ok: one page of entries, tombstones included.
type SyncPage struct {
	Entries []Replica `json:"entries"`
	More    bool      `json:"more"`
}

// syncPage is how many entries one sync_ok carries, well within the wire's
// frame limit for keys and values of a few hundred bytes.
const syncPage = 1000

// Config sets up a server.
type Config struct {
	Mode    Mode
	Self    string        // this server's own address, as its peers know it
	Peers   []string      // the other servers' addresses; empty when Alone
	Timeout time.Duration // how long to wait for a peer; 0 means one second
}

// Server is the key-value server, alone or as one of a group.
type Server struct {
	node     *wire.Node
	store    *Store
	cfg      Config
	group    []string              // every server's address, self included, sorted: the same list on each server
	peers    map[string]*wire.Pool // peer address to the connections to it
	reportMu sync.Mutex            // serialises state reports, so "keys" never goes backwards
}

// ParseMode checks a --mode flag.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Alone, Partition, Replicate:
		return m, nil
	}
	return "", program.Usagef("--mode must be partition or replicate, not %q", s)
}

// NewServer returns a server for node n. Addresses are resolved once, so
// every server of a group computes the same owners from the same list.
func NewServer(n *wire.Node, cfg Config) (*Server, error) {
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	if cfg.Mode == Alone && len(cfg.Peers) > 0 {
		return nil, program.Usagef("--peers needs --mode partition or --mode replicate")
	}
	if cfg.Mode != Alone && len(cfg.Peers) == 0 {
		return nil, program.Usagef("--mode %s needs --peers", cfg.Mode)
	}
	self, err := canonical(cfg.Self)
	if err != nil {
		return nil, err
	}
	s := &Server{node: n, store: NewStore(), cfg: cfg, group: []string{self}, peers: map[string]*wire.Pool{}}
	for _, p := range cfg.Peers {
		addr, err := canonical(p)
		if err != nil {
			return nil, program.Usagef("--peers: %v", err)
		}
		if addr == self || s.peers[addr] != nil {
			continue
		}
		s.peers[addr] = wire.NewPool(n, addr)
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

// Serve answers clients and peers on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer func() {
		for _, p := range s.peers {
			p.Close()
		}
	}()
	if s.cfg.Mode != Alone {
		s.node.Trace.State("mode", string(s.cfg.Mode))
		s.node.Trace.State("group", fmt.Sprint(s.group))
	}
	if s.cfg.Mode == Replicate {
		go s.catchUp(ctx)
	}
	return wire.Serve(ctx, s.node, ln, s.handle)
}

// catchUp brings a replica that (re)starts up to date: it copies the store
// of the first peer that answers, page by page. Writes that arrive in the
// meantime are applied as usual; each key keeps its newest version, so the
// order does not matter. Without it, a replica that was down would answer
// "not found" for every key written before or while it was away.
func (s *Server) catchUp(ctx context.Context) {
	for _, addr := range s.group {
		pool := s.peers[addr]
		if pool == nil {
			continue // this server itself
		}
		n, err := s.copyFrom(ctx, pool)
		if err == nil {
			s.node.Trace.Logf("caught up from %s: %d entries", addr, n)
			return
		}
		s.node.Trace.Logf("cannot catch up from %s: %v", addr, err)
	}
}

// copyFrom copies every entry of the peer behind pool and returns how many.
func (s *Server) copyFrom(ctx context.Context, pool *wire.Pool) (int, error) {
	var after string
	n := 0
	for {
		cctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		reply, err := pool.Call(cctx, "", "sync", SyncRequest{After: after})
		cancel()
		if err != nil {
			return n, err
		}
		var page SyncPage
		if err := reply.UnmarshalBody(&page); err != nil {
			return n, err
		}
		for _, e := range page.Entries {
			s.apply(e)
			after = e.Key
		}
		n += len(page.Entries)
		if !page.More || len(page.Entries) == 0 {
			return n, nil
		}
	}
}

func (s *Server) handle(ctx context.Context, req wire.Envelope) (any, error) {
	if req.Type == "sync" {
		var r SyncRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		page, more := s.store.Since(r.After, syncPage)
		return SyncPage{Entries: page, More: more}, nil
	}
	if req.Type == "replicate" {
		var r Replica
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		s.apply(r)
		return struct{}{}, nil
	}
	var r Request
	if err := req.UnmarshalBody(&r); err != nil {
		return nil, err
	}
	if r.Key == "" {
		return nil, fmt.Errorf("%s needs a key", req.Type)
	}
	switch req.Type {
	case "get", "put", "del":
	default:
		return nil, fmt.Errorf("unknown request type %q (want get, put or del)", req.Type)
	}
	if owner := s.owner(r.Key); owner != "" && !r.Forwarded {
		r.Forwarded = true
		reply, err := s.peers[owner].Call(ctx, "", req.Type, r)
		if err != nil {
			return nil, fmt.Errorf("key %q lives on %s, which did not answer: %w", r.Key, owner, err)
		}
		var res Result
		err = reply.UnmarshalBody(&res)
		return res, err
	}

	res := Result{Key: r.Key, Server: s.node.Name}
	if req.Type == "get" {
		res.Value, res.Found = s.store.Get(r.Key)
		return res, nil
	}
	write := Replica{Key: r.Key, Value: r.Value, Deleted: req.Type == "del",
		Version: Version{Clock: s.node.Clock.Tick(), Node: s.node.Name}}
	res.Found = s.apply(write)
	if req.Type == "put" {
		res.Value, res.Found = r.Value, true
	}
	if s.cfg.Mode == Replicate {
		s.replicate(ctx, write)
	}
	return res, nil
}

// owner returns the address of the peer that owns key in partition mode, or
// "" when this server answers itself.
func (s *Server) owner(key string) string {
	if s.cfg.Mode != Partition {
		return ""
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	owner := s.group[h.Sum32()%uint32(len(s.group))]
	if s.peers[owner] == nil {
		return ""
	}
	return owner
}

// apply writes to the local store and reports whether the key existed.
func (s *Server) apply(w Replica) bool {
	existed, applied := s.store.Apply(w.Key, w.Value, w.Deleted, w.Version)
	if applied && existed == w.Deleted { // the number of keys changed
		s.reportMu.Lock()
		s.node.Trace.State("keys", strconv.Itoa(s.store.Len()))
		s.reportMu.Unlock()
	}
	return existed
}

// replicate sends a write to every peer at once and waits for all of them.
// A peer that does not answer within the timeout is reported and skipped:
// the write is on every replica that is up, which is what a client's ok means.
func (s *Server) replicate(ctx context.Context, w Replica) {
	var wg sync.WaitGroup
	for addr, pool := range s.peers {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
			defer cancel()
			if _, err := pool.Call(cctx, "", "replicate", w); err != nil {
				s.node.Trace.Logf("replica %s missed the write of %q: %v", addr, w.Key, err)
			}
		})
	}
	wg.Wait()
}
