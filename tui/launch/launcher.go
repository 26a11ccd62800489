package launch

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// Config says which model to start and where its programs are.
type Config struct {
	Model catalog.Model

	// BinDir holds the programs. Empty means bin/ in ModuleDir, or bin/ in
	// the current directory when there is no module. A program missing
	// from it is built there first.
	BinDir string

	// ModuleDir is the root of the dsdemo module, where missing programs are
	// built with "go build". Empty means the nearest directory at or above
	// the current one whose go.mod declares the dsdemo module.
	ModuleDir string

	// OnEvent is called for every trace event the collector receives, from
	// the collector's goroutines (one per program), so it must be safe for
	// concurrent use and must not block for long: a slow OnEvent slows the
	// program's trace connection and, after the program's queue is full,
	// costs events. It may call the Launcher's methods except Close, which
	// waits for it. Nil means the events are only used by the launcher
	// itself.
	OnEvent func(trace.Event)

	// Class opens the demo to programs from other machines (dsdemo
	// --class): the collector listens on Class.Addr, and a program that
	// the launcher did not start joins only with Class.Token. Nil: the
	// collector listens on 127.0.0.1:0, and admits any program of this
	// machine. Either way, no program the launcher did not start may take
	// the name of one it did, and control lines go only to the programs it
	// started.
	Class *Class
}

// Class is where a class's demo takes programs from other machines.
type Class struct {
	Addr  string // host:port of the collector
	Token string // the join token a program passes with --join-token
}

// helloTimeout is how long a program may take to say hello after it
// started.
const helloTimeout = 10 * time.Second

// Launcher runs the programs of one model and watches them through its
// trace collector. Its methods are safe for concurrent use.
type Launcher struct {
	cfg       Config // with the defaults filled in
	collector *trace.Collector
	events    events        // numbers the events and serves the waits for them
	closed    chan struct{} // closed when Close begins
	closeOnce sync.Once
	closeErr  error // Close's result, set once

	steerMu sync.Mutex // serialises control lines: held while computing and sending them (before mu)

	mu     sync.Mutex                   // guards the fields below and the fields of each node and process
	shut   bool                         // Close has begun: nothing may start any more
	nodes  map[string]*node             // every node started so far (or being started), by name
	order  []string                     // the names in nodes, in the order they were first started
	addrs  map[string]string            // the listen address of each serving node: reserved, or from its hello
	states map[string]map[string]string // the latest value of each state key a node's current run reported
	tmp    string                       // the run's own temporary directory, the programs' TMPDIR; removed by Close
	cut    map[string]map[string]bool   // node to the nodes it cannot reach (a two-way partition is in both lists)
	shared map[trace.Op]trace.Control   // faults set on every node, for nodes that start later
	token  string                       // the join token of the launcher's own programs, in their $DSDEMO_TOKEN
	// onEvent is cfg.OnEvent until Close lets go of it.
	onEvent atomic.Pointer[func(trace.Event)]
	// settling is closed once the player stopped last has sent the lines
	// that end its step mode and standing still (Player.Stop); nil when
	// no player was stopped.
	settling <-chan struct{}
}

// settleAfter notes that a player is being stopped: it returns the channel
// of the stop before (nil if none), whose lines go first, and the channel
// this stop closes when its own lines are sent.
func (l *Launcher) settleAfter() (prev <-chan struct{}, done chan struct{}) {
	done = make(chan struct{})
	l.mu.Lock()
	defer l.mu.Unlock()
	prev, l.settling = l.settling, done
	return prev, done
}

// settled waits until the players stopped so far have sent their lines,
// so that an experiment's steps never meet the end of an earlier one's.
func (l *Launcher) settled(ctx context.Context) error {
	l.mu.Lock()
	ch := l.settling
	l.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-l.closed:
		return errClosed
	}
}

// Start starts a trace collector and the programs of cfg.Model that do not
// wait for an experiment (catalog.Program.Later), each after the ones whose
// addresses it needs, and returns when every one of them has said hello.
// When a program cannot be started, Start stops the ones it had started and
// returns an error naming the program.
//
// A port reserved for a program can be taken by another process before the
// program listens on it (see catalog.Listen). Then Start begins again with
// new ports, up to startAttempts times in all; OnEvent sees the hellos of
// the attempts that failed.
func Start(ctx context.Context, cfg Config) (*Launcher, error) {
	cfg = withDefaults(cfg)
	m := cfg.Model
	order, err := startOrder(m)
	if err != nil {
		return nil, fmt.Errorf("cannot start %s: %w", m.ID, err)
	}
	if err := buildMissing(ctx, cfg.BinDir, cfg.ModuleDir, binaries(m)); err != nil {
		return nil, fmt.Errorf("cannot start %s: %w", m.ID, err)
	}
	for attempt := 1; ; attempt++ {
		l, err := startAll(ctx, cfg, order)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			return nil, fmt.Errorf("cannot start %s: %w", m.ID, err)
		}
	}
}

