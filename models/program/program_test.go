package program_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// run runs a test program with the given run function and returns its exit
// code, stdout and stderr.
func run(t *testing.T, p *program.Program, args []string, fn func(context.Context, *program.Env) error) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := p.Run(args, strings.NewReader(""), &out, &errOut, fn)
	return code, out.String(), errOut.String()
}

func noop(context.Context, *program.Env) error { return nil }

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		fn       func(context.Context, *program.Env) error
		wantCode int
		wantErr  string
	}{
		{"ok", nil, noop, 0, ""},
		{"bad flag", []string{"--colour", "red"}, noop, 2, "demo: flag provided but not defined: -colour (see --help)\n"},
		{"bad flag value", []string{"--seed", "x"}, noop, 2, "demo: invalid value \"x\" for flag -seed: parse error (see --help)\n"},
		{"usage error", nil, func(context.Context, *program.Env) error { return program.Usagef("need a KEY") }, 2, "demo: need a KEY\n"},
		{"failure", nil, func(context.Context, *program.Env) error { return errors.New("the disk is full") }, 1, "demo: the disk is full\n"},
		{"network failure in one line", nil, func(ctx context.Context, _ *program.Env) error {
			_, err := (&net.Dialer{}).DialContext(ctx, "tcp", "127.0.0.1:1")
			return err
		}, 1, "demo: connection refused\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := program.New("demo", "test", "", "[flags]")
			code, _, errOut := run(t, p, c.args, c.fn)
			assert.Equal(t, c.wantCode, code)
			assert.Equal(t, c.wantErr, errOut)
		})
	}
}

// TestRunArgs: a client given a command as arguments runs it once; a
// command it does not understand is a usage error.
func TestRunArgs(t *testing.T) {
	echo := func(_ context.Context, line string) (string, error) {
		switch line {
		case "say hi":
			return "hi", nil
		case "fail":
			return "", errors.New("the server is gone")
		}
		return "", &program.CommandError{Line: line, Why: "want say TEXT or fail"}
	}
	client := func(ctx context.Context, env *program.Env) error { return program.RunArgs(ctx, env, echo) }
	cases := []struct {
		args             []string
		wantCode         int
		wantOut, wantErr string
	}{
		{[]string{"say", "hi"}, 0, "hi\n", ""},
		{[]string{"fail"}, 1, "", "demo: the server is gone\n"},
		{[]string{"frob", "a"}, 2, "", "demo: cannot do \"frob a\": want say TEXT or fail\n"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, program.New("demo", "test", "", "[flags] COMMAND"), c.args, client)
			assert.Equal(t, c.wantCode, code, "exit code")
			assert.Equal(t, c.wantOut, out, "stdout")
			assert.Equal(t, c.wantErr, errOut, "stderr")
		})
	}
}

func TestHelp(t *testing.T) {
	p := program.New("server", "test", "127.0.0.1:0", "[flags]")
	p.Flags.String("peers", "", "the other servers")
	code, out, _ := run(t, p, []string{"--help"}, noop)
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "usage: server [flags]\n"), "usage line in %q", out)
	for _, flag := range []string{"-name", "-listen", "-trace", "-exit-with-collector", "-seed", "-peers"} {
		assert.Contains(t, out, flag)
	}
}

func TestListen(t *testing.T) {
	t.Run("a server prints its address when it starts to accept", func(t *testing.T) {
		p := program.New("server", "test", "127.0.0.1:7", "")
		var addr string
		code, out, errOut := run(t, p, []string{"--listen", "127.0.0.1:0"}, func(_ context.Context, env *program.Env) error {
			addr = env.Listener.Addr().String()
			fmt.Fprintln(env.Stdout, "ready soon")
			peer, err := net.Dial("tcp", addr)
			if err != nil {
				return err
			}
			defer peer.Close()
			conn, err := env.Listener.Accept()
			if err != nil {
				return err
			}
			return conn.Close()
		})
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, "ready soon\nlistening on "+addr+"\n", out)
	})
	t.Run("a server that fails before it accepts prints no address", func(t *testing.T) {
		p := program.New("server", "test", "127.0.0.1:7", "")
		code, out, errOut := run(t, p, []string{"--listen", "127.0.0.1:0"}, func(context.Context, *program.Env) error {
			return errors.New("cannot read the key")
		})
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Equal(t, "server: cannot read the key\n", errOut)
	})
	t.Run("a client has no --listen", func(t *testing.T) {
		p := program.New("client", "test", "", "")
		code, _, errOut := run(t, p, []string{"--listen", "127.0.0.1:0"}, noop)
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, "-listen")
	})
}

func TestTrace(t *testing.T) {
	rec := programtest.NewRecorder(t)
	p := program.New("client", "test", "", "")
	p.Commands = true
	ctx, cancel := context.WithTimeout(context.Background(), programtest.Patience)
	defer cancel()
	done := make(chan int, 1)
	waitErr := make(chan error, 1)
	go func() {
		code, _, _ := run(t, p, []string{"--trace", rec.Addr(), "--name", "c1", "--exit-with-collector"}, func(ctx context.Context, env *program.Env) error {
			env.Node.Faults.SetDelay(time.Hour)
			for {
				select {
				case cmd := <-env.Commands:
					env.Node.Trace.Logf("did %s", cmd)
				case <-ctx.Done():
					// The hang-up reset the faults: the hour of delay is gone.
					wctx, cancel := context.WithTimeout(context.Background(), time.Second)
					defer cancel()
					waitErr <- env.Node.Faults.Wait(wctx, 1, func() {})
					return nil
				}
			}
		})
		done <- code
	}()
	rec.WaitFor(t, "hello", programtest.Has(func(ev trace.Event) bool {
		return ev.Kind == trace.KindHello && ev.Node == "c1" && ev.Role == "client" && ev.Model == "test" && ev.PID > 0
	}))
	require.NoError(t, rec.Send("c1", trace.Control{Op: trace.OpDo, Cmd: "put a 1"}))
	rec.WaitFor(t, "the command", programtest.Has(func(ev trace.Event) bool { return ev.Text == "did put a 1" }))

	rec.Hangup("c1")
	select {
	case code := <-done:
		assert.Equal(t, 0, code, "exit code after the collector hung up")
		assert.NoError(t, <-waitErr, "a message waits after the collector hung up")
	case <-ctx.Done():
		t.Fatal("the program did not stop when its collector hung up")
	}
}

