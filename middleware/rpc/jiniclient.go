package rpc

import (
	"context"
	"crypto/ed25519"
	"errors"
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

// JiniClientConfig is the jiniclient program's command line.
type JiniClientConfig struct {
	Lookups []string      // the lookup services' addresses, asked in this order
	Trust   string        // the vendor key proxies must be signed with: a NAME.pub file, or "demo"
	Timeout time.Duration // how long to wait for a lookup service
	Watch   bool          // subscribe to every lookup service's events at the start (a listener)
	Lease   time.Duration // the lease of an event subscription; renewed at a third
	Limits  sandbox.Limits
}

// DefaultJiniClientConfig is the jiniclient's configuration without flags.
func DefaultJiniClientConfig() JiniClientConfig {
	return JiniClientConfig{Trust: sandbox.DemoName, Timeout: 2 * time.Second, Lease: 30 * time.Second,
		Limits: sandbox.DefaultLimits}
}

// Check says what is wrong with the configuration, naming the flag.
func (cfg JiniClientConfig) Check() error {
	switch {
	case len(cfg.Lookups) == 0:
		return program.Usagef("--lookup needs the address of at least one lookup service")
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	case cfg.Lease < MinLease:
		return program.Usagef("--lease must be at least %s, not %s", MinLease, cfg.Lease)
	case cfg.Limits.Steps < 1:
		return program.Usagef("--proxy-steps must be at least 1")
	case cfg.Limits.Timeout <= 0:
		return program.Usagef("--proxy-timeout must be positive, not %s", cfg.Limits.Timeout)
	}
	for _, addr := range cfg.Lookups {
		if err := checkRegistration(RegisterRequest{Name: "x", Interface: "x", Address: addr}); err != nil {
			return program.Usagef("--lookup: %v", err)
		}
	}
	return nil
}

const jiniCommands = "lookup [TYPE [K=V...]] | proxy TYPE [K=V...] | use TYPE [K=V...] FUNCTION [TEXT] | watch"

// RunJiniClient is the jiniclient program: one command given as
// arguments, or a session reading commands from stdin and from the
// collector's "do" lines. With Watch it is a listener: it subscribes to
// the events of every lookup service and prints them as they come.
func RunJiniClient(ctx context.Context, env *program.Env, cfg JiniClientConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	trusted, err := sandbox.ReadPublicKey(cfg.Trust)
	if err != nil {
		return program.Usagef("--trust: %v", err)
	}
	c := NewJiniClient(env.Node, cfg, trusted, env.Stdout)
	defer c.Close()
	if cfg.Watch {
		fmt.Fprintln(env.Stdout, c.Watch(ctx))
	}
	if len(env.Args) > 0 {
		return program.RunArgs(ctx, env, c.Command)
	}
	s := program.Session{Prompt: "jini> ", Help: "commands: " + jiniCommands + " | help | quit", Run: c.Command}
	if err := s.Loop(ctx, env); err != nil || !cfg.Watch {
		return err
	}
	<-ctx.Done() // a listener listens on when its input ends, until it is stopped
	return nil
}

// JiniClient is a Jini client: it looks services up by type and
// attributes in every lookup service it knows, downloads a service's
// proxy, checks it and uses the service through it; and, as a listener,
// it hears from the lookup services when services come and go.
type JiniClient struct {
	node    *wire.Node
	cfg     JiniClientConfig
	trusted ed25519.PublicKey
	out     io.Writer
	lookups []*DirectoryClient // in the order of cfg.Lookups

	mu       sync.Mutex         // guards watching and stop
	watching bool               // Watch was called
	stop     context.CancelFunc // ends the subscriptions
	watchers sync.WaitGroup
}

// NewJiniClient returns a client of the lookup services cfg names that
// runs only proxies signed with trusted, and writes what it hears to out.
func NewJiniClient(n *wire.Node, cfg JiniClientConfig, trusted ed25519.PublicKey, out io.Writer) *JiniClient {
	c := &JiniClient{node: n, cfg: cfg, trusted: trusted, out: out}
	for _, addr := range cfg.Lookups {
		c.lookups = append(c.lookups, NewDirectoryClient(n, addr, cfg.Timeout))
	}
	c.cfg.Limits.WaitClock = n.WithTimeout // a proxy's wait for its device counts protocol time
	return c
}

// Close ends the subscriptions and closes every connection.
func (c *JiniClient) Close() {
	c.mu.Lock()
	if c.stop != nil {
		c.stop()
	}
	c.mu.Unlock()
	c.watchers.Wait()
	for _, d := range c.lookups {
		d.Close()
	}
}

func (c *JiniClient) say(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	fmt.Fprintln(c.out, line)
	c.node.Trace.Logf("%s", line)
}

// Command runs one command line and returns what to print.
func (c *JiniClient) Command(ctx context.Context, line string) (string, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "", &program.CommandError{Line: line, Why: "want " + jiniCommands}
	}
	switch f[0] {
	case "lookup", "list":
		t, rest, err := parseTemplate(f[1:])
		if err != nil || len(rest) > 0 {
			return "", &program.CommandError{Line: line, Why: "want lookup [TYPE [K=V...]]"}
		}
		return c.lookupAll(ctx, t)
	case "proxy":
		t, rest, err := parseTemplate(f[1:])
		if err != nil || len(rest) > 0 || t.Interface == "" {
			return "", &program.CommandError{Line: line, Why: "want proxy TYPE [K=V...]"}
		}
		lp, err := c.Download(ctx, t)
		if err != nil {
			return "", err
		}
		defer lp.Close()
		return fmt.Sprintf("proxy of %s (%s at %s): %d bytes, signature good; it offers %s",
			lp.reg.Name, lp.reg.Interface, lp.reg.Address, len(lp.reg.Proxy.Source), strings.Join(lp.Functions(), ", ")), nil
	case "use":
		t, rest, err := parseTemplate(f[1:])
		if err != nil || len(rest) == 0 || t.Interface == "" {
			return "", &program.CommandError{Line: line, Why: "want use TYPE [K=V...] FUNCTION [TEXT]"}
		}
		var args []string
		if len(rest) > 1 {
			args = []string{strings.Join(rest[1:], " ")}
		}
		return c.Use(ctx, t, rest[0], args...)
	case "watch":
		if len(f) == 1 {
			return c.Watch(ctx), nil
		}
	}
	return "", &program.CommandError{Line: line, Why: "want " + jiniCommands}
}

