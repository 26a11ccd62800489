package main_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"dsdemo/models/program/programtest"
)

// startIn runs command in a tmux session of its own, width×height, ended
// when the test ends.
func startIn(t *testing.T, name string, width, height int, command string) *terminal {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	term := &terminal{t: t, tmux: tmux, session: sessionName(t) + "-" + name, state: t.TempDir()}
	term.run("new-session", "-d", "-s", term.session, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command)
	t.Cleanup(term.stop)
	return term
}

// freePort is a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestClassroomOverSSH runs the instructor's bin/dsdemo serve and two
// students' real ssh clients in terminals of different sizes and
// languages: both see the instructor's run, answer its question, see the
// verdict; a student's keys change nothing for the others; a student who
// leaves leaves nothing behind; a wrong password is refused; and the
// answers are in the recording for dsdemo report.
func TestClassroomOverSSH(t *testing.T) {
	sshClient, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("the ssh client is not installed (CI installs openssh-client)")
	}
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen is not installed (CI installs openssh-client)")
	}
	dir := programtest.Build(t, "dsdemo/tui", "dsdemo/clientserver/server", "dsdemo/clientserver/client")
	keys := t.TempDir()
	key := filepath.Join(keys, "student")
	out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput()
	require.NoError(t, err, "%s", out)
	pub, err := os.ReadFile(key + ".pub")
	require.NoError(t, err)
	authorized := filepath.Join(keys, "authorized_keys")
	require.NoError(t, os.WriteFile(authorized, pub, 0o600))

	port := freePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	state := t.TempDir()
	teacher := startIn(t, "teacher", 110, 34, strings.Join([]string{"env", "XDG_STATE_HOME=" + state, "LANG=en_US.UTF-8",
		"DSDEMO_CLASS_PASSWORD=tulip-42", filepath.Join(dir, "tui"), "serve", "--ssh", addr, "--authorized-keys", authorized,
		"--lang", "en", "--bin", dir}, " "))
	teacher.waitText("0 watching")

	student := func(name string, width, height int, words ...string) *terminal {
		cmd := append([]string{sshClient, "-t", "-i", key, "-p", strconv.Itoa(port),
			"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "LogLevel=ERROR", name + "@127.0.0.1"}, words...)
		return startIn(t, name, width, height, strings.Join(cmd, " "))
	}
	anna := student("anna", 80, 24, "de")
	ben := student("ben", 120, 40, "en")
	carl := student("carl", 120, 40, "en") // only watches and answers: he shares ben's frames until ben types
	anna.waitText("Sie sehen zu")
	ben.waitText("You are watching")
	carl.waitText("You are watching")
	teacher.waitText("3 watching")

	t.Run("a wrong password is refused", func(t *testing.T) {
		_, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "mallory", Auth: []ssh.AuthMethod{ssh.Password("guess")},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: programtest.Patience})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "unable to authenticate")
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "carla", Auth: []ssh.AuthMethod{ssh.Password("tulip-42")},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: programtest.Patience})
		require.NoError(t, err, "the class password lets in")
		c.Close()
	})

	// The instructor starts the predict experiment of client/server; both
	// students see the same run in their own size and language.
	teacher.waitText("Cooperating servers")
	teacher.keys("Right", "Right", "Right", "Right", "Right", "Enter")
	teacher.waitText("⟦client-1 ●⟧")
	anna.waitText("⟦client-1 ●⟧")
	ben.waitText("⟦client-1 ●⟧")
	anna.waitText("Vorhersage")
	ben.waitText("Predict the flow")

	// A student's keys change nothing for the others. There is no event to
	// wait for when nothing happens: the check gives them a moment to.
	anna.keys("k", "f", "x", "n", "+", "p")
	ben.keys("Right", "Tab")
	time.Sleep(300 * time.Millisecond)
	title, _, _ := strings.Cut(teacher.screen(), "\n")
	assert.NotContains(t, title, "step mode", "anna's n")
	assert.NotContains(t, title, "slow motion", "anna's +")
	assert.Contains(t, teacher.screen(), "⟦server ●⟧", "anna's k and f: the server still runs")
	assert.NotContains(t, teacher.screen(), "client-1 wants", "anna's x: the experiment did not move on")

	teacher.keys("x", "x", "x") // step mode, client-1 puts, the question (steps queue while one runs)
	teacher.waitText("The class")
	anna.waitText("Antworten Sie mit 1–9")
	anna.keys("2")
	ben.waitText("Answer with 1–9")
	ben.keys("1")
	carl.waitText("Answer with 1–9")
	carl.keys("3")
	carl.waitText("Your answer: client-3")
	teacher.waitText("3 answers")
	teacher.keys("1")
	teacher.waitText("Right: server")
	anna.waitText("Ihre Antwort war client-2")
	ben.waitText("Your answer server was right")
	carl.waitText("You said client-3; the message went to server.")

	// A student who leaves leaves nothing behind: the count drops, and
	// ssh ends with the session.
	ben.keys("q")
	teacher.waitText("2 watching")
	for ben.command("has-session", "-t", ben.session).Run() == nil {
		time.Sleep(50 * time.Millisecond)
	}

	teacher.keys("q")
	teacher.waitText("Cooperating servers")
	teacher.keys("q")
	for _, term := range []*terminal{teacher, anna, carl} { // the class ends with the instructor's UI
		for term.command("has-session", "-t", term.session).Run() == nil {
			time.Sleep(50 * time.Millisecond)
		}
	}
	runs, err := filepath.Glob(filepath.Join(state, "dsdemo", "clientserver-*.jsonl"))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	report, err := exec.Command(filepath.Join(dir, "tui"), "report", runs[0]).CombinedOutput()
	require.NoError(t, err, "%s", report)
	assert.Contains(t, string(report), "clientserver/predict#3: 3 answered, 1 right (33%); the message went to server")
}
