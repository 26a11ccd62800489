package clientserver_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/clientserver"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// programs builds the server and the client once per test.
func programs(t *testing.T) (server, client string) {
	dir := programtest.Build(t, "dsdemo/clientserver/server", "dsdemo/clientserver/client")
	return filepath.Join(dir, "server"), filepath.Join(dir, "client")
}

func TestClientServer(t *testing.T) {
	server, client := programs(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")

	steps := []struct {
		args     []string
		wantOut  string
		wantErr  string
		wantCode int
	}{
		{[]string{"put", "a", "hello world"}, "ok\n", "", 0},
		{[]string{"get", "a"}, "hello world\n", "", 0},
		{[]string{"del", "a"}, "deleted\n", "", 0},
		{[]string{"get", "a"}, "", "client: not found\n", 1},
		{[]string{"del", "a"}, "", "client: not found\n", 1},
		{[]string{"frob", "a"}, "", `client: cannot do "frob a": want get KEY, put KEY VALUE or del KEY` + "\n", 2},
	}
	for _, s := range steps {
		t.Run(strings.Join(s.args, " "), func(t *testing.T) {
			out, errOut, code := programtest.Run(t, client, append([]string{"--server", srv.Addr}, s.args...)...)
			assert.Equal(t, s.wantOut, out, "stdout")
			assert.Equal(t, s.wantErr, errOut, "stderr")
			assert.Equal(t, s.wantCode, code, "exit code")
		})
	}
}

func TestCommandLine(t *testing.T) {
	server, client := programs(t)
	t.Run("bad flag is one line naming it, exit 2", func(t *testing.T) {
		for _, bin := range []string{server, client} {
			_, errOut, code := programtest.Run(t, bin, "--no-such-flag")
			assert.Equal(t, 2, code)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "stderr %q", errOut)
			assert.Contains(t, errOut, "-no-such-flag")
		}
	})
	t.Run("help, exit 0", func(t *testing.T) {
		out, _, code := programtest.Run(t, server, "--help")
		assert.Equal(t, 0, code)
		for _, flag := range []string{"-name", "-listen", "-trace", "-exit-with-collector", "-mode", "-peers", "-group-key"} {
			assert.Contains(t, out, flag)
		}
	})
	// A server whose flags do not fit together fails before it listens, so
	// its stdout never claims that it is serving.
	badFlags := []struct {
		name string
		args []string
		want string
	}{
		{"mirror mode", []string{"--mode", "mirror", "--peers", "127.0.0.1:1"},
			`server: --mode must be partition or replicate, not "mirror"`},
		{"a group without a key", []string{"--mode", "replicate", "--peers", "127.0.0.1:1"},
			"server: --mode replicate needs --group-key KEY (or $DSDEMO_GROUP_KEY), the secret the servers of the group share"},
		{"a group without peers", []string{"--mode", "partition", "--group-key", "k"},
			"server: --mode partition needs --peers"},
		{"peers without a group", []string{"--peers", "127.0.0.1:1"},
			"server: --peers needs --mode partition or --mode replicate"},
		{"a bad peer address", []string{"--mode", "partition", "--peers", "127.0.0.1", "--group-key", "k"},
			`server: --peers: bad address "127.0.0.1": address 127.0.0.1: missing port in address`},
		{"a negative timeout", []string{"--timeout", "-1s"},
			"server: --timeout must be positive, not -1s"},
	}
	for _, b := range badFlags {
		t.Run(b.name+", exit 2 before listening", func(t *testing.T) {
			out, errOut, code := programtest.Run(t, server, append([]string{"--listen", "127.0.0.1:0"}, b.args...)...)
			assert.Equal(t, 2, code)
			assert.Equal(t, b.want+"\n", errOut)
			assert.Empty(t, out, "stdout of a server that does not serve")
		})
	}
	t.Run("address in use, exit 1", func(t *testing.T) {
		srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
		_, errOut, code := programtest.Run(t, server, "--listen", srv.Addr)
		assert.Equal(t, 1, code)
		assert.Equal(t, "server: cannot listen on "+srv.Addr+": address already in use\n", errOut)
	})
	t.Run("no server, exit 1", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, client, "--server", freeAddr(t), "get", "a")
		assert.Equal(t, 1, code)
		assert.Regexp(t, `^client: no server answered: cannot reach 127\.0\.0\.1:\d+: connection refused\n$`, errOut)
	})
	t.Run("collector unreachable, exit 1", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, server, "--listen", "127.0.0.1:0", "--trace", freeAddr(t))
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "cannot reach trace collector")
	})
}

