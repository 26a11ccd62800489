package classroom_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"dsdemo/models/guard"
	"dsdemo/models/program/programtest"
	"dsdemo/tui/classroom"
)

// TestHostilePasswordGuessingIsSlowedDown: a client that tries wrong
// class passwords over real SSH is refused after guard.DefaultStrikes of
// them, even with the right password; a student at another address still
// gets in.
func TestHostilePasswordGuessingIsSlowedDown(t *testing.T) {
	srv, err := classroom.NewServer(classroom.NewHub(), classroom.Config{Access: classroom.Access{Password: "tulip-raven-kite-417"},
		HostKey: filepath.Join(t.TempDir(), "host_ed25519"), Lang: "en", Theme: "default"})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-served) })

	login := func(from, password string) error {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: programtest.Patience}
		conn, err := d.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer conn.Close()
		c, chans, reqs, err := ssh.NewClientConn(conn, ln.Addr().String(), &ssh.ClientConfig{User: "student",
			Auth: []ssh.AuthMethod{ssh.Password(password)}, HostKeyCallback: ssh.InsecureIgnoreHostKey()})
		if err != nil {
			return err
		}
		ssh.NewClient(c, chans, reqs).Close()
		return nil
	}
	require.NoError(t, login("127.0.0.1", "tulip-raven-kite-417"), "the class password lets in")
	for i := range guard.DefaultStrikes {
		require.Error(t, login("127.0.0.1", "guess"), "guess %d", i+1)
	}
	assert.Error(t, login("127.0.0.1", "tulip-raven-kite-417"), "after %d wrong guesses even the right password is refused for a while", guard.DefaultStrikes)
	assert.NoError(t, login("127.0.0.2", "tulip-raven-kite-417"), "a student at another address is not slowed down")
}