// startAttempts is how often Start tries when reserved ports are taken.
const startAttempts = 3

// startAll reserves the ports, starts the collector and then the programs
// in order, or stops everything again when one of them fails.
func startAll(ctx context.Context, cfg Config, order []catalog.Program) (*Launcher, error) {
	l := &Launcher{
		cfg:    cfg,
		closed: make(chan struct{}),
		nodes:  map[string]*node{},
		addrs:  map[string]string{},
		states: map[string]map[string]string{},
		cut:    map[string]map[string]bool{},
		shared: map[trace.Op]trace.Control{},
	}
	if on := cfg.OnEvent; on != nil {
		l.onEvent.Store(&on)
		l.cfg.OnEvent = nil // kept in onEvent alone, which Close clears
	}
	// Files a program keeps in its temporary directory (the data tier's
	// database) belong to this run: a restart finds them, the next run
	// starts afresh, and Close removes them. What a killed launcher left
	// behind goes first.
	removeStaleRuns(os.TempDir())
	var err error
	if l.tmp, err = os.MkdirTemp("", runPrefix); err != nil {
		return nil, err
	}
	if err = claimRun(l.tmp); err != nil {
		os.RemoveAll(l.tmp)
		return nil, err
	}
	for _, p := range cfg.Model.Programs {
		if p.Listen == catalog.ListenReserved {
			if l.addrs[p.Node], err = reserveAddr(); err != nil {
				os.RemoveAll(l.tmp)
				return nil, fmt.Errorf("%s: %w", p.Node, err)
			}
		}
	}
	l.token = rand.Text()
	addr := "127.0.0.1:0"
	if cfg.Class != nil {
		addr = cfg.Class.Addr
	}
	if l.collector, err = (trace.ListenConfig{Admit: l.admit}).Listen(addr, l.handle); err != nil {
		os.RemoveAll(l.tmp)
		return nil, err
	}
	for _, p := range order {
		if err := l.start(ctx, p); err != nil {
			l.Close()
			return nil, err
		}
	}
	return l, nil
}

func withDefaults(cfg Config) Config {
	if cfg.ModuleDir == "" {
		cfg.ModuleDir = findModuleDir()
	}
	if cfg.BinDir == "" {
		cfg.BinDir = filepath.Join(cfg.ModuleDir, "bin")
	}
	if abs, err := filepath.Abs(cfg.BinDir); err == nil {
		cfg.BinDir = abs
	}
	return cfg
}

// binaries returns the programs in bin/ that the model uses, each once.
func binaries(m catalog.Model) []string {
	var names []string
	for _, p := range m.Programs {
		if !slices.Contains(names, p.Binary) {
			names = append(names, p.Binary)
		}
	}
	return names
}

// handle takes every event from the collector: it learns a program's state
// and address from its hello, passes the event on to OnEvent, and then to
// the waits, so that whoever waits for an event finds it already shown.
func (l *Launcher) handle(e trace.Event) {
	switch e.Kind {
	case trace.KindHello:
		l.hello(e)
	case trace.KindState:
		l.noteState(e)
	}
	if on := l.onEvent.Load(); on != nil {
		(*on)(e)
	}
	l.events.publish(e)
}

// hello marks the node running and notes the address it listens on. A
// hello from a process the launcher did not start (a student's program
// run by hand with the same name) changes nothing.
func (l *Launcher) hello(e trace.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.nodes[e.Node]
	if n == nil || n.proc == nil || n.proc.pid != e.PID || n.proc.state != StateStarting {
		return
	}
	n.proc.state = StateRunning
	delete(l.states, e.Node) // a new run starts with what it reports itself
	if e.Listen != "" && n.program.Listen != catalog.NoListen {
		l.addrs[e.Node] = e.Listen
	}
}

// noteState keeps the latest value of a state key a node reported, for
// the claims an experiment's captions make (see stateOf). Only nodes the
// launcher started are kept, so a stranger cannot grow the map.
func (l *Launcher) noteState(e trace.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.nodes[e.Node] == nil || e.Key == "" {
		return
	}
	if l.states[e.Node] == nil {
		l.states[e.Node] = map[string]string{}
	}
	l.states[e.Node][e.Key] = e.Value
}

// stateOf returns the latest value of key that node's current run
// reported, and whether it reported one.
func (l *Launcher) stateOf(node, key string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.states[node][key]
	return v, ok
}

// Procs returns a snapshot of every process the launcher started, in the
// order they were first started; a restarted node appears once, as its
// latest run.
func (l *Launcher) Procs() []Proc {
	l.mu.Lock()
	defer l.mu.Unlock()
	procs := make([]Proc, 0, len(l.order))
	for _, name := range l.order {
		if n := l.nodes[name]; n.proc != nil {
			procs = append(procs, l.snapshot(n))
		}
	}
	return procs
}