// parseTemplate reads TYPE [K=V...] from the front of f and returns the
// rest.
func parseTemplate(f []string) (LookupRequest, []string, error) {
	var t LookupRequest
	if len(f) == 0 {
		return t, nil, nil
	}
	t.Interface, f = f[0], f[1:]
	for len(f) > 0 && strings.Contains(f[0], "=") {
		k, v, _ := strings.Cut(f[0], "=")
		if t.Attributes == nil {
			t.Attributes = map[string]string{}
		}
		t.Attributes[k] = v
		f = f[1:]
	}
	return t, f, checkTemplate(t)
}

// found is one service as the lookup services know it.
type found struct {
	reg Registration
	at  []string // the lookup services that know it
}

// lookupAll asks every lookup service and lists what each knows: with
// two of them, a service is normally known to both.
func (c *JiniClient) lookupAll(ctx context.Context, t LookupRequest) (string, error) {
	byName := map[string]*found{}
	var silent []string
	for _, d := range c.lookups {
		matches, err := d.Lookup(ctx, t)
		if err != nil {
			silent = append(silent, fmt.Sprintf("the lookup service at %s does not answer (%v)", d.Addr(), err))
			continue
		}
		for _, m := range matches {
			if byName[m.Name] == nil {
				byName[m.Name] = &found{reg: m}
			}
			byName[m.Name].at = append(byName[m.Name].at, d.Addr())
		}
	}
	if len(silent) == len(c.lookups) {
		return "", fmt.Errorf("no lookup service answers: %s", strings.Join(silent, "; "))
	}
	var names []string
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	lines := silent
	if len(names) == 0 {
		lines = append(lines, "no service matches "+describe(t))
	}
	for _, name := range names {
		f := byName[name]
		line := fmt.Sprintf("%s %s at %s", f.reg.Name, f.reg.Interface, f.reg.Address)
		if len(f.reg.Attributes) > 0 {
			line += " [" + attrString(f.reg.Attributes) + "]"
		}
		lines = append(lines, line+", known to "+strings.Join(f.at, " and "))
	}
	return strings.Join(lines, "\n"), nil
}

func describe(t LookupRequest) string {
	s := "any service"
	if t.Interface != "" {
		s = "a " + t.Interface
	}
	if len(t.Attributes) > 0 {
		s += " with " + attrString(t.Attributes)
	}
	return s
}

