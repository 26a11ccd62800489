package broker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ProducerConfig is the producer program's command line.
type ProducerConfig struct {
	Broker     string        // the broker's address
	To         string        // the destination: queue:NAME or topic:NAME
	Persistent bool          // send persistent messages
	Publish    bool          // publish: hand over without waiting for a receipt (not for persistent messages, which always get one)
	Every      time.Duration // repeat the command (or, in a session, send one of its own) this often
	Timeout    time.Duration // how long to wait for the broker's answer
}

// refusalGrace is how long a publishing producer that ends waits for
// its client to pass on refusals it has already read.
const refusalGrace = 100 * time.Millisecond

// maxBurst is the most messages one burst command sends.
const maxBurst = 1000

// RunProducer is the producer program: one command given as arguments
// (send TEXT), repeated every Every if set, or a session reading commands
// from stdin and from the collector's "do" lines.
func RunProducer(ctx context.Context, env *program.Env, cfg ProducerConfig) error {
	switch {
	case cfg.Broker == "":
		return program.Usagef("--broker needs an address")
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	case cfg.Every < 0:
		return program.Usagef("--every must not be negative, not %s", cfg.Every)
	}
	if _, _, err := ParseDest(cfg.To); err != nil {
		return program.Usagef("--to: %v", err)
	}
	p := &producer{node: env.Node, cfg: cfg}
	defer p.close()
	if len(env.Args) == 0 {
		return p.session(ctx, env)
	}
	line := strings.Join(env.Args, " ")
	if _, err := p.parse(line); err != nil {
		return program.Usagef("%v", err)
	}
	for i := 0; ; i++ {
		out, err := p.command(ctx, line)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, out)
		if cfg.Every == 0 || !sleep(ctx, cfg.Every) {
			return p.lastRefusals(ctx, env)
		}
	}
}

// producer is the producer's state: its connection, dialled on first use
// and again after it broke, and its current destination and mode.
type producer struct {
	node   *wire.Node
	cfg    ProducerConfig
	client *Client
}

func (p *producer) close() {
	if p.client != nil {
		p.client.Close()
	}
}

// connected returns the connection, dialling the broker when there is none.
func (p *producer) connected(ctx context.Context) (*Client, error) {
	if p.client != nil {
		select {
		case <-p.client.Done():
			p.client.Close()
			p.client = nil
		default:
			return p.client, nil
		}
	}
	c, err := Dial(ctx, p.node, p.cfg.Broker, p.cfg.Timeout)
	if err != nil {
		return nil, err
	}
	p.client = c
	return c, nil
}

const producerHelp = "commands: send TEXT | burst N [TEXT] | to queue:NAME|topic:NAME | persistent on|off | status | help | quit"

func (p *producer) session(ctx context.Context, env *program.Env) error {
	s := program.Session{
		Prompt: "producer> ",
		Help:   producerHelp,
		Every:  p.cfg.Every,
		Auto:   func(i int) string { return "send msg-" + strconv.Itoa(i+1) },
		Run:    p.command,
	}
	return s.Loop(ctx, env)
}

// producerCommand is one parsed command line.
type producerCommand struct {
	verb string
	text string
	n    int
}

func (p *producer) parse(line string) (producerCommand, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	c := producerCommand{verb: verb, text: rest}
	switch verb {
	case "send":
		if rest == "" {
			return c, errors.New("send needs a TEXT")
		}
		return c, nil
	case "burst":
		count, text, _ := strings.Cut(rest, " ")
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 || n > maxBurst {
			return c, fmt.Errorf("burst needs a count from 1 to %d, not %q", maxBurst, count)
		}
		c.n, c.text = n, strings.TrimSpace(text)
		if c.text == "" {
			c.text = "msg"
		}
		return c, nil
	case "to":
		if _, _, err := ParseDest(rest); err != nil {
			return c, err
		}
		return c, nil
	case "persistent":
		if rest != "on" && rest != "off" {
			return c, errors.New("persistent needs on or off")
		}
		return c, nil
	case "status":
		return c, nil
	}
	return c, fmt.Errorf("cannot do %q: %s", cut(line), producerHelp)
}

// command runs one command line and returns what to print.
func (p *producer) command(ctx context.Context, line string) (string, error) {
	c, err := p.parse(line)
	if err != nil {
		return "", err
	}
	switch c.verb {
	case "to":
		p.cfg.To = c.text
		return "sending to " + c.text, nil
	case "persistent":
		p.cfg.Persistent = c.text == "on"
		return "persistent " + c.text, nil
	case "status":
		return p.status(ctx)
	case "burst":
		var lines []string
		for i := range c.n {
			out, err := p.send(ctx, fmt.Sprintf("%s-%d", c.text, i+1))
			if err != nil {
				return strings.Join(append(lines, "error: "+err.Error()), "\n"), nil
			}
			lines = append(lines, out)
		}
		return strings.Join(lines, "\n"), nil
	}
	return p.send(ctx, c.text)
}

func (p *producer) send(ctx context.Context, text string) (string, error) {
	cl, err := p.connected(ctx)
	if err != nil {
		return "", err
	}
	if p.cfg.Publish && !p.cfg.Persistent {
		id, err := cl.Publish(ctx, p.cfg.To, text)
		if err != nil {
			return "", err
		}
		return refusals(cl, fmt.Sprintf("published %d to %s (no receipt): %s", id, p.cfg.To, text)), nil
	}
	res, err := cl.Send(ctx, p.cfg.To, text, p.cfg.Persistent)
	if err != nil {
		return "", err
	}
	kind := "non-persistent"
	if p.cfg.Persistent {
		kind = "persistent"
	}
	copies := ""
	if strings.HasPrefix(p.cfg.To, KindTopic+":") {
		copies = fmt.Sprintf(", %d copies", res.Copies)
	}
	return fmt.Sprintf("sent #%d to %s (%s%s): %s", res.Msg, p.cfg.To, kind, copies, text), nil
}

// refusals appends to out a line for each refused publish that has come
// back so far.
func refusals(cl *Client, out string) string {
	for {
		select {
		case pe := <-cl.Refused():
			out += "\n" + pe.Error()
		default:
			return out
		}
	}
}

// lastRefusals waits, before a publishing producer ends, for the broker
// to have handled its publishes (a status round trip: the broker answers
// a connection's lines in order) and prints the refusals among them.
func (p *producer) lastRefusals(ctx context.Context, env *program.Env) error {
	if !p.cfg.Publish || p.client == nil {
		return nil
	}
	if _, err := p.client.Status(ctx); err != nil {
		return err
	}
	// The refusals were read before status_ok, but reach Refused through
	// the client's receiver, which may not have passed them on yet.
	sleep(ctx, refusalGrace)
	if out := refusals(p.client, ""); out != "" {
		fmt.Fprintln(env.Stdout, strings.TrimPrefix(out, "\n"))
	}
	return nil
}

func (p *producer) status(ctx context.Context) (string, error) {
	cl, err := p.connected(ctx)
	if err != nil {
		return "", err
	}
	st, err := cl.Status(ctx)
	if err != nil {
		return "", err
	}
	if len(st.Destinations) == 0 {
		return "no destinations yet", nil
	}
	lines := make([]string, 0, len(st.Destinations))
	for _, d := range st.Destinations {
		lines = append(lines, fmt.Sprintf("%s: %d ready, %d unacked, %d consumers, %d redelivered, %d dead-lettered",
			d.Name, d.Ready, d.Unacked, d.Consumers, d.Redelivered, d.DeadLettered))
	}
	return strings.Join(lines, "\n"), nil
}

// sleep waits d, or less when ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
