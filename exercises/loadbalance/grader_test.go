//go:build grade

package loadbalance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// caseTimeout bounds every Do the grader makes, so a balancer that hangs
// fails its case instead of stopping the grader.
const caseTimeout = 5 * time.Second

// retry is the RetryAfter the grader configures. It passes on a clock the
// grader moves by hand, so no case waits for it.
const retry = 10 * time.Second

// fakeClock is a clock that only moves when the grader says so.
type fakeClock struct {
	mu  sync.Mutex // guards now
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// group is a set of running servers with a balancer in front.
type group struct {
	servers []*Backend
	addrs   []string
	clock   *fakeClock
	lb      *Balancer
}

func newGroup(t *testing.T, n int, opts Options) *group {
	t.Helper()
	g := &group{clock: &fakeClock{now: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)}}
	for i := range n {
		b, err := StartBackend(fmt.Sprintf("server-%d", i))
		if err != nil {
			t.Fatalf("grader setup: %v", err)
		}
		t.Cleanup(func() { b.Thaw(); b.Stop() })
		g.servers = append(g.servers, b)
		g.addrs = append(g.addrs, b.Addr())
	}
	if opts.RetryAfter == 0 {
		opts.RetryAfter = retry
	}
	opts.Now = g.clock.Now
	g.lb = New(g.addrs, opts)
	return g
}

// name returns the server name for an address, for readable messages.
func (g *group) name(addr string) string {
	for _, b := range g.servers {
		if b.Addr() == addr {
			return b.Name
		}
	}
	if addr == "" {
		return `""`
	}
	return addr
}

func (g *group) names(addrs []string) []string {
	out := []string{}
	for _, a := range addrs {
		out = append(out, g.name(a))
	}
	return out
}

type result struct {
	reply, server string
	err           error
}

// do calls Do with a bounded context and fails the case if Do does not
// return in time.
func (g *group) do(t *testing.T, ctx context.Context, req string) result {
	t.Helper()
	return bounded(t, ctx, g.lb, req)
}

// bounded calls lb.Do with a context that ends after caseTimeout, and fails
// the case if Do has not returned a second after that.
func bounded(t *testing.T, ctx context.Context, lb *Balancer, req string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, caseTimeout)
	defer cancel()
	ch := make(chan result, 1)
	go func() {
		var r result
		r.reply, r.server, r.err = lb.Do(ctx, req)
		ch <- r
	}()
	select {
	case r := <-ch:
		return r
	case <-time.After(caseTimeout + time.Second):
		t.Fatalf("Do(%q) did not return within %v although its context ended; a balancer must never hang (watch ctx, bound each try with TryTimeout)", req, caseTimeout)
		return result{}
	}
}

// mustDo is do for a request that has to succeed.
func (g *group) mustDo(t *testing.T, req string) result {
	t.Helper()
	r := g.do(t, context.Background(), req)
	if r.err != nil {
		t.Fatalf("Do(%q) failed: %v; want a reply (the balancer's Alive(): %v)", req, r.err, g.names(g.lb.Alive()))
	}
	for _, b := range g.servers {
		if b.Addr() == r.server {
			if want := b.Name + ": " + req; r.reply != want {
				t.Fatalf("Do(%q) = reply %q from %s; want %q, the reply of the server that answered (use Ask)", req, r.reply, b.Name, want)
			}
			return r
		}
	}
	t.Fatalf("Do(%q) = reply %q from server %q; want one of the addresses given to New: %v", req, r.reply, r.server, g.addrs)
	return r
}

func (g *group) served() []int {
	var out []int
	for _, b := range g.servers {
		out = append(out, b.Served())
	}
	return out
}

// run makes n requests one after the other, all of which must succeed.
func (g *group) run(t *testing.T, n int, what string) {
	t.Helper()
	for i := range n {
		g.mustDo(t, fmt.Sprintf("%s-%d", what, i))
	}
}

