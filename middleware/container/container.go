package container

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	pathpkg "path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"go.starlark.net/starlark"

	"dsdemo/models/program"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// Config is the container program's command line: the deployer's
// environment settings.
type Config struct {
	Data   string         // the data source and the passivated instances; "" is dsdemo-container-PORT in the temporary directory
	Deploy []string       // descriptors deployed at start
	Idle   time.Duration  // a stateful instance idle this long is passivated
	Limits sandbox.Limits // of every run of a component's code
}

// poolWait is how long a stateless call waits for a pooled instance.
const poolWait = 10 * time.Second

// RunContainer is the container program: it opens its data source,
// deploys the descriptors of cfg.Deploy and serves calls, deploys and
// undeploys on env.Listener until ctx is done.
func RunContainer(ctx context.Context, env *program.Env, cfg Config) error {
	switch {
	case env.Listener == nil:
		return errors.New("a container needs an address to listen on")
	case cfg.Idle <= 0:
		return program.Usagef("--idle must be positive, not %s", cfg.Idle)
	}
	if cfg.Data == "" {
		_, port, _ := net.SplitHostPort(env.Listener.Addr().String())
		cfg.Data = filepath.Join(os.TempDir(), "dsdemo-container-"+port)
	}
	c, err := Open(env.Node, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, file := range cfg.Deploy {
		req, err := ReadDeployment(file)
		if err == nil {
			_, err = c.deploy(ctx, req, file)
		}
		if err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait() // before c.Close: no sweep runs on a closed data source
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // first of all: ends the passivator, also when Serve fails
	wg.Go(func() { c.passivator(ctx) })
	return wire.Serve(ctx, env.Node, env.Listener, c.handle)
}

// Container hosts components: it owns their instances, their data source
// and their transactions.
type Container struct {
	node       *wire.Node
	cfg        Config
	ds         *dataSource
	passivated string        // directory of passivated instances
	runs       chan struct{} // one token per sandbox run under way
	log        *traceWriter  // what components print goes to the trace

	mu         sync.Mutex // guards components and txs
	components map[string]*deployment
	txs        int
}

// Open opens the container's data source in cfg.Data. A container that
// starts again finds its database as it was, but no stateful session: they
// lived in the container that stopped.
func Open(n *wire.Node, cfg Config) (*Container, error) {
	ds, err := openDataSource(cfg.Data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cfg.Data, "passivated")
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Container{node: n, cfg: cfg, ds: ds, passivated: dir, runs: make(chan struct{}, sandbox.MaxConcurrentRuns),
		log: &traceWriter{node: n}, components: map[string]*deployment{}}, nil
}

// Close closes the data source.
func (c *Container) Close() error { return c.ds.close() }

// runSlot waits for one of the sandbox.MaxConcurrentRuns places for a run.
func (c *Container) runSlot(ctx context.Context) (func(), error) {
	select {
	case c.runs <- struct{}{}:
		return func() { <-c.runs }, nil
	case <-ctx.Done():
		return nil, errors.New("the container is busy: every place for a run is taken")
	}
}

func (c *Container) event(format string, args ...any) { c.node.Trace.Logf(format, args...) }

// handle answers one request of the remote interface.
func (c *Container) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case TypeCall:
		var r CallRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return c.Call(ctx, r)
	case TypeDeploy:
		var r DeployRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return c.deploy(ctx, r, "descriptor")
	case TypeUndeploy:
		var r UndeployRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return c.undeploy(r.Component)
	case TypeStatus:
		return c.status(), nil
	}
	return nil, fmt.Errorf("unknown message type %q: want call, deploy, undeploy or status", req.Type)
}

// deploy installs a component, or a new version that replaces the old one
// for every call that starts from now on.
func (c *Container) deploy(ctx context.Context, r DeployRequest, file string) (DeployReply, error) {
	desc, err := ParseDescriptor(file, []byte(r.Descriptor))
	if err != nil {
		return DeployReply{}, err
	}
	d := newDeployment(c, desc, []byte(r.Script))
	if err := d.check(ctx); err != nil {
		return DeployReply{}, fmt.Errorf("cannot deploy %s: %w", desc.Component, err)
	}
	c.mu.Lock()
	old := c.components[desc.Component]
	c.components[desc.Component] = d
	c.mu.Unlock()
	if old != nil {
		old.retire()
		c.event("deployed %s, replacing v%d: calls under way finish on v%d", desc, old.desc.Version, old.desc.Version)
	} else {
		c.event("deployed %s", desc)
	}
	c.node.Trace.State("component "+desc.Component, fmt.Sprintf("v%d %s", desc.Version, desc.Kind))
	d.reportPool()
	return DeployReply{Component: desc.Component, Version: desc.Version}, nil
}

