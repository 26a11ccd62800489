package mobilecode

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.starlark.net/starlark"

	"dsdemo/models/sandbox"
)

func run(t *testing.T, src string, limits sandbox.Limits, call callFunc) (string, sandbox.Result, error) {
	t.Helper()
	var out strings.Builder
	res, err := runScript(context.Background(), "test", []byte(src), limits, call, &out)
	return out.String(), res, err
}

func TestRunFinishes(t *testing.T) {
	out, res, err := run(t, `show("sum", 1 + 2, [3]); print("printed")`, sandbox.Limits{}, nil)
	require.NoError(t, err)
	assert.Equal(t, "sum 3 [3]\nprinted\n", out)
	assert.Equal(t, sandbox.VerdictFinished, res.Verdict)
	assert.Positive(t, res.Steps)
}

func TestRunOriginCall(t *testing.T) {
	out, _, err := run(t, `r = origin.call("rates"); show(r["USD"])`, sandbox.Limits{}, localCall)
	require.NoError(t, err)
	assert.Equal(t, "1.08\n", out)
}

// A wait for origin.call counts on the clock its program counts waits in
// (protocol time in the sandbox), not on the wall clock: a call the
// launcher holds while a class thinks, longer than the run's whole time,
// does not stop the run.
func TestRunWaitsForTheOriginOnItsOwnClock(t *testing.T) {
	standsStill := func(ctx context.Context, _ time.Duration) (context.Context, context.CancelFunc) {
		return context.WithCancel(ctx) // step mode: protocol time does not pass
	}
	released := make(chan struct{})
	held := func(ctx context.Context, _ string, _ starlark.Value) (starlark.Value, error) {
		select {
		case <-released:
			return starlark.String("answer"), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	limits := sandbox.Limits{Timeout: 50 * time.Millisecond, WaitClock: standsStill}
	time.AfterFunc(4*limits.Timeout, func() { close(released) }) // the class answers late
	out, res, err := run(t, `show(origin.call("echo"))`, limits, held)
	require.NoError(t, err)
	assert.Equal(t, "answer\n", out)
	assert.Greater(t, res.Duration, limits.Timeout, "the run outlasted its time only by waiting")
}

func TestRunStops(t *testing.T) {
	blocking := func(ctx context.Context, _ string, _ starlark.Value) (starlark.Value, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	tests := []struct {
		name   string
		src    string
		limits sandbox.Limits
		call   callFunc
		target any
		want   string
	}{
		{"endless loop", "while True:\n    pass\n", sandbox.Limits{Steps: 1000}, nil,
			new(*sandbox.StepLimitError), "stopped: more than 1000 steps"},
		{"slow call home", `origin.call("echo")`, sandbox.Limits{Timeout: 50 * time.Millisecond}, blocking,
			new(*sandbox.TimeoutError), "stopped: ran longer than 50ms"},
		// A minute to run: only the allocation budget may stop it, even on
		// a machine so busy that 16 allocations take seconds.
		{"memory", "c = []\nwhile True:\n    c.append('x' * (1 << 20))\n", sandbox.Limits{Heap: 16 << 20, Timeout: time.Minute}, nil,
			new(*sandbox.AllocLimitError), "stopped: operator * would go past the 16 MiB this run may allocate"},
		{"recursion", "def f(n):\n    return f(n + 1)\nf(0)\n", sandbox.Limits{}, nil,
			new(*sandbox.RecursionError), "stopped: recursion is not allowed in the sandbox (function f called recursively)"},
		{"load", `load("os.star", "open")`, sandbox.Limits{}, nil,
			new(*sandbox.ScriptError), "the script failed: cannot load os.star: " + sandbox.ErrLoadRefused.Error()},
		{"open", `open("/etc/passwd")`, sandbox.Limits{}, nil,
			new(*sandbox.ScriptError), "the script failed: test:1:1: undefined: open"},
		{"no origin", `origin.call("rates")`, sandbox.Limits{}, nil,
			new(*sandbox.ScriptError), "the script failed: this sandbox has no origin to call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, res, err := run(t, tt.src, tt.limits, tt.call)
			require.Error(t, err)
			assert.True(t, errors.As(err, tt.target), "got %T: %v", err, err)
			assert.Equal(t, tt.want, err.Error())
			assert.Equal(t, tt.want, res.Verdict)
		})
	}
}

// TestRunLeavesNoGoroutine checks that the watchdog ends with every run,
// however the run ended.
func TestRunLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		_, _, _ = run(t, "show(1)", sandbox.Limits{}, nil)
		_, _, _ = run(t, "while True:\n    pass\n", sandbox.Limits{Steps: 100}, nil)
	}
	// A goroutine that has called wg.Done may need a moment to exit.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left running")
}
