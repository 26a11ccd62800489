package rpc_test

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program/programtest"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// settles waits until cond holds, polling, or fails with what.
func settles(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(programtest.Patience)
	for !cond() {
		require.True(t, time.Now().Before(deadline), what)
		time.Sleep(10 * time.Millisecond) // a poll's pace, not a wait for a condition
	}
}

// TestJiniNoLeaks: 10,000 registrations carrying proxies leave nothing
// behind once their leases end, and neither do join managers that join
// and leave a lookup service again and again.
func TestJiniNoLeaks(t *testing.T) {
	cfg := rpc.DefaultDirectoryConfig()
	cfg.MaxRegistrations = 10000
	d, _ := serveDirectory(t, cfg)
	before := runtime.NumGoroutine()
	p := rpc.SignProxy(sandbox.DemoKey, "Printer", "def status():\n    return 'ok'\n"+strings.Repeat("# x\n", 256))

	t.Run("10,000 registrations with proxies", func(t *testing.T) {
		for i := range 10000 {
			g, err := d.Register(rpc.RegisterRequest{Name: fmt.Sprintf("p%d", i), Interface: "Printer",
				Address: "127.0.0.1:1", LeaseMS: 50, Proxy: p})
			require.NoError(t, err)
			if i%2 == 0 {
				require.NoError(t, d.Cancel(rpc.LeaseRequest{Lease: g.Lease, Key: g.Key}))
			}
		}
		settles(t, "registrations or leases left", func() bool { regs, leases := d.Count(); return regs == 0 && leases == 0 })
	})

	t.Run("join managers that come and go", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ld := rpc.NewDirectory(wire.NewNode("lookup"), cfg)
		ctx, cancel := context.WithCancel(context.Background())
		var serving sync.WaitGroup
		serving.Go(func() { ld.Serve(ctx, ln) })
		for i := range 100 {
			jm := rpc.NewJoinManager(wire.NewNode("device"), rpc.RegisterRequest{Name: fmt.Sprintf("d%d", i),
				Interface: "Printer", Address: "127.0.0.1:1", LeaseMS: 60000, Proxy: p}, 5*time.Second)
			jctx, leave := context.WithCancel(context.Background())
			var joined sync.WaitGroup
			joined.Go(func() { jm.Run(jctx, []string{ln.Addr().String()}) })
			settles(t, "never joined", func() bool { return len(jm.Joined()) == 1 })
			leave()
			joined.Wait()
			regs, leases := ld.Count()
			require.Equal(t, 0, regs, "a device that left is still registered")
			require.Equal(t, 0, leases)
		}
		cancel()
		serving.Wait()
		ld.Close()
	})
	settles(t, "goroutines grew", func() bool { return runtime.NumGoroutine() <= before })
}
