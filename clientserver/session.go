package clientserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"dsdemo/models/program"
)

// ClientConfig is the client program's command line.
type ClientConfig struct {
	Servers     []string
	Timeout     time.Duration
	Every       time.Duration // in a session, send a request of our own this often
	Bench       bool
	Concurrency int
	Requests    int
}

// RunClient is the client program: one command given as arguments, a load
// run (--bench), or an interactive session reading commands from stdin and
// from the collector's "do" lines until stdin ends or ctx is done.
func RunClient(ctx context.Context, env *program.Env, cfg ClientConfig) error {
	if len(cfg.Servers) == 0 {
		return program.Usagef("--server needs at least one address")
	}
	if cfg.Bench {
		res, err := Bench(ctx, env.Node, BenchConfig{Servers: cfg.Servers, Concurrency: cfg.Concurrency, Requests: cfg.Requests, Timeout: cfg.Timeout})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, res)
		return nil
	}
	c := NewClient(env.Node, cfg.Servers, 0, cfg.Timeout)
	defer c.Close()
	if len(env.Args) > 0 {
		out, err := c.Command(ctx, strings.Join(env.Args, " "))
		var bad *CommandError
		if errors.As(err, &bad) {
			return program.Usagef("%v", err)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, out)
		return nil
	}
	return session(ctx, env, c, cfg.Every)
}

const sessionHelp = `commands: get KEY | put KEY VALUE | del KEY | help | quit`

// session is the interactive client. On a terminal it offers line editing
// and history; otherwise it reads plain lines, so it can be driven by a pipe.
func session(ctx context.Context, env *program.Env, c *Client, every time.Duration) error {
	lines, out, restore := readLines(ctx, env)
	defer restore()
	fmt.Fprintln(out, sessionHelp)

	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	auto := 0
	for {
		var line string
		select {
		case <-ctx.Done():
			return nil
		case l, ok := <-lines:
			if !ok {
				return nil
			}
			line = l
		case cmd := <-env.Commands:
			fmt.Fprintf(out, "> %s\n", cmd)
			line = cmd
		case <-tick:
			line = autoCommand(auto)
			auto++
			fmt.Fprintf(out, "> %s\n", line)
		}
		switch strings.TrimSpace(line) {
		case "":
			continue
		case "quit", "exit":
			return nil
		case "help":
			fmt.Fprintln(out, sessionHelp)
			continue
		}
		result, err := c.Command(ctx, line)
		switch {
		case errors.Is(err, ErrNotFound):
			result = "not found"
		case err != nil:
			result = "error: " + err.Error()
		}
		fmt.Fprintln(out, result)
		// The viewer sees the messages; this line says what they meant to the user.
		env.Node.Trace.Logf("%s: %s", strings.TrimSpace(line), result)
	}
}

// autoCommand is the request number i of a client started with --every: it
// writes and reads five keys in turn, a flow easy to follow on a diagram.
func autoCommand(i int) string {
	key := string(rune('a' + i/2%5))
	if i%2 == 0 {
		return "put " + key + " " + strconv.Itoa(i/2+1)
	}
	return "get " + key
}

// readLines delivers stdin's lines on a channel that is closed at the end of
// input. On a terminal it switches to raw mode for line editing; restore
// switches back.
func readLines(ctx context.Context, env *program.Env) (lines <-chan string, out io.Writer, restore func()) {
	ch := make(chan string)
	restore = func() {}
	out = env.Stdout
	var next func() (string, error)
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) && env.Stdout == os.Stdout {
		if state, err := term.MakeRaw(int(f.Fd())); err == nil {
			restore = func() { term.Restore(int(f.Fd()), state) }
			t := term.NewTerminal(struct {
				io.Reader
				io.Writer
			}{f, os.Stdout}, "kv> ")
			out, next = t, t.ReadLine
		}
	}
	if next == nil {
		sc := bufio.NewScanner(env.Stdin)
		next = func() (string, error) {
			if sc.Scan() {
				return sc.Text(), nil
			}
			return "", io.EOF
		}
	}
	go func() {
		defer close(ch)
		for {
			line, err := next()
			if err != nil {
				return
			}
			select {
			case ch <- line:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, out, restore
}
