package launch_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// programs returns the packages of every binary the catalogue's models
// use, as programtest.Build wants them ("dsdemo/clientserver/server").
func programs() []string {
	var pkgs []string
	for _, m := range catalog.All() {
		for _, p := range m.Programs {
			// Validate has checked that programs.txt lists every binary.
			pkg, _ := catalog.Package(p.Binary)
			if pkg = "dsdemo/" + strings.TrimPrefix(pkg, "./"); !slices.Contains(pkgs, pkg) {
				pkgs = append(pkgs, pkg)
			}
		}
	}
	return pkgs
}

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(orphanChild())
	}
	os.Exit(m.Run())
}

// TestLauncher builds the programs once and runs every test that needs
// them against real processes.
func TestLauncher(t *testing.T) {
	bin := programtest.Build(t, programs()...)
	t.Run("controls", func(t *testing.T) { testControls(t, bin) })
	t.Run("start errors", func(t *testing.T) { testStartErrors(t, bin) })
	t.Run("experiments", func(t *testing.T) { testExperiments(t, bin) })
	t.Run("a adds the catalogue's role", func(t *testing.T) { testAddsTheCataloguesRole(t, bin) })
	t.Run("claims", func(t *testing.T) { testClaims(t, bin) })
	t.Run("an instructor's experiment", func(t *testing.T) { testOwnExperiment(t, bin) })
	t.Run("churn", func(t *testing.T) { testChurn(t, bin) })
	t.Run("predict keeps the node alive", func(t *testing.T) { testPredictKeepsTheNodeAlive(t, bin) })
	t.Run("predict outlasts the sender's timeout", func(t *testing.T) { testPredictOutlastsTheSendersTimeout(t, bin) })
	t.Run("stop ends the holders", func(t *testing.T) { testStopEndsTheHolders(t, bin) })
	t.Run("stop lets the next experiment be", func(t *testing.T) { testStopLetsTheNextExperimentBe(t, bin) })
	t.Run("no orphans", func(t *testing.T) { testNoOrphans(t, bin) })
	t.Run("no run left behind", func(t *testing.T) { testNoRunLeftBehind(t, bin) })
}

// waitFor waits for an event m describes among the events after the first
// mark ones (the number of events seen before the step that causes it).
func waitFor(t *testing.T, log *programtest.EventLog, mark int, m catalog.Match) trace.Event {
	t.Helper()
	evs := log.WaitFor(t, fmt.Sprintf("%+v", m), func(evs []trace.Event) bool {
		return slices.IndexFunc(evs[mark:], m.Matches) >= 0
	})
	return evs[mark+slices.IndexFunc(evs[mark:], m.Matches)]
}

// mark is the number of events so far, for waitFor.
func mark(log *programtest.EventLog) int { return len(log.All()) }

// start starts the model id with the programs in bin; the launcher is
// closed when the test ends.
func start(t *testing.T, bin, id string) (*launch.Launcher, *programtest.EventLog) {
	t.Helper()
	m, ok := catalog.ByID(id)
	require.True(t, ok, "model %s is in the catalogue", id)
	log := programtest.NewEventLog()
	l, err := launch.Start(t.Context(), launch.Config{Model: m, BinDir: bin, OnEvent: log.Add})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l, log
}

// proc returns the snapshot of node.
func proc(t *testing.T, l *launch.Launcher, node string) launch.Proc {
	t.Helper()
	procs := l.Procs()
	i := slices.IndexFunc(procs, func(p launch.Proc) bool { return p.Node == node })
	require.GreaterOrEqual(t, i, 0, "%s is among the processes", node)
	return procs[i]
}

var loopbackAddr = regexp.MustCompile(`^127\.0\.0\.1:[1-9][0-9]*$`)

