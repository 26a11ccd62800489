package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// The directory's bounds: whatever its clients send, it holds at most
// this much.
const (
	MaxNameLen       = 64  // bytes of a name, an interface or an attribute's key
	MaxValueLen      = 256 // bytes of an attribute's value or an address
	MaxAttributes    = 16  // attributes of one registration or template
	MinLease         = 20 * time.Millisecond
	eventQueue       = 256 // events waiting for one slow subscriber; more are dropped
	defaultMaxRegs   = 1000
	defaultMaxSubs   = 64
	defaultLease     = 10 * time.Second
	defaultMaxLease  = time.Minute
	registrationsKey = "registrations" // the state key of the registration gauge
)

// DirectoryConfig is the directory program's command line.
type DirectoryConfig struct {
	DefaultLease     time.Duration // granted when a request asks for none
	MaxLease         time.Duration // the longest lease granted; longer requests get this
	MaxRegistrations int
	MaxSubscribers   int
}

// DefaultDirectoryConfig is the directory's configuration without flags.
func DefaultDirectoryConfig() DirectoryConfig {
	return DirectoryConfig{DefaultLease: defaultLease, MaxLease: defaultMaxLease,
		MaxRegistrations: defaultMaxRegs, MaxSubscribers: defaultMaxSubs}
}

// Check says what is wrong with the configuration, naming the flag.
func (cfg DirectoryConfig) Check() error {
	switch {
	case cfg.MaxLease < MinLease:
		return program.Usagef("--max-lease must be at least %s, not %s", MinLease, cfg.MaxLease)
	case cfg.DefaultLease < MinLease || cfg.DefaultLease > cfg.MaxLease:
		return program.Usagef("--lease must be between %s and --max-lease %s, not %s", MinLease, cfg.MaxLease, cfg.DefaultLease)
	case cfg.MaxRegistrations < 1:
		return program.Usagef("--max-registrations must be at least 1, not %d", cfg.MaxRegistrations)
	case cfg.MaxSubscribers < 0:
		return program.Usagef("--max-subscribers must be at least 0, not %d", cfg.MaxSubscribers)
	}
	return nil
}

// RunDirectory is the directory program: it serves until ctx is done.
func RunDirectory(ctx context.Context, env *program.Env, cfg DirectoryConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if len(env.Args) > 0 {
		return program.Usagef("the directory takes no arguments, only flags")
	}
	d := NewDirectory(env.Node, cfg)
	defer d.Close()
	return d.Serve(ctx, env.Listener)
}

// Directory is the naming and directory service: servers register what
// they offer under a lease, clients look it up by name or by interface and
// attributes, and subscribers hear of every change. It is safe for
// concurrent use.
type Directory struct {
	node *wire.Node
	cfg  DirectoryConfig

	mu        sync.Mutex                  // guards everything below
	byName    map[string]*entry           // the registrations
	leases    map[string]*lease           // every lease by id, registrations' and subscriptions'
	expiry    *wire.DeadlineQueue[*lease] // the same leases by deadline
	subs      map[string]*subscription    // by id
	lastLease uint64                      // for lease ids
	lastSub   uint64                      // for subscription ids

	clock   *wire.ProtocolClock // what the leases count: protocol time
	stop    context.CancelFunc
	running sync.WaitGroup // the lease clock and the subscribers' writers
}

// entry is one registration inside the directory.
type entry struct {
	req   RegisterRequest
	lease *lease
}

func (e *entry) view(now time.Duration) Registration {
	return Registration{Name: e.req.Name, Interface: e.req.Interface, Address: e.req.Address,
		Attributes: e.req.Attributes, Lease: e.lease.id, LeftMS: e.lease.left(now).Milliseconds()}
}

