package rpc_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// programs are the model's programs, built once for all its tests.
var programs = programtest.Programs{Pkgs: []string{"dsdemo/middleware/rpc/directory", "dsdemo/middleware/rpc/rpcserver", "dsdemo/middleware/rpc/rpcclient",
	"dsdemo/middleware/rpc/device", "dsdemo/middleware/rpc/jiniclient"}}

// bin returns the path of one of the model's programs.
func bin(t testing.TB, name string) string { return programs.Path(t, name) }

func TestMain(m *testing.M) {
	code := m.Run()
	programs.Remove()
	os.Exit(code)
}

func startDirectory(t *testing.T, args ...string) *programtest.Proc {
	return programtest.StartServer(t, bin(t, "directory"), append([]string{"--listen", "127.0.0.1:0"}, args...)...)
}

func startServer(t *testing.T, dir string, args ...string) *programtest.Proc {
	return programtest.StartServer(t, bin(t, "rpcserver"), append([]string{"--listen", "127.0.0.1:0", "--directory", dir}, args...)...)
}

// client runs one rpcclient command against the directory at dir.
func client(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	return programtest.Run(t, bin(t, "rpcclient"), append([]string{"--directory", dir}, args...)...)
}

// session starts an interactive rpcclient; say types a line into it.
func session(t *testing.T, dir string, args ...string) *programtest.Proc {
	p := programtest.Start(t, bin(t, "rpcclient"), append([]string{"--directory", dir}, args...)...)
	p.WaitLine(t, "commands:")
	return p
}

func say(t *testing.T, p *programtest.Proc, line, want string) string {
	t.Helper()
	_, err := p.Stdin.Write([]byte(line + "\n"))
	require.NoError(t, err)
	return p.WaitLine(t, want)
}

// waitRegistered waits until the directory lists name at an address
// other than not, and returns that address.
func waitRegistered(t *testing.T, dir, name, not string) string {
	dc := rpc.NewDirectoryClient(wire.NewNode("test"), dir, 5*time.Second)
	defer dc.Close()
	ctx := programtest.Context(t)
	for {
		m, err := dc.Lookup(ctx, rpc.LookupRequest{Name: name})
		if err == nil && len(m) == 1 && m[0].Address != not {
			return m[0].Address
		}
		require.NoError(t, ctx.Err(), "%s never registered", name)
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRemoteCall(t *testing.T) {
	dir := startDirectory(t)
	srv := startServer(t, dir.Addr, "--attr", "currency=EUR")
	assert.Equal(t, srv.Addr, waitRegistered(t, dir.Addr, "bank", ""))
	for _, codec := range []string{"json", "binary", "raw"} {
		t.Run(codec, func(t *testing.T) {
			out, errOut, code := client(t, dir.Addr, "--codec", codec, "transfer", "bob", "alice", "1.50")
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, out, "transferred 1.50 EUR from bob to alice: bob now holds")
		})
	}
	out, _, code := client(t, dir.Addr, "balance", "alice")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "alice holds 104.50 EUR")

	t.Run("lookup by interface and attributes", func(t *testing.T) {
		out, _, code := client(t, dir.Addr, "--where", "currency=EUR", "balance", "bob")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "bob holds 45.50 EUR")
		_, errOut, code := client(t, dir.Addr, "--where", "currency=USD", "balance", "bob")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "nothing in the directory matches a Bank with currency=USD")
	})
	t.Run("the service's own refusal is not retried", func(t *testing.T) {
		out, errOut, code := client(t, dir.Addr, "transfer", "alice", "bob", "1000")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "not enough")
		assert.NotContains(t, out, "retry")
	})
}

