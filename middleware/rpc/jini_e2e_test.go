package rpc_test

import (
	"crypto/ed25519"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program/programtest"
	"dsdemo/models/sandbox"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// twoLookups starts two lookup services (directory programs) and returns
// them and their addresses as a --lookup flag's value.
func twoLookups(t *testing.T, args ...string) (a, b *programtest.Proc, both string) {
	a, b = startDirectory(t, args...), startDirectory(t, args...)
	return a, b, a.Addr + "," + b.Addr
}

func startDevice(t *testing.T, kind, lookups string, args ...string) *programtest.Proc {
	return programtest.StartServer(t, bin(t, "device"), append([]string{"--listen", "127.0.0.1:0", "--kind", kind, "--lookup", lookups}, args...)...)
}

// jini runs one jiniclient command against the lookup services.
func jini(t *testing.T, lookups string, args ...string) (stdout, stderr string, code int) {
	return programtest.Run(t, bin(t, "jiniclient"), append([]string{"--lookup", lookups}, args...)...)
}

// waitKnown waits until the lookup service at addr knows name (present)
// or no longer does, and returns when that was seen.
func waitKnown(t *testing.T, addr, name string, present bool) time.Time {
	t.Helper()
	dc := rpc.NewDirectoryClient(wire.NewNode("test"), addr, 5*time.Second)
	defer dc.Close()
	ctx := programtest.Context(t)
	for {
		m, err := dc.Lookup(ctx, rpc.LookupRequest{Name: name})
		if err == nil && (len(m) == 1) == present {
			return time.Now()
		}
		require.NoError(t, ctx.Err(), "%s at %s: never became present=%v", name, addr, present)
		time.Sleep(5 * time.Millisecond) // a poll's pace, not a wait for a condition
	}
}

// TestJiniJoinLookupAndProxy: a printer and a projector join both lookup
// services; a client finds them by type and attributes, downloads the
// proxy, and works the device through it.
func TestJiniJoinLookupAndProxy(t *testing.T) {
	r := programtest.NewRecorder(t)
	a, b, both := twoLookups(t)
	printer := startDevice(t, "printer", both, "--trace", r.Addr(), "--name", "printer")
	startDevice(t, "projector", both, "--attr", "room=202")
	for _, dir := range []string{a.Addr, b.Addr} {
		waitKnown(t, dir, "printer", true)
		waitKnown(t, dir, "projector", true)
	}

	t.Run("lookup lists what each lookup service knows", func(t *testing.T) {
		out, errOut, code := jini(t, both, "lookup")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "printer Printer at "+printer.Addr+" [color=no,room=101], known to "+a.Addr+" and "+b.Addr)
		assert.Contains(t, out, "projector Projector at ")
	})
	t.Run("by type and attributes", func(t *testing.T) {
		out, _, code := jini(t, both, "lookup", "Projector", "room=202")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "projector Projector")
		out, _, _ = jini(t, both, "lookup", "Projector", "room=101")
		assert.Contains(t, out, "no service matches a Projector with room=101")
		_, errOut, code := jini(t, both, "use", "Printer", "color=yes", "status")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "no lookup service knows a Printer with color=yes")
	})
	t.Run("the proxy is downloaded, checked and used", func(t *testing.T) {
		out, errOut, code := jini(t, both, "proxy", "Printer")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "signature good; it offers print_text, status")
		out, errOut, code = jini(t, both, "use", "Printer", "room=101", "print_text", "hello", "world")
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, "job 1 printed: 1 page(s), 99 sheets left\n", out)
		printer.WaitLine(t, "job 1: hello world")
		out, _, _ = jini(t, both, "use", "Printer", "status")
		assert.Equal(t, "1 jobs printed, 99 sheets of paper left\n", out)
	})
	t.Run("the device's own refusal comes back through the proxy", func(t *testing.T) {
		_, errOut, code := jini(t, both, "use", "Projector", "show", "3")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "the projector is off; power it on first")
		out, _, _ := jini(t, both, "use", "Projector", "power", "on")
		assert.Equal(t, "the projector is on\n", out)
		out, _, _ = jini(t, both, "use", "Projector", "show", "3")
		assert.Equal(t, "showing slide 3\n", out)
		_, errOut, _ = jini(t, both, "use", "Projector", "rewind")
		assert.Contains(t, errOut, `has no function "rewind"; it offers power, show, status`)
	})
	t.Run("each lease is a timer in the trace", func(t *testing.T) {
		for _, dir := range []string{a.Addr, b.Addr} {
			r.WaitFor(t, "the lease at "+dir, programtest.Has(func(ev trace.Event) bool {
				return ev.Node == "printer" && ev.Key == "lease at "+dir && ev.Timer != nil && ev.Timer.MS == 10000
			}))
		}
	})
}

