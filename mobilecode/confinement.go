package mobilecode

import (
	"context"
	"errors"
	"io"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"dsdemo/models/sandbox"
)

// The sandbox itself (the steps, the time, the allocation budget, the heap
// watchdog, no recursion, no load) is package models/sandbox, which other
// models share. This file decides what mobile code is granted in it: two
// names and nothing else.

// callFunc carries a script's origin.call(op, args) home. The sandbox hands
// the script no other way out, so the func decides the same-origin rule: it
// talks only to the server the code came from.
type callFunc func(ctx context.Context, op string, args starlark.Value) (starlark.Value, error)

// errNoOrigin: origin.call in a sandbox that was given nowhere to call.
var errNoOrigin = errors.New("this sandbox has no origin to call")

// runScript runs the script src in a sandbox and writes its show output to show.
// The script's only capabilities are origin.call (through call) and show;
// Starlark itself has no file, network, time or OS access. The run stops at
// the first limit it reaches; the error then says which one.
func runScript(ctx context.Context, name string, src []byte, limits sandbox.Limits, call callFunc, show io.Writer) (sandbox.Result, error) {
	return sandbox.Run(ctx, name, src, limits, capabilities(call, show), show)
}

// capabilities are the only names a script gets beyond Starlark's own
// built-ins: origin.call and show. A wait for origin.call counts on the
// run's wait clock (sandbox.Wait), bounded by what is left of its time.
func capabilities(call callFunc, show io.Writer) starlark.StringDict {
	originCall := starlark.NewBuiltin("call", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var op string
		var arg starlark.Value = starlark.None
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "op", &op, "args?", &arg); err != nil {
			return nil, err
		}
		if call == nil {
			return nil, errNoOrigin
		}
		return sandbox.Wait(thread, func(ctx context.Context) (starlark.Value, error) { return call(ctx, op, arg) })
	})
	return starlark.StringDict{
		"origin": &starlarkstruct.Module{Name: "origin", Members: starlark.StringDict{"call": originCall}},
		"show":   sandbox.Printer("show", show),
	}
}
