package launch_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
	"dsdemo/tui/launch"
)

// The orphan tests run this test binary a second time as a small launcher
// (the helper), which TestMain recognises by these variables.
const (
	childEnv     = "DSDEMO_LAUNCH_CHILD" // "1" in the helper
	childModeEnv = "DSDEMO_LAUNCH_MODE"  // how the helper ends: sigkill, panic or return
	childBinEnv  = "DSDEMO_LAUNCH_BIN"   // the directory with the programs
)

// orphanGone is how long the children of a launcher may outlive it.
const orphanGone = 2 * time.Second

// testNoOrphans ends a helper launcher in each of the ways a launcher can
// end, and checks that every process it started is gone within 2 seconds.
func testNoOrphans(t *testing.T, bin string) {
	for _, mode := range []string{"sigkill", "panic", "return"} {
		t.Run(mode, func(t *testing.T) {
			helper := startOrphanChild(t, bin, mode)
			line := helper.WaitLine(t, "pids:")
			var pids []int
			for _, f := range strings.Fields(strings.TrimPrefix(line, "pids:")) {
				pid, err := strconv.Atoi(f)
				require.NoError(t, err, "line %q", line)
				pids = append(pids, pid)
			}
			require.Len(t, pids, 4, "three servers and a client")

			switch mode {
			case "sigkill":
				require.NoError(t, helper.Cmd.Process.Kill())
				helper.Wait(t)
			case "panic":
				assert.NotEqual(t, 0, helper.Wait(t), "exit code after a panic")
				_, stderr := helper.Output()
				assert.Contains(t, strings.Join(stderr, "\n"), "a bug in the user interface")
			case "return":
				assert.Equal(t, 0, helper.Wait(t), "exit code")
			}
			for _, pid := range pids {
				assert.True(t, goneWithin(pid, orphanGone), "process %d outlived its launcher by %s", pid, orphanGone)
			}
		})
	}
}

// startOrphanChild starts the helper launcher, to end as mode says.
func startOrphanChild(t *testing.T, bin, mode string) *programtest.Proc {
	t.Setenv(childEnv, "1")
	t.Setenv(childModeEnv, mode)
	t.Setenv(childBinEnv, bin)
	return programtest.Start(t, os.Args[0], "-test.run=^$")
}

// testNoRunLeftBehind: a launcher killed with SIGKILL cannot remove its
// run's temporary directory; the next launcher does.
func testNoRunLeftBehind(t *testing.T, bin string) {
	t.Setenv("TMPDIR", t.TempDir())
	killed := startOrphanChild(t, bin, "sigkill")
	dir := strings.TrimSpace(strings.TrimPrefix(killed.WaitLine(t, "tmp:"), "tmp:"))
	killed.WaitLine(t, "pids:")
	require.NoError(t, killed.Cmd.Process.Kill())
	killed.Wait(t)
	require.DirExists(t, dir, "what the killed launcher could not remove")

	next := startOrphanChild(t, bin, "return")
	nextDir := strings.TrimSpace(strings.TrimPrefix(next.WaitLine(t, "tmp:"), "tmp:"))
	assert.Equal(t, 0, next.Wait(t), "exit code")
	assert.NoDirExists(t, dir, "the next launcher removed the killed one's run")
	assert.NoDirExists(t, nextDir, "a launcher that returns removes its own run")
}

// goneWithin polls until process pid no longer exists, or is a zombie
// waiting for a parent that will reap it (dead all the same).
func goneWithin(pid int, limit time.Duration) bool {
	deadline := time.After(limit)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if syscall.Kill(pid, 0) == syscall.ESRCH || isZombie(pid) {
			return true
		}
		select {
		case <-tick.C:
		case <-deadline:
			return false
		}
	}
}

func isZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(stat), ") ")
	return ok && strings.HasPrefix(rest, "Z")
}

// orphanChild is the helper: a launcher of the replication model that
// prints its children's PIDs and then ends as DSDEMO_LAUNCH_MODE says,
// the way the dsdemo user interface would.
func orphanChild() int {
	m, _ := catalog.ByID("cooperating-replicate")
	l, err := launch.Start(context.Background(), launch.Config{Model: m, BinDir: os.Getenv(childBinEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	printPIDs := func() {
		var pids []string
		for _, p := range l.Procs() {
			pids = append(pids, strconv.Itoa(p.PID))
		}
		fmt.Println("pids:", strings.Join(pids, " "))
	}

	fmt.Println("tmp:", l.TempDir())
	switch os.Getenv(childModeEnv) {
	case "sigkill":
		printPIDs()
		io.Copy(io.Discard, os.Stdin) // until the test kills us, or ends
		return 0
	case "panic":
		defer func() {
			if r := recover(); r != nil {
				l.Close()
				panic(r)
			}
		}()
		printPIDs()
		panic("a bug in the user interface")
	default:
		defer l.Close()
		printPIDs()
		return 0
	}
}
