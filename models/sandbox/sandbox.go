package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"dsdemo/models/program"
)

// Limits bound what one run of a script may use. A zero field takes its
// default: 1,000,000 steps, 2 s, 64 MiB (DefaultLimits).
//
// Timeout is the run's time: the time the script spends running, on the
// wall clock, and the time a built-in spends waiting on the world outside
// (through Wait), on the clock its program counts such waits in. Mobile
// code counts them in protocol time (wire.Node.WithTimeout): slow motion
// stretches a wait, and step mode stops it, so a script is not stopped for
// a reply the launcher holds back.
type Limits struct {
	Steps   uint64        // Starlark execution steps; stops endless loops
	Timeout time.Duration // the run's time; stops slow calls and long runs
	Heap    uint64        // bytes the run may allocate (its budget); steps do not bound memory

	// WaitClock bounds one wait of a built-in (Wait) by what is left of
	// Timeout; nil counts it on the wall clock (context.WithTimeout).
	WaitClock func(context.Context, time.Duration) (context.Context, context.CancelFunc)
}

// DefaultLimits are enough for every useful script of the demos and stop
// every hostile one within a fraction of a second.
var DefaultLimits = Limits{Steps: 1_000_000, Timeout: 2 * time.Second, Heap: 64 << 20}

func (l Limits) withDefaults() Limits {
	if l.Steps == 0 {
		l.Steps = DefaultLimits.Steps
	}
	if l.Timeout == 0 {
		l.Timeout = DefaultLimits.Timeout
	}
	if l.Heap == 0 {
		l.Heap = DefaultLimits.Heap
	}
	if l.WaitClock == nil {
		l.WaitClock = context.WithTimeout
	}
	return l
}

// MaxScriptSize is the largest script the sandbox compiles.
const MaxScriptSize = 128 << 10

// CheckScriptSize refuses a script larger than MaxScriptSize.
func CheckScriptSize(size int) error {
	if size > MaxScriptSize {
		return fmt.Errorf("the script has %d KiB, and a script may have at most %d KiB", size>>10, MaxScriptSize>>10)
	}
	return nil
}

// Result tells how a run went, for an inspector.
type Result struct {
	Steps    uint64        // execution steps used
	Duration time.Duration // wall-clock time of the run
	Alloc    uint64        // bytes charged to the run's allocation budget
	Verdict  string        // VerdictFinished, or the one-line reason it stopped
}

// VerdictFinished is the verdict of a run that came to its end.
const VerdictFinished = "finished"

// StepLimitError: the script ran more steps than Limits.Steps (an endless loop).
type StepLimitError struct{ Steps uint64 }

func (e *StepLimitError) Error() string { return fmt.Sprintf("stopped: more than %d steps", e.Steps) }

// TimeoutError: the script ran longer than Limits.Timeout.
type TimeoutError struct{ Timeout time.Duration }

func (e *TimeoutError) Error() string { return fmt.Sprintf("stopped: ran longer than %s", e.Timeout) }

// HeapLimitError: the process heap grew by more than the watchdog allows
// while the script ran (many small allocations the budget does not see).
type HeapLimitError struct{ Heap uint64 }

func (e *HeapLimitError) Error() string {
	return fmt.Sprintf("stopped: the heap grew by more than %d MiB", e.Heap>>20)
}

// RecursionError: a function called itself, which Starlark forbids so that
// every script's call depth is bounded.
type RecursionError struct{ Err error }

func (e *RecursionError) Error() string {
	return fmt.Sprintf("stopped: recursion is not allowed in the sandbox (%v)", FirstLine(e.Err))
}
func (e *RecursionError) Unwrap() error { return e.Err }

// ScriptError: the script itself failed (a syntax error, an undefined name,
// a refused load, an error from one of its built-ins).
type ScriptError struct{ Err error }

func (e *ScriptError) Error() string { return "the script failed: " + FirstLine(e.Err) }
func (e *ScriptError) Unwrap() error { return e.Err }

// ErrLoadRefused is what a script's load statement gets: code in the
// sandbox may not pull in other code.
var ErrLoadRefused = errors.New("load is refused in the sandbox: a script may use only the names it was granted")

// PanicError: something inside the sandbox failed in a way nobody
// foresaw (a bug in a built-in). The run stops with this error and the
// program around it goes on.
type PanicError struct{ Value any }

func (e *PanicError) Error() string {
	return fmt.Sprintf("stopped: the sandbox failed inside (%v)", e.Value)
}

// Program is a script compiled for the sandbox: parsed, instrumented
// (instrument.go) and resolved against the names it was granted. One
// Program can be initialised many times, each time with globals of its own.
type Program struct {
	name        string
	prog        *starlark.Program
	predeclared starlark.StringDict
}

