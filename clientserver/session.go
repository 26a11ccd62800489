package clientserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dsdemo/models/program"
)

// ClientConfig is the client program's command line.
type ClientConfig struct {
	Servers     []string
	Timeout     time.Duration
	Every       time.Duration // in a session, send a request of our own this often
	Bench       bool
	Concurrency int
	Requests    int
}

// RunClient is the client program: one command given as arguments, a load
// run (--bench), or an interactive session reading commands from stdin and
// from the collector's "do" lines until stdin ends or ctx is done.
func RunClient(ctx context.Context, env *program.Env, cfg ClientConfig) error {
	if len(cfg.Servers) == 0 {
		return program.Usagef("--server needs at least one address")
	}
	if cfg.Bench {
		res, err := Bench(ctx, env.Node, BenchConfig{Servers: cfg.Servers, Concurrency: cfg.Concurrency, Requests: cfg.Requests, Timeout: cfg.Timeout})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, res)
		return nil
	}
	c := NewClient(env.Node, cfg.Servers, 0, cfg.Timeout)
	defer c.Close()
	if len(env.Args) > 0 {
		out, err := c.Command(ctx, strings.Join(env.Args, " "))
		var bad *CommandError
		if errors.As(err, &bad) {
			return program.Usagef("%v", err)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, out)
		return nil
	}
	return session(ctx, env, c, cfg.Every)
}

// session is the interactive client: program.Session with the key-value
// commands, and five keys written and read in turn for --every.
func session(ctx context.Context, env *program.Env, c *Client, every time.Duration) error {
	s := program.Session{
		Prompt: "kv> ",
		Help:   "commands: get KEY | put KEY VALUE | del KEY | help | quit",
		Every:  every,
		Auto:   autoCommand,
		Run: func(ctx context.Context, line string) (string, error) {
			result, err := c.Command(ctx, line)
			if errors.Is(err, ErrNotFound) {
				return "not found", nil
			}
			return result, err
		},
	}
	return s.Loop(ctx, env)
}

// autoCommand is the request number i of a client started with --every: it
// writes and reads five keys in turn, a flow easy to follow on a diagram.
func autoCommand(i int) string {
	key := string(rune('a' + i/2%5))
	if i%2 == 0 {
		return "put " + key + " " + strconv.Itoa(i/2+1)
	}
	return "get " + key
}
