package p2p_test

import (
	"bufio"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/p2p"
)

// testRing is a ring of real peer processes, watched through one collector.
type testRing struct {
	t     *testing.T
	bin   string
	rec   *programtest.Recorder
	procs map[string]*programtest.Proc
}

func newRing(t *testing.T) *testRing {
	dir := programtest.Build(t, "dsdemo/p2p/peer")
	return &testRing{t: t, bin: filepath.Join(dir, "peer"), rec: programtest.NewRecorder(t), procs: map[string]*programtest.Proc{}}
}

// start starts peer name, joining through the peer join ("" for a new ring).
func (r *testRing) start(name, join string) *programtest.Proc {
	args := []string{"--name", name, "--listen", "127.0.0.1:0", "--trace", r.rec.Addr(), "--stabilize", "100ms", "--timeout", "500ms"}
	if join != "" {
		args = append(args, "--join", r.procs[join].Addr)
	}
	p := programtest.StartServer(r.t, r.bin, args...)
	r.procs[name] = p
	return p
}

// grow starts peers peer-1 .. peer-n, each joining through the one before.
func (r *testRing) grow(n int) []string {
	var names []string
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("peer-%d", i)
		join := ""
		if i > 1 {
			join = names[len(names)-1]
		}
		r.start(name, join)
		names = append(names, name)
	}
	return names
}

// order returns names sorted by their position on the ring.
func order(names []string) []string {
	out := slices.Clone(names)
	slices.SortFunc(out, func(a, b string) int { return int(int64(p2p.Hash(a)) - int64(p2p.Hash(b))) })
	return out
}

// waitStable waits until every peer of names reports the right predecessor
// and a successor list that starts with its right successor, as it follows
// from the positions of names on the ring.
func (r *testRing) waitStable(names []string) {
	r.t.Helper()
	ring := order(names)
	r.rec.WaitFor(r.t, fmt.Sprintf("the ring %v to stabilise", ring), func(evs []trace.Event) bool {
		last := map[string]string{} // node/key -> latest value
		for _, e := range evs {
			if e.Kind == trace.KindState {
				last[e.Node+"/"+e.Key] = e.Value
			}
		}
		for i, n := range ring {
			pred, succ := ring[(i+len(ring)-1)%len(ring)], ring[(i+1)%len(ring)]
			if last[n+"/pred"] != pred || !strings.HasPrefix(last[n+"/succ"]+",", succ+",") {
				return false
			}
		}
		return true
	})
}

// owner returns the peer of names a key belongs to: its successor.
func owner(names []string, key string) string {
	ring := order(names)
	id := p2p.Hash(key)
	for _, n := range ring {
		if id <= p2p.Hash(n) {
			return n
		}
	}
	return ring[0]
}

func (r *testRing) run(args ...string) (string, string, int) {
	return programtest.Run(r.t, r.bin, args...)
}

// ask runs a client command against the peer via, which must succeed, and
// returns what it printed.
func (r *testRing) ask(via string, command ...string) string {
	r.t.Helper()
	out, errOut, code := r.run(append([]string{"--to", r.procs[via].Addr}, command...)...)
	require.Equal(r.t, 0, code, "%v via %s: %s", command, via, errOut)
	return out
}