// Compile prepares the script src. builtins are the only names the script
// gets beyond Starlark's own built-ins (whose allocating ones are replaced
// by checked versions); it cannot reach a file, a socket, the clock or
// another process except through them. A script that does not compile
// gets a *ScriptError.
func Compile(name string, src []byte, builtins starlark.StringDict) (*Program, error) {
	if err := CheckScriptSize(len(src)); err != nil {
		return nil, err
	}
	predeclared := starlark.StringDict{}
	for k, v := range builtins {
		predeclared[k] = v
	}
	for k, v := range instrumented {
		predeclared[k] = v
	}
	opts := &syntax.FileOptions{While: true, TopLevelControl: true, GlobalReassign: true}
	f, err := opts.Parse(name, src, 0)
	if err != nil {
		return nil, &ScriptError{Err: err}
	}
	instrument(f)
	prog, err := starlark.FileProgram(f, predeclared.Has)
	if err != nil {
		return nil, &ScriptError{Err: err}
	}
	return &Program{name: name, prog: prog, predeclared: predeclared}, nil
}

// Init runs the script's top level under limits and returns its globals
// (not frozen: the functions it defines may keep state in them). print
// writes to out; nil discards it.
func (p *Program) Init(ctx context.Context, limits Limits, out io.Writer) (starlark.StringDict, Result, error) {
	var globals starlark.StringDict
	res, err := confine(ctx, p.name, limits, out, func(thread *starlark.Thread) error {
		var err error
		globals, err = p.prog.Init(thread, p.predeclared)
		return err
	})
	return globals, res, err
}

// Run compiles the script src and runs its top level under limits: the
// whole life of a script that is run once. The run stops at the first
// limit it reaches; the error then says which one, in one line that is
// also the Result's Verdict.
func Run(ctx context.Context, name string, src []byte, limits Limits, builtins starlark.StringDict, out io.Writer) (Result, error) {
	p, err := Compile(name, src, builtins)
	if err != nil {
		return Result{Verdict: err.Error()}, err
	}
	_, res, err := p.Init(ctx, limits, out)
	return res, err
}

// Call calls fn, a function of an initialised Program, with args, under
// limits of its own: each call is a run, with its own steps, time and
// budget.
func Call(ctx context.Context, fn starlark.Value, args starlark.Tuple, limits Limits, out io.Writer) (starlark.Value, Result, error) {
	var v starlark.Value = starlark.None
	name := "call"
	if c, ok := fn.(starlark.Callable); ok {
		name = c.Name()
	}
	res, err := confine(ctx, name, limits, out, func(thread *starlark.Thread) error {
		r, err := starlark.Call(thread, fn, args, nil)
		if err == nil {
			v = r
		}
		return err
	})
	return v, res, err
}

// confine runs body on a new Starlark thread under limits: a step limit,
// the run's own allocation budget, and a watchdog that stops it when its
// time is up or the heap grows too far. No goroutine outlives it.
func confine(ctx context.Context, name string, limits Limits, out io.Writer, body func(*starlark.Thread) error) (Result, error) {
	limits = limits.withDefaults()
	if out == nil {
		out = io.Discard
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	clock := &runClock{start: time.Now()}
	var stop stopper
	thread := &starlark.Thread{
		Name: name,
		Load: func(*starlark.Thread, string) (starlark.StringDict, error) { return nil, ErrLoadRefused },
		// Starlark's own print would write to the process's stderr.
		Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(out, msg) },
	}
	thread.SetMaxExecutionSteps(limits.Steps)
	budget := newBudget(limits.Heap)
	thread.SetLocal(budgetKey, budget)
	thread.SetLocal(waitKey, &waiter{ctx: ctx, wait: waiting(clock, &stop, limits)})
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { watch(ctx, done, thread, &stop, clock, limits) })

	err := protect(thread, body)
	close(done)
	wg.Wait() // the watchdog has ended: no goroutine outlives the run

	res := Result{Steps: thread.ExecutionSteps(), Duration: time.Since(clock.start), Alloc: budget.used(), Verdict: VerdictFinished}
	stopped := stop.reason()
	if stopped == nil && err != nil && ctx.Err() != nil {
		// A blocked built-in saw the run cancelled before the watchdog did.
		stopped = ctxStop(ctx, limits)
	}
	if err = classify(err, stopped, limits); err != nil {
		res.Verdict = err.Error()
	}
	return res, err
}

// protect runs body; a panic inside it becomes the run's error.
func protect(thread *starlark.Thread, body func(*starlark.Thread) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r}
		}
	}()
	return body(thread)
}

// ctxStop is the reason for stopping once ctx is done: the caller's
// deadline passed, or the caller cancelled the run (for instance on Ctrl-C).
func ctxStop(ctx context.Context, limits Limits) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &TimeoutError{Timeout: limits.Timeout}
	}
	return fmt.Errorf("stopped: %w", ctx.Err())
}

// waitKey is the thread-local name of a run's waiter.
const waitKey = "sandbox.wait"

// waiter is how a built-in of a run waits on the world outside.
type waiter struct {
	ctx  context.Context // the run's: done when the run stops
	wait waitFunc
}

type waitFunc func(ctx context.Context, thread *starlark.Thread, call func(context.Context) (starlark.Value, error)) (starlark.Value, error)

