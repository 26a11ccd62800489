package main_test

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
)

// terminal is bin/dsdemo running in a tmux session of its own, on a tmux
// server of its own: tests that share the default server race with its
// exit when another test's last session ends ("server exited
// unexpectedly").
type terminal struct {
	t       *testing.T
	tmux    string
	session string
	state   string // XDG_STATE_HOME of the run
}

// command is a tmux command for the terminal's own server.
func (term *terminal) command(args ...string) *exec.Cmd {
	return exec.Command(term.tmux, append([]string{"-L", term.socket()}, args...)...)
}

// socket names the terminal's tmux server.
func (term *terminal) socket() string {
	h := fnv.New32a()
	h.Write([]byte(term.session))
	return fmt.Sprintf("dsdemo-%08x", h.Sum32())
}

// stop ends the terminal's tmux server, and with it the program in it,
// and removes the server's socket.
func (term *terminal) stop() {
	term.command("kill-server").Run()
	dir := cmp.Or(os.Getenv("TMUX_TMPDIR"), "/tmp")
	os.Remove(filepath.Join(dir, fmt.Sprintf("tmux-%d", os.Getuid()), term.socket()))
}

// startDsdemo starts bin/dsdemo (built into dir with the demo programs) in
// tmux, in a terminal of 100×30.
func startDsdemo(t *testing.T, dir string) *terminal { return startDsdemoIn(t, dir, 100, 30) }

// startDsdemoIn starts bin/dsdemo in a terminal of width×height, with
// NO_COLOR and any further environment variables env ("NAME=value").
func startDsdemoIn(t *testing.T, dir string, width, height int, env ...string) *terminal {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	term := &terminal{t: t, tmux: tmux, session: sessionName(t), state: t.TempDir()}
	cmd := strings.Join(append(append([]string{"env", "XDG_STATE_HOME=" + term.state, "LANG=en_US.UTF-8"}, env...),
		filepath.Join(dir, "tui"), "--lang", "en", "--bin", dir), " ")
	term.run("new-session", "-d", "-s", term.session, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), cmd)
	t.Cleanup(term.stop)
	return term
}

// sessionName is a tmux session name of the test's own: the test's name
// and its temporary directory's, in the letters tmux allows, so that
// parallel subtests (whose directories are all named 001) do not meet.
func sessionName(t *testing.T) string {
	tidy := func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}
	return strings.Map(tidy, "dsdemo-"+t.Name()+"-"+filepath.Base(filepath.Dir(t.TempDir())))
}