func TestRingPutGet(t *testing.T) {
	r := newRing(t)
	names := r.grow(5)
	r.waitStable(names)

	keys := make([]string, 30)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
		out := r.ask(names[i%len(names)], "put", keys[i], "value-"+keys[i])
		assert.Contains(t, out, "stored at "+owner(names, keys[i])+"@", "put %s", keys[i])
	}
	for i, k := range keys {
		out := r.ask(names[(i+2)%len(names)], "get", k)
		assert.True(t, strings.HasPrefix(out, k+" = value-"+k+" (held by "+owner(names, k)+"@"), "get %s: %q", k, out)
		assert.Regexp(t, `, \d+ hops?\)\n$`, out)
	}

	t.Run("missing key exits 1 with not found", func(t *testing.T) {
		out, errOut, code := r.run("--to", r.procs["peer-1"].Addr, "get", "no-such-key")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Equal(t, "peer: get no-such-key: not found\n", errOut)
	})
	t.Run("ring lists every peer in ring order", func(t *testing.T) {
		out := r.ask("peer-3", "ring")
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		assert.True(t, strings.HasPrefix(lines[0], "peer-3@"), "first line %q", lines[0])
		assert.Equal(t, "the ring, walked along successors (5 peers):", lines[1])
		var walked []string
		for _, l := range lines[3:] {
			walked = append(walked, strings.Fields(l)[1])
		}
		ring := order(names)
		i := slices.Index(ring, "peer-3")
		assert.Equal(t, append(slices.Clone(ring[i:]), ring[:i]...), walked)
	})
	t.Run("routing state is O(log N): fingers are few and distinct", func(t *testing.T) {
		for _, n := range names {
			var fingers string
			for _, e := range r.rec.Matching(func(e trace.Event) bool { return e.Node == n && e.Key == "fingers" }) {
				fingers = e.Value
			}
			assert.LessOrEqual(t, len(strings.Split(fingers, ",")), 4, "%s fingers %q", n, fingers)
		}
	})
	t.Run("a peer takes commands from do lines", func(t *testing.T) {
		require.NoError(t, r.rec.Send("peer-2", trace.Control{Op: trace.OpDo, Cmd: "get key-7"}))
		r.rec.WaitFor(t, "peer-2's log of the get", programtest.Has(func(e trace.Event) bool {
			return e.Node == "peer-2" && e.Kind == trace.KindLog && strings.HasPrefix(e.Text, "get key-7: key-7 = value-key-7")
		}))
	})
}

func TestJoinTakesOverAndLeaveHandsOver(t *testing.T) {
	r := newRing(t)
	names := r.grow(3)
	r.waitStable(names)
	// 20 keys, 5 of which will be peer-4's once it has joined.
	later := append(slices.Clone(names), "peer-4")
	var keys []string
	for i, theirs := 0, 0; len(keys) < 20; i++ {
		k := fmt.Sprintf("k%d", i)
		if owner(later, k) == "peer-4" && theirs < 5 {
			theirs++
			keys = append(keys, k)
		} else if owner(later, k) != "peer-4" && len(keys)-theirs < 15 {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		r.ask("peer-1", "put", k, "v")
	}

	// peer-4 joins and becomes the successor of some keys: they are its now.
	r.start("peer-4", "peer-2")
	names = append(names, "peer-4")
	r.waitStable(names)
	var mine []string
	for _, k := range keys {
		if owner(names, k) == "peer-4" {
			mine = append(mine, k)
		}
	}
	require.Len(t, mine, 5)
	for _, k := range mine {
		assert.Contains(t, r.ask("peer-4", "get", k), "(held by peer-4@", "after the join, %s is peer-4's", k)
	}

	// peer-4 leaves gracefully: its successor holds its keys, nothing lost.
	require.NoError(t, r.procs["peer-4"].Cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 0, r.procs["peer-4"].Wait(t))
	names = names[:3]
	r.waitStable(names)
	for _, k := range keys {
		assert.Contains(t, r.ask("peer-1", "get", k), "(held by "+owner(names, k)+"@", "get %s after the leave", k)
	}
}

func TestCrashOfAdjacentPeersLosesNoKey(t *testing.T) {
	r := newRing(t)
	names := r.grow(6)
	r.waitStable(names)
	keys := make([]string, 60)
	for i := range keys {
		keys[i] = fmt.Sprintf("crash-%d", i)
		r.ask(names[i%6], "put", keys[i], "v"+keys[i])
	}

	// r-1 = 2 adjacent peers crash at once.
	ring := order(names)
	dead := ring[1:3]
	for _, n := range dead {
		require.NoError(t, r.procs[n].Cmd.Process.Kill())
		r.procs[n].Wait(t)
	}
	alive := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return slices.Contains(dead, n) })
	r.waitStable(alive)
	for i, k := range keys {
		assert.Contains(t, r.ask(alive[i%len(alive)], "get", k), k+" = v"+k, "after %v crashed", dead)
	}
}

