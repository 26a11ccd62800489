package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
)

// TestLauncherUnderTmux drives bin/dsdemo in a real terminal (tmux): start
// the client/server model, watch a request and its reply on the screen, kill
// the server and see it marked, quit, and check that no program is left.
func TestLauncherUnderTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	dir := programtest.Build(t, "dsdemo/tui", "dsdemo/clientserver/server", "dsdemo/clientserver/client")
	session := "dsdemo-test-" + filepath.Base(t.TempDir())
	state := t.TempDir()

	run := func(args ...string) string {
		out, err := exec.Command(tmux, args...).CombinedOutput()
		require.NoError(t, err, "tmux %s: %s", strings.Join(args, " "), out)
		return string(out)
	}
	cmd := strings.Join([]string{
		"env", "XDG_STATE_HOME=" + state, "LANG=en_US.UTF-8",
		filepath.Join(dir, "tui"), "--lang", "en", "--bin", dir,
	}, " ")
	run("new-session", "-d", "-s", session, "-x", "100", "-y", "30", cmd)
	t.Cleanup(func() {
		exec.Command(tmux, "kill-session", "-t", session).Run()
	})
	screen := func() string {
		out, err := exec.Command(tmux, "capture-pane", "-p", "-t", session).CombinedOutput()
		if err != nil {
			return ""
		}
		return string(out)
	}
	waitFor := func(what string, ok func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(programtest.Patience)
		for {
			s := screen()
			if ok(s) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited %s for %s; the screen shows:\n%s", programtest.Patience, what, s)
			}
			time.Sleep(50 * time.Millisecond) // polling the terminal: there is no event to wait on
		}
	}
	contains := func(s string) func(string) bool {
		return func(screen string) bool { return strings.Contains(screen, s) }
	}
	keys := func(k ...string) { run(append([]string{"send-keys", "-t", session}, k...)...) }

	waitFor("the catalogue", contains("Cooperating servers"))
	keys("Enter")
	waitFor("server and client running", func(s string) bool {
		return strings.Contains(s, "server") && strings.Contains(s, "client-1") && strings.Count(s, "● running") == 2
	})

	// The first experiment lets client-1 put a key: its first three steps
	// are a caption, the put and the wait for put_ok.
	m, ok := catalog.ByID("clientserver")
	require.True(t, ok)
	for _, step := range m.Experiments[0].Steps[:3] {
		keys("x")
		caption := []rune(step.Caption.EN)
		waitFor("the caption of the step", contains(string(caption[:min(30, len(caption))])))
	}
	waitFor("the reply on the screen", contains("put_ok"))

	// The server is selected first; kill it.
	keys("k")
	waitFor("the server marked as killed", contains("☠ killed"))

	pids := children(t, dir)
	require.NotEmpty(t, pids, "client-1 should still be running")
	keys("q")
	waitFor("the home page again", contains("Cooperating servers"))
	assert.Empty(t, children(t, dir), "programs left after leaving the demo")
	keys("q")
	deadline := time.Now().Add(programtest.Patience)
	for exec.Command(tmux, "has-session", "-t", session).Run() == nil {
		require.True(t, time.Now().Before(deadline), "dsdemo did not quit")
		time.Sleep(50 * time.Millisecond)
	}

	recordings, err := filepath.Glob(filepath.Join(state, "dsdemo", "clientserver-*.jsonl"))
	require.NoError(t, err)
	require.Len(t, recordings, 1, "the run was recorded")
	data, err := os.ReadFile(recordings[0])
	require.NoError(t, err)
	assert.Contains(t, string(data), `"type":"put_ok"`)
}

// children returns the pids of running programs started from dir.
func children(t *testing.T, dir string) []string {
	out, _ := exec.Command("pgrep", "-f", "^"+dir+"/(server|client) ").Output()
	return strings.Fields(string(out))
}
