package rpc

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"dsdemo/models/wire"
)

// JoinManager keeps one service joined with every lookup service it knows
// of, as Jini's join protocol asks: find each lookup service (discovery),
// register there with attributes, a proxy and a lease (join), renew every
// lease at a third of its duration, and join again wherever a renewal is
// refused: the lookup service was restarted and forgot the lease, or the
// service itself was frozen past its lease and comes back.
//
// Discovery here is unicast: the service is told the lookup services'
// addresses (their locators) and tries each until it answers; one that
// does not answer is tried again, so a lookup service that is started
// later, or comes back, is found and joined without anybody's help. Each
// lookup service is handled on its own: two of them hold the same
// registration under leases of their own, so either can fail.
type JoinManager struct {
	node    *wire.Node
	reg     RegisterRequest
	timeout time.Duration

	mu      sync.Mutex       // guards joined and known
	joined  map[string]Grant // the current lease at each lookup service, by its address
	known   map[string]bool  // the lookup services it keeps joining, found or told of
	running sync.WaitGroup   // one stayJoined for each known lookup service
}

// NewJoinManager returns a join manager for reg that waits timeout for
// each answer of a lookup service.
func NewJoinManager(n *wire.Node, reg RegisterRequest, timeout time.Duration) *JoinManager {
	return &JoinManager{node: n, reg: reg, timeout: timeout, joined: map[string]Grant{}, known: map[string]bool{}}
}

// Run joins the lookup services at the given addresses, and those Add
// names later, and keeps the service joined until ctx is done; then it
// cancels every lease it holds, so the service leaves at once rather
// than when its leases run out.
func (j *JoinManager) Run(ctx context.Context, lookups []string) {
	for _, addr := range lookups {
		j.Add(ctx, addr)
	}
	<-ctx.Done()
	j.running.Wait()
}

// Add starts joining the lookup service at addr, one that discovery
// found, and reports whether it is new. ctx is Run's.
func (j *JoinManager) Add(ctx context.Context, addr string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.known[addr] || ctx.Err() != nil {
		return false
	}
	j.known[addr] = true
	j.running.Go(func() { j.stayJoined(ctx, addr) })
	return true
}

// Joined returns the addresses of the lookup services the service is
// joined with now, sorted.
func (j *JoinManager) Joined() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []string
	for addr := range j.joined {
		out = append(out, addr)
	}
	sort.Strings(out)
	return out
}

// stayJoined is the join protocol with the lookup service at addr, until
// ctx is done.
func (j *JoinManager) stayJoined(ctx context.Context, addr string) {
	dir := NewDirectoryClient(j.node, addr, j.timeout)
	defer dir.Close()
	key := "lease at " + addr // the state key of this lease's timer
	var g Grant
	defer func() { j.leave(dir, key, g) }()
	for {
		var err error
		if g.Lease == "" {
			if g, err = dir.Register(ctx, j.reg); err == nil {
				j.note(addr, g)
				j.node.Trace.Logf("joined the lookup service at %s as %s (%s): lease %s for %d ms",
					addr, j.reg.Name, j.reg.Interface, g.Lease, g.DurationMS)
			}
		} else {
			var renewed Grant
			renewed, err = dir.Renew(ctx, g)
			var remote *wire.RemoteError
			if errors.As(err, &remote) {
				j.node.Trace.Logf("the lookup service at %s refused to renew lease %s (%s): joining again",
					addr, g.Lease, remote.Reason)
				j.forget(addr)
				g = Grant{}
				continue
			}
			if err == nil {
				g = renewed
			}
		}
		wait := j.reg.leaseOr(g) / 3
		if err != nil {
			j.node.Trace.State("lookup "+addr, fmt.Sprintf("not joined (%v): trying again in %s", err, wait))
		} else {
			j.node.Trace.StartTimer(key, g.Lease+" "+j.reg.Name, time.Duration(g.DurationMS)*time.Millisecond)
		}
		if !j.sleep(ctx, wait) {
			return
		}
	}
}

// sleep waits d, or until ctx is done (false). It waits on the wall
// clock, not in protocol time: a renewal that comes early is harmless
// whichever clock the lookup service's leases run on, one that comes late
// in slow motion would lose the lease.
func (j *JoinManager) sleep(ctx context.Context, d time.Duration) bool {
	return wallSleep(ctx, d)
}

// wallSleep waits d on the wall clock, or until ctx is done (false).
func wallSleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (j *JoinManager) note(addr string, g Grant) {
	j.mu.Lock()
	j.joined[addr] = g
	j.mu.Unlock()
	j.node.Trace.State("lookup "+addr, "joined, lease "+g.Lease)
}

func (j *JoinManager) forget(addr string) {
	j.mu.Lock()
	delete(j.joined, addr)
	j.mu.Unlock()
	j.node.Trace.State("lookup "+addr, "lease lost: joining again")
}

// leave cancels the lease g at dir, if there is one, as the service shuts
// down.
func (j *JoinManager) leave(dir *DirectoryClient, key string, g Grant) {
	if g.Lease == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if dir.Cancel(ctx, g) == nil {
		j.node.Trace.EndTimer(key, "cancelled: the service left")
	}
}
