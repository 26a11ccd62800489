package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
)

// otherMachine is a network namespace the test makes, joined to this one
// by a private virtual link (veth): a student's laptop, as far as the
// programs can tell, whose traffic never leaves this machine.
type otherMachine struct {
	ns         string
	host, peer string // the addresses of this side of the link and of the namespace's
}

// newOtherMachine makes the namespace, or skips the test, saying why, on a
// machine that cannot make one (no root, no ip, a container without
// CAP_NET_ADMIN).
func newOtherMachine(t *testing.T) *otherMachine {
	t.Helper()
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("network namespaces are not available here: the ip command (iproute2) is missing")
	}
	if os.Geteuid() != 0 {
		t.Skip("network namespaces are not available here: making one needs root")
	}
	id := os.Getpid() % 10000
	m := &otherMachine{ns: fmt.Sprintf("dsdemo-%d", id),
		host: fmt.Sprintf("10.%d.%d.1", 200+id%50, id%250), peer: fmt.Sprintf("10.%d.%d.2", 200+id%50, id%250)}
	hostLink, nsLink := fmt.Sprintf("dsd%dh", id), fmt.Sprintf("dsd%dn", id)
	run := func(args ...string) error {
		out, err := exec.Command(ip, args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := run("netns", "add", m.ns); err != nil {
		t.Skipf("network namespaces are not available here: %v", err)
	}
	t.Cleanup(func() {
		_ = run("link", "del", hostLink)
		_ = run("netns", "del", m.ns)
	})
	for _, args := range [][]string{
		{"link", "add", hostLink, "type", "veth", "peer", "name", nsLink},
		{"link", "set", nsLink, "netns", m.ns},
		{"addr", "add", m.host + "/24", "dev", hostLink},
		{"link", "set", hostLink, "up"},
		{"netns", "exec", m.ns, "ip", "addr", "add", m.peer + "/24", "dev", nsLink},
		{"netns", "exec", m.ns, "ip", "link", "set", nsLink, "up"},
		{"netns", "exec", m.ns, "ip", "link", "set", "lo", "up"},
	} {
		if err := run(args...); err != nil {
			t.Skipf("network namespaces are not available here: %v", err)
		}
	}
	return m
}

// command runs a program inside the other machine.
func (m *otherMachine) command(ctx context.Context, program string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", m.ns, program}, args...)...)
}

// TestClassJoinFromAnotherMachine opens the instructor's demo to the
// class (dsdemo --class) and starts programs on "another machine": one
// with the join token from the home page appears in the demo; one without
// it, and one that takes the name of the demo's server, are refused with
// a clear sentence and exit code 1.
func TestClassJoinFromAnotherMachine(t *testing.T) {
	laptop := newOtherMachine(t)
	dir := programtest.Build(t, "dsdemo/tui", "dsdemo/clientserver/server", "dsdemo/clientserver/client")
	addr := fmt.Sprintf("%s:%d", laptop.host, freePort(t))
	state := t.TempDir()
	teacher := startIn(t, "teacher", 110, 34, strings.Join([]string{"env", "XDG_STATE_HOME=" + state, "LANG=en_US.UTF-8",
		filepath.Join(dir, "tui"), "--class", addr, "--lang", "en", "--bin", dir}, " "))
	teacher.waitText("programs of other machines")
	token := regexp.MustCompile(`--join-token ([a-z2-7]{12})`).FindStringSubmatch(teacher.screen())
	require.Len(t, token, 2, "the token on the home page:\n%s", teacher.screen())
	teacher.keys("Enter")
	teacher.waitText("⟦client-1 ●⟧")

	ctx := programtest.Context(t)
	server := filepath.Join(dir, "server")
	joined := laptop.command(ctx, server, "--name", "laptop-1", "--listen", laptop.peer+":0", "--trace", addr, "--join-token", token[1])
	require.NoError(t, joined.Start())
	t.Cleanup(func() { joined.Process.Kill(); joined.Wait() })
	teacher.waitText("laptop-1")

	for _, tc := range []struct {
		name, token, why string
	}{
		{"laptop-2", "", "this demo takes programs from other machines only with the class's join token"},
		{"laptop-3", "wrongtoken12", "this demo takes programs from other machines only with the class's join token"},
		{"server", token[1], "the name server belongs to a program of the demo"},
	} {
		refused := laptop.command(ctx, server, "--name", tc.name, "--listen", laptop.peer+":0", "--trace", addr, "--join-token", tc.token)
		out, err := refused.CombinedOutput()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%s must be refused: %s", tc.name, out)
		assert.Equal(t, 1, exit.ExitCode())
		assert.Contains(t, string(out), "server: the collector at "+addr+" refused this program: "+tc.why)
	}
	assert.NotContains(t, teacher.screen(), "laptop-2")
	assert.NotContains(t, teacher.screen(), "laptop-3")
}
