package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// DeviceConfig is the device program's command line: a Jini service.
type DeviceConfig struct {
	Kind       string            // printer or projector
	Lookups    []string          // the lookup services' addresses (unicast discovery)
	LAN        bool              // also find lookup services by multicast on the local network (jinilan.go)
	Service    string            // the name to join under; "" is the kind ("printer")
	Attributes map[string]string // what sets this device apart ("room": "101"); nil: the kind's own
	Lease      time.Duration     // the lease to ask for; renewed at a third of what is granted
	Key        string            // the vendor's signing key for the proxy: a NAME.key file, or "demo"
	Timeout    time.Duration     // how long to wait for a lookup service
	Tamper     bool              // change the proxy after signing it: a forgery, for the refusal experiment
}

// DefaultDeviceConfig is the device's configuration without flags.
func DefaultDeviceConfig() DeviceConfig {
	return DeviceConfig{Kind: "printer", Lease: 10 * time.Second, Key: sandbox.DemoName, Timeout: 2 * time.Second}
}

// Check says what is wrong with the configuration, naming the flag.
func (cfg DeviceConfig) Check() error {
	if _, ok := deviceKinds[cfg.Kind]; !ok {
		return program.Usagef("--kind %q: want %s", cfg.Kind, strings.Join(kindNames(), " or "))
	}
	switch {
	case len(cfg.Lookups) == 0 && !cfg.LAN:
		return program.Usagef("--lookup needs the address of at least one lookup service (or --lan to find them by multicast)")
	case cfg.Service != "" && checkName("name", cfg.Service, true) != nil:
		return program.Usagef("--service: %v", checkName("name", cfg.Service, true))
	case checkAttrs(cfg.Attributes) != nil:
		return program.Usagef("--attr: %v", checkAttrs(cfg.Attributes))
	case cfg.Lease < MinLease:
		return program.Usagef("--lease must be at least %s, not %s", MinLease, cfg.Lease)
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	}
	for _, addr := range cfg.Lookups {
		if err := checkRegistration(RegisterRequest{Name: "x", Interface: "x", Address: addr}); err != nil {
			return program.Usagef("--lookup: %v", err)
		}
	}
	return nil
}

// RunDevice is the device program: it serves the device's own protocol
// (invoke) and keeps the device joined, with its signed proxy, with every
// lookup service it is told of or finds, until ctx is done.
func RunDevice(ctx context.Context, env *program.Env, cfg DeviceConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if len(env.Args) > 0 {
		return program.Usagef("the device takes no arguments, only flags")
	}
	priv, err := sandbox.ReadPrivateKey(cfg.Key)
	if err != nil {
		return program.Usagef("--key: %v", err)
	}
	d := NewDevice(env.Node, cfg.Kind, env.Stdout)
	src, err := proxySource(cfg.Kind)
	if err != nil {
		return err
	}
	reg := RegisterRequest{Name: cmpOr(cfg.Service, cfg.Kind), Interface: d.kind.Interface,
		Address: env.Listener.Addr().String(), Attributes: cfg.Attributes, LeaseMS: cfg.Lease.Milliseconds(),
		Proxy: SignProxy(priv, d.kind.Interface, src)}
	if reg.Attributes == nil {
		reg.Attributes = copyAttrs(d.kind.Attributes)
	}
	if cfg.Tamper {
		reg.Proxy.Source += tamperedLine
	}
	d.report()
	jm := NewJoinManager(env.Node, reg, cfg.Timeout)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { jm.Run(ctx, cfg.Lookups) })
	if cfg.LAN {
		wg.Go(func() { discoverEvery(ctx, env.Node, jm, cfg.Timeout) })
	}
	return wire.Serve(ctx, env.Node, env.Listener, d.Handle)
}

// tamperedLine is what --tamper adds to the proxy after it was signed:
// one harmless line, enough for the signature to fail.
const tamperedLine = "\n# changed on the way, after the vendor signed this proxy\n"

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// Device is a printer or a projector: the thing a Jini service stands
// for. It understands its own small protocol (invoke with an op and
// arguments), which only its proxy speaks.
type Device struct {
	node *wire.Node
	kind deviceKind
	out  io.Writer // where a printer prints

	mu      sync.Mutex // guards the fields below
	jobs    int        // printer: jobs printed
	paper   int        // printer: sheets left
	on      bool       // projector: power
	showing string     // projector: the slide on the wall
}

// NewDevice returns a device of the kind ("printer" or "projector") that
// writes what it prints to out.
func NewDevice(n *wire.Node, kind string, out io.Writer) *Device {
	return &Device{node: n, kind: deviceKinds[kind], out: out, paper: 100}
}

