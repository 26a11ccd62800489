package mobilecode

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// The hostile-input suite of mobile code: each test attacks the real
// codeserver and sandbox processes over TCP the way issue 13 did, and
// checks that the attack is refused with its reason and that the programs
// go on serving.

// scriptDir writes scripts (name -> source) as NAME.star files into a
// temporary directory, for --scripts.
func scriptDir(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range scripts {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".star"), []byte(src), 0o644))
	}
	return dir
}

// runMeasured runs bin to its end like programtest.Run and also returns the
// most memory the process held (its maximum resident set).
func runMeasured(t *testing.T, bin string, args ...string) (stdout, stderr string, code int, peak uint64) {
	t.Helper()
	p := programtest.Start(t, bin, args...)
	code = p.Wait(t)
	out, errOut := p.Output()
	usage, ok := p.Cmd.ProcessState.SysUsage().(*syscall.Rusage)
	require.True(t, ok, "no rusage")
	return joinLines(out), joinLines(errOut), code, uint64(usage.Maxrss) << 10
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// remoteEvaluator starts a codeserver that runs scripts signed by a client
// key, and returns the sandbox binary, the codeserver and the client key.
// Its runs may take a minute: on a loaded machine the default timeout could
// stop a script before the limit it is meant to meet.
func remoteEvaluator(t *testing.T) (sandboxBin string, srv *programtest.Proc, clientKey string) {
	codeserver, sandboxBin, key := setup(t)
	clientKey = keygen(t, codeserver, "client")
	return sandboxBin, programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key",
		"--trust", clientKey+".pub", "--timeout", "1m"), clientKey
}

// The script of a request that must still work after an attack.
const friendly = `show("usd", origin.call("rates")["USD"])`

func TestHostileRemoteEvaluationOfCyclesAndHugeValuesKeepsTheServerServing(t *testing.T) {
	sandboxBin, srv, client := remoteEvaluator(t)
	dir := scriptDir(t, map[string]string{
		"friendly":   friendly,
		"cycle":      "l = []\nl.append(l)\norigin.call(\"echo\", l)\n",
		"cycle-dict": "d = {}\nd[\"me\"] = d\norigin.call(\"echo\", d)\n",
		"huge-range": "origin.call(\"echo\", range(1 << 40))\n",
		"deep":       "v = []\nfor i in range(100000):\n    v = [v]\norigin.call(\"echo\", v)\n",
		"wide":       "origin.call(\"echo\", [\"x\" * 1000] * 100000)\n",
	})
	attacks := []struct{ script, want string }{
		{"cycle", "contains itself"},
		{"cycle-dict", "contains itself"},
		{"huge-range", "too large"},
		{"deep", "nested deeper than"},
		{"wide", "too large"},
	}
	for _, a := range attacks {
		t.Run(a.script, func(t *testing.T) {
			_, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", client+".key", "--scripts", dir, "--send", a.script)
			assert.Equal(t, 1, code, "exit code; stderr %q", errOut)
			assert.Contains(t, errOut, "sandbox: on the server: the script failed: ")
			assert.Contains(t, errOut, a.want)

			out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", client+".key", "--scripts", dir, "--send", "friendly")
			require.Equal(t, 0, code, "the server must go on serving after %s; stderr %q", a.script, errOut)
			assert.Equal(t, "usd 1.08\n", out)
		})
	}
}

// The hostile expressions of issue 13: each takes little time and few
// steps to write and asks for gigabytes or minutes in one operation.
var hugeAllocations = []struct{ script, src, want string }{
	{"repeat", "s = 'x' * ((1 << 30) - 1)\nshow(len(s))\n", "operator * would go past"},
	{"join", "parts = ['x' * (1 << 20)] * 4096\nshow(len(''.join(parts)))\n", "join would go past"},
	{"dict-key", "d = {}\nk = 'k' * (1 << 20)\nfor i in range(12):\n    k = k + k\nd[k] = 1\n", "operator + would go past"},
	{"doubling-list", "l = [0] * 1000\nfor i in range(30):\n    l += l\n", "operator += would go past"},
	{"extend-self", "l = [0] * 1000\nfor i in range(30):\n    l.extend(l)\n", "extend would go past"},
	{"slice-copies", "l = [0] * (1 << 20)\nc = [l[:] for i in range(1000)]\n", "slice would go past"},
	{"repr", "l = ['x' * (1 << 20)] * 1000\nshow(l)\n", "show would go past"},
	{"format", "s = 'x' * (1 << 20)\nshow(('%s' * 1000) % tuple([s] * 1000))\n", "operator % would go past"},
	{"replace", "s = 'x' * (1 << 20)\nshow(len(s.replace('x', 'yyyyyyyy' * 100)))\n", "replace would go past"},
	{"bigint-parse", "n = int('9' * 4000000)\n", "int() of a string of 4000000 characters"},
	{"bigint-square", "n = 7\nfor i in range(40):\n    n = n * n\n", "integers are limited to"},
}