// Wait is how a built-in waits on the world outside the sandbox (a reply
// over the network, a lock in a database): call gets a context that ends
// when the run's time is up or the run is stopped. The wait counts on the
// run's WaitClock, not as running time. Outside a sandbox run, call gets a
// context that is never done.
func Wait(thread *starlark.Thread, call func(context.Context) (starlark.Value, error)) (starlark.Value, error) {
	w, ok := thread.Local(waitKey).(*waiter)
	if !ok {
		return call(context.Background())
	}
	return w.wait(w.ctx, thread, call)
}

// runClock measures a run's own time: the time since it started, less the
// time it has spent waiting in Wait, which waiting counts on its own clock.
type runClock struct {
	start time.Time

	mu       sync.Mutex
	waited   time.Duration // wall-clock time of the waits that have ended
	waitFrom time.Time     // when the wait under way began; zero when none is
}

// running is how long the run has been running, not waiting.
func (c *runClock) running() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := time.Since(c.start) - c.waited
	if !c.waitFrom.IsZero() {
		d -= time.Since(c.waitFrom)
	}
	return d
}

// wait marks the start of a wait and returns a func marking its end.
func (c *runClock) wait() (end func()) {
	c.mu.Lock()
	c.waitFrom = time.Now()
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.waited += time.Since(c.waitFrom)
		c.waitFrom = time.Time{}
		c.mu.Unlock()
	}
}

// waiting returns how a built-in waits: bounded by what is left of the
// run's time, counted by limits.WaitClock. A wait that uses it up stops the
// run with a timeout, as running past it would.
func waiting(clock *runClock, stop *stopper, limits Limits) waitFunc {
	return func(ctx context.Context, thread *starlark.Thread, call func(context.Context) (starlark.Value, error)) (starlark.Value, error) {
		left := limits.Timeout - clock.running()
		end := clock.wait()
		defer end()
		wctx, cancel := limits.WaitClock(ctx, left)
		defer cancel()
		v, err := call(wctx)
		if err != nil && ctx.Err() == nil && errors.Is(wctx.Err(), context.DeadlineExceeded) {
			stop.stop(thread, &TimeoutError{Timeout: limits.Timeout})
			return nil, stop.reason()
		}
		return v, err
	}
}

// classify turns Starlark's error into the sandbox's reason for stopping.
func classify(err, stopped error, limits Limits) error {
	switch {
	case err == nil:
		return nil
	case stopped != nil:
		return stopped
	}
	var (
		alloc    *AllocLimitError
		bigInt   *IntLimitError
		panicked *PanicError
	)
	switch {
	case errors.As(err, &alloc):
		return alloc
	case errors.As(err, &bigInt):
		return bigInt
	case errors.As(err, &panicked):
		return panicked
	case strings.Contains(err.Error(), "cancelled: too many steps"):
		return &StepLimitError{Steps: limits.Steps}
	case strings.Contains(err.Error(), "called recursively"):
		return &RecursionError{Err: err}
	}
	return &ScriptError{Err: err}
}

// Printer is a built-in that writes its arguments to out, separated by
// spaces (strings without quotes), one line per call, and charges what it
// prints to the run's budget: mobile code's show.
func Printer(name string, out io.Writer) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		budget := budgetOf(thread)
		if err := budget.charge(b.Name(), textsSize(args, false, budget.left)); err != nil {
			return nil, err
		}
		parts := make([]string, len(args))
		for i, a := range args {
			if s, ok := a.(starlark.String); ok {
				parts[i] = string(s)
			} else {
				parts[i] = a.String()
			}
		}
		_, err := fmt.Fprintln(out, strings.Join(parts, " "))
		return starlark.None, err
	})
}

// FirstLine is the first line of err's message: Starlark's errors carry a
// backtrace after it.
func FirstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// LimitFlags defines --steps, --timeout and --heap on fs: the limits of a
// program's runs. The returned func gives the Limits once the flags are
// parsed, or a usage error naming a flag whose value is out of range.
func LimitFlags(fs *flag.FlagSet) func() (Limits, error) {
	steps := fs.Uint64("steps", DefaultLimits.Steps, "stop a script after `N` execution steps")
	timeout := fs.Duration("timeout", DefaultLimits.Timeout, "stop a script after this `DURATION`")
	heap := fs.Uint64("heap", DefaultLimits.Heap>>20, "a script may allocate `MIB` MiB in all")
	return func() (Limits, error) {
		switch {
		case *steps == 0:
			return Limits{}, program.Usagef("--steps must be at least 1")
		case *timeout <= 0 || *timeout > time.Hour:
			return Limits{}, program.Usagef("--timeout must be more than 0 and at most 1h, not %s", *timeout)
		case *heap == 0 || *heap > 1<<16:
			return Limits{}, program.Usagef("--heap must be 1 to 65536 MiB, not %d", *heap)
		}
		return Limits{Steps: *steps, Timeout: *timeout, Heap: *heap << 20}, nil
	}
}
