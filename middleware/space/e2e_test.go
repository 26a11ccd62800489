package space_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/space"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// programs are the model's programs, built once for all its tests.
var programs = programtest.Programs{Pkgs: []string{"dsdemo/middleware/space/space", "dsdemo/middleware/space/master", "dsdemo/middleware/space/worker"}}

func bin(t testing.TB, name string) string { return programs.Path(t, name) }

func TestMain(m *testing.M) {
	code := m.Run()
	programs.Remove()
	os.Exit(code)
}

func startSpace(t *testing.T, args ...string) *programtest.Proc {
	t.Helper()
	return programtest.StartServer(t, bin(t, "space"), append([]string{"--listen", "127.0.0.1:0"}, args...)...)
}

var clients sync.Mutex
var lastClient int

// dial connects a client of the test to the space at addr.
func dial(t *testing.T, addr string) *space.Client {
	t.Helper()
	clients.Lock()
	lastClient++
	name := fmt.Sprintf("test-%d", lastClient)
	clients.Unlock()
	c, err := space.Dial(programtest.Context(t), wire.NewNode(name), addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func entry(typ string, kv ...any) space.Entry {
	e := space.Entry{Type: typ, Fields: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Fields[kv[i].(string)] = kv[i+1]
	}
	return e
}

func write(t *testing.T, c *space.Client, e space.Entry, lease time.Duration, txn uint64) uint64 {
	t.Helper()
	res, err := c.Write(programtest.Context(t), e, lease, txn)
	require.NoError(t, err)
	return res.Lease
}

func take(t *testing.T, c *space.Client, r space.MatchRequest) space.MatchResult {
	t.Helper()
	res, err := c.Take(programtest.Context(t), r)
	require.NoError(t, err)
	return res
}

func read(t *testing.T, c *space.Client, r space.MatchRequest) space.MatchResult {
	t.Helper()
	res, err := c.Read(programtest.Context(t), r)
	require.NoError(t, err)
	return res
}

func begin(t *testing.T, c *space.Client, lease time.Duration) uint64 {
	t.Helper()
	res, err := c.Begin(programtest.Context(t), lease)
	require.NoError(t, err)
	return res.Txn
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(programtest.Patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTemplatesMatchByTypeAndSetFields(t *testing.T) {
	s := startSpace(t)
	c := dial(t, s.Addr)
	write(t, c, entry("point", "x", 1.0, "y", 2.0), 0, 0)
	write(t, c, entry("point", "x", 1.0, "y", 3.0), 0, 0)
	write(t, c, entry("note", "x", 1.0), 0, 0)

	got := read(t, c, space.MatchRequest{Template: entry("point", "y", 3.0)})
	require.True(t, got.Found)
	assert.Equal(t, 3.0, got.Entry.Fields["y"])
	again := read(t, c, space.MatchRequest{Template: entry("point", "y", 3.0)})
	assert.Equal(t, got.Lease, again.Lease, "read returns a copy and leaves the entry")

	none := read(t, c, space.MatchRequest{Template: entry("point", "y", 9.0)})
	assert.False(t, none.Found, "a set field must be equal")
	none = read(t, c, space.MatchRequest{Template: entry("point", "y", "3")})
	assert.False(t, none.Found, "the string 3 is not the number 3")

	wild := take(t, c, space.MatchRequest{Template: entry("point", "x", 1.0, "y", nil)})
	require.True(t, wild.Found, "null is a wildcard")
	assert.Equal(t, 2.0, wild.Entry.Fields["y"], "the oldest match comes first")
	anyType := take(t, c, space.MatchRequest{Template: space.Entry{Fields: map[string]any{"x": 1.0}}})
	require.True(t, anyType.Found, "a template without a type matches every type")
	assert.Equal(t, "point", anyType.Entry.Type)
	last := take(t, c, space.MatchRequest{Template: space.Entry{}})
	require.True(t, last.Found)
	assert.Equal(t, "note", last.Entry.Type)
	assert.False(t, take(t, c, space.MatchRequest{Template: space.Entry{}}).Found, "take removed them all")

	// Every write is a new entry, equal or not.
	write(t, c, entry("dup", "a", true), 0, 0)
	write(t, c, entry("dup", "a", true), 0, 0)
	assert.True(t, take(t, c, space.MatchRequest{Template: entry("dup")}).Found)
	assert.True(t, take(t, c, space.MatchRequest{Template: entry("dup")}).Found)
}

func TestTakeWaitsAndTheLongestWaitingIsServedFirst(t *testing.T) {
	s := startSpace(t)
	w := dial(t, s.Addr)
	first, second := dial(t, s.Addr), dial(t, s.Addr)
	results := make(chan string, 2)
	waitTake := func(name string, c *space.Client) {
		res, err := c.Take(programtest.Context(t), space.MatchRequest{Template: entry("job"), WaitMS: 20000})
		if err == nil && res.Found {
			results <- name + ":" + res.Entry.Fields["n"].(string)
		} else {
			results <- fmt.Sprintf("%s: %v %v", name, res.Found, err)
		}
	}
	go waitTake("first", first)
	waitFor(t, "the first take waits", func() bool { st, _ := w.Status(programtest.Context(t)); return st.Waiting == 1 })
	go waitTake("second", second)
	waitFor(t, "both wait", func() bool { st, _ := w.Status(programtest.Context(t)); return st.Waiting == 2 })
	write(t, w, entry("job", "n", "a"), 0, 0)
	assert.Equal(t, "first:a", <-results)
	write(t, w, entry("job", "n", "b"), 0, 0)
	assert.Equal(t, "second:b", <-results)

	start := time.Now()
	res := take(t, w, space.MatchRequest{Template: entry("job"), WaitMS: 200})
	assert.False(t, res.Found)
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "a take waits its wait")
}

func TestHostileConcurrentTakersOfOneEntryOnlyOneWins(t *testing.T) {
	s := startSpace(t)
	w := dial(t, s.Addr)
	for round := range 5 {
		const takers = 12
		cs := make([]*space.Client, takers)
		for i := range cs {
			cs[i] = dial(t, s.Addr)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		start := make(chan struct{})
		for i, c := range cs {
			wg.Go(func() {
				<-start
				r := space.MatchRequest{Template: entry("prize", "round", float64(round)), WaitMS: 300}
				if i%2 == 0 { // half under a transaction that commits
					txn := begin(t, c, 0)
					r.Txn = txn
					res := take(t, c, r)
					_, err := c.Commit(programtest.Context(t), txn)
					assert.NoError(t, err)
					if res.Found {
						mu.Lock()
						won++
						mu.Unlock()
					}
					return
				}
				if take(t, c, r).Found {
					mu.Lock()
					won++
					mu.Unlock()
				}
			})
		}
		close(start)
		write(t, w, entry("prize", "round", float64(round)), 0, 0)
		wg.Wait()
		assert.Equal(t, 1, won, "round %d: exactly one taker gets the entry", round)
	}
}

func TestLeasesExpireRenewAndCancel(t *testing.T) {
	s := startSpace(t)
	c := dial(t, s.Addr)
	ctx := programtest.Context(t)
	short := write(t, c, entry("brief"), 300*time.Millisecond, 0)
	kept := write(t, c, entry("kept"), 300*time.Millisecond, 0)
	gone := write(t, c, entry("cancelled"), 0, 0)
	require.NoError(t, c.Cancel(ctx, gone))
	assert.False(t, read(t, c, space.MatchRequest{Template: entry("cancelled")}).Found, "cancelling an entry's lease removes it")

	res, err := c.Renew(ctx, kept, 20*time.Second)
	require.NoError(t, err)
	assert.Equal(t, int64(20000), res.LeaseMS)
	waitFor(t, "the brief entry's lease runs out", func() bool {
		return !read(t, c, space.MatchRequest{Template: entry("brief")}).Found
	})
	assert.True(t, read(t, c, space.MatchRequest{Template: entry("kept")}).Found, "a renewed lease runs on")
	_, err = c.Renew(ctx, short, time.Second)
	assert.ErrorContains(t, err, "unknown or over")

	granted, err := c.Write(ctx, entry("long"), 100*time.Hour, 0)
	require.NoError(t, err)
	assert.Equal(t, space.MaxLease.Milliseconds(), granted.LeaseMS, "the space grants at most its longest lease")
}

func TestNotifySendsEventsForMatchingWrites(t *testing.T) {
	s := startSpace(t)
	listener, writer := dial(t, s.Addr), dial(t, s.Addr)
	ctx := programtest.Context(t)
	reg, err := listener.Notify(ctx, entry("news", "topic", "space"), 0)
	require.NoError(t, err)
	write(t, writer, entry("news", "topic", "weather"), 0, 0)
	write(t, writer, entry("news", "topic", "space", "n", 1.0), 0, 0)
	txn := begin(t, writer, 0)
	write(t, writer, entry("news", "topic", "space", "n", 2.0), 0, txn)
	write(t, writer, entry("news", "topic", "space", "n", 3.0), 0, 0)

	ev, err := listener.NextEvent(ctx)
	require.NoError(t, err)
	assert.Equal(t, reg.Reg, ev.Reg)
	assert.Equal(t, uint64(1), ev.Seq)
	assert.Equal(t, 1.0, ev.Entry.Fields["n"])
	ev, err = listener.NextEvent(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3.0, ev.Entry.Fields["n"], "an entry written under a transaction is not news before its commit")
	_, err = writer.Commit(ctx, txn)
	require.NoError(t, err)
	ev, err = listener.NextEvent(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2.0, ev.Entry.Fields["n"], "the commit makes it news")

	require.NoError(t, listener.Cancel(ctx, reg.Reg))
	write(t, writer, entry("news", "topic", "space", "n", 4.0), 0, 0)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = listener.NextEvent(short)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "no events after the registration's lease ended")
}

func TestTransactionsCommitAndAbort(t *testing.T) {
	s := startSpace(t)
	a, b := dial(t, s.Addr), dial(t, s.Addr)
	ctx := programtest.Context(t)

	txn := begin(t, a, 0)
	write(t, a, entry("draft"), 0, txn)
	assert.False(t, read(t, b, space.MatchRequest{Template: entry("draft")}).Found, "others do not see a transaction's writes")
	assert.True(t, read(t, a, space.MatchRequest{Template: entry("draft"), Txn: txn}).Found, "the transaction does")
	res, err := a.Commit(ctx, txn)
	require.NoError(t, err)
	assert.Equal(t, space.TxnResult{Written: 1}, res)
	assert.True(t, read(t, b, space.MatchRequest{Template: entry("draft")}).Found, "after the commit everybody does")

	txn = begin(t, a, 0)
	require.True(t, take(t, a, space.MatchRequest{Template: entry("draft"), Txn: txn}).Found)
	assert.False(t, read(t, b, space.MatchRequest{Template: entry("draft")}).Found, "a taken entry is gone for the others")
	res, err = a.Abort(ctx, txn)
	require.NoError(t, err)
	assert.Equal(t, space.TxnResult{Taken: 1}, res)
	assert.True(t, read(t, b, space.MatchRequest{Template: entry("draft")}).Found, "the abort puts it back")

	txn = begin(t, a, 0)
	require.True(t, take(t, a, space.MatchRequest{Template: entry("draft"), Txn: txn}).Found)
	_, err = a.Commit(ctx, txn)
	require.NoError(t, err)
	assert.False(t, read(t, b, space.MatchRequest{Template: entry("draft")}).Found, "the commit makes the take final")
	_, err = a.Commit(ctx, txn)
	assert.ErrorContains(t, err, "unknown or over")
}

func TestTransactionLeaseRunningOutPutsTakenEntriesBack(t *testing.T) {
	s := startSpace(t)
	dying, other := dial(t, s.Addr), dial(t, s.Addr)
	write(t, other, entry("task", "n", 1.0), 0, 0)
	txn := begin(t, dying, 400*time.Millisecond)
	require.True(t, take(t, dying, space.MatchRequest{Template: entry("task"), Txn: txn}).Found)
	dying.Close() // the connection's end does not end the transaction ...
	assert.False(t, read(t, other, space.MatchRequest{Template: entry("task")}).Found)
	// ... its lease does: the task comes back to whoever waits for it.
	start := time.Now()
	got := take(t, other, space.MatchRequest{Template: entry("task"), WaitMS: 10000})
	require.True(t, got.Found)
	assert.Less(t, time.Since(start), 5*time.Second)
	_, err := other.Commit(programtest.Context(t), txn)
	assert.ErrorContains(t, err, "unknown or over", "an expired transaction cannot commit")
}

func TestIfExistsWaitsOnlyForHeldEntries(t *testing.T) {
	s := startSpace(t)
	a, b := dial(t, s.Addr), dial(t, s.Addr)
	start := time.Now()
	res := take(t, b, space.MatchRequest{Template: entry("x"), WaitMS: 5000, IfExists: true})
	assert.False(t, res.Found)
	assert.Less(t, time.Since(start), 2*time.Second, "none exists: takeIfExists answers at once")

	write(t, a, entry("x"), 0, 0)
	txn := begin(t, a, 0)
	require.True(t, take(t, a, space.MatchRequest{Template: entry("x"), Txn: txn}).Found)
	done := make(chan space.MatchResult, 1)
	go func() { done <- take(t, b, space.MatchRequest{Template: entry("x"), WaitMS: 10000, IfExists: true}) }()
	waitFor(t, "takeIfExists waits for the held entry", func() bool { st, _ := a.Status(programtest.Context(t)); return st.Waiting == 1 })
	_, err := a.Abort(programtest.Context(t), txn)
	require.NoError(t, err)
	assert.True(t, (<-done).Found, "the abort gives it to the waiting takeIfExists")

	txn = begin(t, a, 0)
	write(t, b, entry("y"), 0, 0)
	require.True(t, take(t, a, space.MatchRequest{Template: entry("y"), Txn: txn}).Found)
	go func() { done <- read(t, b, space.MatchRequest{Template: entry("y"), WaitMS: 10000, IfExists: true}) }()
	waitFor(t, "readIfExists waits", func() bool { st, _ := a.Status(programtest.Context(t)); return st.Waiting == 1 })
	_, err = a.Commit(programtest.Context(t), txn)
	require.NoError(t, err)
	assert.False(t, (<-done).Found, "the commit took it for good: readIfExists answers none")
}

func TestBoundsRefuseWithClearErrors(t *testing.T) {
	s := startSpace(t, "--max-entries", "2", "--max-waiting", "1", "--max-txns", "1", "--max-bytes", "70000")
	c := dial(t, s.Addr)
	ctx := programtest.Context(t)
	write(t, c, entry("a"), 0, 0)
	write(t, c, entry("a"), 0, 0)
	_, err := c.Write(ctx, entry("a"), 0, 0)
	assert.ErrorContains(t, err, "--max-entries")
	take(t, c, space.MatchRequest{Template: entry("a")})
	_, err = c.Write(ctx, entry("big", "s", strings.Repeat("x", 60000)), 0, 0)
	require.NoError(t, err)
	take(t, c, space.MatchRequest{Template: entry("a")})
	_, err = c.Write(ctx, entry("big", "s", strings.Repeat("x", 60000)), 0, 0)
	assert.ErrorContains(t, err, "--max-bytes")

	begin(t, c, 0)
	_, err = c.Begin(ctx, 0)
	assert.ErrorContains(t, err, "--max-txns")

	other := dial(t, s.Addr)
	go func() { _, _ = other.Take(ctx, space.MatchRequest{Template: entry("never"), WaitMS: 3000}) }()
	waitFor(t, "one take waits", func() bool { st, _ := c.Status(ctx); return st.Waiting == 1 })
	_, err = c.Take(ctx, space.MatchRequest{Template: entry("never"), WaitMS: 1000})
	assert.ErrorContains(t, err, "--max-waiting")
}

// farmArgs starts n workers at the space.
func startWorkers(t *testing.T, addr string, n int, args ...string) []*programtest.Proc {
	var ws []*programtest.Proc
	for i := range n {
		ws = append(ws, programtest.Start(t, bin(t, "worker"),
			append([]string{"--space", addr, "--name", fmt.Sprintf("worker-%d", i+1)}, args...)...))
	}
	return ws
}

func TestFarmAssemblesThePicture(t *testing.T) {
	s := startSpace(t)
	startWorkers(t, s.Addr, 2)
	out := filepath.Join(t.TempDir(), "mandel.ppm")
	stdout, stderr, code := programtest.Run(t, bin(t, "master"), "--space", s.Addr, "--size", "64x32", "--grid", "4x4", "--out", out, "render")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "picture complete: 16 tiles, each once")
	assert.Equal(t, 16, strings.Count(stdout, " by worker-"), "one line per tile, naming its worker")
	pic, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(pic), "P6\n64 32\n255\n"))
	assert.Len(t, pic, len("P6\n64 32\n255\n")+64*32*3)
}

