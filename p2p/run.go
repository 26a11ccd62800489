package p2p

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"dsdemo/models/program"
)

// The defaults of a peer's timing.
const (
	DefaultStabilize = time.Second
	DefaultTimeout   = time.Second
)

// ClientWait bounds one command of a client: long enough for a lookup that
// has to wait for the ring to repair itself, short enough that a frozen
// peer does not hang the client.
const ClientWait = 15 * time.Second

// RunPeer runs a peer on env's listener until ctx ends: it joins the ring
// through join (or starts a new one), serves, and takes commands from the
// collector's "do" lines, since a peer is its own client too. A peer given
// a --name sits at the hash of its name, so a demo's ring looks the same
// every time; one without sits at the hash of its address, as in Chord.
func RunPeer(ctx context.Context, env *program.Env, cfg Config, join string) error {
	if cfg.Replicas < 1 || cfg.Replicas > MaxSuccessors {
		return program.Usagef("--replicas must be from 1 to %d", MaxSuccessors)
	}
	if len(env.Node.Name) > MaxName {
		return program.Usagef("--name must be at most %d bytes", MaxName)
	}
	cfg.Addr = env.Listener.Addr().String()
	cfg.ByName = env.Node.Name != "peer"
	p := NewPeer(env.Node, cfg)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- p.Serve(ctx, env.Listener) }()
	if join != "" {
		if err := p.Join(ctx, join); err != nil {
			cancel()
			<-served
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "%s sits at position %s of the ring\n", p.Self().Name, p.Self().ID)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case line := <-env.Commands:
				out, err := runOne(ctx, p, line)
				if err != nil {
					out = "error: " + err.Error()
				}
				fmt.Fprintln(env.Stdout, out)
				env.Node.Trace.Logf("%s: %s", line, out)
			}
		}
	}()
	return <-served
}

// RunClient asks the peers at addrs (the first that answers): one command
// from the arguments, or a session of them. A session given every > 0 puts
// and gets keys of its own at that pace, a steady flow of lookups to watch.
func RunClient(ctx context.Context, env *program.Env, addrs []string, session bool, every time.Duration) error {
	r := NewRemote(env.Node, addrs...)
	defer r.Close()
	if session {
		s := program.Session{Prompt: "p2p> ", Help: Usage, Every: every, Auto: auto,
			Run: func(ctx context.Context, line string) (string, error) { return runOne(ctx, r, line) }}
		return s.Loop(ctx, env)
	}
	if len(env.Args) == 0 {
		return program.Usagef("--to ADDR wants a command; %s", Usage)
	}
	out, err := runOne(ctx, r, strings.Join(env.Args, " "))
	if out != "" {
		fmt.Fprintln(env.Stdout, out)
	}
	return err
}

// auto is a session's i-th command of its own: it puts key auto-0, gets
// it back, puts auto-1, gets an earlier key, and so on.
func auto(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("put auto-%d %d", i/2, i/2)
	}
	return fmt.Sprintf("get auto-%d", (i*7)%(i/2+1))
}

// runOne runs one command within ClientWait.
func runOne(ctx context.Context, r Ringer, line string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, ClientWait)
	defer cancel()
	out, err := Command(ctx, r, line)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		// Our own deadline ran out. A shorter one inside (a store's timeout)
		// says more than this, and keeps its own words.
		err = fmt.Errorf("%s: no answer within %s", line, ClientWait)
	}
	return out, err
}
