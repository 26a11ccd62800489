package mobilecode

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/sandbox"
)

// Session is the sandbox as an interactive client: "run NAME" fetches,
// verifies and runs a script (code on demand), "send NAME" sends one of the
// client's own scripts, signed with key, for the server to run (remote
// evaluation), "replay" sends the last run request again byte for byte, as
// a man in the middle who recorded it would (the server refuses it), and
// "list" asks what the server offers. The launcher drives it with do lines;
// each run's steps, time and verdict are reported as the "last run" state,
// which the launcher's inspector shows.
func (c *client) Session(ctx context.Context, env *program.Env, trust ed25519.PublicKey, limits sandbox.Limits, key ed25519.PrivateKey, scripts fs.FS) error {
	var last *runRequest // the last run request sent; only the session's loop touches it
	s := program.Session{
		Prompt: "sandbox> ",
		Help:   "commands: run NAME | send NAME | replay | list | help | quit",
		Run: func(ctx context.Context, line string) (string, error) {
			verb, name, _ := strings.Cut(strings.TrimSpace(line), " ")
			one := name != "" && !strings.Contains(name, " ")
			switch {
			case verb == "list" && name == "":
				names, err := c.List(ctx)
				return strings.Join(names, " "), err
			case verb == "run" && one:
				return c.runAndReport(ctx, env, name, trust, limits)
			case verb == "send" && one:
				if key == nil {
					return "", errors.New("send needs the client's own key: start the sandbox with --key")
				}
				req, err := prepareRun(name, key, scripts)
				if err != nil {
					return "", err
				}
				last = &req
				return c.sendAndReport(ctx, env, req)
			case verb == "replay" && name == "":
				if last == nil {
					return "", errors.New("nothing to replay: send a script first")
				}
				return c.sendAndReport(ctx, env, *last)
			}
			return "", program.Usagef("cannot do %q: want run NAME, send NAME, replay or list", line)
		},
	}
	return s.Loop(ctx, env)
}

// sendAndReport evaluates a script remotely and reports it as the last run.
func (c *client) sendAndReport(ctx context.Context, env *program.Env, req runRequest) (string, error) {
	r, err := c.RunRemote(ctx, req)
	verdict := r.Verdict
	if err != nil {
		verdict = err.Error()
	}
	env.Node.Trace.State("last run", fmt.Sprintf("%s on the server: %s · %d steps", req.Name, verdict, r.Steps))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(r.Output, "\n") + fmt.Sprintf("\n(on the server: %s, %d steps)", r.Verdict, r.Steps), nil
}

func (c *client) runAndReport(ctx context.Context, env *program.Env, name string, trust ed25519.PublicKey, limits sandbox.Limits) (string, error) {
	var out bytes.Buffer
	res, err := c.FetchAndRun(ctx, name, trust, limits, &out)
	verdict := res.Verdict
	if err != nil {
		verdict = err.Error()
	}
	env.Node.Trace.State("last run", fmt.Sprintf("%s: %s · %d steps · %d KiB allocated · %s",
		name, verdict, res.Steps, res.Alloc>>10, res.Duration.Round(time.Microsecond)))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(out.String(), "\n") + fmt.Sprintf("\n(%s: %d steps, %s)", res.Verdict, res.Steps, res.Duration.Round(time.Microsecond)), nil
}
