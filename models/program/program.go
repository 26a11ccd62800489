// Package program holds what every dsdemo program does the same way, so each
// main stays a few lines long: the common flags, the listener and its
// "listening on" line, the trace connection with its control lines, signals,
// and the exit code.
//
//	main() --> Program.Main --> parse flags (--name --listen --trace ...; see Common)
//	                            listen, dial the collector
//	                            run(ctx, env)   <- the program's own work: it checks
//	                              |                its own flags, keys and files, then
//	                              |                serves: env.Listener.Accept
//	                              +-- first Accept: print "listening on HOST:PORT", say hello
//	                            say bye, exit 0 / 1 / 2
//
// A server announces itself only when it starts to accept connections, so
// its "listening on" line and its hello tell the truth: it is ready. One
// that fails before (a missing key, a data directory it cannot create)
// prints only its error and says nothing to the collector. A program that
// serves nobody (a client) says hello as soon as it runs.
//
// Exit codes: 0 when run returns nil (also after SIGINT or SIGTERM), 1 when it
// returns an error, 2 for a usage error (a bad flag or argument). Every error
// is one line on stderr, prefixed with the program's role.
package program

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"dsdemo/models/faults"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// TraceEnv is the environment variable that names a collector when --trace is not given.
const TraceEnv = "DSDEMO_TRACE"

// TokenEnv is the environment variable that holds the join token when
// --join-token is not given.
const TokenEnv = "DSDEMO_TOKEN"

// Program describes one demo program: who it is in its model and which flags
// it has beyond the common ones.
type Program struct {
	Role     string        // its role in the model, e.g. "server"; also the default node name
	Model    string        // the catalogue id of its model, e.g. "clientserver"
	Listen   string        // default listen address; "" for a program that does not serve
	Synopsis string        // usage line after the program name, e.g. "[flags] get KEY | put KEY VALUE"
	Flags    *flag.FlagSet // the program's own flags; Main adds the common ones
	Commands bool          // it takes commands from the collector's "do" lines (a client does)
	// ClientRun, when set, is asked after the flags are parsed whether this
	// run only asks another node and serves nobody (a peer given --to), so
	// that it opens no listener. Nil means a program with Listen always serves.
	ClientRun func() bool
	// ModelFor, when set, is asked after the flags are parsed for the model
	// this run plays, when it depends on them (a server started as one of a
	// group of cooperating servers). Nil, or "", means Model.
	ModelFor func() string
}

// Env is what Main hands the program's run function.
type Env struct {
	Node     *wire.Node
	Listener net.Listener // nil for a program that does not serve
	Args     []string     // the arguments after the flags
	Seed     uint64       // --seed: the node's faults draw from it, and so do a program's own random choices, so a run repeats
	Trace    string       // the collector's address (--trace or $DSDEMO_TRACE); "" when there is none
	Stdout   io.Writer    // a TextWriter: what comes from the network is shown, not obeyed by the terminal
	Stdin    io.Reader
	Commands <-chan string // commands from the collector's "do" lines; nil unless Program.Commands

	terminal io.Writer // the Stdout Run was given, for a Session's line editing
}

// UsageError is an error in the command line; Main exits with code 2 for it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError.
func Usagef(format string, args ...any) error { return &UsageError{Msg: fmt.Sprintf(format, args...)} }

// New returns a Program with an empty flag set for its own flags.
func New(role, model, listen, synopsis string) *Program {
	return &Program{Role: role, Model: model, Listen: listen, Synopsis: synopsis,
		Flags: flag.NewFlagSet(role, flag.ContinueOnError)}
}

// Main runs the program with os.Args and returns its exit code.
func (p *Program) Main(run func(ctx context.Context, env *Env) error) int {
	return p.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, run)
}