func testControls(t *testing.T, bin string) {
	l, log := start(t, bin, "clientserver")
	// do lets node run cmd and waits for the event want. Control lines are
	// not answered, so a fault takes effect before a do only when both go
	// to the same node: its program reads its control lines in order.
	do := func(t *testing.T, node, cmd string, want catalog.Match) trace.Event {
		t.Helper()
		at := mark(log)
		require.NoError(t, l.Control(node, trace.Control{Op: trace.OpDo, Cmd: cmd}))
		return waitFor(t, log, at, want)
	}
	putOK := func(node string) catalog.Match {
		return catalog.Match{Kind: trace.KindRecv, Node: node, Type: "put_ok"}
	}

	server := proc(t, l, "server")
	t.Run("started", func(t *testing.T) {
		client := proc(t, l, "client-1")
		assert.Equal(t, []string{"server", "client-1"}, nodes(l.Procs()), "the programs that are not Later, in start order")
		for _, p := range []launch.Proc{server, client} {
			assert.Equal(t, launch.StateRunning, p.State, p.Node)
			assert.Positive(t, p.PID, p.Node)
			assert.Regexp(t, `--trace 127\.0\.0\.1:[1-9]`, p.Cmdline, p.Node)
			assert.Contains(t, p.Cmdline, "--name "+p.Node, p.Node)
			assert.Contains(t, p.Cmdline, "--exit-with-collector", p.Node)
		}
		assert.Regexp(t, loopbackAddr, server.Addr, "the address from the server's hello")
		assert.Contains(t, server.Cmdline, "--listen 127.0.0.1:0")
		assert.Contains(t, client.Cmdline, "--server "+server.Addr, "the client is told the learned address")
		assert.Empty(t, client.Addr, "a client serves nobody")
		require.Eventually(t, func() bool {
			return slices.Contains(proc(t, l, "server").Output, launch.Line{Text: "listening on " + server.Addr})
		}, programtest.Patience, 10*time.Millisecond, "the server's stdout is kept")
	})

	t.Run("kill and restart", func(t *testing.T) {
		require.NoError(t, l.Kill("server"))
		killed := proc(t, l, "server")
		assert.Equal(t, launch.StateKilled, killed.State)
		assert.Equal(t, -1, killed.ExitCode)
		assert.ErrorIs(t, syscall.Kill(server.PID, 0), syscall.ESRCH, "the killed server is reaped")
		require.Error(t, l.Kill("server"), "a dead node cannot be killed again")

		require.NoError(t, l.Restart(t.Context(), "server"))
		again := proc(t, l, "server")
		assert.Equal(t, launch.StateRunning, again.State)
		assert.Equal(t, server.Addr, again.Addr, "the same address")
		assert.NotEqual(t, server.PID, again.PID, "a new process")
		assert.Contains(t, again.Cmdline, "--listen "+server.Addr)
		do(t, "client-1", "put a 1", putOK("client-1"))
	})

	t.Run("a fault outlives a restart", func(t *testing.T) {
		require.NoError(t, l.Control("client-1", trace.Control{Op: trace.OpHold, On: true}))
		require.NoError(t, l.Restart(t.Context(), "client-1"))
		at := mark(log)
		do(t, "client-1", "put e 5", catalog.Match{Kind: trace.KindHold, Node: "client-1", Type: "put"})
		require.NoError(t, l.Control("client-1", trace.Control{Op: trace.OpHold, On: false}))
		waitFor(t, log, at, putOK("client-1"))
	})

	t.Run("freeze and thaw", func(t *testing.T) {
		require.NoError(t, l.Freeze("server"))
		frozen := proc(t, l, "server")
		assert.Equal(t, launch.StateFrozen, frozen.State)
		stopped := func() bool { return procState(t, frozen.PID) == "T" }
		require.Eventually(t, stopped, programtest.Patience, time.Millisecond, "the kernel stops it")
		require.Error(t, l.Freeze("server"), "a frozen node cannot be frozen again")
		require.NoError(t, l.Thaw("server"))
		assert.Equal(t, launch.StateRunning, proc(t, l, "server").State)
		require.Eventually(t, func() bool { return !stopped() }, programtest.Patience, time.Millisecond, "the kernel lets it go on")
		require.Error(t, l.Thaw("server"), "a running node cannot be thawed")
	})

	t.Run("partition and heal", func(t *testing.T) {
		require.NoError(t, l.Partition("client-1", true))
		assert.Equal(t, []string{"server"}, proc(t, l, "client-1").CutOff)
		assert.Equal(t, []string{"client-1"}, proc(t, l, "server").CutOff)
		do(t, "client-1", "put b 2", catalog.Match{Kind: trace.KindSend, Node: "client-1", Type: "put", Fault: "partition"})
		require.NoError(t, l.Partition("client-1", false))
		assert.Empty(t, proc(t, l, "server").CutOff)
		assert.Empty(t, proc(t, l, "client-1").CutOff)
		do(t, "client-1", "put b 3", catalog.Match{Kind: trace.KindRecv, Node: "server", Type: "put", From: "client-1"})
	})

	t.Run("one-way partition", func(t *testing.T) {
		// The server cannot reach client-1, client-1 still reaches the
		// server: the request arrives, the answer is lost.
		require.NoError(t, l.PartitionOneWay("server", "client-1"))
		assert.Equal(t, []string{"client-1"}, proc(t, l, "server").CutOff)
		assert.Empty(t, proc(t, l, "client-1").CutOff, "client-1 still reaches the server")
		at := mark(log)
		do(t, "client-1", "put b 4", catalog.Match{Kind: trace.KindRecv, Node: "server", Type: "put", From: "client-1"})
		waitFor(t, log, at, catalog.Match{Kind: trace.KindSend, Node: "server", Type: "put_ok", Fault: "partition"})
		require.NoError(t, l.Partition("client-1", false), "healing either end heals a one-way partition")
		assert.Empty(t, proc(t, l, "server").CutOff)
		require.Error(t, l.PartitionOneWay("server", "nobody"))
	})

	t.Run("every action is an event", func(t *testing.T) {
		var got []string
		for _, e := range log.All() {
			if e.Kind == trace.KindFault {
				assert.Zero(t, e.Seq, "no program numbered it")
				assert.Positive(t, e.Time)
				got = append(got, strings.TrimSpace(fmt.Sprint(e.Fault, " ", e.Node, " ", strings.Join(e.Peers, ","), " ", e.Value)))
			}
		}
		assert.Equal(t, []string{
			"kill server", "restart server",
			"hold client-1  on", "restart client-1", "hold client-1  off",
			"freeze server", "thaw server",
			"partition client-1 server", "heal client-1",
			"partition server client-1 one-way", "heal client-1",
		}, got)
	})

	t.Run("add a client", func(t *testing.T) {
		name, err := l.AddClient(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "client-4", name, "client-2 and client-3 belong to the model's experiments")
		added := proc(t, l, name)
		assert.Equal(t, launch.StateRunning, added.State)
		assert.Equal(t, "client", added.Role)
		assert.Contains(t, added.Cmdline, "--server "+server.Addr)
		do(t, name, "put c 3", putOK(name))
	})

	t.Run("start a later node", func(t *testing.T) {
		require.NoError(t, l.StartNode(t.Context(), "client-2"))
		assert.Equal(t, launch.StateRunning, proc(t, l, "client-2").State)
		require.Error(t, l.StartNode(t.Context(), "client-2"), "it runs already")
		require.Error(t, l.StartNode(t.Context(), "nobody"))
	})

	t.Run("errors name the node", func(t *testing.T) {
		err := l.Kill("nobody")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nobody")
		err = l.Control("nobody", trace.Control{Op: trace.OpDelay, Ms: 1})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nobody")
	})

	t.Run("close leaves no process and no file", func(t *testing.T) {
		procs := l.Procs()
		tmp := l.TempDir()
		require.DirExists(t, tmp, "the run's temporary directory")
		require.NoError(t, l.Close())
		assert.NoDirExists(t, tmp)
		require.NoError(t, l.Close(), "Close is idempotent")
		for _, p := range procs {
			assert.ErrorIs(t, syscall.Kill(p.PID, 0), syscall.ESRCH, "%s (pid %d) is gone", p.Node, p.PID)
		}
		for _, p := range l.Procs() {
			assert.Contains(t, []launch.State{launch.StateKilled, launch.StateExited}, p.State, p.Node)
		}
		_, err := l.AddClient(t.Context())
		assert.Error(t, err, "nothing starts after Close")
	})
}

