// Package programtest runs dsdemo programs as real processes for end-to-end
// tests: it builds them, starts them, learns their addresses from their
// "listening on" line, records their trace events, and makes sure that no
// process outlives its test.
package programtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dsdemo/models/trace"
)

// Patience is how long a test waits for a condition before it fails. It is
// generous because a loaded CI machine running -race is slow; a passing test
// never waits this long.
const Patience = 30 * time.Second

// Build compiles the given packages (import paths such as
// "dsdemo/clientserver/server") into a temporary directory and returns it.
func Build(t testing.TB, pkgs ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)
	cmd := exec.Command(goCommand(), args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	return dir
}

// Programs are packages built once for all the tests of a test binary
// that ask for them, rather than once per test: declare them in a package
// variable, and remove the directory in TestMain once the tests have run.
//
//	var programs = programtest.Programs{Pkgs: []string{"dsdemo/middleware/rpc/directory"}}
//
//	func TestMain(m *testing.M) { code := m.Run(); programs.Remove(); os.Exit(code) }
type Programs struct {
	Pkgs []string

	once sync.Once
	dir  string
	err  string
}

// Path returns the path of the built program name, building them all the
// first time.
func (p *Programs) Path(t testing.TB, name string) string {
	t.Helper()
	p.once.Do(func() {
		dir, err := os.MkdirTemp("", "dsdemo-programs")
		if err != nil {
			p.err = err.Error()
			return
		}
		args := append([]string{"build", "-o", dir + string(filepath.Separator)}, p.Pkgs...)
		if out, err := exec.Command(goCommand(), args...).CombinedOutput(); err != nil {
			p.err = fmt.Sprintf("go build %s: %v\n%s", strings.Join(p.Pkgs, " "), err, out)
			os.RemoveAll(dir)
			return
		}
		p.dir = dir
	})
	if p.dir == "" {
		t.Fatalf("the programs did not build: %s", p.err)
	}
	return filepath.Join(p.dir, name)
}

// Remove removes the built programs.
func (p *Programs) Remove() {
	if p.dir != "" {
		os.RemoveAll(p.dir)
	}
}

// goCommand is the go command of the toolchain running the test: go test
// gives the test binary its GOROOT, which may differ from the first go on
// PATH.
func goCommand() string {
	if goroot := os.Getenv("GOROOT"); goroot != "" {
		return filepath.Join(goroot, "bin", "go")
	}
	return "go"
}

// Proc is a running program.
type Proc struct {
	Cmd   *exec.Cmd
	Addr  string // the address of its "listening on" line, if it printed one
	Stdin io.WriteCloser

	mu      sync.Mutex    // guards out, errOut and changed
	out     []string      // stdout lines so far
	errOut  []string      // stderr lines so far
	changed chan struct{} // closed and replaced when a line arrives

	exited chan struct{} // closed when the process has exited
	err    error         // Wait's result, set before exited is closed
}

// Start starts bin with args. The process is killed (if still running) and
// reaped when the test ends, and it dies with the test binary on Linux.
func Start(t testing.TB, bin string, args ...string) *Proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &Proc{Cmd: cmd, changed: make(chan struct{}), exited: make(chan struct{})}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	p.Stdin = stdin
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	var readers sync.WaitGroup
	readers.Go(func() { p.collect(stdout, &p.out) })
	readers.Go(func() { p.collect(stderr, &p.errOut) })
	go func() {
		readers.Wait()
		p.err = cmd.Wait()
		close(p.exited)
		p.notify()
	}()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// StartServer starts a program that listens and waits for its "listening on" line.
func StartServer(t testing.TB, bin string, args ...string) *Proc {
	t.Helper()
	p := Start(t, bin, args...)
	line := p.WaitLine(t, "listening on ")
	p.Addr = strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	return p
}

func (p *Proc) collect(r io.Reader, into *[]string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		p.mu.Lock()
		*into = append(*into, sc.Text())
		p.mu.Unlock()
		p.notify()
	}
}

func (p *Proc) notify() {
	p.mu.Lock()
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// Output returns the stdout and stderr lines printed so far.
func (p *Proc) Output() (stdout, stderr []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.out), slices.Clone(p.errOut)
}

// WaitLine waits for a stdout line containing substr and returns it.
func (p *Proc) WaitLine(t testing.TB, substr string) string {
	t.Helper()
	deadline := time.After(Patience)
	for {
		p.mu.Lock()
		changed := p.changed
		for _, l := range p.out {
			if strings.Contains(l, substr) {
				p.mu.Unlock()
				return l
			}
		}
		p.mu.Unlock()
		select {
		case <-changed:
		case <-p.exited:
			if p.hasLine(substr) {
				continue
			}
			out, errOut := p.Output()
			t.Fatalf("%s exited (%v) before printing %q\nstdout: %q\nstderr: %q", p.Cmd.Path, p.err, substr, out, errOut)
		case <-deadline:
			out, errOut := p.Output()
			t.Fatalf("%s did not print %q within %s\nstdout: %q\nstderr: %q", p.Cmd.Path, substr, Patience, out, errOut)
		}
	}
}

