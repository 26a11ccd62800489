package rpc

import (
	"context"
	"crypto/ed25519"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// "The printer brings its driver": a Jini service hands its clients a
// proxy, its own code for talking to it, instead of asking each client to
// install a driver. Here a proxy is a Starlark script (proxies/*.star)
// that the device's vendor signs. The device registers it with every
// lookup service; a client that looks the device up downloads it with the
// match and, before it runs a single step,
//
//  1. checks that it is the proxy of the interface it looked for (the
//     signature covers that name, so a printer's proxy cannot pose as a
//     projector's), and
//  2. checks the signature against the vendor key it trusts (--trust):
//     the lookup service is no authority, anybody may register anything
//     there, so an unsigned or forged proxy is refused with the reason.
//
// Then it runs the proxy in the sandbox of the mobile-code model
// (models/sandbox: steps, time and allocation budget), granting it one
// name beyond Starlark: device.call(op, args), which sends invoke to the
// address the device registered and nowhere else. The client calls the
// proxy's functions (print_text, status); the ops and fields of the
// device's own protocol live in the proxy alone.

//go:embed proxies/*.star
var proxySources embed.FS

// proxyPurpose is what a proxy's signature is for; its fields are the
// interface and the source. A signature made for mobile code's scripts
// does not fit here, nor the other way round.
const proxyPurpose = "dsdemo jini: service proxy v1"

// Why a downloaded proxy is not run.
var (
	ErrNoProxy    = errors.New("the service registered no proxy, and without one this client cannot use it")
	ErrWrongProxy = errors.New("refused: the proxy is signed for another interface")
)

// SignProxy makes the signed proxy of interface iface with source src.
func SignProxy(priv ed25519.PrivateKey, iface, src string) *Proxy {
	return &Proxy{Script: iface, Source: src, Sig: sandbox.Sign(priv, proxyPurpose, iface, src)}
}

// VerifyProxy checks that p is the proxy of interface iface signed with
// the private half of trusted.
func VerifyProxy(trusted ed25519.PublicKey, iface string, p *Proxy) error {
	switch {
	case p == nil:
		return ErrNoProxy
	case p.Script != iface:
		return fmt.Errorf("%w: it names %q, the service offers %q", ErrWrongProxy, clip(p.Script), iface)
	}
	return sandbox.Verify(trusted, p.Sig, proxyPurpose, p.Script, p.Source)
}

// proxySource returns the source of the proxy of a device kind.
func proxySource(kind string) (string, error) {
	b, err := proxySources.ReadFile("proxies/" + kind + ".star")
	return string(b), err
}

// LoadedProxy is a downloaded proxy, verified and initialised in the
// client's sandbox, bound to the device it was registered with.
type LoadedProxy struct {
	reg     Registration
	globals starlark.StringDict
	limits  sandbox.Limits
	out     io.Writer
	device  *wire.Pool // to reg.Address: the only place device.call reaches
}

// LoadProxy verifies the proxy that came with reg (see VerifyProxy) and
// runs its top level in a sandbox under limits. Its print output goes to
// out. Close it when done.
func LoadProxy(ctx context.Context, n *wire.Node, reg Registration, trusted ed25519.PublicKey, limits sandbox.Limits, out io.Writer) (*LoadedProxy, error) {
	if err := VerifyProxy(trusted, reg.Interface, reg.Proxy); err != nil {
		return nil, fmt.Errorf("proxy of %s (%s at %s): %w", reg.Name, reg.Interface, reg.Address, err)
	}
	lp := &LoadedProxy{reg: reg, limits: limits, out: out, device: wire.NewPool(n, reg.Address)}
	prog, err := sandbox.Compile(reg.Interface+".star", []byte(reg.Proxy.Source), lp.grants())
	if err == nil {
		lp.globals, _, err = prog.Init(ctx, limits, out)
	}
	if err != nil {
		lp.Close()
		return nil, fmt.Errorf("proxy of %s: %w", reg.Name, err)
	}
	return lp, nil
}

// Close closes the proxy's connections to its device.
func (lp *LoadedProxy) Close() { lp.device.Close() }

// Functions returns the names of the functions the proxy offers, sorted.
func (lp *LoadedProxy) Functions() []string {
	var names []string
	for name, v := range lp.globals {
		if _, ok := v.(*starlark.Function); ok && !strings.HasPrefix(name, "_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Call calls the proxy's function fn with string arguments, in the
// sandbox under the proxy's limits, and returns its result as text.
func (lp *LoadedProxy) Call(ctx context.Context, fn string, args ...string) (string, sandbox.Result, error) {
	f, ok := lp.globals[fn].(*starlark.Function)
	if !ok || strings.HasPrefix(fn, "_") {
		return "", sandbox.Result{}, fmt.Errorf("the proxy of %s has no function %q; it offers %s", lp.reg.Name, clip(fn), strings.Join(lp.Functions(), ", "))
	}
	targs := make(starlark.Tuple, len(args))
	for i, a := range args {
		targs[i] = starlark.String(a)
	}
	v, res, err := sandbox.Call(ctx, f, targs, lp.limits, lp.out)
	if err != nil {
		return "", res, fmt.Errorf("%s.%s: %w", lp.reg.Name, fn, err)
	}
	if s, ok := v.(starlark.String); ok {
		return string(s), res, nil
	}
	return v.String(), res, nil
}

// grants are the names the proxy gets beyond Starlark's own: device.call.
func (lp *LoadedProxy) grants() starlark.StringDict {
	call := starlark.NewBuiltin("call", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var op string
		var arg starlark.Value = starlark.None
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "op", &op, "args?", &arg); err != nil {
			return nil, err
		}
		return sandbox.Wait(thread, func(ctx context.Context) (starlark.Value, error) { return lp.invoke(ctx, op, arg) })
	})
	return starlark.StringDict{
		"device": &starlarkstruct.Module{Name: "device", Members: starlark.StringDict{"call": call}},
	}
}

// invoke sends one op to the device and brings its result into the
// sandbox.
func (lp *LoadedProxy) invoke(ctx context.Context, op string, arg starlark.Value) (starlark.Value, error) {
	req := Invoke{Op: op}
	if arg != starlark.None {
		v, err := sandbox.ToGo(arg)
		if err != nil {
			return nil, fmt.Errorf("device.call(%q): %w", op, err)
		}
		if req.Args, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("device.call(%q): %w", op, err)
		}
	}
	reply, err := lp.device.Call(ctx, lp.reg.Name, TypeInvoke, req)
	if err != nil {
		return nil, fmt.Errorf("device.call(%q): %w", op, err)
	}
	var res InvokeResult
	var v any
	if err := reply.UnmarshalBody(&res); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(orEmpty(res.Result), &v); err != nil {
		return nil, fmt.Errorf("device.call(%q): the device's result is not JSON: %v", op, err)
	}
	return sandbox.FromGo(v)
}
