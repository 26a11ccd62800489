package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"dsdemo/models/catalog"
	"dsdemo/models/program"
	"dsdemo/models/trace"
)

// State is where a process is in its life.
type State string

// The states of a process.
const (
	StateStarting State = "starting" // started, but it has not said hello yet
	StateRunning  State = "running"  // it said hello
	StateFrozen   State = "frozen"   // stopped with SIGSTOP; Thaw lets it go on
	StateKilled   State = "killed"   // ended by a signal, usually the launcher's SIGKILL
	StateExited   State = "exited"   // ended by itself, with ExitCode
)

// Proc is a snapshot of one process, for showing it.
type Proc struct {
	Node     string
	Role     string
	Binary   string   // the program's path, as started: /home/me/dsdemo/bin/server
	Args     []string // its arguments after the path
	Cmdline  string   // Binary and Args quoted for a shell, to paste into a second terminal
	PID      int
	Addr     string // where it listens; "" for a program that serves nobody
	State    State
	ExitCode int      // when State is StateExited; -1 otherwise
	CutOff   []string // the nodes it is partitioned from, sorted
	Output   []Line   // its latest lines on stdout and stderr, across restarts
}

// node is one node of the running model: a program and its latest run.
type node struct {
	program catalog.Program
	output  *tail                      // what its runs printed
	faults  map[trace.Op]trace.Control // the faults in force, sent again after a restart
	proc    *process                   // its latest run; nil before the first
}

// process is one run of a node's program: started once, reaped once.
type process struct {
	cmd      *exec.Cmd
	pid      int
	args     []string
	cmdline  string         // the path and args, quoted for a shell
	stdin    io.WriteCloser // kept so it stays open (a collected pipe is closed): a client's session ends with it
	exited   chan struct{}  // closed once the process is reaped
	state    State          // guarded by Launcher.mu
	exitCode int            // guarded by Launcher.mu; set when it exited by itself
}

// reapLimit is how long the launcher waits for a killed process to be
// reaped. SIGKILL cannot be caught, so this is only a guard.
const reapLimit = 5 * time.Second

// addNode returns the node named prog.Node, adding it on first use. The
// caller holds l.mu.
func (l *Launcher) addNode(prog catalog.Program) *node {
	if n := l.nodes[prog.Node]; n != nil {
		return n
	}
	n := &node{program: prog, output: &tail{}, faults: maps.Clone(l.shared)}
	l.nodes[prog.Node] = n
	l.order = append(l.order, prog.Node)
	return n
}

// start starts prog, waits for its hello and then sends it the faults and
// the partition in force. A program that does not say hello is killed.
func (l *Launcher) start(ctx context.Context, prog catalog.Program) error {
	hello := l.events.watch(catalog.Match{Kind: trace.KindHello, Node: prog.Node}, nil)
	defer l.events.drop(hello)
	n, p, err := l.spawn(prog)
	if err != nil {
		return err
	}
	if err := l.waitHello(ctx, n, p, hello); err != nil {
		l.stop(n)
		return err
	}
	return l.reapply(prog.Node)
}

// spawn starts prog as a process of its own process group, with stdin a
// pipe and its output kept in the node's tail, and a goroutine that reaps it.
func (l *Launcher) spawn(prog catalog.Program) (*node, *process, error) {
	l.mu.Lock()
	defer l.mu.Unlock() // held while starting, so Close cannot miss the process
	if l.shut {
		return nil, nil, fmt.Errorf("cannot start %s: %w", prog.Node, errClosed)
	}
	n := l.addNode(prog)
	if n.proc != nil && n.proc.alive() {
		return nil, nil, fmt.Errorf("cannot start %s: it is already %s", prog.Node, n.proc.state)
	}
	args, err := launchArgs(prog, l.collector.Addr(), l.addrs)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot start %s: %w", prog.Node, err)
	}
	cmd := exec.Command(filepath.Join(l.cfg.BinDir, prog.Binary), args...)
	cmd.Env = append(os.Environ(), "TMPDIR="+l.tmp, program.TokenEnv+"="+l.token)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true,            // a group of its own: signals reach it and its children
		Pdeathsig: syscall.SIGKILL, // the kernel kills it when the launcher dies
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot start %s: %w", prog.Node, err)
	}
	stdout, stderr := &lineWriter{tail: n.output}, &lineWriter{tail: n.output, stderr: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = time.Second // do not wait for output a leftover grandchild holds open
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("cannot start %s: %w", prog.Node, err)
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, args: args, stdin: stdin,
		cmdline: shellQuote(append([]string{shown(cmd.Path)}, args...)),
		exited:  make(chan struct{}), state: StateStarting, exitCode: -1}
	n.proc = p
	go l.reap(p, stdout, stderr)
	return n, p, nil
}

// reap waits for p to end and records how it ended.
func (l *Launcher) reap(p *process, stdout, stderr *lineWriter) {
	p.cmd.Wait()
	stdout.flush()
	stderr.flush()
	l.mu.Lock()
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		p.state = StateKilled
	} else {
		p.state, p.exitCode = StateExited, p.cmd.ProcessState.ExitCode()
	}
	l.mu.Unlock()
	close(p.exited)
}