// TestBaseline checks the benchmark's yardstick as a program of its own:
// a bad address is an error and exit 1, and a signal stops it with exit 0.
func TestBaseline(t *testing.T) {
	baseline := filepath.Join(programtest.Build(t, "dsdemo/clientserver/baseline"), "baseline")
	t.Run("bad address, exit 1", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, baseline, "--listen", "127.0.0.1")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Equal(t, "baseline: cannot listen on 127.0.0.1: address 127.0.0.1: missing port in address\n", errOut)
	})
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String()+", exit 0", func(t *testing.T) {
			srv := programtest.StartServer(t, baseline, "--listen", "127.0.0.1:0")
			require.NoError(t, srv.Cmd.Process.Signal(sig))
			assert.Equal(t, 0, srv.Wait(t))
		})
	}
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestServerSurvivesBadInput talks raw JSON lines to the server, as a
// student with nc would.
func TestServerSurvivesBadInput(t *testing.T) {
	server, _ := programs(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")

	conn, err := net.Dial("tcp", srv.Addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	replies := bufio.NewScanner(conn)
	roundTrip := func(line string) wire.Envelope {
		t.Helper()
		require.NoError(t, conn.SetDeadline(time.Now().Add(programtest.Patience)))
		_, err := conn.Write([]byte(line + "\n"))
		require.NoError(t, err)
		require.True(t, replies.Scan(), "no reply to %.60q: %v", line, replies.Err())
		e, err := wire.Decode(replies.Bytes())
		require.NoError(t, err)
		return e
	}

	bad := []struct{ name, line, reason string }{
		{"not JSON", "hello server", "not JSON"},
		{"not an object", `[1,2,3]`, "want a JSON object"},
		{"no type", `{"from":"nc","id":4}`, `missing "type"`},
		{"no id", `{"from":"nc","type":"get"}`, `missing "id"`},
		{"unknown type", `{"from":"nc","type":"frob","id":5,"body":{"key":"a"}}`, `unknown request type "frob"`},
		{"bad body", `{"from":"nc","type":"get","id":6,"body":[1]}`, "bad body"},
		{"no key", `{"from":"nc","type":"put","id":7,"body":{"value":"1"}}`, "put needs a key"},
		{"too large", `{"from":"nc","type":"put","id":8,"body":{"key":"a","value":"` + strings.Repeat("x", wire.MaxFrame) + `"}}`, "frame too large"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			e := roundTrip(b.line)
			assert.Equal(t, wire.TypeError, e.Type)
			var body wire.ErrorBody
			require.NoError(t, e.UnmarshalBody(&body))
			assert.Contains(t, body.Reason, b.reason)
		})
	}
	t.Run("the connection still serves", func(t *testing.T) {
		e := roundTrip(`{"from":"nc","to":"server","type":"put","id":9,"reply_to":0,"clock":1,"body":{"key":"a","value":"1"}}`)
		assert.Equal(t, "put_ok", e.Type)
		assert.Equal(t, uint64(9), e.ReplyTo)
		assert.Greater(t, e.Clock, uint64(1), "reply clock after a request with clock 1")
	})
	t.Run("a vanished peer does not hurt others", func(t *testing.T) {
		half, err := net.Dial("tcp", srv.Addr)
		require.NoError(t, err)
		_, err = half.Write([]byte(`{"from":"nc","type":"get","id":1,"bo`))
		require.NoError(t, err)
		half.Close()
		e := roundTrip(`{"from":"nc","type":"get","id":10,"body":{"key":"a"}}`)
		assert.Equal(t, "get_ok", e.Type)
	})
}

// TestTraceAndClocks checks the observation model end to end: every message
// sent is received once, by the node it was sent to, at a greater Lamport time.
func TestTraceAndClocks(t *testing.T) {
	server, client := programs(t)
	rec := programtest.NewRecorder(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0", "--trace", rec.Addr(), "--name", "server-1")
	for i, cmd := range [][]string{{"put", "a", "1"}, {"put", "b", "2"}, {"get", "a"}, {"del", "b"}} {
		name := fmt.Sprintf("client-%d", i+1)
		_, errOut, code := programtest.Run(t, client, append([]string{"--server", srv.Addr, "--trace", rec.Addr(), "--name", name}, cmd...)...)
		require.Equal(t, 0, code, errOut)
	}
	// Events of different programs reach the collector in any order: wait
	// for all of them, 4 requests and 4 replies, each sent and received.
	events := rec.WaitFor(t, "8 sends and 8 recvs", func(evs []trace.Event) bool {
		n := 0
		for _, ev := range evs {
			if ev.Kind == trace.KindSend || ev.Kind == trace.KindRecv {
				n++
			}
		}
		return n >= 16
	})

	hello := events[0]
	assert.Equal(t, trace.KindHello, hello.Kind)
	assert.Equal(t, "server-1", hello.Node)
	assert.Equal(t, srv.Addr, hello.Listen)
	assert.Equal(t, "clientserver", hello.Model)

	type msgKey struct {
		from string
		id   uint64
	}
	recvs := map[msgKey]trace.Event{}
	listen := map[string]string{}
	for _, ev := range events {
		if ev.Kind == trace.KindHello {
			listen[ev.Node] = ev.Listen
		}
		if ev.Kind == trace.KindRecv {
			recvs[msgKey{ev.Msg.From, ev.Msg.ID}] = ev
		}
	}
	sends := 0
	for _, send := range events {
		if send.Kind != trace.KindSend {
			continue
		}
		sends++
		recv, ok := recvs[msgKey{send.Msg.From, send.Msg.ID}]
		if !assert.True(t, ok, "no recv for %s", programtest.String(send)) {
			continue
		}
		// A client knows its server by address until the first reply names it.
		assert.Contains(t, []string{recv.Node, listen[recv.Node]}, send.Msg.To, "receiver of %s", programtest.String(send))
		assert.Greater(t, recv.Clock, send.Clock, "clock of %s", programtest.String(recv))
		if send.Msg.ReplyTo != 0 {
			req := recvs[msgKey{send.Msg.To, send.Msg.ReplyTo}]
			assert.Greater(t, send.Clock, req.Clock, "a reply is sent after its request arrived")
		}
	}
	assert.Equal(t, 8, sends, "4 requests and 4 replies")
}

// TestSession drives an interactive client the way the launcher does: from
// the collector's "do" lines, and with --every.
func TestSession(t *testing.T) {
	server, client := programs(t)
	rec := programtest.NewRecorder(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")

	t.Run("do", func(t *testing.T) {
		cl := programtest.Start(t, client, "--server", srv.Addr, "--trace", rec.Addr(), "--name", "student")
		rec.WaitFor(t, "hello of the client", programtest.Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello && ev.Node == "student" }))
		require.NoError(t, rec.Send("student", trace.Control{Op: trace.OpDo, Cmd: "put x 42"}))
		cl.WaitLine(t, "ok")
		require.NoError(t, rec.Send("student", trace.Control{Op: trace.OpDo, Cmd: "get x"}))
		cl.WaitLine(t, "42")
		rec.WaitFor(t, "get_ok at the client", programtest.Has(programtest.Msg(trace.KindRecv, "student", "get_ok")))

		_, err := cl.Stdin.Write([]byte("get nothing\nput\nquit\n"))
		require.NoError(t, err)
		cl.WaitLine(t, "not found")
		cl.WaitLine(t, "cannot do")
		assert.Equal(t, 0, cl.Wait(t), "exit code after quit")
	})
	t.Run("every", func(t *testing.T) {
		cl := programtest.Start(t, client, "--server", srv.Addr, "--every", "20ms")
		cl.WaitLine(t, "> put a 1")
		cl.WaitLine(t, "> get b")
		cl.Stdin.Close()
		assert.Equal(t, 0, cl.Wait(t), "exit code at the end of input")
	})
}

// TestLoadMode checks that the exit code of a load run (--bench) tells the
// truth: a run in which the service answered nothing is a failure, and one
// that the user stops is not.
func TestLoadMode(t *testing.T) {
	server, client := programs(t)
	t.Run("every request failed, exit 1", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, client, "--server", freeAddr(t), "--bench", "-c", "2", "-n", "10")
		assert.Equal(t, 1, code)
		assert.Regexp(t, `^10 requests in .*, 10 errors\n`, out)
		assert.Regexp(t, `^client: every one of the 10 requests failed, the first with: no server answered: cannot reach 127\.0\.0\.1:\d+: connection refused\n$`, errOut)
	})
	t.Run("no clients, exit 2", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, client, "--server", freeAddr(t), "--bench", "-c", "0")
		assert.Equal(t, 2, code)
		assert.Equal(t, "client: --bench needs -c and -n of at least 1\n", errOut)
	})
	t.Run("SIGINT ends the run, exit 0", func(t *testing.T) {
		srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
		rec := programtest.NewRecorder(t)
		load := programtest.Start(t, client, "--server", srv.Addr, "--trace", rec.Addr(), "--name", "load", "--bench", "-c", "2", "-n", "1000000000")
		rec.WaitFor(t, "the first answer", programtest.Has(programtest.Msg(trace.KindRecv, "load", clientserver.TypePutOK)))
		require.NoError(t, load.Cmd.Process.Signal(syscall.SIGINT))
		assert.Equal(t, 0, load.Wait(t))
		out, _ := load.Output()
		assert.Contains(t, out, "interrupted: the keys were not read back")
	})
}