// TestMarshalledCallInTrace: the call message carries the marshalled
// arguments, and both sides report what they wrote and read.
func TestMarshalledCallInTrace(t *testing.T) {
	r := programtest.NewRecorder(t)
	dir := startDirectory(t)
	startServer(t, dir.Addr, "--trace", r.Addr(), "--name", "bank-1")
	waitRegistered(t, dir.Addr, "bank", "")
	_, errOut, code := client(t, dir.Addr, "--trace", r.Addr(), "--codec", "binary", "transfer", "alice", "bob", "10")
	require.Equal(t, 0, code, errOut)
	sent := r.WaitN(t, 1, programtest.Msg(trace.KindSend, "rpcclient", rpc.TypeCall))
	assert.Contains(t, string(sent[0].Msg.Body), `"args":"0005616c6963650003626f6200000000000003e8"`)
	r.WaitFor(t, "the server's view of the call", programtest.Has(func(ev trace.Event) bool {
		return ev.Node == "bank-1" && ev.Key == "call" &&
			ev.Value == `Bank.Transfer from rpcclient (binary): from: 00 05 61 6c 69 63 65 = "alice" | to: 00 03 62 6f 62 = "bob" | cents: 00 00 00 00 00 00 03 e8 = 1000`
	}))
	r.WaitFor(t, "the client's view of the result", programtest.Has(func(ev trace.Event) bool {
		return ev.Node == "rpcclient" && ev.Key == "result" && strings.Contains(ev.Value, "balance: 00 00 00 00 00 00 23 28 = 9000")
	}))
}

// TestByteOrder is the lecture's heterogeneity problem: a little-endian
// client copying its memory to a big-endian server gets wrong numbers;
// an external data format fixes it.
func TestByteOrder(t *testing.T) {
	dir := startDirectory(t)
	startServer(t, dir.Addr) // a big-endian machine
	waitRegistered(t, dir.Addr, "bank", "")
	cases := []struct {
		args []string
		ok   bool
	}{
		{[]string{"--codec", "raw", "--byte-order", "big"}, true},
		{[]string{"--codec", "raw", "--byte-order", "little"}, false},
		{[]string{"--codec", "binary", "--byte-order", "little"}, true},
		{[]string{"--codec", "json", "--byte-order", "little"}, true},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, code := client(t, dir.Addr, append(c.args, "balance", "alice")...)
			require.Equal(t, 0, code, errOut)
			if c.ok {
				assert.Contains(t, out, "alice holds 100.00 EUR")
			} else {
				assert.NotContains(t, out, "alice holds 100.00 EUR")
				assert.Contains(t, out, "alice holds 11638990286985625.60 EUR") // 0x2710 read backwards
			}
		})
	}
	t.Run("a wrong amount goes the other way too", func(t *testing.T) {
		_, errOut, code := client(t, dir.Addr, "--codec", "raw", "--byte-order", "little", "transfer", "alice", "bob", "10")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "a transfer of -1728537831980138496 cents") // 1000 read backwards
	})
}

// lostReplies runs a transfer while the server loses every reply, then
// asks what alice holds once the network is fine again.
func lostReplies(t *testing.T, semantics string) (transferOut, transferErr, balance string) {
	r := programtest.NewRecorder(t)
	dir := startDirectory(t)
	startServer(t, dir.Addr, "--trace", r.Addr(), "--name", "bank-1")
	waitRegistered(t, dir.Addr, "bank", "")
	r.Steer(t, "bank-1", trace.Control{Op: trace.OpDrop, P: 1})
	out, errOut, code := client(t, dir.Addr, "--semantics", semantics, "--retries", "2", "--timeout", "300ms", "transfer", "alice", "bob", "10")
	assert.Equal(t, 1, code)
	r.Steer(t, "bank-1", trace.Control{Op: trace.OpDrop, P: 0})
	bal, errOut2, code := client(t, dir.Addr, "balance", "alice")
	require.Equal(t, 0, code, errOut2)
	return out, errOut, bal
}

