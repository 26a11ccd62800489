package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"go.starlark.net/starlark"

	"dsdemo/models/sandbox"
)

// A component is a Starlark script with no main: it defines business
// methods and, if it wants to hear about them, lifecycle callbacks. The
// container alone decides when an instance exists (inversion of control):
//
//	create(self)     a new instance, before its first call
//	activate(self)   a stateful instance read back from disk
//	passivate(self)  a stateful instance about to be written to disk
//	remove(self)     an instance the container throws away
//
// self is the instance's own dict: a stateful component keeps its
// conversation there, and passivation writes exactly that dict to disk.
// Each business method gets self first, then the caller's arguments.

// lifecycle are the callbacks' names, which no business method may have.
var lifecycle = []string{"create", "activate", "passivate", "remove"}

// instance is one instance of a component: its own globals, its self, and
// its own binding to the data source.
type instance struct {
	id      string
	globals starlark.StringDict
	self    *starlark.Dict
	bind    *binding
}

// deployment is one version of a deployed component.
type deployment struct {
	c    *Container
	desc Descriptor
	src  []byte

	pool chan *instance // stateless: the idle instances

	mu       sync.Mutex // guards everything below
	made     int        // stateless: instances created so far
	busy     int        // stateless: instances serving a call
	sessions map[string]*session
	retired  bool // undeployed or replaced: instances go when their call ends
}

// session is a client's conversation with a stateful component.
type session struct {
	id   string
	mu   sync.Mutex // held while a call runs: one call at a time per session
	inst *instance  // nil while passivated
	last time.Time  // end of the last call
}

func newDeployment(c *Container, d Descriptor, src []byte) *deployment {
	return &deployment{c: c, desc: d, src: src, pool: make(chan *instance, d.Pool), sessions: map[string]*session{}}
}

// builtins are the names the container injects into an instance: the
// resources its descriptor asks for, and nothing else.
func (d *deployment) builtins(b *binding) starlark.StringDict {
	names := starlark.StringDict{}
	if slices.Contains(d.desc.Resources, "db") {
		names["db"] = b.module()
	}
	return names
}

// load runs the script's top level for a new instance (no callback yet).
func (d *deployment) load(ctx context.Context, id string) (*instance, error) {
	b := &binding{ds: d.c.ds}
	prog, err := sandbox.Compile(d.desc.Component+".star", d.src, d.builtins(b))
	if err != nil {
		return nil, err
	}
	release, err := d.c.runSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	globals, _, err := prog.Init(ctx, d.c.cfg.Limits, d.c.log)
	if err != nil {
		return nil, err
	}
	return &instance{id: id, globals: globals, self: starlark.NewDict(4), bind: b}, nil
}

// check loads the script once, without creating an instance, to refuse a
// deployment whose descriptor names a method the script does not define.
func (d *deployment) check(ctx context.Context) error {
	in, err := d.load(ctx, "check")
	if err != nil {
		return err
	}
	for name := range d.desc.Methods {
		if _, ok := in.globals[name].(starlark.Callable); !ok {
			return fmt.Errorf("the descriptor names method %s, which %s does not define", name, d.desc.Script)
		}
	}
	return nil
}

// callback runs a lifecycle callback if the component defines it, outside
// any transaction.
func (d *deployment) callback(ctx context.Context, in *instance, name string) error {
	fn, ok := in.globals[name]
	if !ok {
		return nil
	}
	release, err := d.c.runSlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	_, _, err = sandbox.Call(ctx, fn, starlark.Tuple{in.self}, d.c.cfg.Limits, d.c.log)
	d.c.event("%s %s: %s", d.desc.Component, in.id, name)
	if err != nil {
		return fmt.Errorf("%s of %s: %w", name, d.desc.Component, err)
	}
	return nil
}

// create makes a new instance and calls its create callback.
func (d *deployment) create(ctx context.Context, id string) (*instance, error) {
	in, err := d.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := d.callback(ctx, in, "create"); err != nil {
		return nil, err
	}
	return in, nil
}

// acquire gives a stateless call an idle pooled instance, creating one on
// first need up to the pool size, or waiting for one to come back.
func (d *deployment) acquire(ctx context.Context) (*instance, error) {
	in, err := d.takeOrMake(ctx)
	if err == nil {
		d.mu.Lock()
		d.busy++
		d.reportPool()
		d.mu.Unlock()
	}
	return in, err
}

func (d *deployment) takeOrMake(ctx context.Context) (*instance, error) {
	select {
	case in := <-d.pool:
		return in, nil
	default:
	}
	d.mu.Lock()
	if d.made < d.desc.Pool {
		d.made++
		id := fmt.Sprintf("v%d-#%d", d.desc.Version, d.made)
		d.mu.Unlock()
		in, err := d.create(ctx, id)
		if err != nil {
			d.mu.Lock()
			d.made--
			d.mu.Unlock()
		}
		return in, err
	}
	d.mu.Unlock()
	select {
	case in := <-d.pool:
		return in, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("all %d instances of %s are busy", d.desc.Pool, d.desc.Component)
	}
}

// release takes an instance back after its call.
func (d *deployment) release(in *instance) {
	d.mu.Lock()
	d.busy--
	retired := d.retired
	d.reportPool()
	d.mu.Unlock()
	if retired {
		d.discard(in)
		return
	}
	d.pool <- in
}

