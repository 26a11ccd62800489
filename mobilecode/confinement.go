package mobilecode

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
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	"dsdemo/models/program"
)

// Limits bound what one run of a script may use. A zero field takes its
// default: 1,000,000 steps, 2 s, 64 MiB (defaultLimits).
//
// Timeout is the run's time: the time the script spends running, on the
// wall clock, and the time it spends waiting for origin.call, on the clock
// its program counts waits on a peer in. In the sandbox that is protocol
// time (wire.Node.WithTimeout): slow motion stretches a wait, and step mode
// or a class thinking about a held call stops it, so a script is not
// stopped for a reply the launcher holds back.
type Limits struct {
	Steps   uint64        // Starlark execution steps; stops endless loops
	Timeout time.Duration // the run's time; stops slow calls and long runs
	Heap    uint64        // bytes the run may allocate (its budget); steps do not bound memory

	// wait bounds one wait for origin.call by what is left of Timeout;
	// nil counts it on the wall clock (context.WithTimeout).
	wait func(context.Context, time.Duration) (context.Context, context.CancelFunc)
}

// defaultLimits are enough for every useful script in scripts/ and stop every
// hostile one within a fraction of a second.
var defaultLimits = Limits{Steps: 1_000_000, Timeout: 2 * time.Second, Heap: 64 << 20}

func (l Limits) withDefaults() Limits {
	if l.Steps == 0 {
		l.Steps = defaultLimits.Steps
	}
	if l.Timeout == 0 {
		l.Timeout = defaultLimits.Timeout
	}
	if l.Heap == 0 {
		l.Heap = defaultLimits.Heap
	}
	if l.wait == nil {
		l.wait = context.WithTimeout
	}
	return l
}

// callFunc carries a script's origin.call(op, args) home. The sandbox hands
// the script no other way out, so the func decides the same-origin rule: it
// talks only to the server the code came from.
type callFunc func(ctx context.Context, op string, args starlark.Value) (starlark.Value, error)

// runResult tells how a run went, for the inspector.
type runResult struct {
	Steps    uint64        // execution steps used
	Duration time.Duration // wall-clock time of the run
	Alloc    uint64        // bytes charged to the run's allocation budget
	Verdict  string        // "finished", or the one-line reason it stopped
}

// verdictFinished is the verdict of a script that ran to its end.
const verdictFinished = "finished"

// stepLimitError: the script ran more steps than Limits.Steps (an endless loop).
type stepLimitError struct{ Steps uint64 }

func (e *stepLimitError) Error() string { return fmt.Sprintf("stopped: more than %d steps", e.Steps) }

// timeoutError: the script ran longer than Limits.Timeout.
type timeoutError struct{ Timeout time.Duration }

func (e *timeoutError) Error() string { return fmt.Sprintf("stopped: ran longer than %s", e.Timeout) }

// heapLimitError: the process heap grew by more than the watchdog allows
// while the script ran (many small allocations the budget does not see).
type heapLimitError struct{ Heap uint64 }

func (e *heapLimitError) Error() string {
	return fmt.Sprintf("stopped: the heap grew by more than %d MiB", e.Heap>>20)
}

// recursionError: a function called itself, which Starlark forbids so that
// every script's call depth is bounded.
type recursionError struct{ Err error }

func (e *recursionError) Error() string {
	return fmt.Sprintf("stopped: recursion is not allowed in the sandbox (%v)", firstLine(e.Err))
}
func (e *recursionError) Unwrap() error { return e.Err }

// scriptError: the script itself failed (a syntax error, an undefined name,
// a refused load, an error from origin.call).
type scriptError struct{ Err error }

func (e *scriptError) Error() string { return "the script failed: " + firstLine(e.Err) }
func (e *scriptError) Unwrap() error { return e.Err }

// errLoadRefused is what a script's load statement gets: code in the sandbox
// may not pull in other code.
var errLoadRefused = errors.New("load is refused in the sandbox: a script may use only origin.call and show")

// panicError: something inside the sandbox failed in a way nobody
// foresaw (a bug in a built-in). The run stops with this error and the
// program around it goes on.
type panicError struct{ Value any }

func (e *panicError) Error() string {
	return fmt.Sprintf("stopped: the sandbox failed inside (%v)", e.Value)
}

// runScript runs the script src in a sandbox and writes its show output to show.
// The script's only capabilities are origin.call (through call) and show;
// Starlark itself has no file, network, time or OS access. The run stops at
// the first limit it reaches; the error then says which one.
func runScript(ctx context.Context, name string, src []byte, limits Limits, call callFunc, show io.Writer) (runResult, error) {
	limits = limits.withDefaults()
	if err := checkScriptSize(len(src)); err != nil {
		return runResult{Verdict: err.Error()}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	clock := &runClock{start: time.Now()}
	var stop stopper
	thread := &starlark.Thread{
		Name: name,
		Load: func(*starlark.Thread, string) (starlark.StringDict, error) { return nil, errLoadRefused },
		// Starlark's own print would write to the process's stderr; in the
		// sandbox it goes where show goes.
		Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(show, msg) },
	}

	predeclared := capabilities(ctx, call, waiting(clock, &stop, limits), show)
	for k, v := range instrumented {
		predeclared[k] = v
	}
	prog, err := compile(name, src, predeclared)
	if err != nil {
		err = &scriptError{Err: err}
		return runResult{Verdict: err.Error()}, err
	}

	thread.SetMaxExecutionSteps(limits.Steps)
	budget := newBudget(limits.Heap)
	thread.SetLocal(budgetKey, budget)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { watch(ctx, done, thread, &stop, clock, limits) })

	err = execute(prog, thread, predeclared)
	close(done)
	wg.Wait() // the watchdog has ended: no goroutine outlives the run

	res := runResult{Steps: thread.ExecutionSteps(), Duration: time.Since(clock.start), Alloc: budget.used(), Verdict: verdictFinished}
	stopped := stop.reason()
	if stopped == nil && err != nil && ctx.Err() != nil {
		// A blocked origin.call saw the run cancelled before the watchdog did.
		stopped = ctxStop(ctx, limits)
	}
	if err = classify(err, stopped, limits); err != nil {
		res.Verdict = err.Error()
	}
	return res, err
}