func (term *terminal) run(args ...string) string {
	out, err := term.command(args...).CombinedOutput()
	require.NoError(term.t, err, "tmux %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

func (term *terminal) screen() string {
	out, _ := term.command("capture-pane", "-p", "-t", term.session).CombinedOutput()
	return string(out)
}

func (term *terminal) keys(k ...string) {
	term.run(append([]string{"send-keys", "-t", term.session}, k...)...)
}

// waitFor polls the terminal (there is no event to wait on) until ok holds.
func (term *terminal) waitFor(what string, ok func(string) bool) {
	term.t.Helper()
	deadline := time.Now().Add(programtest.Patience)
	for {
		s := term.screen()
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("waited %s for %s; the screen shows:\n%s\nthe programs' last log lines in the recording:\n%s",
				programtest.Patience, what, s, term.recordedLogs(30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recordedLogs returns the last n log lines of the newest recorded run
// in the terminal's state directory: what the programs said, to explain a
// screen that did not come.
func (term *terminal) recordedLogs(n int) string {
	var newest string
	var newestTime time.Time
	filepath.WalkDir(term.state, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".jsonl") {
			if info, err := d.Info(); err == nil && info.ModTime().After(newestTime) {
				newest, newestTime = path, info.ModTime()
			}
		}
		return nil
	})
	data, err := os.ReadFile(newest)
	if err != nil {
		return "(no recording)"
	}
	var logs []string
	for line := range strings.Lines(string(data)) {
		if strings.Contains(line, `"ev":"log"`) {
			logs = append(logs, strings.TrimSpace(line))
		}
	}
	return strings.Join(logs[max(len(logs)-n, 0):], "\n")
}

func (term *terminal) waitText(s string) {
	term.t.Helper()
	term.waitFor(strconv.Quote(s), contains(s))
}

func contains(s string) func(string) bool {
	return func(screen string) bool { return strings.Contains(screen, s) }
}

// started starts the client/server model from the home page.
func (term *terminal) started() {
	term.waitText("Cooperating servers")
	term.keys("Enter")
	term.waitFor("server and client running", func(s string) bool {
		return strings.Contains(s, "⟦server ●⟧") && strings.Contains(s, "⟦client-1 ●⟧")
	})
}

// gone waits until no program started from dir is left.
func gone(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second) // the promise
	for len(children(dir)) > 0 {
		require.True(t, time.Now().Before(deadline), "programs left: %v", children(dir))
		time.Sleep(20 * time.Millisecond)
	}
}

// children returns the pids of live (not zombie) programs started from dir,
// read from /proc so the test needs no ps or pgrep.
func children(dir string) []string {
	entries, _ := os.ReadDir("/proc")
	var live []string
	for _, e := range entries {
		pid := e.Name()
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + pid + "/cmdline")
		if err != nil {
			continue
		}
		exe, _, _ := strings.Cut(string(cmdline), "\x00")
		if exe != dir+"/server" && exe != dir+"/client" {
			continue
		}
		stat, err := os.ReadFile("/proc/" + pid + "/stat")
		if err == nil && !strings.Contains(string(stat[strings.LastIndexByte(string(stat), ')'):]), ") Z") {
			live = append(live, pid)
		}
	}
	return live
}

// TestLauncherUnderTmux drives bin/dsdemo in a real terminal: start the
// client/server model, watch a request and its reply, kill the server and
// see it marked, quit, and check that no program is left, also when the
// launcher is stopped with Ctrl-C or killed outright.
func TestLauncherUnderTmux(t *testing.T) {
	dir := programtest.Build(t, "dsdemo/tui", "dsdemo/clientserver/server", "dsdemo/clientserver/client")

	t.Run("experiment, kill, quit", func(t *testing.T) {
		term := startDsdemo(t, dir)
		term.started()
		// The first experiment lets client-1 put a key: its first three
		// steps are a caption, the put and the wait for put_ok.
		m, ok := catalog.ByID("clientserver")
		require.True(t, ok)
		for _, step := range m.Experiments[0].Steps[:3] {
			term.keys("x")
			caption := []rune(step.Caption.EN)
			term.waitText(string(caption[:min(30, len(caption))]))
		}
		term.waitText("put_ok")

		term.keys("k") // the server is selected first
		term.waitText("⟦server ☠⟧")
		require.NotEmpty(t, children(dir), "client-1 should still be running")

		term.keys("q")
		term.waitText("Cooperating servers")
		gone(t, dir)
		term.keys("q")
		deadline := time.Now().Add(programtest.Patience)
		for term.command("has-session", "-t", term.session).Run() == nil {
			require.True(t, time.Now().Before(deadline), "dsdemo did not quit")
			time.Sleep(50 * time.Millisecond)
		}

		recordings, err := filepath.Glob(filepath.Join(term.state, "dsdemo", "clientserver-*.jsonl"))
		require.NoError(t, err)
		require.Len(t, recordings, 1, "the run was recorded")
		data, err := os.ReadFile(recordings[0])
		require.NoError(t, err)
		assert.Contains(t, string(data), `"type":"put_ok"`)
	})

	t.Run("a lost message keeps its mark at 80x24 with NO_COLOR", func(t *testing.T) {
		term := startDsdemoIn(t, dir, 80, 24, "NO_COLOR=1")
		term.started()
		// client-1 loses every message it sends; the experiment's put is lost.
		term.keys("Right", "d", "d", "d")
		// The status bar reports a control once the program has taken it
		// (the node's label shows what was asked for at once).
		term.waitText("drop client-1 100%")
		term.keys("x", "x")
		term.waitText("✗put")
		lines := strings.Split(strings.TrimRight(term.screen(), "\n"), "\n")
		footer := strings.Join(lines[max(len(lines)-2, 0):], "\n")
		assert.Contains(t, footer, "x experiment")
		assert.Contains(t, footer, "?")
	})

	t.Run("ctrl-c", func(t *testing.T) {
		term := startDsdemo(t, dir)
		term.started()
		require.Len(t, children(dir), 2)
		term.keys("C-c")
		gone(t, dir)
	})

	t.Run("kill -9 of the launcher", func(t *testing.T) {
		term := startDsdemo(t, dir)
		term.started()
		require.Len(t, children(dir), 2)
		pid, err := strconv.Atoi(term.run("display-message", "-p", "-t", term.session, "#{pane_pid}"))
		require.NoError(t, err)
		require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
		gone(t, dir)
	})
}
