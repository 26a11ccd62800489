package rpc_test

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// serveDirectory runs a directory inside the test on 127.0.0.1:0 and
// returns it with a client of it; both stop when the test ends.
func serveDirectory(t testing.TB, cfg rpc.DirectoryConfig) (*rpc.Directory, *rpc.DirectoryClient) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return serveDirectoryOn(t, wire.NewNode("directory"), ln, cfg)
}

// serveDirectoryOn is serveDirectory with the directory's own node and
// listener.
func serveDirectoryOn(t testing.TB, n *wire.Node, ln net.Listener, cfg rpc.DirectoryConfig) (*rpc.Directory, *rpc.DirectoryClient) {
	t.Helper()
	d := rpc.NewDirectory(n, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { d.Serve(ctx, ln) })
	dc := rpc.NewDirectoryClient(wire.NewNode("test"), ln.Addr().String(), 5*time.Second)
	t.Cleanup(func() {
		dc.Close()
		cancel()
		wg.Wait()
		d.Close()
	})
	return d, dc
}

func bank(name, addr string, attrs map[string]string, lease time.Duration) rpc.RegisterRequest {
	return rpc.RegisterRequest{Name: name, Interface: "Bank", Address: addr, Attributes: attrs, LeaseMS: lease.Milliseconds()}
}

// lookupUntilGone looks name up again and again until it is gone, and
// returns when the first lookup that missed it began and ended.
func lookupUntilGone(t *testing.T, dc *rpc.DirectoryClient, name string) (began, ended time.Time) {
	ctx := programtest.Context(t)
	for {
		began = time.Now()
		m, err := dc.Lookup(ctx, rpc.LookupRequest{Name: name})
		require.NoError(t, err)
		if len(m) == 0 {
			return began, time.Now()
		}
		time.Sleep(2 * time.Millisecond) // a poll's pace, not a wait for a condition
	}
}

// lateSweep is how late a lease may be seen to end on a busy machine: the
// directory's sweeper and the test's lookups share two cores with every
// other test, and a goroutine may wait its turn for a good part of a
// second. A lease that did not end at all would still be caught.
const lateSweep = time.Second