func (c *Container) undeploy(name string) (DeployReply, error) {
	c.mu.Lock()
	d := c.components[name]
	delete(c.components, name)
	c.mu.Unlock()
	if d == nil {
		return DeployReply{}, fmt.Errorf("no component %q is deployed", name)
	}
	d.retire()
	c.event("undeployed %s", d.desc)
	c.node.Trace.State("component "+name, "undeployed")
	return DeployReply{Component: name, Version: d.desc.Version}, nil
}

// Call runs one business method the way its descriptor says: role check
// first, then an instance, then the method inside a container-managed
// transaction, committed when the method returns and rolled back when it
// fails or the sandbox stops it.
func (c *Container) Call(ctx context.Context, r CallRequest) (CallReply, error) {
	comp, method, ok := strings.Cut(r.Method, ".")
	if !ok {
		return CallReply{}, fmt.Errorf("method %q: want COMPONENT.METHOD, as in bank.transfer", r.Method)
	}
	c.mu.Lock()
	d := c.components[comp]
	c.mu.Unlock()
	if d == nil {
		return CallReply{}, fmt.Errorf("no component %q is deployed", comp)
	}
	m, ok := d.desc.Methods[method]
	if !ok {
		return CallReply{}, fmt.Errorf("%s has no business method %s (it offers %s)", comp, method, strings.Join(d.methodNames(), ", "))
	}
	if !d.desc.allowed(r.User, m) {
		c.event("refused %s for %q: roles %v needed", r.Method, r.User, m.Roles)
		return CallReply{}, fmt.Errorf("refused: user %q has none of the roles %s that %s needs", r.User, strings.Join(m.Roles, ", "), r.Method)
	}
	args, err := starlarkArgs(r.Args)
	if err != nil {
		return CallReply{}, err
	}
	if d.desc.Kind == Stateful {
		s, err := d.session(ctx, r.Session)
		if err != nil {
			return CallReply{}, err
		}
		defer func() { s.last = time.Now(); s.mu.Unlock() }()
		return c.invoke(ctx, d, s.inst, r.Method, m, args)
	}
	wctx, cancel := context.WithTimeout(ctx, poolWait)
	in, err := d.acquire(wctx)
	cancel()
	if err != nil {
		return CallReply{}, err
	}
	defer d.release(in)
	return c.invoke(ctx, d, in, r.Method, m, args)
}