func TestHostileAllocationsAreRefusedBeforeTheyHappen(t *testing.T) {
	codeserver, sandboxBin, key := setup(t)
	scripts := map[string]string{}
	for _, h := range hugeAllocations {
		scripts[h.script] = h.src
	}
	srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key", "--scripts", scriptDir(t, scripts))

	const heap = 32 << 20
	// The sandbox's own memory (runtime, code, a few buffers) plus what a
	// run may allocate, with room for the collector's lag: far below the
	// gigabytes the attacks ask for.
	const bound = 64<<20 + 2*heap
	for _, h := range hugeAllocations {
		t.Run(h.script, func(t *testing.T) {
			out, errOut, code, peak := runMeasured(t, sandboxBin, "--server", srv.Addr, "--trust", key+".pub",
				"--heap", strconv.Itoa(heap>>20), "--timeout", "1m", h.script)
			assert.Equal(t, 1, code, "exit code; stdout %q", out)
			assert.Contains(t, errOut, "sandbox: stopped: ")
			assert.Contains(t, errOut, h.want)
			assert.LessOrEqual(t, peak, uint64(bound), "peak RSS %d MiB", peak>>20)
			t.Logf("sandbox peak RSS: %d MiB", peak>>20)
		})
	}
}

func TestHostileConcurrentRemoteEvaluationsEachHaveTheirOwnBudget(t *testing.T) {
	sandboxBin, srv, client := remoteEvaluator(t)
	heap := sandbox.DefaultLimits.Heap
	dir := scriptDir(t, map[string]string{
		// Each takes 40 MiB of its own 64 MiB: three at once are 120 MiB.
		"modest-1": "s = 'a' * (40 << 20)\nfor i in range(100000):\n    pass\nshow(len(s))\n",
		"modest-2": "s = 'b' * (40 << 20)\nfor i in range(100000):\n    pass\nshow(len(s))\n",
		"modest-3": "s = 'c' * (40 << 20)\nfor i in range(100000):\n    pass\nshow(len(s))\n",
		"repeat":   hugeAllocations[0].src,
		"join":     hugeAllocations[1].src,
		"dict-key": hugeAllocations[2].src,
	})
	send := func(names ...string) (outs, errOuts []string, codes []int) {
		outs, errOuts, codes = make([]string, len(names)), make([]string, len(names)), make([]int, len(names))
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Go(func() {
				outs[i], errOuts[i], codes[i] = programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", client+".key", "--scripts", dir, "--send", name)
			})
		}
		wg.Wait()
		return outs, errOuts, codes
	}

	t.Run("three modest runs at once all finish", func(t *testing.T) {
		outs, errOuts, codes := send("modest-1", "modest-2", "modest-3")
		for i := range outs {
			assert.Equal(t, 0, codes[i], "run %d: %s", i+1, errOuts[i])
			assert.Equal(t, strconv.Itoa(40<<20)+"\n", outs[i])
		}
	})
	t.Run("three hostile runs at once are each stopped", func(t *testing.T) {
		_, errOuts, codes := send("repeat", "join", "dict-key")
		for i, want := range []string{hugeAllocations[0].want, hugeAllocations[1].want, hugeAllocations[2].want} {
			assert.Equal(t, 1, codes[i])
			assert.Contains(t, errOuts[i], "sandbox: on the server: stopped: ")
			assert.Contains(t, errOuts[i], want)
		}
	})
	// Three budgets and the server's own memory, with room for the
	// collector's lag; the attacks alone ask for gigabytes.
	bound := 3*heap + 2*heap + 64<<20
	peak := programtest.PeakRSS(t, srv.Cmd.Process.Pid)
	assert.LessOrEqual(t, peak, bound, "codeserver peak RSS %d MiB", peak>>20)
	t.Logf("codeserver peak RSS: %d MiB", peak>>20)

	out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", client+".key", "--send", "aggregate")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "total stock worth")
}