// discard ends an instance: its remove callback, then it is gone.
func (d *deployment) discard(in *instance) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.callback(ctx, in, "remove")
}

func (d *deployment) reportPool() {
	if d.desc.Kind == Stateless {
		d.c.node.Trace.Gauge("pool "+d.desc.Component, int64(d.busy), int64(d.desc.Pool), "busy")
		d.c.node.Trace.State("instances "+d.desc.Component, fmt.Sprintf("%d made, %d busy, pool %d", d.made, d.busy, d.desc.Pool))
	}
}

var sessionRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// session returns the caller's session with its lock held, and its
// instance: created on the first call, activated from disk after
// passivation.
func (d *deployment) session(ctx context.Context, id string) (*session, error) {
	if !sessionRE.MatchString(id) {
		return nil, fmt.Errorf("%s is stateful: a call needs a session (1 to 64 letters, digits, - or _)", d.desc.Component)
	}
	d.mu.Lock()
	if d.retired {
		d.mu.Unlock()
		return nil, fmt.Errorf("%s was undeployed", d.desc.Component)
	}
	s, ok := d.sessions[id]
	if !ok {
		if len(d.sessions) >= maxSessions {
			d.mu.Unlock()
			return nil, fmt.Errorf("%s already has %d sessions", d.desc.Component, maxSessions)
		}
		s = &session{id: id}
		d.sessions[id] = s
	}
	d.mu.Unlock()
	s.mu.Lock()
	if s.inst != nil {
		return s, nil
	}
	var err error
	if s.inst, err = d.activate(ctx, s); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	return s, nil
}

// maxSessions bounds the sessions of one stateful component.
const maxSessions = 256

func (d *deployment) passivatedFile(id string) string {
	return filepath.Join(d.c.passivated, d.desc.Component+"-"+id+".json")
}

// activate gives a session an instance: a new one (create), or one read
// back from the file passivation wrote (activate).
func (d *deployment) activate(ctx context.Context, s *session) (*instance, error) {
	id := "session " + s.id
	raw, err := os.ReadFile(d.passivatedFile(s.id))
	if errors.Is(err, os.ErrNotExist) {
		in, err := d.create(ctx, id)
		if err == nil {
			d.c.node.Trace.State("session "+s.id, "active")
		}
		return in, err
	}
	if err != nil {
		return nil, err
	}
	in, err := d.load(ctx, id)
	if err != nil {
		return nil, err
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("the passivated state of session %s is damaged: %w", s.id, err)
	}
	v, err := sandbox.FromGo(state)
	if err != nil {
		return nil, err
	}
	in.self = v.(*starlark.Dict)
	os.Remove(d.passivatedFile(s.id))
	if err := d.callback(ctx, in, "activate"); err != nil {
		return nil, err
	}
	d.c.node.Trace.State("session "+s.id, "active (activated from disk)")
	return in, nil
}

// passivateIdle writes every stateful instance idle for longer than idle
// to disk and lets it go.
func (d *deployment) passivateIdle(ctx context.Context, idle time.Duration) {
	d.mu.Lock()
	sessions := make([]*session, 0, len(d.sessions))
	for _, s := range d.sessions {
		sessions = append(sessions, s)
	}
	d.mu.Unlock()
	for _, s := range sessions {
		if !s.mu.TryLock() {
			continue // a call is running: not idle
		}
		if s.inst != nil && time.Since(s.last) > idle {
			if err := d.passivate(ctx, s); err != nil {
				d.c.event("%s session %s: passivation failed: %v", d.desc.Component, s.id, err)
			}
		}
		s.mu.Unlock()
	}
}

func (d *deployment) passivate(ctx context.Context, s *session) error {
	if err := d.callback(ctx, s.inst, "passivate"); err != nil {
		return err
	}
	state, err := sandbox.ToGo(s.inst.self)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(state)
	if err != nil {
		return err
	}
	if err := os.WriteFile(d.passivatedFile(s.id), raw, 0o600); err != nil {
		return err
	}
	s.inst = nil
	d.c.node.Trace.State("session "+s.id, "passivated to disk")
	return nil
}

// retire ends a deployment: idle pooled instances and active sessions are
// removed now, busy instances when their call ends.
func (d *deployment) retire() {
	d.mu.Lock()
	d.retired = true
	sessions := d.sessions
	d.sessions = map[string]*session{}
	d.mu.Unlock()
drain:
	for {
		select {
		case in := <-d.pool:
			d.discard(in)
		default:
			break drain
		}
	}
	for _, s := range sessions {
		s.mu.Lock()
		if s.inst != nil {
			d.discard(s.inst)
		}
		os.Remove(d.passivatedFile(s.id))
		s.mu.Unlock()
	}
}

func (d *deployment) status() ComponentStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := ComponentStatus{Name: d.desc.Component, Version: d.desc.Version, Kind: d.desc.Kind}
	if d.desc.Kind == Stateless {
		st.Instances, st.Busy, st.Pool = d.made, d.busy, d.desc.Pool
		return st
	}
	for _, s := range d.sessions {
		if s.mu.TryLock() {
			if s.inst != nil {
				st.Instances++
			}
			s.mu.Unlock()
		} else {
			st.Instances++
		}
	}
	return st
}