// TestStepMode holds a client's request until the collector releases it.
func TestStepMode(t *testing.T) {
	server, client := programs(t)
	rec := programtest.NewRecorder(t)
	srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
	cl := programtest.Start(t, client, "--server", srv.Addr, "--trace", rec.Addr(), "--name", "c")
	rec.WaitFor(t, "hello", programtest.Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello }))

	require.NoError(t, rec.Send("c", trace.Control{Op: trace.OpHold, On: true}))
	require.NoError(t, rec.Send("c", trace.Control{Op: trace.OpDo, Cmd: "put k v"}))
	events := rec.WaitFor(t, "the put to be held", programtest.Has(programtest.Msg(trace.KindHold, "c", "put")))
	var held trace.Event
	for _, ev := range events {
		if ev.Kind == trace.KindHold {
			held = ev
		}
	}
	assert.False(t, programtest.Has(programtest.Msg(trace.KindSend, "c", "put"))(rec.All()), "a held message is not sent")

	require.NoError(t, rec.Send("c", trace.Control{Op: trace.OpRelease, ID: held.Msg.ID}))
	rec.WaitFor(t, "the reply after release", programtest.Has(programtest.Msg(trace.KindRecv, "c", "put_ok")))
	cl.WaitLine(t, "ok")
}