func TestDoRefusedWithoutCommands(t *testing.T) {
	rec := programtest.NewRecorder(t)
	p := program.New("server", "test", "", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(t, p, []string{"--trace", rec.Addr()}, func(context.Context, *program.Env) error {
			<-ctx.Done()
			return nil
		})
	}()
	rec.WaitFor(t, "hello", programtest.Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello }))
	require.NoError(t, rec.Send("server", trace.Control{Op: trace.OpDo, Cmd: "put a 1"}))
	rec.WaitFor(t, "the refusal", programtest.Has(func(ev trace.Event) bool {
		return ev.Kind == trace.KindLog && ev.Text == `do "put a 1" refused: server takes no commands`
	}))
	cancel()
	<-done
}

func TestList(t *testing.T) {
	assert.Equal(t, []string{"a:1", "b:2"}, program.List(" a:1, ,b:2,"))
	assert.Nil(t, program.List(""))
}

// TestCommonArgsRoundTrip: what a launcher writes with Common.Args is what
// Run parses and hands the program in its Env.
func TestCommonArgsRoundTrip(t *testing.T) {
	t.Setenv(program.TraceEnv, "")
	want := program.Common{Name: "server-2", Listen: "127.0.0.1:0", Seed: 42}
	p := program.New("server", "test", "127.0.0.1:7", "")
	var got *program.Env
	code, _, errOut := run(t, p, want.Args(), func(_ context.Context, env *program.Env) error {
		got = env
		return nil
	})
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, want.Name, got.Node.Name)
	assert.Equal(t, uint64(42), got.Seed)
	assert.Empty(t, got.Trace)
	assert.Equal(t, []string{"--name", "server-2", "--listen", "127.0.0.1:0", "--seed", "42"}, want.Args())
	assert.Equal(t, []string{"--trace", "127.0.0.1:9", "--exit-with-collector"},
		program.Common{Trace: "127.0.0.1:9", ExitWithCollector: true}.Args())
}

// silentCollector accepts one trace connection and returns, once it
// closes, every byte the program wrote on it.
func silentCollector(t *testing.T) (addr string, written <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			got <- "accept: " + err.Error()
			return
		}
		defer conn.Close()
		conn.SetReadDeadline(time.Now().Add(programtest.Patience))
		b, _ := io.ReadAll(conn)
		got <- string(b)
	}()
	return ln.Addr().String(), got
}

// TestAnnounceWhenReady starts a real program that needs a key before it
// serves, as the code server does: "listening on" and the hello come only
// once it accepts connections, so a launcher or a student never sees an
// address that is about to go away.
func TestAnnounceWhenReady(t *testing.T) {
	bin := filepath.Join(programtest.Build(t, "dsdemo/models/program/testdata/keyserver"), "keyserver")
	key := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(key, []byte("secret"), 0o600))

	fails := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"without its key", nil, 2, "keyserver: --key FILE is required\n"},
		{"with a key it cannot read", []string{"--key", key + ".missing"}, 1, "keyserver: cannot read the key: open " + key + ".missing: no such file or directory\n"},
	}
	for _, c := range fails {
		t.Run(c.name, func(t *testing.T) {
			addr, written := silentCollector(t)
			args := append([]string{"--listen", "127.0.0.1:0", "--trace", addr}, c.args...)
			out, errOut, code := programtest.Run(t, bin, args...)
			assert.Equal(t, c.wantCode, code)
			assert.Empty(t, out, "no listening on")
			assert.Equal(t, c.wantErr, errOut, "one sentence")
			assert.Empty(t, <-written, "not even a hello for the collector")
		})
	}

	t.Run("with its key", func(t *testing.T) {
		rec := programtest.NewRecorder(t)
		p := programtest.StartServer(t, bin, "--listen", "127.0.0.1:0", "--key", key, "--trace", rec.Addr())
		evs := rec.WaitN(t, 2, func(ev trace.Event) bool { return ev.Node == "keyserver" })
		assert.Equal(t, trace.KindHello, evs[0].Kind, "the hello comes first")
		assert.Equal(t, uint64(1), evs[0].Seq)
		assert.Equal(t, p.Addr, evs[0].Listen, "the same address as its listening on line")
		assert.Equal(t, trace.KindState, evs[1].Kind, "what it reported while it got ready comes after")

		n := wire.NewNode("client")
		conn, err := wire.Dial(programtest.Context(t), n, p.Addr)
		require.NoError(t, err)
		defer conn.Close()
		reply, err := conn.Call(programtest.Context(t), "keyserver", "echo", "hi")
		require.NoError(t, err)
		assert.JSONEq(t, `"hi"`, string(reply.Body))
	})
}
