package container_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/container"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// programs are the model's programs, built once for all its tests.
var programs = programtest.Programs{Pkgs: []string{"dsdemo/middleware/container/container", "dsdemo/middleware/container/caller"}}

func bin(t testing.TB, name string) string { return programs.Path(t, name) }

func TestMain(m *testing.M) {
	code := m.Run()
	programs.Remove()
	os.Exit(code)
}

// startContainer starts a container on a free port with the data directory
// data (a new one when ""), deploying the examples named.
func startContainer(t *testing.T, data string, args ...string) (*programtest.Proc, string) {
	t.Helper()
	if data == "" {
		data = t.TempDir()
	}
	p := programtest.StartServer(t, bin(t, "container"), append([]string{"--listen", "127.0.0.1:0", "--data", data}, args...)...)
	return p, data
}

// client is the test's own caller, over the wire like the caller program.
type client struct {
	t    *testing.T
	conn *wire.Conn
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := wire.Dial(programtest.Context(t), wire.NewNode("test"), addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn}
}

func (c *client) ask(typ string, body, reply any) error {
	ctx, cancel := context.WithTimeout(programtest.Context(c.t), 20*time.Second)
	defer cancel()
	e, err := c.conn.Call(ctx, "container", typ, body)
	if err != nil {
		return err
	}
	return e.UnmarshalBody(reply)
}

func (c *client) call(user, session, method string, args ...any) (container.CallReply, error) {
	var r container.CallReply
	err := c.ask(container.TypeCall, container.CallRequest{Method: method, Args: args, User: user, Session: session}, &r)
	return r, err
}

func (c *client) must(user, session, method string, args ...any) container.CallReply {
	c.t.Helper()
	r, err := c.call(user, session, method, args...)
	require.NoError(c.t, err, "%s %v", method, args)
	return r
}

func (c *client) balance(name string) int {
	c.t.Helper()
	return int(c.must("bob", "", "bank.balance", name).Result.(float64))
}

func (c *client) status(name string) container.ComponentStatus {
	c.t.Helper()
	var st container.Status
	require.NoError(c.t, c.ask(container.TypeStatus, struct{}{}, &st))
	for _, s := range st.Components {
		if s.Name == name {
			return s
		}
	}
	return container.ComponentStatus{}
}

func (c *client) deploy(example string) (container.DeployReply, error) {
	c.t.Helper()
	req, err := container.ReadDeployment("example:" + example)
	require.NoError(c.t, err)
	var r container.DeployReply
	return r, c.ask(container.TypeDeploy, req, &r)
}

// TestInversionOfControl: the container, not the client, creates the
// instance, and only when the first call needs one.
func TestInversionOfControl(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	c := dial(t, p.Addr)
	assert.Equal(t, 0, c.status("bank").Instances, "no instance before the first call")
	r := c.must("bob", "", "bank.total")
	assert.Equal(t, "v1-#1", r.Instance)
	assert.Equal(t, 1, c.status("bank").Instances, "the first call made one")
}

func TestContainerManagedTransactions(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	c := dial(t, p.Addr)
	t.Run("commit on return", func(t *testing.T) {
		r := c.must("alice", "", "bank.transfer", "a", "b", 10)
		assert.Equal(t, "committed", r.Transaction)
		assert.Equal(t, 990, c.balance("a"))
		assert.Equal(t, 1010, c.balance("b"))
	})
	t.Run("rollback of a transfer that fails halfway", func(t *testing.T) {
		_, err := c.call("alice", "", "bank.transfer", "a", "nobody", 10)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no account nobody; the container rolled its transaction back")
		assert.Equal(t, 990, c.balance("a"), "the first half did not stay")
	})
	t.Run("rollback when the money is not there", func(t *testing.T) {
		_, err := c.call("alice", "", "bank.transfer", "a", "b", 5000)
		assert.ErrorContains(t, err, "not enough money in a")
		assert.Equal(t, 990, c.balance("a"))
	})
	t.Run("Supports runs without one", func(t *testing.T) {
		assert.Equal(t, "none", c.must("bob", "", "bank.total").Transaction)
	})
}

func TestRoleIsCheckedBeforeTheComponentRuns(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	c := dial(t, p.Addr)
	for _, user := range []string{"bob", "", "mallory"} {
		_, err := c.call(user, "", "bank.transfer", "a", "b", 10)
		assert.ErrorContains(t, err, fmt.Sprintf("refused: user %q has none of the roles teller that bank.transfer needs", user))
	}
	assert.Equal(t, 0, c.status("bank").Instances, "a refused call creates no instance")
	assert.Equal(t, 1000, c.balance("a"))
}