func nodes(procs []launch.Proc) []string {
	var names []string
	for _, p := range procs {
		names = append(names, p.Node)
	}
	return names
}

// procState returns the state letter of a process in /proc/PID/stat:
// R running, S sleeping, T stopped, Z zombie.
func procState(t *testing.T, pid int) string {
	t.Helper()
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	require.NoError(t, err)
	// The command name in parentheses may hold spaces; the state follows it.
	_, rest, ok := strings.Cut(string(stat), ") ")
	require.True(t, ok, "stat line %q", stat)
	return rest[:1]
}

func testStartErrors(t *testing.T, bin string) {
	t.Run("a program that exits before its hello", func(t *testing.T) {
		log := programtest.NewEventLog()
		m := catalog.Model{ID: "broken", Programs: []catalog.Program{
			{Node: "server", Role: "server", Binary: "server", Listen: catalog.ListenAny},
			{Node: "client-1", Role: "client", Binary: "client", Args: []string{"--no-such-flag"}},
		}}
		l, err := launch.Start(t.Context(), launch.Config{Model: m, BinDir: bin, OnEvent: log.Add})
		require.Error(t, err)
		assert.Nil(t, l)
		assert.Contains(t, err.Error(), "client-1 exited with code 2 before it said hello")
		assert.Contains(t, err.Error(), "-no-such-flag", "the program's own error")
		hello := waitFor(t, log, 0, catalog.Match{Kind: trace.KindHello, Node: "server"})
		assert.ErrorIs(t, syscall.Kill(hello.PID, 0), syscall.ESRCH, "the server started before is gone")
	})
	t.Run("a program nobody can build", func(t *testing.T) {
		m := catalog.Model{ID: "unknown", Programs: []catalog.Program{{Node: "x", Role: "x", Binary: "no-such-program"}}}
		_, err := launch.Start(t.Context(), launch.Config{Model: m, BinDir: bin})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"no-such-program"`)
	})
	t.Run("a cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		m, _ := catalog.ByID("clientserver")
		_, err := launch.Start(ctx, launch.Config{Model: m, BinDir: bin})
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// TestBuildsMissingPrograms starts a model from an empty directory: the
// launcher builds the programs into it first.
func TestBuildsMissingPrograms(t *testing.T) {
	dir := t.TempDir()
	m, _ := catalog.ByID("clientserver")
	l, err := launch.Start(t.Context(), launch.Config{Model: m, BinDir: dir})
	require.NoError(t, err)
	defer l.Close()
	for _, name := range []string{"server", "client"} {
		assert.FileExists(t, dir+"/"+name)
	}
	for _, p := range l.Procs() {
		assert.Equal(t, launch.StateRunning, p.State, p.Node)
		assert.True(t, strings.HasPrefix(p.Binary, dir), "%s runs from %s, not %s", p.Node, p.Binary, dir)
	}
}
