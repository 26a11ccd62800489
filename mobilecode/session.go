package mobilecode

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"dsdemo/models/program"
)

// Session is the sandbox as an interactive client: "run NAME" fetches,
// verifies and runs a script, "list" asks what the server offers. The
// launcher drives it with do lines; each run's steps, time and verdict are
// reported as the "last run" state, which the launcher's inspector shows.
func (c *Client) Session(ctx context.Context, env *program.Env, trust ed25519.PublicKey, limits Limits) error {
	s := program.Session{
		Prompt: "sandbox> ",
		Help:   "commands: run NAME | list | help | quit",
		Run: func(ctx context.Context, line string) (string, error) {
			verb, name, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch {
			case verb == "list" && name == "":
				names, err := c.List(ctx)
				return strings.Join(names, " "), err
			case verb == "run" && name != "" && !strings.Contains(name, " "):
				return c.runAndReport(ctx, env, name, trust, limits)
			}
			return "", program.Usagef("cannot do %q: want run NAME or list", line)
		},
	}
	return s.Loop(ctx, env)
}

func (c *Client) runAndReport(ctx context.Context, env *program.Env, name string, trust ed25519.PublicKey, limits Limits) (string, error) {
	var out bytes.Buffer
	res, err := c.FetchAndRun(ctx, name, trust, limits, &out)
	verdict := res.Verdict
	if err != nil {
		verdict = err.Error()
	}
	env.Node.Trace.State("last run", fmt.Sprintf("%s: %s · %d steps · heap +%d KiB · %s",
		name, verdict, res.Steps, res.Heap>>10, res.Duration.Round(time.Microsecond)))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(out.String(), "\n") + fmt.Sprintf("\n(%s: %d steps, %s)", res.Verdict, res.Steps, res.Duration.Round(time.Microsecond)), nil
}