// find asks the lookup services in turn for a service that matches t and
// returns the first match with its proxy: one lookup service that does
// not answer is no trouble while another does.
func (c *JiniClient) find(ctx context.Context, t LookupRequest) (Registration, error) {
	var errs []string
	for _, d := range c.lookups {
		matches, err := d.Lookup(ctx, t)
		if err != nil {
			c.say("the lookup service at %s does not answer (%v); asking the next", d.Addr(), err)
			errs = append(errs, err.Error())
			continue
		}
		if len(matches) == 0 {
			errs = append(errs, "nothing at "+d.Addr())
			continue
		}
		m := matches[0]
		if m.Proxy == nil { // beyond the reply's budget of proxies: ask for this one by name
			if byName, err := d.Lookup(ctx, LookupRequest{Name: m.Name}); err == nil && len(byName) == 1 {
				m = byName[0]
			}
		}
		c.node.Trace.State("service", fmt.Sprintf("%s (%s) at %s, found at the lookup service %s", m.Name, m.Interface, m.Address, d.Addr()))
		return m, nil
	}
	return Registration{}, fmt.Errorf("no lookup service knows %s (%s)", describe(t), strings.Join(errs, "; "))
}

// Download looks a service up and returns its proxy, verified and loaded
// in the sandbox.
func (c *JiniClient) Download(ctx context.Context, t LookupRequest) (*LoadedProxy, error) {
	reg, err := c.find(ctx, t)
	if err != nil {
		return nil, err
	}
	lp, err := LoadProxy(ctx, c.node, reg, c.trusted, c.cfg.Limits, c.out)
	if err != nil {
		c.node.Trace.State("proxy", "refused: "+err.Error())
		return nil, err
	}
	c.node.Trace.State("proxy", fmt.Sprintf("%s's proxy: %d bytes, signature good, loaded in the sandbox; it offers %s",
		reg.Name, len(reg.Proxy.Source), strings.Join(lp.Functions(), ", ")))
	return lp, nil
}

// Use looks a service up, downloads its proxy and calls the proxy's
// function fn with args.
func (c *JiniClient) Use(ctx context.Context, t LookupRequest, fn string, args ...string) (string, error) {
	lp, err := c.Download(ctx, t)
	if err != nil {
		return "", err
	}
	defer lp.Close()
	out, res, err := lp.Call(ctx, fn, args...)
	c.node.Trace.State("sandbox", fmt.Sprintf("%s: %d steps, %s, %s", fn, res.Steps, res.Duration.Round(time.Microsecond), res.Verdict))
	return out, err
}

// Watch subscribes to the events of every lookup service and prints each
// as it comes, until the client closes. A subscription whose lookup
// service goes away is made again when it comes back.
func (c *JiniClient) Watch(ctx context.Context) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.watching {
		return "already watching"
	}
	c.watching = true
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	c.stop = stop
	for _, d := range c.lookups {
		c.watchers.Go(func() { c.listen(wctx, d) })
	}
	return fmt.Sprintf("listening to the events of %d lookup service(s)", len(c.lookups))
}

// listen keeps one subscription at the lookup service d, renewing its
// lease, and subscribes again whenever it ends.
func (c *JiniClient) listen(ctx context.Context, d *DirectoryClient) {
	key := "subscription at " + d.Addr()
	for ctx.Err() == nil {
		sctx, cancel := context.WithCancel(ctx) // this subscription's: its connection closes with it
		// A renewal is no news (Jini sends no event for it): ask for the
		// changes only.
		req := SubscribeRequest{LeaseMS: c.cfg.Lease.Milliseconds(), Kinds: []string{Registered, Expired, Cancelled}}
		g, ended, err := d.Subscribe(sctx, req, func(ev Event) {
			r := ev.Registration
			c.say("event %d from %s: %s %s (%s at %s, lease %s)", ev.Seq, d.Addr(), r.Name, ev.Kind, r.Interface, r.Address, r.Lease)
		})
		if err != nil {
			cancel()
			c.node.Trace.State(key, fmt.Sprintf("none (%v): trying again", err))
			wallSleep(ctx, min(c.cfg.Lease/3, time.Second))
			continue
		}
		c.say("subscribed to the lookup service at %s: %s", d.Addr(), g.Lease)
		c.renewWhile(sctx, d, key, g, ended)
		cancel()
		<-ended
		c.node.Trace.EndTimer(key, "ended")
	}
}

// renewWhile renews the subscription's lease at a third of its duration
// until the subscription ends or ctx is done.
func (c *JiniClient) renewWhile(ctx context.Context, d *DirectoryClient, key string, g Grant, ended <-chan struct{}) {
	for {
		c.node.Trace.StartTimer(key, g.Lease, time.Duration(g.DurationMS)*time.Millisecond)
		t := time.NewTimer(time.Duration(g.DurationMS) * time.Millisecond / 3) // the wall clock, as the JoinManager's
		select {
		case <-ended:
			t.Stop()
			return
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		renewed, err := d.Renew(ctx, g)
		var remote *wire.RemoteError
		if errors.As(err, &remote) {
			return // the subscription is gone; the caller subscribes again
		}
		if err == nil {
			g = renewed
		}
	}
}