func (p *Proc) hasLine(substr string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.ContainsFunc(p.out, func(l string) bool { return strings.Contains(l, substr) })
}

// Wait waits for the process to exit and returns its exit code.
func (p *Proc) Wait(t testing.TB) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(Patience):
		t.Fatalf("%s did not exit within %s", p.Cmd.Path, Patience)
	}
	return p.Cmd.ProcessState.ExitCode()
}

// Run runs bin to its end and returns its stdout, stderr and exit code.
func Run(t testing.TB, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not finish within %s", bin, strings.Join(args, " "), Patience)
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("run %s: %v", bin, err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

// EventLog keeps trace events and lets a test wait for them; it is safe
// for concurrent use, and waiting needs no polling.
type EventLog struct {
	mu      sync.Mutex // guards events and changed
	events  []trace.Event
	changed chan struct{} // closed and replaced when an event arrives
}

// NewEventLog returns an empty log.
func NewEventLog() *EventLog { return &EventLog{changed: make(chan struct{})} }

// Add appends an event; it fits trace.Listen's onEvent.
func (r *EventLog) Add(ev trace.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	close(r.changed)
	r.changed = make(chan struct{})
}

// All returns the events so far.
func (r *EventLog) All() []trace.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Matching returns the events so far that keep accepts.
func (r *EventLog) Matching(keep func(trace.Event) bool) []trace.Event {
	var got []trace.Event
	for _, ev := range r.All() {
		if keep(ev) {
			got = append(got, ev)
		}
	}
	return got
}

// WaitFor waits until cond holds for the events so far and returns them.
func (r *EventLog) WaitFor(t testing.TB, what string, cond func([]trace.Event) bool) []trace.Event {
	t.Helper()
	deadline := time.After(Patience)
	for {
		r.mu.Lock()
		events, changed := slices.Clone(r.events), r.changed
		r.mu.Unlock()
		if cond(events) {
			return events
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("waited %s for %s; %d events arrived", Patience, what, len(events))
		}
	}
}

// WaitN waits until at least n events match keep and returns those.
func (r *EventLog) WaitN(t testing.TB, n int, keep func(trace.Event) bool) []trace.Event {
	t.Helper()
	r.WaitFor(t, fmt.Sprintf("%d matching events", n), func(evs []trace.Event) bool {
		count := 0
		for _, ev := range evs {
			if keep(ev) {
				count++
			}
		}
		return count >= n
	})
	return r.Matching(keep)
}

// Recorder is a trace collector that keeps every event it receives.
type Recorder struct {
	*trace.Collector
	*EventLog
}

// NewRecorder starts a collector on 127.0.0.1 that is closed when the test ends.
func NewRecorder(t testing.TB) *Recorder {
	t.Helper()
	log := NewEventLog()
	c, err := trace.Listen("127.0.0.1:0", log.Add)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &Recorder{Collector: c, EventLog: log}
}

// Has returns a condition that holds when an event matches.
func Has(match func(trace.Event) bool) func([]trace.Event) bool {
	return func(evs []trace.Event) bool { return slices.ContainsFunc(evs, match) }
}

// Msg matches a send or recv event of a message type at a node.
func Msg(kind trace.Kind, node, typ string) func(trace.Event) bool {
	return func(ev trace.Event) bool {
		return ev.Kind == kind && ev.Node == node && ev.Msg != nil && ev.Msg.Type == typ
	}
}

// String describes an event in one line, for failure messages.
func String(ev trace.Event) string {
	if ev.Msg != nil {
		return fmt.Sprintf("%s %s %s %s->%s id=%d clock=%d", ev.Node, ev.Kind, ev.Msg.Type, ev.Msg.From, ev.Msg.To, ev.Msg.ID, ev.Clock)
	}
	return fmt.Sprintf("%s %s %s=%s %s", ev.Node, ev.Kind, ev.Key, ev.Value, ev.Text)
}

// Context returns a context that ends when the test ends or after
// Patience, whichever comes first, for every blocking call of a test: a
// call that reaches it means the test hangs.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Patience)
	t.Cleanup(cancel)
	return ctx
}

// PeakRSS is the most memory process pid has had resident so far, in
// bytes (VmHWM of /proc/PID/status, Linux only): what a test of a memory
// bound compares with the bound, whatever the garbage collector did since.
func PeakRSS(t testing.TB, pid int) uint64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("peak memory of process %d: %v", pid, err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("peak memory of process %d: %q: %v", pid, line, err)
			}
			return kib << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
