package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.starlark.net/starlark"
)

// TestEveryLimitHasItsError runs one script per limit and checks that the
// run stops with that limit's typed error, whose sentence is its verdict.
func TestEveryLimitHasItsError(t *testing.T) {
	blocking := starlark.StringDict{"block": starlark.NewBuiltin("block", func(thread *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		return Wait(thread, func(ctx context.Context) (starlark.Value, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
	})}
	tests := []struct {
		name     string
		src      string
		limits   Limits
		builtins starlark.StringDict
		target   any
		want     string
	}{
		{"steps", "while True:\n    pass\n", Limits{Steps: 1000}, nil, new(*StepLimitError), "stopped: more than 1000 steps"},
		{"wall clock", "block()", Limits{Timeout: 50 * time.Millisecond}, blocking, new(*TimeoutError), "stopped: ran longer than 50ms"},
		{"budget", "x = 'a' * (1 << 30)", Limits{Heap: 16 << 20}, nil, new(*AllocLimitError), "stopped: operator * would go past the 16 MiB this run may allocate"},
		{"integers", "x = int(\"9\" * 30000)", Limits{}, nil, new(*IntLimitError), ""},
		{"recursion", "def f():\n    f()\nf()\n", Limits{}, nil, new(*RecursionError), "stopped: recursion is not allowed in the sandbox (function f called recursively)"},
		{"load", `load("x.star", "y")`, Limits{}, nil, new(*ScriptError), "the script failed: cannot load x.star: " + ErrLoadRefused.Error()},
		{"only granted names", `open("/etc/passwd")`, Limits{}, nil, new(*ScriptError), "the script failed: t:1:1: undefined: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), "t", []byte(tt.src), tt.limits, tt.builtins, nil)
			require.Error(t, err)
			assert.True(t, errors.As(err, tt.target), "got %T: %v", err, err)
			if tt.want != "" {
				assert.Equal(t, tt.want, err.Error())
			}
			assert.Equal(t, err.Error(), res.Verdict)
		})
	}
}

// TestCallRunsAFunctionUnderItsOwnLimits: a Program's globals live on
// between calls, and each call has its own steps.
func TestCallRunsAFunctionUnderItsOwnLimits(t *testing.T) {
	p, err := Compile("counter", []byte("state = {'n': 0}\ndef inc(k):\n    state['n'] += k\n    return state['n']\ndef spin():\n    while True:\n        pass\n"), nil)
	require.NoError(t, err)
	globals, _, err := p.Init(context.Background(), Limits{}, nil)
	require.NoError(t, err)
	for want := 2; want <= 4; want += 2 {
		got, res, err := Call(context.Background(), globals["inc"], starlark.Tuple{starlark.MakeInt(2)}, Limits{}, nil)
		require.NoError(t, err)
		assert.Equal(t, starlark.MakeInt(want), got)
		assert.Equal(t, VerdictFinished, res.Verdict)
	}
	_, _, err = Call(context.Background(), globals["spin"], nil, Limits{Steps: 500}, nil)
	var steps *StepLimitError
	assert.True(t, errors.As(err, &steps), "got %v", err)
}

func TestPrinterChargesTheBudget(t *testing.T) {
	var out strings.Builder
	show := starlark.StringDict{"show": Printer("show", &out)}
	_, err := Run(context.Background(), "t", []byte(`show("sum", 1 + 2, [3])`), Limits{}, show, nil)
	require.NoError(t, err)
	assert.Equal(t, "sum 3 [3]\n", out.String())

	_, err = Run(context.Background(), "t", []byte(`x = "a" * (1 << 20)
show(x, x, x, x)`), Limits{Heap: 3 << 20}, show, nil)
	var alloc *AllocLimitError
	assert.True(t, errors.As(err, &alloc), "got %v", err)
}

func TestScriptSizeIsBounded(t *testing.T) {
	_, err := Compile("big", make([]byte, MaxScriptSize+1), nil)
	assert.ErrorContains(t, err, "a script may have at most 128 KiB")
}