func TestRoundRobin(t *testing.T) {
	t.Run("round-robin/in-turn", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		for i := range 9 {
			r := g.mustDo(t, fmt.Sprintf("req-%d", i))
			if want := g.addrs[i%3]; r.server != want {
				t.Fatalf("request %d went to %s, want %s (round robin: server-0, server-1, server-2, server-0, ...)", i, g.name(r.server), g.name(want))
			}
		}
	})
	t.Run("round-robin/even-spread", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		g.run(t, 30, "req")
		if got := g.served(); !slices.Equal(got, []int{10, 10, 10}) {
			t.Errorf("30 requests over 3 live servers: they answered %v, want [10 10 10]", got)
		}
	})
	t.Run("round-robin/concurrent-clients", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		var wg sync.WaitGroup
		errs := make(chan error, 60)
		for c := range 6 {
			wg.Go(func() {
				for i := range 10 {
					ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
					_, _, err := g.lb.Do(ctx, fmt.Sprintf("client-%d-%d", c, i))
					cancel()
					if err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("6 clients, 10 requests each, all servers alive: a request failed: %v", err)
		}
		for i, n := range g.served() {
			if n < 15 || n > 25 {
				t.Errorf("6 clients at once, 60 requests: server-%d answered %d, want about 20 (all %v); pass the turn on under the lock", i, n, g.served())
			}
		}
	})
}

func TestFailover(t *testing.T) {
	t.Run("failover/one-dead-no-failed-requests", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		g.servers[1].Stop()
		g.run(t, 20, "req") // every one must succeed
		if got := g.served(); got[1] != 0 || got[0] < 9 || got[0] > 11 || got[2] < 9 || got[2] > 11 {
			t.Errorf("server-1 dead, 20 requests: the servers answered %v, want about [10 0 10] (the dead one is skipped, the others take turns)", got)
		}
		if got, want := g.names(g.lb.Alive()), []string{"server-0", "server-2"}; !slices.Equal(got, want) {
			t.Errorf("server-1 dead, after 20 requests: Alive() = %v, want %v (mark a server dead on a connection error)", got, want)
		}
	})
	t.Run("failover/dead-server-rests", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		g.servers[1].Stop()
		g.run(t, 3, "find-out")
		if err := g.servers[1].Restart(); err != nil {
			t.Fatalf("grader setup: %v", err)
		}
		g.run(t, 12, "req") // the clock has not moved: server-1 is still resting
		if n := g.servers[1].Served(); n != 0 {
			t.Errorf("server-1 died and came back, but RetryAfter has not passed: it answered %d requests, want 0 (a dead server rests until RetryAfter has passed on Options.Now)", n)
		}
	})
	t.Run("failover/taken-back-after-RetryAfter", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		g.servers[1].Stop()
		g.run(t, 3, "find-out")
		if err := g.servers[1].Restart(); err != nil {
			t.Fatalf("grader setup: %v", err)
		}
		g.clock.Advance(retry)
		before := g.served()
		g.run(t, 30, "req")
		after := g.served()
		if n := after[1] - before[1]; n < 9 || n > 11 {
			t.Errorf("server-1 came back and RetryAfter (%v) passed: of 30 requests it answered %d, want about 10 (try a resting server again at its turn once RetryAfter has passed)", retry, n)
		}
		if got := g.names(g.lb.Alive()); len(got) != 3 {
			t.Errorf("server-1 answered again: Alive() = %v, want all three (a server that answers is alive again)", got)
		}
	})
	t.Run("failover/still-dead-after-RetryAfter", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		g.servers[1].Stop()
		g.run(t, 3, "find-out")
		g.clock.Advance(retry)
		g.run(t, 20, "req") // server-1 is retried, fails again, and no request may fail
		if got, want := g.names(g.lb.Alive()), []string{"server-0", "server-2"}; !slices.Equal(got, want) {
			t.Errorf("server-1 still dead after RetryAfter: Alive() = %v, want %v (a retry that fails marks it dead again)", got, want)
		}
	})
	t.Run("failover/frozen-server-times-out", func(t *testing.T) {
		g := newGroup(t, 3, Options{TryTimeout: 300 * time.Millisecond})
		g.servers[1].Freeze()
		start := time.Now()
		g.run(t, 6, "req")
		if n := g.servers[1].Served(); n != 0 {
			t.Errorf("server-1 frozen: it answered %d, want 0 (grader bug?)", n)
		}
		if got, want := g.names(g.lb.Alive()), []string{"server-0", "server-2"}; !slices.Equal(got, want) {
			t.Errorf("server-1 frozen (accepts, never answers), TryTimeout 300ms: Alive() = %v, want %v (a try that times out counts as dead)", got, want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("6 requests with one frozen server took %v; want well under 2s (after one timeout the frozen server should rest)", d.Round(time.Millisecond))
		}
	})
}