// TestShutdown checks that programs stop cleanly on a signal and with their collector.
func TestShutdown(t *testing.T) {
	server, client := programs(t)
	t.Run("SIGTERM", func(t *testing.T) {
		srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
		require.NoError(t, srv.Cmd.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, 0, srv.Wait(t))
	})
	t.Run("SIGINT during a session", func(t *testing.T) {
		srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0")
		cl := programtest.Start(t, client, "--server", srv.Addr)
		cl.WaitLine(t, "commands:")
		require.NoError(t, cl.Cmd.Process.Signal(syscall.SIGINT))
		assert.Equal(t, 0, cl.Wait(t))
	})
	t.Run("collector goes away", func(t *testing.T) {
		rec := programtest.NewRecorder(t)
		srv := programtest.StartServer(t, server, "--listen", "127.0.0.1:0", "--trace", rec.Addr(), "--exit-with-collector", "--name", "s")
		rec.WaitFor(t, "hello", programtest.Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello }))
		rec.Hangup("s")
		assert.Equal(t, 0, srv.Wait(t))
	})
}

// testGroupKey is the secret the servers that group starts share.
const testGroupKey = "test-group-key"

// group starts n servers that cooperate in the given mode on fixed free
// ports, sharing testGroupKey; extra adds arguments for server i.
func group(t testing.TB, server string, mode clientserver.Mode, n int, extra func(i int) []string) []*programtest.Proc {
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = freeAddr(t)
	}
	procs := make([]*programtest.Proc, n)
	for i := range procs {
		var peers []string
		for j, a := range addrs {
			if j != i {
				peers = append(peers, a)
			}
		}
		args := append([]string{"--listen", addrs[i], "--name", fmt.Sprintf("server-%d", i+1),
			"--mode", string(mode), "--peers", strings.Join(peers, ","), "--group-key", testGroupKey}, extra(i)...)
		procs[i] = programtest.StartServer(t, server, args...)
	}
	if mode == clientserver.Replicate {
		// Each replica first copies its peers; wait until all of them answer.
		for _, p := range procs {
			c := clientserver.NewClient(wire.NewNode("test"), []string{p.Addr}, 0, programtest.Patience)
			_, err := c.Get(programtest.Context(t), "no such key")
			c.Close()
			require.ErrorIs(t, err, clientserver.ErrNotFound, "%s did not catch up", p.Addr)
		}
	}
	return procs
}