// TestConcurrentTransfersKeepTheTotal: 200 transfers at once between three
// accounts, each from a client of its own (one connection's requests are
// answered in turn), some of them failing halfway, and not a cent appears
// or goes.
func TestConcurrentTransfersKeepTheTotal(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	c := dial(t, p.Addr)
	require.Equal(t, 3000, int(c.must("bob", "", "bank.total").Result.(float64)))
	accounts := []string{"a", "b", "c", "nobody"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed, failed := 0, 0
	for i := range 200 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			_, err := dial(t, p.Addr).call("alice", "", "bank.transfer", accounts[r.IntN(3)], accounts[r.IntN(4)], 1+r.IntN(400))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				return
			}
			committed++
		})
	}
	wg.Wait()
	t.Logf("%d committed, %d rolled back", committed, failed)
	assert.Positive(t, committed)
	assert.Positive(t, failed)
	assert.Equal(t, 3000, int(c.must("bob", "", "bank.total").Result.(float64)), "the total balance")
	assert.LessOrEqual(t, c.status("bank").Instances, 3, "never more instances than the pool")
}

func TestPoolUnderLoad(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	c := dial(t, p.Addr)
	seen := map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			r, err := dial(t, p.Addr).call("bob", "", "bank.total")
			if assert.NoError(t, err) {
				mu.Lock()
				seen[r.Instance] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, len(seen), 3, "instances seen: %v", seen)
	assert.Greater(t, len(seen), 1, "calls at once are served by more than one instance: %v", seen)
	assert.Equal(t, 3, c.status("bank").Pool)
}