// NewDirectory returns a directory for node n and starts its lease clock;
// Close stops it.
func NewDirectory(n *wire.Node, cfg DirectoryConfig) *Directory {
	ctx, stop := context.WithCancel(context.Background())
	d := &Directory{node: n, cfg: cfg, byName: map[string]*entry{}, leases: map[string]*lease{},
		subs: map[string]*subscription{}, clock: wire.NewProtocolClock(n.Faults), expiry: wire.NewDeadlineQueue[*lease](), stop: stop}
	// The lease clock ends every lease that has run out. Deadlines are in
	// protocol time: in step mode no lease runs out, and when the pace
	// changes the live view's bars are reported again at the new speed.
	d.running.Go(func() {
		d.expiry.Sweep(ctx, d.clock, &d.mu, func(l *lease) { d.endLocked(l, Expired) }, d.reportAllLeasesLocked)
	})
	return d
}

// Close stops the lease clock and every subscription's writer.
func (d *Directory) Close() {
	d.stop()
	d.mu.Lock()
	for _, s := range d.subs {
		d.dropSubLocked(s)
	}
	d.mu.Unlock()
	d.running.Wait()
}

// Serve accepts clients on ln until ctx is done. It does not use
// wire.Serve, whose handlers only answer: the directory also speaks first,
// when it sends a subscriber an event, so it keeps each connection
// (wire.ServeConns, with no idle timeout: a subscriber may wait silently
// for hours).
func (d *Directory) Serve(ctx context.Context, ln net.Listener) error {
	d.node.Trace.Gauge(registrationsKey, 0, int64(d.cfg.MaxRegistrations), "")
	return wire.ServeConns(ctx, d.node, ln, d.serveConn)
}

// serveConn answers one client's requests in order until its connection
// ends, then ends the subscriptions it made.
func (d *Directory) serveConn(ctx context.Context, c *wire.Conn) {
	var mine []*subscription
	defer func() {
		c.Close()
		d.mu.Lock()
		for _, s := range mine {
			d.dropSubLocked(s)
		}
		d.mu.Unlock()
	}()
	for {
		req, err := c.Recv(ctx)
		if err != nil {
			return
		}
		if req.Type == wire.TypeError {
			continue // the client did not understand a reply; never argue
		}
		body, err := d.handle(req)
		if req.Type == TypeSubscribe && err == nil {
			var s *subscription
			body, s, err = d.subscribe(ctx, c, req)
			if s != nil {
				mine = append(mine, s)
			}
		}
		if err != nil {
			err = c.Reply(ctx, req, wire.TypeError, wire.ErrorBody{Reason: err.Error()})
		} else {
			err = c.Reply(ctx, req, req.Type+"_ok", body)
		}
		if err != nil {
			return
		}
	}
}

// handle answers every request but subscribe (serveConn's job, since it
// needs the connection).
func (d *Directory) handle(req wire.Envelope) (any, error) {
	decode := func(v any) error {
		if err := json.Unmarshal(orEmpty(req.Body), v); err != nil {
			return fmt.Errorf("%s: the body is not a %T: %v", req.Type, v, err)
		}
		return nil
	}
	switch req.Type {
	case TypeRegister:
		var r RegisterRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return d.Register(r)
	case TypeRenew, TypeCancel:
		var r LeaseRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		if req.Type == TypeCancel {
			return struct{}{}, d.Cancel(r)
		}
		return d.Renew(r)
	case TypeLookup:
		var r LookupRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return d.Lookup(r)
	case TypeList:
		return d.Lookup(LookupRequest{})
	case TypeSubscribe:
		return nil, nil
	}
	return nil, fmt.Errorf("unknown message type %q: the directory takes register, renew, cancel, lookup, list and subscribe", req.Type)
}

func orEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("{}")
	}
	return b
}

// Register adds a registration, or replaces the one of the same name (a
// server that moved registers again from its new address), and grants it
// a lease.
func (d *Directory) Register(r RegisterRequest) (Grant, error) {
	if err := checkRegistration(r); err != nil {
		return Grant{}, err
	}
	dur, err := d.grantable(r.LeaseMS)
	if err != nil {
		return Grant{}, err
	}
	r.Attributes = copyAttrs(r.Attributes)
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.byName[r.Name]
	if old == nil && len(d.byName) >= d.cfg.MaxRegistrations {
		return Grant{}, fmt.Errorf("directory full: already %d registrations; wait for one to expire or be cancelled", len(d.byName))
	}
	g := Grant{}
	if old != nil {
		d.dropLeaseLocked(old.lease)
		g.Replaced = old.lease.id
	}
	e := &entry{req: r}
	e.lease = d.newLeaseLocked(dur)
	e.lease.reg = e
	d.byName[r.Name] = e
	g.Lease, g.Key, g.DurationMS = e.lease.id, e.lease.key, dur.Milliseconds()
	d.reportLeaseLocked(e.lease)
	d.reportCountLocked()
	d.notifyLocked(Registered, e)
	return g, nil
}