// A server, or a man in the middle, that answers every fetch with another
// script it holds a genuine signature for.
func TestHostileSandboxRunsOnlyTheScriptItAskedFor(t *testing.T) {
	_, sandboxBin, key := setup(t)
	priv, err := sandbox.ReadPrivateKey(key + ".key")
	require.NoError(t, err)
	loop := []byte("n = 0\nwhile True:\n    n += 1\n")
	swapped := script{Name: "hostile-loop", Src: loop, Sig: signScript(priv, "hostile-loop", loop)}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- wire.Serve(ctx, wire.NewNode(serverName), ln, func(_ context.Context, req wire.Envelope) (any, error) {
			if req.Type == TypeFetch {
				return swapped.Body(), nil
			}
			return nil, errors.New("this server only swaps scripts")
		})
	}()
	t.Cleanup(func() { cancel(); <-served })

	out, errOut, code := programtest.Run(t, sandboxBin, "--server", ln.Addr().String(), "--trust", key+".pub", "aggregate")
	assert.Equal(t, 1, code)
	assert.Equal(t, "sandbox: refused: asked for aggregate, but the server sent hostile-loop\n", errOut)
	assert.Empty(t, out, "the swapped script must not run")
}

// recordingProxy passes TCP connections through to addr and records every
// line a client sends: what a man in the middle captures.
type recordingProxy struct {
	ln    net.Listener
	mu    sync.Mutex // guards lines
	lines []string
	wg    sync.WaitGroup
}

func startRecordingProxy(t *testing.T, addr string) *recordingProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &recordingProxy{ln: ln}
	var (
		cmu   sync.Mutex // guards conns
		conns []net.Conn
	)
	p.wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", addr)
			if err != nil {
				client.Close()
				continue
			}
			cmu.Lock()
			conns = append(conns, client, server)
			cmu.Unlock()
			p.wg.Go(func() {
				_, _ = io.Copy(client, server)
				client.Close()
			})
			p.wg.Go(func() {
				defer server.Close()
				r := bufio.NewReader(client)
				for {
					line, err := r.ReadBytes('\n')
					if len(line) > 0 {
						p.mu.Lock()
						p.lines = append(p.lines, string(line))
						p.mu.Unlock()
						if _, werr := server.Write(line); werr != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		cmu.Lock()
		for _, c := range conns {
			c.Close()
		}
		cmu.Unlock()
		p.wg.Wait()
	})
	return p
}

// captured returns the first recorded line of the given message type.
func (p *recordingProxy) captured(t *testing.T, typ string) string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.lines {
		var e wire.Envelope
		if json.Unmarshal([]byte(l), &e) == nil && e.Type == typ {
			return l
		}
	}
	t.Fatalf("no %s message among %d recorded lines", typ, len(p.lines))
	return ""
}

// sendLine writes one raw line to addr and returns the envelope that answers it.
func sendLine(t *testing.T, addr, line string) wire.Envelope {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, line)
	require.NoError(t, err)
	reply, err := bufio.NewReader(c).ReadBytes('\n')
	require.NoError(t, err)
	var e wire.Envelope
	require.NoError(t, json.Unmarshal(reply, &e))
	return e
}

func reason(t *testing.T, e wire.Envelope) string {
	t.Helper()
	require.Equal(t, wire.TypeError, e.Type, "want an error reply, got %s %s", e.Type, e.Body)
	var eb wire.ErrorBody
	require.NoError(t, json.Unmarshal(e.Body, &eb))
	return eb.Reason
}