func TestCallSemantics(t *testing.T) {
	t.Run("at-least-once books a lost transfer three times", func(t *testing.T) {
		out, errOut, bal := lostReplies(t, rpc.AtLeastOnce)
		assert.Contains(t, out, "retry 1 of 2")
		assert.Contains(t, out, "retry 2 of 2")
		assert.Contains(t, errOut, "no reply after 3 attempts")
		assert.Contains(t, errOut, "anywhere from 0 to 3 times")
		assert.Contains(t, bal, "alice holds 70.00 EUR")
	})
	t.Run("at-most-once books it once", func(t *testing.T) {
		out, errOut, bal := lostReplies(t, rpc.AtMostOnce)
		assert.Contains(t, out, "retry 2 of 2")
		assert.Contains(t, errOut, "once or not at all")
		assert.Contains(t, bal, "alice holds 90.00 EUR")
	})
}

// TestAtMostOnceRetryIsAnswered: a retry that reaches the server after the
// reply was late gets the first reply again, from the reply cache, and
// the transfer is booked once.
func TestAtMostOnceRetryIsAnswered(t *testing.T) {
	r := programtest.NewRecorder(t)
	dir := startDirectory(t)
	startServer(t, dir.Addr, "--trace", r.Addr(), "--name", "bank-1")
	waitRegistered(t, dir.Addr, "bank", "")
	r.Steer(t, "bank-1", trace.Control{Op: trace.OpHold, On: true})
	p := programtest.Start(t, bin(t, "rpcclient"), "--directory", dir.Addr, "--retries", "3", "--timeout", "500ms", "transfer", "alice", "bob", "10")
	// The reply is held at the server until the client gives up on it and
	// sends the call again, on a new connection.
	r.WaitN(t, 1, func(ev trace.Event) bool { return ev.Kind == trace.KindHold && ev.Node == "bank-1" })
	p.WaitLine(t, "retry 1 of 3")
	r.Steer(t, "bank-1", trace.Control{Op: trace.OpHold, On: false})
	p.WaitLine(t, "transferred 10.00 EUR")
	out, _ := p.Output()
	assert.Contains(t, strings.Join(out, "\n"), "from its reply cache")
	assert.Contains(t, strings.Join(out, "\n"), "alice now holds 90.00 EUR")
	assert.Equal(t, 0, p.Wait(t))
}

// TestServerMoves: the server restarts on another port and registers
// again; the client's cached address fails, it looks up again and goes on.
func TestServerMoves(t *testing.T) {
	dir := startDirectory(t)
	first := startServer(t, dir.Addr)
	waitRegistered(t, dir.Addr, "bank", "")
	c := session(t, dir.Addr)
	say(t, c, "balance alice", "alice holds 100.00 EUR")
	require.NoError(t, first.Cmd.Process.Kill())
	first.Wait(t)
	second := startServer(t, dir.Addr)
	assert.Equal(t, second.Addr, waitRegistered(t, dir.Addr, "bank", first.Addr))
	say(t, c, "balance bob", "bob holds 50.00 EUR")
	out, _ := c.Output()
	all := strings.Join(out, "\n")
	assert.Contains(t, all, "the server at "+first.Addr+" (cached) does not answer")
	assert.Contains(t, all, `looked up "bank": it is at `+second.Addr)
	say(t, c, "where", second.Addr+" (cached)")
}

// TestDirectoryDown: new lookups fail, a client that already knows where
// the server is goes on calling it.
func TestDirectoryDown(t *testing.T) {
	dir := startDirectory(t)
	startServer(t, dir.Addr)
	waitRegistered(t, dir.Addr, "bank", "")
	c := session(t, dir.Addr)
	say(t, c, "balance alice", "alice holds 100.00 EUR")
	require.NoError(t, dir.Cmd.Process.Kill())
	dir.Wait(t)
	say(t, c, "transfer alice bob 5", "alice now holds 95.00 EUR")
	_, errOut, code := client(t, dir.Addr, "balance", "alice")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `lookup of "bank" failed`)
}