// TestJiniRefusesForeignProxies: the lookup service takes any proxy; the
// client runs only one signed for the interface by the key it trusts.
func TestJiniRefusesForeignProxies(t *testing.T) {
	dir := startDirectory(t)
	printer := startDevice(t, "printer", dir.Addr)
	waitKnown(t, dir.Addr, "printer", true)
	src := `def status():
    return "owned"
`
	_, mallory, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	good := rpc.SignProxy(sandbox.DemoKey, "Printer", src)
	for _, tc := range []struct {
		name  string
		proxy *rpc.Proxy
		want  string
	}{
		{"unsigned", &rpc.Proxy{Script: "Printer", Source: src}, "refused: the script is not signed"},
		{"signed by another key", rpc.SignProxy(mallory, "Printer", src), "refused: the signature does not match"},
		{"tampered after signing", &rpc.Proxy{Script: "Printer", Source: src + "# one more line\n", Sig: good.Sig}, "refused: the signature does not match"},
		{"a projector's proxy for a printer", rpc.SignProxy(sandbox.DemoKey, "Projector", src), "refused: the proxy is signed for another interface"},
		{"no proxy at all", nil, "the service registered no proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dc := rpc.NewDirectoryClient(wire.NewNode("mallory"), dir.Addr, 5*time.Second)
			defer dc.Close()
			_, err := dc.Register(programtest.Context(t), rpc.RegisterRequest{Name: "evil", Interface: "Printer",
				Address: printer.Addr, Attributes: map[string]string{"room": "666"}, Proxy: tc.proxy})
			require.NoError(t, err)
			out, errOut, code := jini(t, dir.Addr, "use", "Printer", "room=666", "status")
			assert.Equal(t, 1, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, "proxy of evil (Printer at "+printer.Addr+"): "+tc.want)
		})
	}
	t.Run("a device with --tamper", func(t *testing.T) {
		startDevice(t, "printer", dir.Addr, "--service", "rogue", "--attr", "room=13", "--tamper")
		waitKnown(t, dir.Addr, "rogue", true)
		_, errOut, code := jini(t, dir.Addr, "use", "Printer", "room=13", "status")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "proxy of rogue (Printer at ")
		assert.Contains(t, errOut, "refused: the signature does not match")
	})
	out, _, _ := jini(t, dir.Addr, "use", "Printer", "room=101", "status")
	assert.Equal(t, "0 jobs printed, 100 sheets of paper left\n", out, "the real printer's proxy still runs")
}

// eventLine is a line the listener prints for an event.
var eventLine = regexp.MustCompile(`^event (\d+) from (\S+): (\S+) (\S+) `)