// Renew extends a lease by its duration (or by the one asked for) from now.
func (d *Directory) Renew(r LeaseRequest) (Grant, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	l, err := d.ownedLocked(r)
	if err != nil {
		return Grant{}, err
	}
	if r.LeaseMS != 0 {
		dur, err := d.grantable(r.LeaseMS)
		if err != nil {
			return Grant{}, err
		}
		l.duration = dur
	}
	l.deadline = d.clock.Now() + l.duration
	d.expiry.Fix(l)
	d.reportLeaseLocked(l)
	if l.reg != nil {
		d.notifyLocked(Renewed, l.reg)
	}
	return Grant{Lease: l.id, Key: l.key, DurationMS: l.duration.Milliseconds()}, nil
}

// Cancel ends a lease before its time: the registration or subscription
// it kept goes away at once.
func (d *Directory) Cancel(r LeaseRequest) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	l, err := d.ownedLocked(r)
	if err != nil {
		return err
	}
	d.endLocked(l, Cancelled)
	return nil
}

// ownedLocked finds the lease r names and checks that r holds its key.
func (d *Directory) ownedLocked(r LeaseRequest) (*lease, error) {
	l := d.leases[r.Lease]
	if l == nil || l.deadline <= d.clock.Now() {
		return nil, fmt.Errorf("no lease %q: it never existed, or it ran out or was cancelled", clip(r.Lease))
	}
	if !l.holds(r.Key) {
		return nil, fmt.Errorf("lease %s is not yours: the key does not match", l.id)
	}
	return l, nil
}

// Lookup returns the registrations that match r, sorted by name: the one
// of that name, or those of the interface whose attributes include the
// template's. Leases that ran out are not found, even in the moment
// before the lease clock removes them.
func (d *Directory) Lookup(r LookupRequest) (LookupResult, error) {
	if err := checkTemplate(r); err != nil {
		return LookupResult{}, err
	}
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	res := LookupResult{Matches: []Registration{}}
	budget := maxProxyReply
	if r.Name != "" {
		if e := d.byName[r.Name]; e != nil && e.lease.deadline > now && matches(r, e.req) {
			res.Matches = append(res.Matches, e.withProxy(now, &budget))
		}
		return res, nil
	}
	for _, e := range d.byName {
		if e.lease.deadline > now && matches(r, e.req) {
			res.Matches = append(res.Matches, e.withProxy(now, &budget))
		}
	}
	sort.Slice(res.Matches, func(i, j int) bool { return res.Matches[i].Name < res.Matches[j].Name })
	return res, nil
}

