package launch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestRemoveStaleRuns(t *testing.T) {
	tmp := t.TempDir()
	mkdir := func(name string) string {
		dir := filepath.Join(tmp, name)
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	// A process that ran and is gone: its PID names nobody now.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}

	ours := mkdir(runPrefix + "ours")
	if err := claimRun(ours); err != nil {
		t.Fatal(err)
	}
	dead := mkdir(runPrefix + "dead")
	os.WriteFile(filepath.Join(dead, runOwner), []byte(strconv.Itoa(gone.Process.Pid)+" 1\n"), 0o600)
	reused := mkdir(runPrefix + "reused") // our PID, but another start time: the PID was used again
	os.WriteFile(filepath.Join(reused, runOwner), []byte(strconv.Itoa(os.Getpid())+" 1\n"), 0o600)
	garbled := mkdir(runPrefix + "garbled")
	os.WriteFile(filepath.Join(garbled, runOwner), []byte("not a pid"), 0o600)
	oldUnowned := mkdir(runPrefix + "old")
	old := time.Now().Add(-2 * unownedAge)
	os.Chtimes(oldUnowned, old, old)
	newUnowned := mkdir(runPrefix + "new")
	other := mkdir("not-a-run")

	removeStaleRuns(tmp)
	for dir, wantKept := range map[string]bool{
		ours: true, dead: false, reused: false, garbled: false,
		oldUnowned: false, newUnowned: true, other: true,
	} {
		_, err := os.Stat(dir)
		if kept := err == nil; kept != wantKept {
			t.Errorf("%s: kept = %v, want %v", filepath.Base(dir), kept, wantKept)
		}
	}
}