func TestSlowPeerIsPassedOver(t *testing.T) {
	r := newRing(t)
	names := r.grow(4)
	r.waitStable(names)
	key := "frozen-key"
	r.ask("peer-1", "put", key, "cold")

	// The key's successor stops answering (SIGSTOP): a get times out on it
	// and is answered by the next peer, which holds a copy.
	slow := owner(names, key)
	require.NoError(t, r.procs[slow].Cmd.Process.Signal(syscall.SIGSTOP))
	t.Cleanup(func() { r.procs[slow].Cmd.Process.Signal(syscall.SIGCONT) })
	via := names[0]
	if via == slow {
		via = names[1]
	}
	out := r.ask(via, "get", key)
	assert.Contains(t, out, key+" = cold")
	assert.NotContains(t, out, "held by "+slow+"@")
}

func TestBadInput(t *testing.T) {
	r := newRing(t)
	r.grow(1)
	peer := r.procs["peer-1"]

	t.Run("join through an address where nobody listens", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		ln.Close()
		out, errOut, code := r.run("--listen", "127.0.0.1:0", "--join", addr)
		assert.Equal(t, 1, code)
		assert.Equal(t, "peer: cannot join the ring: cannot reach "+addr+": connection refused\n", errOut)
		// It joins before it serves, so it never claimed to be ready.
		assert.NotContains(t, out, "listening on")
	})
	t.Run("join through something that is not a peer and says so", func(t *testing.T) {
		ln := lineServer(t, func(line string) string {
			return `{"from":"server","type":"error","id":1,"reply_to":1,"clock":1,"body":{"reason":"unknown type closest"}}`
		})
		_, errOut, code := r.run("--listen", "127.0.0.1:0", "--join", ln)
		assert.Equal(t, 1, code)
		assert.Equal(t, "peer: cannot join through "+ln+": it is not a peer (it answered \"unknown type closest\")\n", errOut)
	})
	t.Run("join through something that never answers", func(t *testing.T) {
		ln := lineServer(t, func(string) string { return "" })
		out, errOut, code := r.run("--listen", "127.0.0.1:0", "--timeout", "200ms", "--join", ln)
		assert.Equal(t, 1, code)
		assert.NotContains(t, out, "listening on")
		assert.Equal(t, "peer: cannot join through "+ln+": no answer within 200ms; is it a peer?\n", errOut)
	})
	t.Run("malformed ring messages get error replies", func(t *testing.T) {
		c, err := net.Dial("tcp", peer.Addr)
		require.NoError(t, err)
		defer c.Close()
		in := bufio.NewScanner(c)
		for _, tc := range []struct{ line, reason string }{
			{`{"from":"x","type":"notify","id":1,"body":{"node":{}}}`, "a peer needs an address and a name"},
			{`{"from":"x","type":"notify","id":2,"body":{"node":{"addr":"nowhere","name":"n"}}}`, `bad peer address \"nowhere\"`},
			{`{"from":"x","type":"closest","id":3,"body":{"id":"abc"}}`, "closest"},
			{`{"from":"x","type":"store","id":4,"body":{"items":[]}}`, "0 items; from 1 to 1024"},
			{`{"from":"x","type":"store","id":4,"body":{"items":[{"key":"a"},{"key":"b"}]}}`, "store takes exactly one item"},
			{`{"from":"x","type":"put","id":5,"body":{"items":[{"key":""}]}}`, "a key must not be empty"},
			{`{"from":"x","type":"join-me","id":6}`, `unknown message type \"join-me\"`},
			{`not json at all`, "error"},
			{`{"from":"x","type":"get","id":7,"body":{"key":"` + strings.Repeat("k", p2p.MaxKey+1) + `"}}`, "a key of 257 bytes; at most 256"},
			{`{"from":"x","type":"put","id":8,"body":{"items":[{"key":"k","value":"` + strings.Repeat("v", p2p.MaxValue+1) + `"}]}}`, "a value of 65537 bytes; at most 65536"},
			{`{"from":"x","type":"closest","id":9,"body":{"id":4294967296}}`, "closest"},
			{`{"from":"x","type":"notify","id":10,"body":{"node":{"id":1,"addr":"127.0.0.1:1","name":"n"}}}`, "is the hash of neither its name nor its address"},
			{`{"from":"x","type":"notify","id":11,"body":{"node":{"id":1,"addr":"127.0.0.1:0","name":"n"}}}`, `bad peer address \"127.0.0.1:0\"`},
			{`{"from":"x","type":"notify","id":12,"body":{"node":{"id":1,"addr":"127.0.0.1:1","name":"` + strings.Repeat("n", p2p.MaxName+1) + `"}}}`, "a peer name of 65 bytes; at most 64"},
			{`{"from":"x","type":"replicate","id":13,"body":{"items":[` + strings.Repeat(`{"key":"k"},`, 1024) + `{"key":"k"}]}}`, "1025 items; from 1 to 1024"},
		} {
			_, err := fmt.Fprintln(c, tc.line)
			require.NoError(t, err)
			require.True(t, in.Scan(), "no answer to %s", tc.line)
			assert.Contains(t, in.Text(), `"type":"error"`, tc.line)
			assert.Contains(t, in.Text(), tc.reason, tc.line)
		}
		// The peer goes on serving.
		assert.Contains(t, r.ask("peer-1", "put", "after", "bad-input"), "stored at peer-1@")
	})
	t.Run("command line", func(t *testing.T) {
		for _, tc := range []struct {
			args    []string
			code    int
			errLine string
		}{
			{[]string{"--to", peer.Addr}, 2, "peer: --to ADDR wants a command; commands: put KEY VALUE | get KEY | ring\n"},
			{[]string{"--to", peer.Addr, "fly", "away"}, 2, `peer: "fly away" is not a command; commands: put KEY VALUE | get KEY | ring` + "\n"},
			{[]string{"--listen", "127.0.0.1:0", "extra"}, 2, "peer: a peer takes no arguments; to ask one, use --to ADDR extra\n"},
			{[]string{"--replicas", "many"}, 2, ""},
			{[]string{"--listen", "127.0.0.1:0", "--replicas", "17"}, 2, "peer: --replicas must be from 1 to 16\n"},
		} {
			_, errOut, code := r.run(tc.args...)
			assert.Equal(t, tc.code, code, "%v", tc.args)
			if tc.errLine != "" {
				assert.Equal(t, tc.errLine, errOut, "%v", tc.args)
			} else {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "%v: %q", tc.args, errOut)
			}
		}
	})
}