func TestHostileReplayedRunIsRefused(t *testing.T) {
	codeserver, sandboxBin, key := setup(t)
	client := keygen(t, codeserver, "client")
	started := time.Now() // before the server's process starts
	srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key", "--trust", client+".pub")
	mitm := startRecordingProxy(t, srv.Addr)

	out, errOut, code := programtest.Run(t, sandboxBin, "--server", mitm.ln.Addr().String(), "--key", client+".key", "--send", "aggregate")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "total stock worth")

	run := mitm.captured(t, TypeRun)
	for range 3 {
		got := reason(t, sendLine(t, srv.Addr, run))
		assert.Equal(t, errReplay.Error(), got, "the captured request sent again")
	}

	// A request built with the client's own code, signed at another time.
	priv, err := sandbox.ReadPrivateKey(client + ".key")
	require.NoError(t, err)
	c := newClient(wire.NewNode("mallory"), srv.Addr)
	t.Cleanup(c.Close)
	src := []byte(friendly)
	at := func(issued time.Time) error {
		nonce := make([]byte, nonceSize)
		_, err := rand.Read(nonce)
		require.NoError(t, err)
		_, err = c.RunRemote(programtest.Context(t), signRun(priv, "friendly", src, nonce, issued))
		return err
	}
	err = at(time.Now().Add(-2 * replayWindow))
	assert.ErrorContains(t, err, "refused: the run request is stale: signed 2m0s ago, and a request is valid for 1m0s")
	err = at(time.Now().Add(time.Hour))
	assert.ErrorContains(t, err, "refused: the run request is signed 1h0m0s in the future: the client's clock is wrong")
	err = at(started.Add(-time.Second))
	assert.ErrorContains(t, err, "refused: the run request was signed before this server started")
	assert.NoError(t, at(time.Now()), "a fresh request still runs")
}

func TestHostileOversizedScriptIsRefused(t *testing.T) {
	codeserver, sandboxBin, key := setup(t)
	big := strings.Repeat("x = 1\n", 200_000) // 1.2 MiB, more than a wire frame holds
	dir := scriptDir(t, map[string]string{"big": big})

	t.Run("sandbox --send", func(t *testing.T) {
		srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key", "--trust", key+".pub")
		out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", key+".key", "--scripts", dir, "--send", "big")
		assert.Equal(t, 1, code)
		assert.Equal(t, "sandbox: cannot send big: the script has 1171 KiB, and a script may have at most 128 KiB\n", errOut)
		assert.Empty(t, out)
	})
	t.Run("run request", func(t *testing.T) {
		srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key", "--trust", key+".pub")
		priv, err := sandbox.ReadPrivateKey(key + ".key")
		require.NoError(t, err)
		req, err := newRunRequest(priv, "big", []byte(big[:200<<10]))
		require.NoError(t, err)
		c := newClient(wire.NewNode("mallory"), srv.Addr)
		t.Cleanup(c.Close)
		_, err = c.RunRemote(programtest.Context(t), req)
		assert.ErrorContains(t, err, "bad run message: the script has 200 KiB, and a script may have at most 128 KiB")
	})
	t.Run("codeserver --scripts", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key", "--scripts", dir)
		assert.Equal(t, 1, code)
		assert.Equal(t, "codeserver: cannot offer big: the script has 1171 KiB, and a script may have at most 128 KiB\n", errOut)
	})
}

