package program

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Session is an interactive client's command loop. Commands come from three
// places: lines typed at stdin (with line editing and history on a
// terminal), the collector's "do" lines (so the launcher can drive the
// client), and, every Every, an automatic command of its own (a steady flow
// to watch). Each result is printed and reported to the trace as a log line,
// so a viewer sees what the messages meant to the user.
type Session struct {
	Prompt string                                                 // shown on a terminal, e.g. "kv> "
	Help   string                                                 // printed at the start and for "help"
	Every  time.Duration                                          // 0: no automatic commands
	Auto   func(i int) string                                     // the i-th automatic command
	Run    func(ctx context.Context, line string) (string, error) // runs one command; an error is printed as such
}

// CommandError is a command line a client does not understand. In a
// session it is printed like any other error; as the program's arguments
// it is a usage error (see RunArgs).
type CommandError struct {
	Line string // the command as given
	Why  string // what is wrong, e.g. "want get KEY, put KEY VALUE or del KEY"
}

func (e *CommandError) Error() string { return fmt.Sprintf("cannot do %q: %s", e.Line, e.Why) }

// RunArgs runs the one command given as the program's arguments (env.Args,
// joined by spaces) with run, and prints what it returns. A client runs
// it when it has arguments and a Session otherwise. A *CommandError from
// run becomes a *UsageError, so the program exits with code 2; any other
// error is returned as it is (code 1).
func RunArgs(ctx context.Context, env *Env, run func(ctx context.Context, line string) (string, error)) error {
	out, err := run(ctx, strings.Join(env.Args, " "))
	var bad *CommandError
	if errors.As(err, &bad) {
		return &UsageError{Msg: err.Error()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, out)
	return nil
}

// Loop runs the session until stdin ends, "quit" or "exit" is typed, or
// ctx ends. A launcher keeps the client's stdin open for as long as it
// should live.
func (s *Session) Loop(ctx context.Context, env *Env) error {
	lines, out, restore := s.readLines(ctx, env)
	defer restore()
	fmt.Fprintln(out, s.Help)

	var tick <-chan time.Time
	if s.Every > 0 && s.Auto != nil {
		t := time.NewTicker(s.Every)
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
			line = s.Auto(auto)
			auto++
			fmt.Fprintf(out, "> %s\n", line)
		}
		switch strings.TrimSpace(line) {
		case "":
			continue
		case "quit", "exit":
			return nil
		case "help":
			fmt.Fprintln(out, s.Help)
			continue
		}
		result, err := s.Run(ctx, line)
		if err != nil {
			result = "error: " + err.Error()
		}
		fmt.Fprintln(out, result)
		env.Node.Trace.Logf("%s: %s", strings.TrimSpace(line), result)
	}
}

// readLines delivers stdin's lines on a channel that is closed at the end of
// input. On a terminal it switches to raw mode for line editing; restore
// switches back.
func (s *Session) readLines(ctx context.Context, env *Env) (lines <-chan string, out io.Writer, restore func()) {
	ch := make(chan string)
	restore = func() {}
	out = env.Stdout
	var next func() (string, error)
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) && env.terminal == os.Stdout {
		if state, err := term.MakeRaw(int(f.Fd())); err == nil {
			restore = func() { term.Restore(int(f.Fd()), state) }
			t := term.NewTerminal(struct {
				io.Reader
				io.Writer
			}{f, os.Stdout}, s.Prompt)
			out, next = TextWriter{W: t}, t.ReadLine
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