// TestPassivationAndActivation: an idle stateful instance is written to
// disk and comes back, state and all, on the session's next call; another
// session has an instance of its own.
func TestPassivationAndActivation(t *testing.T) {
	p, data := startContainer(t, "", "--deploy", "example:cart", "--idle", "300ms")
	c := dial(t, p.Addr)
	assert.Equal(t, "none", c.must("bob", "s1", "cart.add", "apple").Transaction, "Never: no transaction")
	c.must("bob", "s1", "cart.add", "pear")
	c.must("alice", "s2", "cart.add", "plum")
	file := filepath.Join(data, "passivated", "cart-s1.json")
	deadline := time.Now().Add(programtest.Patience)
	for _, err := os.Stat(file); err != nil; _, err = os.Stat(file) {
		require.True(t, time.Now().Before(deadline), "s1 was never passivated")
		time.Sleep(20 * time.Millisecond)
	}
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"items":["apple","pear"]`)
	r := c.must("bob", "s1", "cart.items")
	assert.Equal(t, []any{"apple", "pear"}, r.Result)
	_, err = os.Stat(file)
	assert.True(t, os.IsNotExist(err), "activation took the file back")
	assert.Equal(t, []any{"plum"}, c.must("alice", "s2", "cart.items").Result)

	_, err = c.call("bob", "", "cart.items")
	assert.ErrorContains(t, err, "cart is stateful: a call needs a session")
}

// TestHotDeploy: a new version serves the calls that start after it; the
// caller program deploys it over the wire.
func TestHotDeploy(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	c := dial(t, p.Addr)
	assert.Equal(t, 1, c.must("alice", "", "bank.transfer", "a", "b", 600).Version)

	out, errOut, code := programtest.Run(t, bin(t, "caller"), "--container", p.Addr, "deploy", "example:bank-v2")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "deployed bank v2\n", out)

	_, err := c.call("alice", "", "bank.transfer", "a", "b", 600)
	assert.ErrorContains(t, err, "version 2 allows at most 500 per transfer")
	r := c.must("alice", "", "bank.transfer", "a", "b", 100)
	assert.Equal(t, 2, r.Version)
	assert.Equal(t, "v2-#1", r.Instance)
	assert.Equal(t, 300, c.balance("a"), "v2 works on the same data source")

	out, _, code = programtest.Run(t, bin(t, "caller"), "--container", p.Addr, "undeploy", "bank")
	assert.Equal(t, 0, code)
	assert.Equal(t, "undeployed bank v2\n", out)
	_, err = c.call("bob", "", "bank.total")
	assert.ErrorContains(t, err, `no component "bank" is deployed`)
}

// TestCallUnderWayFinishesOnTheOldVersion: a deploy does not cut a
// running call short.
func TestCallUnderWayFinishesOnTheOldVersion(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank,example:rogue", "--steps", "1000000000", "--timeout", "1s")
	c := dial(t, p.Addr)
	done := make(chan error, 1)
	go func() { _, err := c.call("alice", "", "rogue.hang"); done <- err }()
	d := dial(t, p.Addr)
	deadline := time.Now().Add(programtest.Patience)
	for d.status("rogue").Busy == 0 {
		require.True(t, time.Now().Before(deadline), "the call never started")
		time.Sleep(10 * time.Millisecond)
	}
	_, err := d.deploy("rogue")
	require.NoError(t, err)
	assert.ErrorContains(t, <-done, "stopped: ran longer than 1s", "the old version's call ran to its limit")
}

// TestSandboxStopsMisbehavingComponents: whatever a method does wrong, the
// sandbox stops it and the container rolls back what it had done.
func TestSandboxStopsMisbehavingComponents(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank,example:rogue")
	c := dial(t, p.Addr)
	tests := []struct{ method, want string }{
		{"loop", "stopped: more than 1000000 steps"},
		{"hog", "stopped: operator * would go past the 64 MiB this run may allocate"},
		{"crash", "the script failed: floored division by zero"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			_, err := c.call("alice", "", "rogue."+tt.method)
			assert.ErrorContains(t, err, tt.want+"; the container rolled its transaction back")
			assert.Equal(t, 1000, c.balance("a"), "the 100 taken were given back")
		})
	}
	t.Run("never returns", func(t *testing.T) {
		q, _ := startContainer(t, "", "--deploy", "example:bank,example:rogue", "--steps", "1000000000000", "--timeout", "300ms")
		d := dial(t, q.Addr)
		_, err := d.call("alice", "", "rogue.hang")
		assert.ErrorContains(t, err, "stopped: ran longer than 300ms; the container rolled its transaction back")
		assert.Equal(t, 1000, d.balance("a"))
	})
	assert.Equal(t, 3000, int(c.must("bob", "", "bank.total").Result.(float64)), "the container goes on")
}

// TestContainerCrash: the database outlives the container; the stateful
// sessions do not.
func TestContainerCrash(t *testing.T) {
	p, data := startContainer(t, "", "--deploy", "example:bank,example:cart")
	c := dial(t, p.Addr)
	c.must("alice", "", "bank.transfer", "a", "b", 10)
	c.must("bob", "s1", "cart.add", "apple")
	require.NoError(t, p.Cmd.Process.Kill())
	p.Wait(t)

	q, _ := startContainer(t, data, "--deploy", "example:bank,example:cart")
	d := dial(t, q.Addr)
	assert.Equal(t, 990, d.balance("a"), "the committed transfer is in the database")
	assert.Equal(t, []any{}, d.must("bob", "s1", "cart.items").Result, "the session was gone with the container")
}

func TestCallerCommandLine(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	caller := bin(t, "caller")
	out, errOut, code := programtest.Run(t, caller, "--container", p.Addr, "--user", "alice", "--call", "bank.transfer", "a", "b", "10")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, "bank.transfer = 990 (v1, instance v1-#1, transaction committed)\n", out)

	_, errOut, code = programtest.Run(t, caller, "--container", p.Addr, "--user", "bob", "--call", "bank.transfer", "a", "b", "10")
	assert.Equal(t, 1, code)
	assert.Equal(t, "caller: container: refused: user \"bob\" has none of the roles teller that bank.transfer needs\n", errOut)

	out, _, code = programtest.Run(t, caller, "--container", p.Addr, "status")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "bank v1 stateless: 1 instances of a pool of 3"), out)

	_, errOut, code = programtest.Run(t, caller, "--container", p.Addr, "--timeout", "0s", "status")
	assert.Equal(t, 2, code, errOut)
}

// BenchmarkContainerOverTCP: the same stateless call from the caller's
// side, through the real container program over TCP, one call at a time.
func BenchmarkContainerOverTCP(b *testing.B) {
	p := programtest.StartServer(b, bin(b, "container"), "--listen", "127.0.0.1:0", "--data", b.TempDir(), "--deploy", "example:bank")
	conn, err := wire.Dial(context.Background(), wire.NewNode("bench"), p.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for b.Loop() {
		if _, err := conn.Call(context.Background(), "container", container.TypeCall, container.CallRequest{Method: "bank.balance", Args: []any{"a"}, User: "bob"}); err != nil {
			b.Fatal(err)
		}
	}
}