func TestHostileFarmSurvivesWorkersKilledAtRandom(t *testing.T) {
	s := startSpace(t)
	args := []string{"--work", "40ms", "--txn-lease", "400ms"}
	workers := startWorkers(t, s.Addr, 3, args...)
	master := programtest.Start(t, bin(t, "master"), "--space", s.Addr, "--size", "96x48", "--grid", "8x4", "render")
	rng := rand.New(rand.NewPCG(19, uint64(time.Now().UnixNano())))
	killed := 0
	finished := func() bool {
		out, errOut := master.Output()
		return len(errOut) > 0 || strings.Contains(strings.Join(out, "\n"), "picture complete")
	}
	for !finished() && killed < 6 {
		time.Sleep(time.Duration(60+rng.IntN(120)) * time.Millisecond)
		i := rng.IntN(len(workers))
		if err := workers[i].Cmd.Process.Signal(syscall.SIGKILL); err == nil {
			killed++
		}
		workers[i] = programtest.Start(t, bin(t, "worker"), append([]string{"--space", s.Addr, "--name", fmt.Sprintf("worker-r%d", killed)}, args...)...)
	}
	require.Equal(t, 0, master.Wait(t))
	stdout, _ := master.Output()
	all := strings.Join(stdout, "\n")
	assert.Contains(t, all, "picture complete: 32 tiles, each once")
	assert.NotContains(t, all, "came twice")
	seen := map[string]int{}
	for _, l := range stdout {
		if strings.HasPrefix(l, "tile ") && strings.Contains(l, " by ") {
			seen[strings.Fields(l)[1]]++
		}
	}
	assert.Len(t, seen, 32, "every tile arrived")
	for tile, n := range seen {
		assert.Equal(t, 1, n, "tile %s committed once", tile)
	}
	t.Logf("killed %d workers during the run", killed)
}