func TestAllDown(t *testing.T) {
	t.Run("all-down/clear-error-not-a-hang", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		for _, b := range g.servers {
			b.Stop()
		}
		for _, round := range []string{"first", "second"} {
			start := time.Now()
			r := g.do(t, context.Background(), "anyone?")
			if !errors.Is(r.err, ErrAllDown) {
				t.Fatalf("all three servers dead, %s request: Do = %q, %v; want an error wrapping ErrAllDown", round, r.reply, r.err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("all servers dead, %s request: Do took %v to give up; want at once (a refused connection is immediate; resting servers are not tried)", round, d.Round(time.Millisecond))
			}
		}
		if got := g.lb.Alive(); len(got) != 0 {
			t.Errorf("all servers dead: Alive() = %v, want none", g.names(got))
		}
	})
	t.Run("all-down/recovers", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		for _, b := range g.servers {
			b.Stop()
		}
		if r := g.do(t, context.Background(), "anyone?"); !errors.Is(r.err, ErrAllDown) {
			t.Fatalf("all three servers dead: Do error %v; want ErrAllDown", r.err)
		}
		if err := g.servers[2].Restart(); err != nil {
			t.Fatalf("grader setup: %v", err)
		}
		g.clock.Advance(retry)
		if r := g.mustDo(t, "back?"); r.server != g.addrs[2] {
			t.Errorf("server-2 came back and RetryAfter passed: Do answered from %s, want server-2", g.name(r.server))
		}
	})
	t.Run("all-down/no-servers", func(t *testing.T) {
		r := bounded(t, context.Background(), New(nil, Options{}), "hello")
		if !errors.Is(r.err, ErrAllDown) {
			t.Errorf("New(no servers).Do: got %q, %v; want ErrAllDown", r.reply, r.err)
		}
	})
}

func TestNotADeath(t *testing.T) {
	t.Run("refused/server-alive-said-no", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		r := g.do(t, context.Background(), "") // the servers refuse empty requests
		if !IsRemote(r.err) || errors.Is(r.err, ErrAllDown) {
			t.Fatalf("Do(\"\"), which every server refuses: got error %v; want the server's own error (IsRemote), not ErrAllDown", r.err)
		}
		refused := 0
		for _, b := range g.servers {
			refused += b.Refused()
		}
		if refused != 1 {
			t.Errorf("Do(\"\"): %d servers were asked, want 1 (a refusal comes from a live server; another would refuse too, so do not fail over)", refused)
		}
		if got := g.lb.Alive(); len(got) != 3 {
			t.Errorf("after a refusal: Alive() = %v, want all three (a server that answers, even with no, is alive)", g.names(got))
		}
	})
	t.Run("caller-gives-up/cancelled-context", func(t *testing.T) {
		g := newGroup(t, 3, Options{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := g.do(t, ctx, "too late")
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("Do with a cancelled context: got %q, %v; want an error wrapping context.Canceled", r.reply, r.err)
		}
		if got := g.lb.Alive(); len(got) != 3 {
			t.Errorf("after a cancelled Do: Alive() = %v, want all three (the caller gave up; the servers did nothing wrong)", g.names(got))
		}
	})
}