// waitHello waits until p says hello, and says why when it does not.
func (l *Launcher) waitHello(ctx context.Context, n *node, p *process, hello *watch) error {
	timer := time.NewTimer(helloTimeout)
	defer timer.Stop()
	node := n.program.Node
	select {
	case <-hello.matched:
		return nil
	case <-p.exited:
		l.mu.Lock()
		how := string(p.state)
		if p.state == StateExited {
			how = fmt.Sprintf("exited with code %d", p.exitCode)
		}
		reserved := n.program.Listen == catalog.ListenReserved
		addr := l.addrs[node]
		l.mu.Unlock()
		err := fmt.Errorf("%s %s before it said hello%s", node, how, said(n.output))
		if reserved && portTaken(addr) {
			err = fmt.Errorf("%w: %w", errPortTaken, err)
		}
		return err
	case <-timer.C:
		return fmt.Errorf("%s did not say hello within %s%s", node, helloTimeout, said(n.output))
	case <-ctx.Done():
		return fmt.Errorf("waiting for the hello of %s: %w", node, ctx.Err())
	case <-l.closed:
		return fmt.Errorf("waiting for the hello of %s: %w", node, errClosed)
	}
}

// errPortTaken says that another process listens on a port the launcher
// reserved for a program.
var errPortTaken = errors.New("another process took the reserved port")

// portTaken reports whether another process listens on addr.
func portTaken(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return errors.Is(err, syscall.EADDRINUSE)
	}
	ln.Close()
	return false
}

// said returns the latest lines a node printed on stderr, to add to an
// error message, or "" when there are none.
func said(t *tail) string {
	lines := t.stderr(5)
	if len(lines) == 0 {
		return ""
	}
	return "; its stderr: " + strings.Join(lines, " | ")
}

// stop kills n's process, if it still runs, and waits until it is reaped.
func (l *Launcher) stop(n *node) error {
	l.mu.Lock()
	p := n.proc
	if p == nil || !p.alive() {
		l.mu.Unlock()
		return nil
	}
	p.signal(syscall.SIGKILL)
	l.mu.Unlock()
	select {
	case <-p.exited:
		return nil
	case <-time.After(reapLimit):
		return fmt.Errorf("%s (pid %d) did not end within %s of SIGKILL", n.program.Node, p.pid, reapLimit)
	}
}

// Kill ends node at once with SIGKILL, as a crash or a power cut would: no
// goodbye, nothing saved. It returns once the process is reaped.
func (l *Launcher) Kill(node string) error {
	e := begin(trace.FaultKill, node)
	n, err := l.live(node, "kill")
	if err != nil {
		return err
	}
	if err := l.stop(n); err != nil {
		return fmt.Errorf("cannot kill %s: %w", node, err)
	}
	return l.announce(e, nil)
}

// Freeze stops node with SIGSTOP: the process is still there, the kernel
// still accepts connections for it, but it does nothing until Thaw.
func (l *Launcher) Freeze(node string) error {
	return l.announce(begin(trace.FaultFreeze, node), l.pause(node, "freeze", StateRunning, syscall.SIGSTOP, StateFrozen))
}

// Thaw lets a frozen node go on with SIGCONT.
func (l *Launcher) Thaw(node string) error {
	return l.announce(begin(trace.FaultThaw, node), l.pause(node, "thaw", StateFrozen, syscall.SIGCONT, StateRunning))
}

// pause sends sig to node when it is in state from, and notes that it is
// now in state to.
func (l *Launcher) pause(node, verb string, from State, sig syscall.Signal, to State) error {
	n, err := l.live(node, verb)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if n.proc.state != from {
		return fmt.Errorf("cannot %s %s: it is %s, not %s", verb, node, n.proc.state, from)
	}
	if err := n.proc.signal(sig); err != nil {
		return fmt.Errorf("cannot %s %s: %w", verb, node, err)
	}
	n.proc.state = to
	return nil
}

// live returns node when its latest run has not ended.
func (l *Launcher) live(node, verb string) (*node, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.nodes[node]
	switch {
	case n == nil:
		return nil, fmt.Errorf("cannot %s %s: no such node is running", verb, node)
	case n.proc == nil || !n.proc.alive():
		return nil, fmt.Errorf("cannot %s %s: it is not running", verb, node)
	}
	return n, nil
}

// alive reports whether the process has not ended. The caller holds l.mu.
func (p *process) alive() bool {
	return p.state == StateStarting || p.state == StateRunning || p.state == StateFrozen
}

// signal sends sig to the process's group. The caller holds l.mu and has
// checked that the process is alive, so its pid is not yet reused.
func (p *process) signal(sig syscall.Signal) error {
	return syscall.Kill(-p.pid, sig)
}

// snapshot describes n's latest run. The caller holds l.mu.
func (l *Launcher) snapshot(n *node) Proc {
	p := n.proc
	exit := -1
	if p.state == StateExited {
		exit = p.exitCode
	}
	return Proc{
		Node:     n.program.Node,
		Role:     n.program.Role,
		Binary:   p.cmd.Path,
		Args:     slices.Clone(p.args),
		Cmdline:  p.cmdline,
		PID:      p.pid,
		Addr:     l.addrs[n.program.Node],
		State:    p.state,
		ExitCode: exit,
		CutOff:   slices.Sorted(maps.Keys(l.cut[n.program.Node])),
		Output:   n.output.snapshot(),
	}
}

// shown is path as a student would type it in the current directory:
// bin/server rather than /home/me/dsdemo/bin/server.
func shown(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	if !strings.Contains(rel, string(filepath.Separator)) {
		return "." + string(filepath.Separator) + rel // a bare name would be looked up on PATH
	}
	return rel
}

// plainWord is an argument a shell takes as it is, without quotes.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote joins words into a command line for a POSIX shell, quoting
// the words that need it.
func shellQuote(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if plainWord.MatchString(w) {
			quoted[i] = w
		} else {
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}