// lineServer listens on loopback and answers every line it reads with
// answer(line), or not at all when answer returns "". It returns its address.
func lineServer(t *testing.T, answer func(string) string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			go func() {
				in := bufio.NewScanner(c)
				for in.Scan() {
					if a := answer(in.Text()); a != "" {
						fmt.Fprintln(c, a)
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestPutToASilentSuccessorIsNotSentAgain(t *testing.T) {
	r := newRing(t)
	names := r.grow(4)
	r.waitStable(names)
	key := "frozen-put"
	slow := owner(names, key)
	require.NoError(t, r.procs[slow].Cmd.Process.Signal(syscall.SIGSTOP))
	t.Cleanup(func() { r.procs[slow].Cmd.Process.Signal(syscall.SIGCONT) })
	via := names[0]
	if via == slow {
		via = names[1]
	}

	// The store reaches the key's successor, which never answers: it may
	// have stored the key, so the put is not given to another peer.
	_, errOut, code := r.run("--to", r.procs[via].Addr, "put", key, "v")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "did not answer the store, which it may have carried out")
	stores := r.rec.Matching(func(e trace.Event) bool {
		return e.Kind == trace.KindSend && e.Msg != nil && e.Msg.Type == p2p.TypeStore
	})
	assert.Len(t, stores, 1, "store messages sent")
}
