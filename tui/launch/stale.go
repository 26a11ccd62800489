package launch

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A run's temporary directory is named runPrefix plus a random suffix, and
// holds runOwner: the PID and start time of the launcher that made it.
const (
	runPrefix = "dsdemo-run-"
	runOwner  = "launcher"
)

// unownedAge is how old a run directory without an owner file (made by an
// older launcher) must be before it counts as left behind.
const unownedAge = 24 * time.Hour

// claimRun writes this process into dir as its owner.
func claimRun(dir string) error {
	start, err := startTime(os.Getpid())
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, runOwner), fmt.Appendf(nil, "%d %d\n", os.Getpid(), start), 0o600)
}

// removeStaleRuns removes the run directories in tmp that a launcher left
// behind: Close removes a run's directory, but a launcher killed with
// SIGKILL never gets to. A directory is left behind when its owner is no
// longer running (its PID is gone, or now belongs to a process that started
// at another time), or, without an owner file, when it is older than
// unownedAge. Only directories of this user are touched.
func removeStaleRuns(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, runPrefix+"*"))
	for _, dir := range dirs {
		if leftBehind(dir) {
			os.RemoveAll(dir)
		}
	}
}

func leftBehind(dir string) bool {
	info, err := os.Lstat(dir)
	if err != nil || !info.IsDir() {
		return false
	}
	if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
		return false
	}
	owner, err := os.ReadFile(filepath.Join(dir, runOwner))
	if err != nil {
		return time.Since(info.ModTime()) > unownedAge
	}
	var pid int
	var start uint64
	if _, err := fmt.Sscan(string(owner), &pid, &start); err != nil || pid <= 0 {
		return true
	}
	now, err := startTime(pid)
	return err != nil || now != start
}

// startTime is when process pid started, in clock ticks since boot (field
// 22 of /proc/PID/stat): with the PID it names one process, even after the
// PID has been used again.
func startTime(pid int) (uint64, error) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces and parentheses; the
	// fields after it start after the last ")".
	i := strings.LastIndexByte(string(stat), ')')
	fields := strings.Fields(string(stat[i+1:]))
	if i < 0 || len(fields) < 20 {
		return 0, fmt.Errorf("cannot read /proc/%d/stat", pid)
	}
	return strconv.ParseUint(fields[19], 10, 64) // field 22 is the 20th after the name
}