// TestLeaseExpiry: a registration whose lease is not renewed is gone
// within one lease period of its last renewal (give or take lateSweep),
// and not a moment before.
func TestLeaseExpiry(t *testing.T) {
	const lease = 300 * time.Millisecond
	_, dc := serveDirectory(t, rpc.DefaultDirectoryConfig())
	ctx := programtest.Context(t)

	t.Run("never renewed", func(t *testing.T) {
		before := time.Now()
		_, err := dc.Register(ctx, bank("once", "127.0.0.1:1", nil, lease))
		require.NoError(t, err)
		after := time.Now()
		began, ended := lookupUntilGone(t, dc, "once")
		assert.False(t, ended.Before(before.Add(lease)), "gone %s after registering, before its lease of %s ran out", ended.Sub(before), lease)
		assert.True(t, began.Before(after.Add(lease+lateSweep)), "still there %s after registering with a lease of %s", began.Sub(after), lease)
	})
	t.Run("renewed, then not", func(t *testing.T) {
		g, err := dc.Register(ctx, bank("renewed", "127.0.0.1:1", nil, lease))
		require.NoError(t, err)
		var before, after time.Time
		for range 4 { // renewed at a third of the lease, as a server does
			time.Sleep(lease / 3)
			before = time.Now()
			_, err = dc.Renew(ctx, g)
			require.NoError(t, err)
			after = time.Now()
		}
		began, ended := lookupUntilGone(t, dc, "renewed")
		assert.False(t, ended.Before(before.Add(lease)), "gone %s after the last renewal, before its lease of %s ran out", ended.Sub(before), lease)
		assert.True(t, began.Before(after.Add(lease+lateSweep)), "still there %s after the last renewal with a lease of %s", began.Sub(after), lease)
		_, err = dc.Renew(ctx, g)
		assert.ErrorContains(t, err, "no lease")
	})
	t.Run("the directory grants at most its longest lease", func(t *testing.T) {
		g, err := dc.Register(ctx, bank("greedy", "127.0.0.1:1", nil, 24*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, time.Minute.Milliseconds(), g.DurationMS)
	})
}

func TestLookupByTemplate(t *testing.T) {
	_, dc := serveDirectory(t, rpc.DefaultDirectoryConfig())
	ctx := programtest.Context(t)
	for _, r := range []rpc.RegisterRequest{
		bank("bank-eu", "127.0.0.1:1", map[string]string{"currency": "EUR", "branch": "north"}, time.Minute),
		bank("bank-us", "127.0.0.1:2", map[string]string{"currency": "USD"}, time.Minute),
		{Name: "printer", Interface: "Printer", Address: "127.0.0.1:3", Attributes: map[string]string{"currency": "EUR"}},
	} {
		_, err := dc.Register(ctx, r)
		require.NoError(t, err)
	}
	cases := []struct {
		name string
		tmpl rpc.LookupRequest
		want []string
	}{
		{"by name", rpc.LookupRequest{Name: "printer"}, []string{"printer"}},
		{"by interface", rpc.LookupRequest{Interface: "Bank"}, []string{"bank-eu", "bank-us"}},
		{"interface and one attribute", rpc.LookupRequest{Interface: "Bank", Attributes: map[string]string{"currency": "EUR"}}, []string{"bank-eu"}},
		{"an attribute alone", rpc.LookupRequest{Attributes: map[string]string{"currency": "EUR"}}, []string{"bank-eu", "printer"}},
		{"an attribute that differs", rpc.LookupRequest{Interface: "Bank", Attributes: map[string]string{"currency": "EUR", "branch": "south"}}, nil},
		{"an attribute it lacks, even empty", rpc.LookupRequest{Interface: "Bank", Attributes: map[string]string{"colour": ""}}, nil},
		{"empty template: everything", rpc.LookupRequest{}, []string{"bank-eu", "bank-us", "printer"}},
		{"no such name", rpc.LookupRequest{Name: "nobody"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := dc.Lookup(ctx, c.tmpl)
			require.NoError(t, err)
			var got []string
			for _, r := range m {
				got = append(got, r.Name)
			}
			assert.Equal(t, c.want, got)
		})
	}
}

// TestEvents: a subscriber hears of every change to the registrations its
// template matches, numbered 1, 2, 3, ... and of nothing else.
func TestEvents(t *testing.T) {
	_, dc := serveDirectory(t, rpc.DefaultDirectoryConfig())
	ctx := programtest.Context(t)
	events := make(chan rpc.Event, 16)
	_, _, err := dc.Subscribe(ctx, rpc.SubscribeRequest{LookupRequest: rpc.LookupRequest{Interface: "Bank"}}, func(ev rpc.Event) { events <- ev })
	require.NoError(t, err)

	g, err := dc.Register(ctx, bank("bank", "127.0.0.1:1", nil, time.Minute))
	require.NoError(t, err)
	_, err = dc.Register(ctx, rpc.RegisterRequest{Name: "printer", Interface: "Printer", Address: "127.0.0.1:9"})
	require.NoError(t, err) // not a Bank: no event
	_, err = dc.Renew(ctx, g)
	require.NoError(t, err)
	g2, err := dc.Register(ctx, bank("bank", "127.0.0.1:2", nil, time.Minute)) // the server moved
	require.NoError(t, err)
	assert.Equal(t, g.Lease, g2.Replaced)
	require.NoError(t, dc.Cancel(ctx, g2))
	_, err = dc.Register(ctx, bank("short", "127.0.0.1:3", nil, 50*time.Millisecond))
	require.NoError(t, err)

	want := []struct{ kind, name, addr string }{
		{rpc.Registered, "bank", "127.0.0.1:1"},
		{rpc.Renewed, "bank", "127.0.0.1:1"},
		{rpc.Registered, "bank", "127.0.0.1:2"},
		{rpc.Cancelled, "bank", "127.0.0.1:2"},
		{rpc.Registered, "short", "127.0.0.1:3"},
		{rpc.Expired, "short", "127.0.0.1:3"},
	}
	for i, w := range want {
		select {
		case ev := <-events:
			assert.Equal(t, uint64(i+1), ev.Seq, "event %d", i+1)
			assert.Equal(t, w.kind, ev.Kind, "event %d", i+1)
			assert.Equal(t, w.name, ev.Registration.Name, "event %d", i+1)
			assert.Equal(t, w.addr, ev.Registration.Address, "event %d", i+1)
		case <-ctx.Done():
			t.Fatalf("event %d (%s %s) never came", i+1, w.kind, w.name)
		}
	}
}

// TestNoLeakAfter10000Registrations: leases cost no goroutine or timer of
// their own, and every lease that ends is forgotten.
func TestNoLeakAfter10000Registrations(t *testing.T) {
	cfg := rpc.DefaultDirectoryConfig()
	cfg.MaxRegistrations = 10000
	d := rpc.NewDirectory(wire.NewNode("directory"), cfg)
	defer d.Close()
	before := runtime.NumGoroutine()
	for i := range 10000 {
		// A second: long enough that a busy machine never lets a lease
		// run out between its register and its cancel.
		g, err := d.Register(bank(fmt.Sprintf("s%d", i), "127.0.0.1:1", map[string]string{"n": fmt.Sprint(i)}, time.Second))
		require.NoError(t, err)
		if i%2 == 0 {
			require.NoError(t, d.Cancel(rpc.LeaseRequest{Lease: g.Lease, Key: g.Key}))
		}
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines grew with the registrations")
	deadline := time.Now().Add(programtest.Patience)
	for {
		regs, leases := d.Count()
		if regs == 0 && leases == 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "%d registrations and %d leases left", regs, leases)
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before)
}