// compile parses the script, instruments it (instrument.go) and resolves
// it against what the sandbox predeclares.
func compile(name string, src []byte, predeclared starlark.StringDict) (*starlark.Program, error) {
	opts := &syntax.FileOptions{While: true, TopLevelControl: true, GlobalReassign: true}
	f, err := opts.Parse(name, src, 0)
	if err != nil {
		return nil, err
	}
	instrument(f)
	return starlark.FileProgram(f, predeclared.Has)
}

// execute runs the program; a panic inside it becomes the run's error.
func execute(prog *starlark.Program, thread *starlark.Thread, predeclared starlark.StringDict) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{Value: r}
		}
	}()
	_, err = prog.Init(thread, predeclared)
	return err
}

// ctxStop is the reason for stopping once ctx is done: the caller's
// deadline passed, or the caller cancelled the run (for instance on Ctrl-C).
func ctxStop(ctx context.Context, limits Limits) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{Timeout: limits.Timeout}
	}
	return fmt.Errorf("stopped: %w", ctx.Err())
}

// waitFunc lets call, a script's origin.call, wait for its reply.
type waitFunc func(ctx context.Context, thread *starlark.Thread, call func(context.Context) (starlark.Value, error)) (starlark.Value, error)

// runClock measures a run's own time: the time since it started, less the
// time it has spent waiting for origin.call, which waiting counts on its
// own clock.
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

// waiting returns how origin.call waits: bounded by what is left of the
// run's time, counted by limits.wait. A wait that uses it up stops the run
// with a timeout, as running past it would.
func waiting(clock *runClock, stop *stopper, limits Limits) waitFunc {
	return func(ctx context.Context, thread *starlark.Thread, call func(context.Context) (starlark.Value, error)) (starlark.Value, error) {
		left := limits.Timeout - clock.running()
		end := clock.wait()
		defer end()
		wctx, cancel := limits.wait(ctx, left)
		defer cancel()
		v, err := call(wctx)
		if err != nil && ctx.Err() == nil && errors.Is(wctx.Err(), context.DeadlineExceeded) {
			stop.stop(thread, &timeoutError{Timeout: limits.Timeout})
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
		alloc    *allocLimitError
		bigInt   *intLimitError
		panicked *panicError
	)
	switch {
	case errors.As(err, &alloc):
		return alloc
	case errors.As(err, &bigInt):
		return bigInt
	case errors.As(err, &panicked):
		return panicked
	case strings.Contains(err.Error(), "cancelled: too many steps"):
		return &stepLimitError{Steps: limits.Steps}
	case strings.Contains(err.Error(), "called recursively"):
		return &recursionError{Err: err}
	}
	return &scriptError{Err: err}
}

// capabilities are the only names a script gets beyond Starlark's own
// built-ins: origin.call and show.
func capabilities(ctx context.Context, call callFunc, wait waitFunc, show io.Writer) starlark.StringDict {
	originCall := starlark.NewBuiltin("call", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var op string
		var arg starlark.Value = starlark.None
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "op", &op, "args?", &arg); err != nil {
			return nil, err
		}
		if call == nil {
			return nil, errors.New("this sandbox has no origin to call")
		}
		return wait(ctx, thread, func(ctx context.Context) (starlark.Value, error) { return call(ctx, op, arg) })
	})
	showFn := starlark.NewBuiltin("show", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
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
		_, err := fmt.Fprintln(show, strings.Join(parts, " "))
		return starlark.None, err
	})
	return starlark.StringDict{
		"origin": &starlarkstruct.Module{Name: "origin", Members: starlark.StringDict{"call": originCall}},
		"show":   showFn,
	}
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// LimitFlags defines --steps, --timeout and --heap on fs: the limits of the
// sandbox's own runs, or of a codeserver's remote evaluations. The returned
// func gives the Limits once the flags are parsed, or a usage error naming
// a flag whose value is out of range.
func LimitFlags(fs *flag.FlagSet) func() (Limits, error) {
	steps := fs.Uint64("steps", defaultLimits.Steps, "stop a script after `N` execution steps")
	timeout := fs.Duration("timeout", defaultLimits.Timeout, "stop a script after this `DURATION`")
	heap := fs.Uint64("heap", defaultLimits.Heap>>20, "a script may allocate `MIB` MiB in all")
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