// TestJiniFrozenServiceLeavesBothLookups: a frozen printer stops
// renewing; each lookup service drops it when its lease runs out, not
// before, and tells the listener; thawed, it joins both again.
func TestJiniFrozenServiceLeavesBothLookups(t *testing.T) {
	const lease = 1500 * time.Millisecond // renewed every 500 ms
	a, b, both := twoLookups(t)
	listener := programtest.Start(t, bin(t, "jiniclient"), "--lookup", both, "--watch")
	listener.WaitLine(t, "subscribed to the lookup service at "+a.Addr)
	listener.WaitLine(t, "subscribed to the lookup service at "+b.Addr)
	printer := startDevice(t, "printer", both, "--lease", lease.String())
	waitKnown(t, a.Addr, "printer", true)
	waitKnown(t, b.Addr, "printer", true)
	listener.WaitLine(t, "printer registered")

	require.NoError(t, printer.Cmd.Process.Signal(syscall.SIGSTOP))
	frozen := time.Now()
	defer printer.Cmd.Process.Signal(syscall.SIGCONT)
	for _, dir := range []string{a.Addr, b.Addr} {
		gone := waitKnown(t, dir, "printer", false).Sub(frozen)
		// The last renewal came at most a renewal period (lease/3) before
		// the freeze, so the lease ran out between lease-lease/3 and lease
		// after it; a poll and a busy machine add a little.
		assert.GreaterOrEqual(t, gone, lease-lease/3-50*time.Millisecond, "%s dropped the printer too early", dir)
		assert.Less(t, gone, lease+lease/3, "%s kept the printer more than a renewal period past its lease", dir)
	}
	listener.WaitLine(t, "from "+a.Addr+": printer expired")
	listener.WaitLine(t, "from "+b.Addr+": printer expired")

	require.NoError(t, printer.Cmd.Process.Signal(syscall.SIGCONT))
	waitKnown(t, a.Addr, "printer", true)
	waitKnown(t, b.Addr, "printer", true)
	out, errOut, code := jini(t, both, "use", "Printer", "status")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "jobs printed")

	t.Run("events come in order, registered, expired, registered", func(t *testing.T) {
		listener.WaitLine(t, "from "+b.Addr+": printer registered (Printer at "+printer.Addr+", lease L3)")
		lines, _ := listener.Output()
		last := map[string]int{}
		kinds := map[string][]string{}
		for _, l := range lines {
			m := eventLine.FindStringSubmatch(l)
			if m == nil || m[3] != "printer" {
				continue
			}
			seq, _ := strconv.Atoi(m[1])
			assert.Greater(t, seq, last[m[2]], "event numbers from %s go up: %s", m[2], l)
			last[m[2]] = seq
			kinds[m[2]] = append(kinds[m[2]], m[4])
		}
		for _, dir := range []string{a.Addr, b.Addr} {
			assert.Equal(t, []string{rpc.Registered, rpc.Expired, rpc.Registered}, kinds[dir], "events from %s", dir)
		}
	})
}

// TestJiniSecondLookupService: with one lookup service down, clients ask
// the other; when it comes back, the devices join it again by themselves.
func TestJiniSecondLookupService(t *testing.T) {
	a, b, both := twoLookups(t, "--lease", "1s")
	startDevice(t, "printer", both, "--lease", "600ms")
	waitKnown(t, a.Addr, "printer", true)
	waitKnown(t, b.Addr, "printer", true)

	require.NoError(t, a.Cmd.Process.Kill())
	a.Wait(t)
	out, errOut, code := jini(t, both, "use", "Printer", "print_text", "still here")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "the lookup service at "+a.Addr+" does not answer")
	assert.Contains(t, out, "job 1 printed")
	out, _, _ = jini(t, both, "lookup")
	assert.Contains(t, out, "known to "+b.Addr+"\n")

	startDirectory(t, "--listen", a.Addr) // the same address: a lookup service that was restarted
	waitKnown(t, a.Addr, "printer", true)
	out, _, _ = jini(t, both, "lookup", "Printer")
	assert.Contains(t, out, "known to "+a.Addr+" and "+b.Addr)
	_, errOut, code = jini(t, a.Addr+",127.0.0.1:1", "use", "Printer", "status")
	assert.Equal(t, 0, code, errOut)

	_, errOut, code = jini(t, "127.0.0.1:1", "lookup")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no lookup service answers")
}

// TestJiniDeviceLeavesOnShutdown: a device stopped with SIGTERM cancels
// its leases, so it is gone at once, not a lease later.
func TestJiniDeviceLeavesOnShutdown(t *testing.T) {
	a, b, both := twoLookups(t)
	printer := startDevice(t, "printer", both, "--lease", "1m")
	waitKnown(t, a.Addr, "printer", true)
	waitKnown(t, b.Addr, "printer", true)
	require.NoError(t, printer.Cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 0, printer.Wait(t))
	for _, dir := range []string{a.Addr, b.Addr} {
		dc := rpc.NewDirectoryClient(wire.NewNode("test"), dir, 5*time.Second)
		m, err := dc.Lookup(programtest.Context(t), rpc.LookupRequest{Name: "printer"})
		dc.Close()
		require.NoError(t, err)
		assert.Empty(t, m, "%s still lists the printer", dir)
	}
}