func (d *deployment) methodNames() []string {
	names := make([]string, 0, len(d.desc.Methods))
	for n := range d.desc.Methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func starlarkArgs(args []any) (starlark.Tuple, error) {
	out := make(starlark.Tuple, 0, len(args))
	for _, a := range args {
		v, err := sandbox.FromGo(a)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// invoke runs the method on in inside the transaction its attribute asks for.
func (c *Container) invoke(ctx context.Context, d *deployment, in *instance, name string, m Method, args starlark.Tuple) (CallReply, error) {
	release, err := c.runSlot(ctx)
	if err != nil {
		return CallReply{}, err
	}
	defer release()
	reply := CallReply{Version: d.desc.Version, Instance: in.id, Transaction: "none"}
	var tx *sql.Tx
	var txID int
	if m.Transaction == Required || m.Transaction == RequiresNew {
		// A remote caller never brings a transaction along, so Required
		// begins one here, just as RequiresNew does.
		if tx, err = c.ds.db.BeginTx(ctx, nil); err != nil {
			return CallReply{}, fmt.Errorf("cannot begin a transaction: %w", err)
		}
		txID = c.nextTx()
		c.txState(txID, name, "begun ("+m.Transaction+")")
	}
	in.bind.tx = tx
	_, method, _ := strings.Cut(name, ".")
	v, _, err := sandbox.Call(ctx, in.globals[method], append(starlark.Tuple{in.self}, args...), c.cfg.Limits, c.log)
	in.bind.tx = nil
	if err == nil {
		reply.Result, err = sandbox.ToGo(v)
	}
	if tx == nil {
		return reply, err
	}
	if err != nil {
		tx.Rollback()
		c.txState(txID, name, "rolled back: "+sandbox.FirstLine(err))
		return CallReply{}, fmt.Errorf("%s: %w; the container rolled its transaction back", name, err)
	}
	if err := tx.Commit(); err != nil {
		c.txState(txID, name, "rolled back: the commit failed")
		return CallReply{}, fmt.Errorf("%s: the commit failed: %w", name, err)
	}
	c.txState(txID, name, "committed")
	reply.Transaction = "committed"
	return reply, nil
}

func (c *Container) nextTx() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.txs++
	return c.txs
}

// txState shows a transaction's fate: a state line the inspector keeps,
// and a log line in the event log.
func (c *Container) txState(id int, method, what string) {
	c.node.Trace.State("transaction", fmt.Sprintf("#%d %s: %s", id, method, what))
	c.event("transaction #%d %s: %s", id, method, what)
}

// passivator passivates idle stateful instances until ctx is done.
func (c *Container) passivator(ctx context.Context) {
	tick := time.NewTicker(max(c.cfg.Idle/4, 50*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			c.mu.Lock()
			var all []*deployment
			for _, d := range c.components {
				if d.desc.Kind == Stateful {
					all = append(all, d)
				}
			}
			c.mu.Unlock()
			for _, d := range all {
				d.passivateIdle(ctx, c.cfg.Idle)
			}
		}
	}
}

func (c *Container) status() Status {
	c.mu.Lock()
	all := make([]*deployment, 0, len(c.components))
	for _, d := range c.components {
		all = append(all, d)
	}
	c.mu.Unlock()
	st := Status{Components: []ComponentStatus{}}
	for _, d := range all {
		st.Components = append(st.Components, d.status())
	}
	sort.Slice(st.Components, func(i, j int) bool { return st.Components[i].Name < st.Components[j].Name })
	return st
}

// traceWriter sends what a component prints to the trace as log lines.
type traceWriter struct{ node *wire.Node }

func (w *traceWriter) Write(p []byte) (int, error) {
	w.node.Trace.Logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// examples are the components of examples/, which the programs carry
// with them: "example:bank" names examples/bank.yaml, so the launcher and
// a class need no files of their own.
//
//go:embed examples
var examples embed.FS

// examplePrefix marks a descriptor of examples/.
const examplePrefix = "example:"

// ReadDeployment reads a descriptor file and the script it names (beside
// it), as the deploy command sends them. "example:NAME" reads
// examples/NAME.yaml from the program itself.
func ReadDeployment(file string) (DeployRequest, error) {
	fsys, path := fs.FS(os.DirFS(".")), file
	if name, ok := strings.CutPrefix(file, examplePrefix); ok {
		fsys, path = examples, "examples/"+name+".yaml"
	} else if filepath.IsAbs(file) {
		fsys, path = os.DirFS("/"), strings.TrimPrefix(filepath.ToSlash(file), "/")
	}
	path = pathpkg.Clean(path)
	desc, err := readSmall(fsys, path, file)
	if err != nil {
		return DeployRequest{}, err
	}
	d, err := ParseDescriptor(pathpkg.Base(path), desc)
	if err != nil {
		return DeployRequest{}, err
	}
	if d.Script == "" {
		return DeployRequest{}, fmt.Errorf("%s: the descriptor names no script", file)
	}
	script := pathpkg.Join(pathpkg.Dir(path), d.Script)
	src, err := readSmall(fsys, script, script)
	if err != nil {
		return DeployRequest{}, err
	}
	return DeployRequest{Descriptor: string(desc), Script: string(src)}, nil
}

func readSmall(fsys fs.FS, path, file string) ([]byte, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", file, err)
	}
	if len(data) > sandbox.MaxScriptSize {
		return nil, fmt.Errorf("%s has %d KiB, more than the %d KiB a deployment may have", file, len(data)>>10, sandbox.MaxScriptSize>>10)
	}
	return data, nil
}