func TestPartitionMode(t *testing.T) {
	server, client := programs(t)
	srvs := group(t, server, clientserver.Partition, 3, func(int) []string { return nil })
	node := wire.NewNode("test")
	ctx := t.Context()

	// Write 30 keys through server-1 only; each lands on its owner.
	first := clientserver.NewClient(node, []string{srvs[0].Addr}, 0, programtest.Patience)
	defer first.Close()
	owners := map[string]string{}
	for i := range 30 {
		key := "k" + strconv.Itoa(i)
		res, err := first.Put(ctx, key, "v"+strconv.Itoa(i))
		require.NoError(t, err)
		owners[key] = res.Server
	}
	assert.Len(t, distinct(owners), 3, "30 keys spread over all three servers")

	// Any server answers for any key, with the owner named.
	for i, s := range srvs {
		c := clientserver.NewClient(node, []string{s.Addr}, 0, programtest.Patience)
		defer c.Close()
		for key, owner := range owners {
			res, err := c.Get(ctx, key)
			require.NoError(t, err, "get %s from server-%d", key, i+1)
			assert.Equal(t, owner, res.Server, "owner of %s", key)
			assert.Equal(t, "v"+key[1:], res.Value)
		}
	}

	// The owner of a key crashes: its keys are gone, the others stay.
	require.NoError(t, srvs[2].Cmd.Process.Kill())
	srvs[2].Wait(t)
	for key, owner := range owners {
		out, errOut, code := programtest.Run(t, client, "--server", srvs[0].Addr, "get", key)
		if owner == "server-3" {
			assert.Equal(t, 1, code, "get %s owned by the dead server", key)
			assert.Contains(t, errOut, "lives on "+"127.0.0.1", "error for %s", key)
			assert.Contains(t, errOut, "did not answer")
		} else {
			assert.Equal(t, 0, code, "get %s: %s", key, errOut)
			assert.Equal(t, "v"+key[1:]+"\n", out)
		}
	}
}

