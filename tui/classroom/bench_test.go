package classroom_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/classroom"
	"dsdemo/tui/launch"
	"dsdemo/tui/screen"
)

// BenchmarkClassroom60Viewers serves a class of 60 real SSH sessions over
// loopback (each with a terminal of its own size) while an instructor's
// run shows ten scenes a second with traffic, and reports what the
// serving process spends: cores (CPU time per wall time, from getrusage,
// which counts the SSH clients of this process too) and the frames each
// viewer receives per second.
func BenchmarkClassroom60Viewers(b *testing.B) {
	const viewers, seconds = 60, 10
	hub := classroom.NewHub()
	srv, err := classroom.NewServer(hub, classroom.Config{Access: classroom.Access{Password: "bench"},
		HostKey: filepath.Join(b.TempDir(), "host_ed25519"), Lang: "en", Theme: "default"})
	require.NoError(b, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-served }()

	var frames atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range viewers {
		w, h := 80+i%3*20, 24+i%3*8 // three sizes, as in a lecture hall
		session := viewer(b, ln.Addr().String(), w, h)
		wg.Go(func() { countFrames(session, &frames, stop) })
	}
	for hub.Watching() < viewers {
		time.Sleep(10 * time.Millisecond)
	}

	model, _ := catalog.ByID("clientserver")
	procs := []launch.Proc{{Node: "server", State: launch.StateRunning}, {Node: "client-1", State: launch.StateRunning}}
	show := func(seq uint64, events ...trace.Event) {
		hub.Show(screen.ClassScene{Running: true, Run: 1, Model: model, Procs: procs, Events: events, Caption: model.Summary})
	}
	show(0, hello("server"), hello("client-1"))
	b.ResetTimer()
	for range b.N {
		frames.Store(0)
		before := cpu()
		start := time.Now()
		for seq := uint64(1); time.Since(start) < seconds*time.Second; seq++ {
			show(seq, put(seq)...)
			time.Sleep(100 * time.Millisecond)
		}
		wall := time.Since(start)
		b.ReportMetric((cpu()-before).Seconds()/wall.Seconds(), "cores")
		b.ReportMetric(float64(frames.Load())/viewers/wall.Seconds(), "frames/s/viewer")
	}
	b.StopTimer()
	close(stop)
	hub.Close()
	wg.Wait()
}

// viewer opens an SSH session with a terminal of w×h running the view.
func viewer(b *testing.B, addr string, w, h int) *ssh.Session {
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "student", Auth: []ssh.AuthMethod{ssh.Password("bench")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	require.NoError(b, err)
	b.Cleanup(func() { c.Close() })
	s, err := c.NewSession()
	require.NoError(b, err)
	require.NoError(b, s.RequestPty("xterm-256color", h, w, ssh.TerminalModes{}))
	return s
}

// countFrames reads a session's output until stop, counting the screen
// updates: bubbletea writes each frame it draws in one write, which
// reaches the client as one read unless it is larger than a read.
func countFrames(s *ssh.Session, frames *atomic.Int64, stop <-chan struct{}) {
	out, err := s.StdoutPipe()
	if err != nil || s.Shell() != nil {
		return
	}
	go func() { <-stop; s.Close() }()
	buf := make([]byte, 256<<10)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			frames.Add(1)
		}
		if err != nil {
			return
		}
	}
}

func cpu() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func hello(node string) trace.Event {
	return trace.Event{V: trace.Version, Kind: trace.KindHello, Node: node, Role: node, Time: time.Now().UnixMicro()}
}

// put is a request and its reply between client-1 and the server.
func put(seq uint64) []trace.Event {
	msg := func(kind trace.Kind, node, from, to, typ string, id, replyTo uint64) trace.Event {
		return trace.Event{V: trace.Version, Kind: kind, Node: node, Time: time.Now().UnixMicro(), Clock: seq,
			Msg: &trace.Message{From: from, To: to, Type: typ, ID: id, ReplyTo: replyTo, Clock: seq}}
	}
	return []trace.Event{
		msg(trace.KindSend, "client-1", "client-1", "server", "put", seq, 0),
		msg(trace.KindRecv, "server", "client-1", "server", "put", seq, 0),
		msg(trace.KindSend, "server", "server", "client-1", "put_ok", seq, seq),
		msg(trace.KindRecv, "client-1", "server", "client-1", "put_ok", seq, seq),
		{V: trace.Version, Kind: trace.KindState, Node: "server", Key: "keys", Value: fmt.Sprint(seq)},
	}
}