// TestFrozenServerLeaseExpires: a server that stops renewing (frozen,
// SIGSTOP) disappears from the directory once its lease runs out, not
// before; thawed, it notices and registers again.
func TestFrozenServerLeaseExpires(t *testing.T) {
	const lease = 600 * time.Millisecond
	dir := startDirectory(t)
	srv := startServer(t, dir.Addr, "--lease", lease.String())
	waitRegistered(t, dir.Addr, "bank", "")
	dc := rpc.NewDirectoryClient(wire.NewNode("watcher"), dir.Addr, 5*time.Second)
	defer dc.Close()
	ctx := programtest.Context(t)
	events := make(chan rpc.Event, 64)
	_, _, err := dc.Subscribe(ctx, rpc.SubscribeRequest{LookupRequest: rpc.LookupRequest{Name: "bank"}}, func(ev rpc.Event) { events <- ev })
	require.NoError(t, err)
	next := func(kind string) rpc.Event {
		for {
			select {
			case ev := <-events:
				if ev.Kind == kind {
					return ev
				}
			case <-ctx.Done():
				t.Fatalf("no %s event", kind)
			}
		}
	}
	next(rpc.Renewed)
	require.NoError(t, srv.Cmd.Process.Signal(syscall.SIGSTOP))
	frozen := time.Now()
	defer srv.Cmd.Process.Signal(syscall.SIGCONT)
	ev := next(rpc.Expired)
	gone := time.Since(frozen)
	assert.Less(t, gone, lease+lease/2, "the lease of %s ran out %s after the freeze", lease, gone)
	assert.Equal(t, int64(0), ev.Registration.LeftMS)
	require.NoError(t, srv.Cmd.Process.Signal(syscall.SIGCONT))
	next(rpc.Registered)
}

func TestSessionTakesDoCommands(t *testing.T) {
	r := programtest.NewRecorder(t)
	dir := startDirectory(t)
	startServer(t, dir.Addr)
	waitRegistered(t, dir.Addr, "bank", "")
	c := programtest.Start(t, bin(t, "rpcclient"), "--directory", dir.Addr, "--trace", r.Addr(), "--name", "client-1")
	r.WaitN(t, 1, func(ev trace.Event) bool { return ev.Kind == trace.KindHello && ev.Node == "client-1" })
	require.NoError(t, r.Send("client-1", trace.Control{Op: trace.OpDo, Cmd: "transfer alice bob 10"}))
	c.WaitLine(t, "alice now holds 90.00 EUR")
	require.NoError(t, r.Send("client-1", trace.Control{Op: trace.OpDo, Cmd: "watch"}))
	c.WaitLine(t, "watching the directory")
	require.NoError(t, r.Send("client-1", trace.Control{Op: trace.OpDo, Cmd: "list"}))
	c.WaitLine(t, "bank Bank at")
}

func TestCommandLine(t *testing.T) {
	for _, c := range []struct {
		prog string
		args []string
		want string
	}{
		{"directory", []string{"--no-such-flag"}, "-no-such-flag"},
		{"directory", []string{"--lease", "1ms"}, "--lease"},
		{"rpcserver", []string{"--semantics", "exactly-once"}, "--semantics"},
		{"rpcserver", []string{"--byte-order", "middle"}, "--byte-order"},
		{"rpcserver", []string{"--attr", "nokey"}, "-attr"},
		{"rpcclient", []string{"--codec", "xml", "list"}, "--codec"},
		{"rpcclient", []string{"--retries", "-1", "list"}, "--retries"},
		{"rpcclient", []string{"frobnicate"}, `cannot do "frobnicate"`},
		{"rpcclient", []string{"transfer", "alice", "bob", "ten"}, `amount "ten"`},
	} {
		t.Run(c.prog+" "+strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, code := programtest.Run(t, bin(t, c.prog), c.args...)
			assert.Equal(t, 2, code)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "stderr %q", errOut)
			assert.Contains(t, errOut, c.want)
			assert.NotContains(t, out, "listening on")
		})
	}
}