// Run is Main with explicit arguments and streams, for tests.
func (p *Program) Run(args []string, stdin io.Reader, stdout, stderr io.Writer, run func(ctx context.Context, env *Env) error) int {
	stderr = TextWriter{W: stderr} // an error's reason may come from the network
	fs := p.Flags
	var common Common
	common.define(fs, p.Role, p.Listen)
	serves := p.Listen != ""
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			p.printUsage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "%s: %v (see --help)\n", p.Role, err)
		return 2
	}
	if serves && p.ClientRun != nil && p.ClientRun() {
		serves = false
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	node := wire.NewNode(common.Name)
	node.Faults = faults.New(common.Seed)
	var commands chan string
	if p.Commands {
		commands = make(chan string, 16)
	}
	// The "listening on" line may come from whichever goroutine first
	// accepts, while the program prints its own lines.
	out := &lockedWriter{w: stdout}
	env := &Env{Node: node, Args: fs.Args(), Seed: common.Seed, Trace: common.Trace,
		Stdout: TextWriter{W: out}, Stdin: stdin, Commands: commands, terminal: stdout}

	var ln net.Listener
	if serves {
		var err error
		ln, err = net.Listen("tcp", common.Listen)
		if err != nil {
			fmt.Fprintf(stderr, "%s: cannot listen on %s: %v\n", p.Role, common.Listen, oneLine(err))
			return 1
		}
		defer ln.Close()
	}
	hello := func() {}

	if common.Trace != "" {
		em, err := trace.Dial(ctx, common.Trace, node.Name, func(c trace.Control) {
			p.control(node, commands, c)
		})
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", p.Role, oneLine(err))
			return 1
		}
		em.Token = common.Token
		node.Trace = em
		listenAddr := ""
		if ln != nil {
			listenAddr = ln.Addr().String()
		}
		model := p.Model
		if p.ModelFor != nil && p.ModelFor() != "" {
			model = p.ModelFor()
		}
		hello = func() { em.Hello(p.Role, model, os.Getpid(), listenAddr) }
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-em.HungUp():
				node.Faults.Reset() // nobody is left to release a held message
				if common.ExitWithCollector || em.Refused() != "" {
					cancel()
				}
			case <-ctx.Done():
			}
		}()
	}

	if ln != nil {
		env.Listener = &announcer{Listener: ln, announce: func() {
			fmt.Fprintf(out, "listening on %s\n", ln.Addr())
			hello()
		}}
	} else {
		hello()
	}

	err := run(ctx, env)
	reason := "finished"
	switch {
	case err != nil:
		reason = err.Error()
	case ctx.Err() != nil:
		reason = "stopped"
	}
	node.Trace.Close(reason)
	if why := node.Trace.Refused(); why != "" {
		fmt.Fprintf(stderr, "%s: the collector at %s refused this program: %s\n", p.Role, common.Trace, oneLine(errors.New(why)))
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", p.Role, oneLine(err))
		var usage *UsageError
		if errors.As(err, &usage) {
			return 2
		}
		return 1
	}
	return 0
}

// announcer is the listener a serving program gets: its first Accept
// announces the program, with the "listening on" line and the hello, since
// a program that accepts connections has checked what it needs and is
// ready to serve. Serve and http.Server call Accept, so a program's code
// does nothing for it.
type announcer struct {
	net.Listener
	once     sync.Once
	announce func()
}

func (a *announcer) Accept() (net.Conn, error) {
	a.once.Do(a.announce)
	return a.Listener.Accept()
}

// lockedWriter lets several goroutines write whole lines to one writer.
type lockedWriter struct {
	mu sync.Mutex // guards w
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// control carries out one control line: faults go to the injector, "do"
// commands to the program, and anything refused is reported to the collector.
func (p *Program) control(node *wire.Node, commands chan<- string, c trace.Control) {
	if c.Op == trace.OpDo {
		if commands == nil {
			node.Trace.Logf("do %q refused: %s takes no commands", c.Cmd, node.Name)
			return
		}
		select {
		case commands <- c.Cmd:
		default:
			node.Trace.Logf("do %q refused: %s is still busy with earlier commands", c.Cmd, node.Name)
		}
		return
	}
	if err := node.Faults.Apply(c); err != nil {
		node.Trace.Logf("%v", err)
		return
	}
	if c.Op != trace.OpRelease {
		// The answer to a fault line: what is in force now.
		node.Trace.State("faults", node.Faults.String())
	}
}

func (p *Program) printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s %s\n\nflags:\n", p.Role, p.Synopsis)
	p.Flags.SetOutput(w)
	p.Flags.PrintDefaults()
	p.Flags.SetOutput(io.Discard)
}

// oneLine is err as one sentence for a student: a network error such as
// "dial tcp 127.0.0.1:1: connect: connection refused" keeps only its cause.
func oneLine(err error) string {
	var op *net.OpError
	if !errors.As(err, &op) || op.Err == nil {
		return err.Error()
	}
	cause := op.Err
	var sys *os.SyscallError
	if errors.As(cause, &sys) {
		cause = sys.Err
	}
	return strings.Replace(err.Error(), op.Error(), cause.Error(), 1)
}

// List splits a comma-separated flag value such as "A,B,C", skipping blanks.
func List(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