func distinct(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, v := range m {
		out[v] = true
	}
	return out
}

var benchLine = regexp.MustCompile(`^(\d+) requests in .*, (\d+) errors$`)

// TestReplicateSurvivesCrash kills one of three replicas during a load run:
// no request may fail and no acknowledged write may be lost.
func TestReplicateSurvivesCrash(t *testing.T) {
	server, client := programs(t)
	rec := programtest.NewRecorder(t)
	// Trace the victim only, to know when the load has reached it.
	srvs := group(t, server, clientserver.Replicate, 3, func(i int) []string {
		if i == 0 {
			return []string{"--trace", rec.Addr()}
		}
		return nil
	})
	victim := srvs[0]
	hello := rec.WaitN(t, 1, func(e trace.Event) bool { return e.Kind == trace.KindHello })[0]
	assert.Equal(t, "cooperating-replicate", hello.Model, "the hello names the model the server plays")

	addrs := []string{srvs[0].Addr, srvs[1].Addr, srvs[2].Addr}
	load := programtest.Start(t, client, "--server", strings.Join(addrs, ","), "--bench", "-c", "9", "-n", "30000")
	rec.WaitFor(t, "the load to reach server-1", func(evs []trace.Event) bool { return len(evs) > 2000 })
	require.NoError(t, victim.Cmd.Process.Kill())
	out, _ := load.Output()
	require.Empty(t, out, "the load run ended before the crash; the test proves nothing")

	summary := load.WaitLine(t, "requests in")
	verified := load.WaitLine(t, "verified")
	require.Equal(t, 0, load.Wait(t))
	m := benchLine.FindStringSubmatch(summary)
	require.NotNil(t, m, "summary line %q", summary)
	assert.Equal(t, "30000", m[1], "requests")
	assert.Equal(t, "0", m[2], "failed requests")
	assert.Regexp(t, `^verified \d+ keys: 0 acknowledged writes lost$`, verified)

	// The two survivors hold the same value for every key.
	node := wire.NewNode("checker")
	b := clientserver.NewClient(node, []string{srvs[1].Addr}, 0, programtest.Patience)
	c := clientserver.NewClient(node, []string{srvs[2].Addr}, 0, programtest.Patience)
	defer b.Close()
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), programtest.Patience)
	defer cancel()
	for w := range 9 {
		for k := range 16 {
			key := fmt.Sprintf("bench-%d-%d", w, k)
			rb, errB := b.Get(ctx, key)
			rc, errC := c.Get(ctx, key)
			assert.Equal(t, errB, errC, "replicas disagree on whether %s exists", key)
			assert.Equal(t, rb.Value, rc.Value, "replicas disagree on %s", key)
		}
	}

	// The victim comes back at its address: it copies the survivors'
	// stores (sync) and then answers for every key as the survivors do.
	inSync := func(e trace.Event) bool {
		return e.Node == "server-1" && e.Kind == trace.KindState && e.Key == "sync" && e.Value == "in sync"
	}
	before := len(rec.Matching(inSync))
	restarted := programtest.StartServer(t, server, victim.Cmd.Args[1:]...)
	rec.WaitN(t, before+1, inSync)
	a := clientserver.NewClient(node, []string{restarted.Addr}, 0, programtest.Patience)
	defer a.Close()
	for w := range 9 {
		for k := range 16 {
			key := fmt.Sprintf("bench-%d-%d", w, k)
			ra, errA := a.Get(ctx, key)
			rb, errB := b.Get(ctx, key)
			assert.Equal(t, errB, errA, "the returned replica disagrees on whether %s exists", key)
			assert.Equal(t, rb.Value, ra.Value, "the returned replica disagrees on %s", key)
		}
	}
}