// TestMasterReportsTilesAndTheSpaceItsState: the master reports each
// result as a tile of its picture (the first one starting it), and the
// space reports its entries, transactions and their leases.
func TestMasterReportsTilesAndTheSpaceItsState(t *testing.T) {
	rec := programtest.NewRecorder(t)
	s := startSpace(t, "--trace", rec.Addr())
	startWorkers(t, s.Addr, 2, "--trace", rec.Addr())
	_, stderr, code := programtest.Run(t, bin(t, "master"), "--space", s.Addr, "--trace", rec.Addr(), "--grid", "4x2", "render")
	require.Equal(t, 0, code, stderr)
	tiles := rec.WaitN(t, 8, func(ev trace.Event) bool { return ev.Node == "master" && ev.Tile != nil })
	assert.True(t, tiles[0].Tile.Reset, "the first tile starts the picture")
	cells := map[[2]int]bool{}
	for _, ev := range tiles {
		assert.Equal(t, 4, ev.Tile.W)
		assert.Equal(t, 2, ev.Tile.H)
		assert.Contains(t, ev.Tile.By, "worker-")
		cells[[2]int{ev.Tile.X, ev.Tile.Y}] = true
	}
	assert.Len(t, cells, 8, "every cell once")
	rec.WaitFor(t, "the space's gauges and a transaction's lease", programtest.Has(func(ev trace.Event) bool {
		return ev.Node == "space" && ev.Key == "txn worker-1" && ev.Timer != nil
	}))
	rec.WaitFor(t, "the entries gauge", programtest.Has(func(ev trace.Event) bool {
		return ev.Node == "space" && ev.Key == "entries" && ev.Gauge != nil
	}))
	rec.WaitFor(t, "a committed transaction", programtest.Has(func(ev trace.Event) bool {
		return ev.Node == "space" && strings.HasPrefix(ev.Key, "txn worker-") && ev.Value == "committed"
	}))
}