// matches reports whether a registration fits a template: every field the
// template sets must be equal; what it leaves out matches anything.
func matches(t LookupRequest, r RegisterRequest) bool {
	if t.Name != "" && t.Name != r.Name || t.Interface != "" && t.Interface != r.Interface {
		return false
	}
	for k, v := range t.Attributes {
		if got, ok := r.Attributes[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Count returns how many registrations and leases the directory holds.
func (d *Directory) Count() (registrations, leases int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.byName), len(d.leases)
}

// grantable is the lease to grant for a request of ms milliseconds.
func (d *Directory) grantable(ms int64) (time.Duration, error) {
	switch {
	case ms == 0:
		return d.cfg.DefaultLease, nil
	case ms < 0 || time.Duration(ms)*time.Millisecond < MinLease:
		return 0, fmt.Errorf("lease_ms %d: a lease must be at least %d ms", ms, MinLease.Milliseconds())
	case ms > d.cfg.MaxLease.Milliseconds():
		return d.cfg.MaxLease, nil // the directory grants less than asked, as Jini's may
	}
	return time.Duration(ms) * time.Millisecond, nil
}

func (d *Directory) newLeaseLocked(dur time.Duration) *lease {
	d.lastLease++
	l := &lease{id: "L" + strconv.FormatUint(d.lastLease, 10), key: newKey(), duration: dur,
		deadline: d.clock.Now() + dur}
	d.leases[l.id] = l
	d.expiry.Push(l)
	return l
}

// dropLeaseLocked forgets a lease without telling anyone.
func (d *Directory) dropLeaseLocked(l *lease) {
	delete(d.leases, l.id)
	d.expiry.Remove(l)
}

// endLocked ends a lease that ran out or was cancelled, and what it kept.
func (d *Directory) endLocked(l *lease, how string) {
	d.dropLeaseLocked(l)
	if e := l.reg; e != nil {
		delete(d.byName, e.req.Name)
		d.node.Trace.EndTimer(leaseKey(l), how)
		d.reportCountLocked()
		d.notifyLocked(how, e)
	}
	if s := l.sub; s != nil {
		d.node.Trace.EndTimer(leaseKey(l), how)
		d.dropSubLocked(s)
	}
}

// reportAllLeasesLocked reports every lease's timer again, at the pace
// in force.
func (d *Directory) reportAllLeasesLocked() {
	for l := range d.expiry.All() {
		d.reportLeaseLocked(l)
	}
}

// leaseKey is the state key under which a lease's timer is reported.
func leaseKey(l *lease) string {
	if l.reg != nil {
		return "lease " + l.reg.req.Name
	}
	return "lease " + l.sub.id
}

func (d *Directory) reportLeaseLocked(l *lease) {
	if d.node.Trace == nil {
		return
	}
	label := l.id
	if l.reg != nil {
		label = l.id + " " + l.reg.req.Name + " at " + l.reg.req.Address
	}
	d.node.Trace.Timer(leaseKey(l), d.clock.Timer(label, l.duration, l.deadline))
}

func (d *Directory) reportCountLocked() {
	d.node.Trace.Gauge(registrationsKey, int64(len(d.byName)), int64(d.cfg.MaxRegistrations), "")
}

// checkRegistration refuses a registration that breaks a bound or names
// no address a client could call.
func checkRegistration(r RegisterRequest) error {
	if err := checkName("name", r.Name, true); err != nil {
		return err
	}
	if err := checkName("interface", r.Interface, true); err != nil {
		return err
	}
	if len(r.Address) > MaxValueLen {
		return fmt.Errorf("address: %d bytes, at most %d", len(r.Address), MaxValueLen)
	}
	if _, port, err := net.SplitHostPort(r.Address); err != nil || port == "" {
		return fmt.Errorf("address %q: want HOST:PORT", clip(r.Address))
	}
	if err := checkProxy(r.Proxy); err != nil {
		return err
	}
	return checkAttrs(r.Attributes)
}

func checkTemplate(r LookupRequest) error {
	if err := checkName("name", r.Name, false); err != nil {
		return err
	}
	if err := checkName("interface", r.Interface, false); err != nil {
		return err
	}
	return checkAttrs(r.Attributes)
}

func checkAttrs(attrs map[string]string) error {
	if len(attrs) > MaxAttributes {
		return fmt.Errorf("%d attributes, at most %d", len(attrs), MaxAttributes)
	}
	for k, v := range attrs {
		if err := checkName("attribute", k, true); err != nil {
			return err
		}
		if len(v) > MaxValueLen {
			return fmt.Errorf("attribute %s: a value of %d bytes, at most %d", k, len(v), MaxValueLen)
		}
	}
	return nil
}

// checkName refuses an empty (when required), long or unprintable name.
func checkName(what, s string, required bool) error {
	switch {
	case s == "" && required:
		return fmt.Errorf("%s missing", what)
	case len(s) > MaxNameLen:
		return fmt.Errorf("%s: %d bytes, at most %d", what, len(s), MaxNameLen)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%s %q: only printable characters", what, clip(s))
		}
	}
	return nil
}

func copyAttrs(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