// Anyone who can sign a run request (in class, with the published demo key)
// could start as many remote evaluations at once as the wire takes
// connections, each with its own budget. The server promises that at most
// maxConcurrentRuns run at once, and that a request beyond them is refused
// as busy at once, before it is checked or run.
//
// The test keeps every place taken with slow runs, waits until a probe is
// refused (so they all run), and then sends more: each one the server
// answers while those slow runs still run must be refused as busy. A slow
// run ends at its timeout and not before, so "still run" is known without
// guessing how fast a loaded machine is: until the timeout has passed since
// the slow runs were sent. On a machine so busy that nothing is answered in
// that time, the test tries again with the next slow runs.
func TestHostileConcurrentRunsAreBounded(t *testing.T) {
	codeserver, _, key := setup(t)
	client := keygen(t, codeserver, "client")
	const timeout = 4 * time.Second
	srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key",
		"--trust", client+".pub", "--timeout", timeout.String(), "--steps", strconv.FormatUint(1<<62, 10))
	priv, err := sandbox.ReadPrivateKey(client + ".key")
	require.NoError(t, err)
	ctx := programtest.Context(t)
	run := func(who, name string, src []byte) (RunReply, error) {
		req, err := newRunRequest(priv, name, src)
		require.NoError(t, err)
		c := newClient(wire.NewNode(who), srv.Addr) // a connection each
		defer c.Close()
		return c.RunRemote(ctx, req)
	}

	// Each slow run holds 48 MiB of its 64 MiB budget until it times out.
	// A worker sends its next slow run as soon as one ends (or a probe held
	// the place for a moment), so the slow runs keep every place.
	slow := []byte("s = 'x' * (48 << 20)\nwhile True:\n    pass\n")
	const bound = maxConcurrentRuns
	var (
		stop    atomic.Bool
		mu      sync.Mutex                   // guards sent
		sent    = make([][]time.Time, bound) // when each worker sent each of its slow runs
		workers sync.WaitGroup
	)
	for i := range bound {
		workers.Go(func() {
			for !stop.Load() {
				mu.Lock()
				sent[i] = append(sent[i], time.Now())
				mu.Unlock()
				reply, err := run(fmt.Sprintf("mallory-%d", i), "slow", slow)
				if err == nil {
					assert.Equal(t, (&sandbox.TimeoutError{Timeout: timeout}).Error(), reply.Verdict, "slow run of worker %d", i)
				}
			}
		})
	}
	// heldSince returns a time no later than the send of any slow run that
	// held a place when a probe sent at probe was refused: each worker has
	// one run at a time, sent at its last send before probe or later.
	heldSince := func(probe time.Time) time.Time {
		mu.Lock()
		defer mu.Unlock()
		earliest := probe
		for _, times := range sent {
			last := probe
			for _, at := range times {
				if at.Before(probe) {
					last = at
				}
			}
			earliest = minTime(earliest, last)
		}
		return earliest
	}

	want := 3 * bound
	refused, rounds := 0, 0
	deadline := time.Now().Add(programtest.Patience)
	for refused < want {
		require.True(t, time.Now().Before(deadline), "within %s, only %d runs were answered while %d slow runs ran (%d rounds)",
			programtest.Patience, refused, bound, rounds)
		// A friendly probe finishes at once and frees its place before its
		// reply leaves, so a busy probe means the slow runs hold every place.
		probe := time.Now()
		if _, err := run("probe", "friendly", []byte(friendly)); !isBusy(t, err) {
			time.Sleep(20 * time.Millisecond) // the poll interval: let the slow runs begin
			continue
		}
		rounds++
		stillRunning := heldSince(probe).Add(timeout)
		for i := 0; refused < want; i++ {
			reply, err := run(fmt.Sprintf("eve-%d", i), "slow", slow)
			if !time.Now().Before(stillRunning) {
				break // answered after a slow run may have ended: a place may have been free
			}
			require.Error(t, err, "a run was answered while %d slow runs ran, and it ran too: %+v", bound, reply)
			if isBusy(t, err) {
				refused++
			}
		}
	}
	stop.Store(true)
	workers.Wait()
	t.Logf("%d runs answered while %d slow runs ran, each refused as busy (%d rounds)", refused, bound, rounds)

	// What the server lets the runs at once grow its heap by (the
	// watchdog's ceiling: slack times their budgets; slow runs ending and
	// starting again leave garbage the collector has not taken yet), and
	// its own memory. Without the bound, 16 runs hold 768 MiB alive.
	heap := sandbox.DefaultLimits.Heap
	limit := sandbox.WatchdogSlack*bound*heap + 64<<20
	peak := programtest.PeakRSS(t, srv.Cmd.Process.Pid)
	assert.LessOrEqual(t, peak, limit, "codeserver peak RSS %d MiB", peak>>20)
	t.Logf("codeserver peak RSS: %d MiB", peak>>20)

	reply, err := run("alice", "friendly", []byte(friendly))
	require.NoError(t, err, "a run after the attack")
	assert.Equal(t, "usd 1.08\n", reply.Output)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// isBusy reports whether err is the server's busy refusal. Any other answer
// of the server fails the test; an error of the machine (a connection not
// taken in time under load) is no answer and reports false.
func isBusy(t *testing.T, err error) bool {
	t.Helper()
	var remote *wire.RemoteError
	if !errors.As(err, &remote) {
		if err != nil {
			t.Logf("no answer: %v", err)
		}
		return false
	}
	require.Equal(t, errBusy.Error(), remote.Reason)
	return true
}