// deviceKind is what differs between a printer and a projector.
type deviceKind struct {
	Interface  string            // the service type clients look up
	Attributes map[string]string // registered unless --attr says otherwise
	Ops        map[string]func(d *Device, args json.RawMessage) (any, error)
}

var deviceKinds = map[string]deviceKind{
	"printer": {Interface: "Printer", Attributes: map[string]string{"room": "101", "color": "no"},
		Ops: map[string]func(*Device, json.RawMessage) (any, error){"print": (*Device).print, "status": (*Device).printerStatus}},
	"projector": {Interface: "Projector", Attributes: map[string]string{"room": "101"},
		Ops: map[string]func(*Device, json.RawMessage) (any, error){"power": (*Device).power, "show": (*Device).show, "status": (*Device).projectorStatus}},
}

func kindNames() []string {
	var names []string
	for k := range deviceKinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Handle answers one invoke; it is a wire.Handler.
func (d *Device) Handle(_ context.Context, req wire.Envelope) (any, error) {
	if req.Type != TypeInvoke {
		return nil, fmt.Errorf("unknown message type %q: this %s takes invoke, from its proxy", req.Type, strings.ToLower(d.kind.Interface))
	}
	var inv Invoke
	if err := json.Unmarshal(orEmpty(req.Body), &inv); err != nil {
		return nil, fmt.Errorf("invoke: the body is not an Invoke: %v", err)
	}
	op, ok := d.kind.Ops[inv.Op]
	if !ok {
		var ops []string
		for name := range d.kind.Ops {
			ops = append(ops, name)
		}
		sort.Strings(ops)
		return nil, fmt.Errorf("no op %q: a %s does %s", clip(inv.Op), strings.ToLower(d.kind.Interface), strings.Join(ops, ", "))
	}
	res, err := op(d, orEmpty(inv.Args))
	if err != nil {
		return nil, err
	}
	d.report()
	return InvokeResult{Result: mustJSON(res)}, nil
}

// report shows the device's state in the trace.
func (d *Device) report() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kind.Interface == "Printer" {
		d.node.Trace.Gauge("paper", int64(d.paper), 100, "sheets")
		return
	}
	state := "off"
	if d.on {
		state = "on, showing slide " + cmpOr(d.showing, "none")
	}
	d.node.Trace.State("projector", state)
}

func decodeArgs(op string, args json.RawMessage, v any) error {
	if err := json.Unmarshal(args, v); err != nil {
		return fmt.Errorf("%s: bad arguments: %v", op, err)
	}
	return nil
}

// print prints a text: a sheet for each 80 characters begun.
func (d *Device) print(args json.RawMessage) (any, error) {
	var a struct {
		Text string `json:"text"`
	}
	if err := decodeArgs("print", args, &a); err != nil {
		return nil, err
	}
	if len(a.Text) > MaxString {
		return nil, fmt.Errorf("print: %d bytes of text, at most %d", len(a.Text), MaxString)
	}
	pages := 1 + len(a.Text)/80
	d.mu.Lock()
	defer d.mu.Unlock()
	if pages > d.paper {
		return nil, fmt.Errorf("print: out of paper (%d sheets left, the job needs %d)", d.paper, pages)
	}
	d.jobs++
	d.paper -= pages
	fmt.Fprintf(d.out, "job %d: %s\n", d.jobs, a.Text)
	d.node.Trace.State("printed", fmt.Sprintf("job %d, %d page(s): %s", d.jobs, pages, clip(a.Text)))
	return map[string]int{"job": d.jobs, "pages": pages, "paper": d.paper}, nil
}

func (d *Device) printerStatus(json.RawMessage) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return map[string]int{"jobs": d.jobs, "paper": d.paper}, nil
}

func (d *Device) power(args json.RawMessage) (any, error) {
	var a struct {
		On bool `json:"on"`
	}
	if err := decodeArgs("power", args, &a); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.on = a.On
	if !a.On {
		d.showing = ""
	}
	return map[string]bool{"on": d.on}, nil
}

func (d *Device) show(args json.RawMessage) (any, error) {
	var a struct {
		Slide string `json:"slide"`
	}
	if err := decodeArgs("show", args, &a); err != nil {
		return nil, err
	}
	if len(a.Slide) > MaxNameLen {
		return nil, fmt.Errorf("show: a slide name of %d bytes, at most %d", len(a.Slide), MaxNameLen)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.on {
		return nil, fmt.Errorf("show: the projector is off; power it on first")
	}
	d.showing = a.Slide
	return map[string]string{"showing": d.showing}, nil
}

func (d *Device) projectorStatus(json.RawMessage) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return map[string]any{"on": d.on, "showing": d.showing}, nil
}