// StartNode starts a program of the model that is not running, typically
// one that waits for an experiment (Later), and waits for its hello.
func (l *Launcher) StartNode(ctx context.Context, node string) error {
	prog, ok := l.cfg.Model.Program(node)
	if !ok {
		return fmt.Errorf("cannot start %s: the model %s has no such node", node, l.cfg.Model.ID)
	}
	return l.start(ctx, prog)
}

// Restart starts node again with the same arguments and at the same
// address, so the nodes that know it find it again; a node that still runs
// is killed first. It waits for the new hello.
func (l *Launcher) Restart(ctx context.Context, node string) error {
	l.mu.Lock()
	n := l.nodes[node]
	l.mu.Unlock()
	if n == nil {
		return fmt.Errorf("cannot restart %s: it was never started", node)
	}
	e := begin(trace.FaultRestart, node)
	if err := l.stop(n); err != nil {
		return fmt.Errorf("cannot restart %s: %w", node, err)
	}
	return l.announce(e, l.start(ctx, n.program))
}

// AddClient starts one more client, a copy of the model's first client
// program named client-N with the lowest N no node of the model uses, and
// waits for its hello. It returns the new node's name. A model whose
// catalogue entry names another role in Adds gets one more of that role
// instead (the broker model: consumer-N).
func (l *Launcher) AddClient(ctx context.Context) (string, error) {
	role := cmp.Or(l.cfg.Model.Adds, "client")
	i := slices.IndexFunc(l.cfg.Model.Programs, func(p catalog.Program) bool { return p.Role == role })
	if i < 0 {
		return "", fmt.Errorf("cannot add a %s: the model %s has no %s program", role, l.cfg.Model.ID, role)
	}
	prog := l.cfg.Model.Programs[i]
	prog.Later = false

	l.mu.Lock()
	for n := 1; ; n++ {
		prog.Node = fmt.Sprintf("%s-%d", role, n)
		if _, inModel := l.cfg.Model.Program(prog.Node); !inModel && l.nodes[prog.Node] == nil {
			break
		}
	}
	l.addNode(prog) // claims the name before the lock is let go
	l.mu.Unlock()
	return prog.Node, l.start(ctx, prog)
}

// TempDir is the run's own temporary directory, which its programs get as
// TMPDIR: what they keep there (the data tier's database) lasts from a
// restart to the next, and Close removes it.
func (l *Launcher) TempDir() string { return l.tmp }

// Close kills every process (SIGKILL to its process group), waits until
// each is reaped, and closes the collector. It is safe to call more than
// once, on a nil Launcher, and from a deferred function while a panic
// unwinds; every call returns the first call's result.
func (l *Launcher) Close() error {
	if l == nil {
		return nil
	}
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.shut = true
		var live []*process
		for _, n := range l.nodes {
			if n.proc != nil && n.proc.alive() {
				n.proc.signal(syscall.SIGKILL)
				live = append(live, n.proc)
			}
		}
		l.mu.Unlock()
		close(l.closed)

		var errs []error
		deadline := time.After(reapLimit)
		for _, p := range live {
			select {
			case <-p.exited:
			case <-deadline:
				errs = append(errs, fmt.Errorf("process %d was not reaped within %s", p.pid, reapLimit))
			}
		}
		if l.collector != nil {
			errs = append(errs, l.collector.Close())
		}
		// The collector is done, so no program's event comes any more
		// (the launcher's own fault events may, from a stopped player's
		// last lines): let go of whoever listened, so a launcher kept
		// after its run (tui/app keeps every one it started) does not
		// keep the run's events.
		l.onEvent.Store(nil)
		if l.tmp != "" {
			errs = append(errs, os.RemoveAll(l.tmp))
		}
		if err := errors.Join(errs...); err != nil {
			l.closeErr = fmt.Errorf("closing the launcher: %w", err)
		}
	})
	return l.closeErr
}

// reserveAddr picks a free port on the loopback interface for a
// ListenReserved program: it listens on 127.0.0.1:0, notes the address the
// operating system chose and closes the listener again, so the program can
// take the port over with --listen.
func reserveAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("cannot reserve a port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// admit is the collector's door (trace.ListenConfig.Admit): the
// launcher's own programs come in with its token; any other program may
// not take one of their names, and in a class's demo needs the class's
// token.
func (l *Launcher) admit(hello trace.Event) error {
	same := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if same(hello.Token, l.token) {
		return nil
	}
	l.mu.Lock()
	_, taken := l.nodes[hello.Node]
	l.mu.Unlock()
	_, planned := l.cfg.Model.Program(hello.Node)
	switch {
	case taken || planned:
		return fmt.Errorf("the name %s belongs to a program of the demo; choose another with --name", hello.Node)
	case l.cfg.Class != nil && !same(hello.Token, l.cfg.Class.Token):
		return errors.New("this demo takes programs from other machines only with the class's join token: start the program with --join-token TOKEN")
	}
	return nil
}
