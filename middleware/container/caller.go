package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// CallerConfig is the caller program's command line.
type CallerConfig struct {
	Container string        // the container's address
	User      string        // who calls; the descriptor maps users to roles
	Session   string        // the conversation with stateful components
	Call      string        // --call COMPONENT.METHOD: call it with the arguments, then exit
	Timeout   time.Duration // how long to wait for the container's answer
}

// RunCaller is the caller program: one command given as arguments
// (--call bank.transfer a b 10, or deploy FILE), or a session reading
// commands from stdin and from the collector's "do" lines. It never holds
// an instance, only the container's address and a method's name.
func RunCaller(ctx context.Context, env *program.Env, cfg CallerConfig) error {
	switch {
	case cfg.Container == "":
		return program.Usagef("--container needs an address")
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	}
	c := &caller{node: env.Node, cfg: cfg}
	defer c.close()
	line := strings.Join(env.Args, " ")
	if cfg.Call != "" {
		line = strings.TrimSpace("call " + cfg.Call + " " + line)
	}
	if line == "" {
		s := program.Session{Prompt: "caller> ", Help: callerHelp, Run: c.command}
		return s.Loop(ctx, env)
	}
	out, err := c.command(ctx, line)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, out)
	return nil
}

const callerHelp = "commands: call COMPONENT.METHOD ARGS... | burst N COMPONENT.METHOD ARGS... | deploy FILE | undeploy COMPONENT | status | user NAME | session ID | help | quit"

type caller struct {
	node *wire.Node
	cfg  CallerConfig

	mu   sync.Mutex // guards conn: a burst calls from many goroutines
	conn *wire.Conn // dialled on first use and again after it broke
}

func (c *caller) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		c.conn.Close()
	}
}

func (c *caller) ask(ctx context.Context, typ string, body, reply any) error {
	ctx, cancel := c.node.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	conn, err := c.connected(ctx)
	if err != nil {
		return err
	}
	e, err := conn.Call(ctx, "container", typ, body)
	if err != nil {
		return err
	}
	return e.UnmarshalBody(reply)
}

// connected returns the connection, dialling the container when there is
// none or the last one broke.
func (c *caller) connected(ctx context.Context) (*wire.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		select {
		case <-c.conn.Done():
			c.conn.Close()
			c.conn = nil
		default:
			return c.conn, nil
		}
	}
	conn, err := wire.Dial(ctx, c.node, c.cfg.Container)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the container at %s: %w", c.cfg.Container, err)
	}
	c.conn = conn
	return conn, nil
}

// command runs one command line and returns what to print.
func (c *caller) command(ctx context.Context, line string) (string, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	fields := strings.Fields(rest)
	switch verb {
	case "call":
		if len(fields) == 0 {
			return "", errors.New("call needs COMPONENT.METHOD and its arguments")
		}
		req := CallRequest{Method: fields[0], Args: parseArgs(fields[1:]), User: c.cfg.User, Session: c.cfg.Session}
		var r CallReply
		if err := c.ask(ctx, TypeCall, req, &r); err != nil {
			return "", err
		}
		res, _ := json.Marshal(r.Result)
		return fmt.Sprintf("%s = %s (v%d, instance %s, transaction %s)", fields[0], res, r.Version, r.Instance, r.Transaction), nil
	case "burst":
		n, err := strconv.Atoi(first(fields))
		if err != nil || n < 1 || n > maxBurst || len(fields) < 2 {
			return "", fmt.Errorf("burst needs a count from 1 to %d, then COMPONENT.METHOD and its arguments", maxBurst)
		}
		return c.burst(ctx, n, CallRequest{Method: fields[1], Args: parseArgs(fields[2:]), User: c.cfg.User, Session: c.cfg.Session}), nil
	case "deploy":
		if len(fields) != 1 {
			return "", errors.New("deploy needs a descriptor FILE")
		}
		req, err := ReadDeployment(fields[0])
		if err != nil {
			return "", err
		}
		var r DeployReply
		if err := c.ask(ctx, TypeDeploy, req, &r); err != nil {
			return "", err
		}
		return fmt.Sprintf("deployed %s v%d", r.Component, r.Version), nil
	case "undeploy":
		if len(fields) != 1 {
			return "", errors.New("undeploy needs a COMPONENT")
		}
		var r DeployReply
		if err := c.ask(ctx, TypeUndeploy, UndeployRequest{Component: fields[0]}, &r); err != nil {
			return "", err
		}
		return fmt.Sprintf("undeployed %s v%d", r.Component, r.Version), nil
	case "status":
		var st Status
		if err := c.ask(ctx, TypeStatus, struct{}{}, &st); err != nil {
			return "", err
		}
		var b strings.Builder
		for _, s := range st.Components {
			fmt.Fprintf(&b, "%s v%d %s: %d instances", s.Name, s.Version, s.Kind, s.Instances)
			if s.Pool > 0 {
				fmt.Fprintf(&b, " of a pool of %d", s.Pool)
			}
			b.WriteString("\n")
		}
		return strings.TrimSuffix(b.String(), "\n"), nil
	case "user":
		c.cfg.User = rest
		return "calling as " + rest, nil
	case "session":
		c.cfg.Session = rest
		return "session " + rest, nil
	}
	return "", fmt.Errorf("unknown command %q (%s)", verb, callerHelp)
}

// maxBurst is the most calls one burst makes at once.
const maxBurst = 100

func first(fields []string) string {
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}

// burst makes n calls at once, each on a connection of its own (the
// container answers the requests of one connection one after the other),
// to load a pool, and tells which instances served them.
func (c *caller) burst(ctx context.Context, n int, req CallRequest) string {
	type result struct {
		instance string
		err      error
	}
	results := make(chan result, n)
	for range n {
		go func() {
			var r CallReply
			one := &caller{node: c.node, cfg: c.cfg}
			defer one.close()
			err := one.ask(ctx, TypeCall, req, &r)
			results <- result{r.Instance, err}
		}()
	}
	served := map[string]int{}
	failed := 0
	for range n {
		r := <-results
		if r.err != nil {
			failed++
			continue
		}
		served[r.instance]++
	}
	names := make([]string, 0, len(served))
	for name, k := range served {
		names = append(names, fmt.Sprintf("%s: %d", name, k))
	}
	sort.Strings(names)
	return fmt.Sprintf("%d calls of %s: %d failed; served by %s", n, req.Method, failed, strings.Join(names, ", "))
}

// parseArgs reads each argument as a JSON number, true, false or null
// where it is one, else as a string: "a b 10" is "a", "b", 10.
func parseArgs(fields []string) []any {
	out := make([]any, len(fields))
	for i, f := range fields {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			out[i] = n
			continue
		}
		var v any
		if json.Unmarshal([]byte(f), &v) == nil {
			if _, isMap := v.(map[string]any); !isMap {
				out[i] = v
				continue
			}
		}
		out[i] = f
	}
	return out
}
