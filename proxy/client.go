package proxy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ClientConfig sets up the load program, the client of the proxy model.
// It is one of two clients: a browser that fetches one resource at a time
// (a command such as "get /static/a", or a session the launcher drives),
// or a load run of many clients at once.
type ClientConfig struct {
	URL     string        // the proxy (or the origin) to ask, e.g. http://127.0.0.1:7300
	Timeout time.Duration // for one request, in protocol time; 0 means no limit

	// A browser.
	Session bool          // an interactive session, fed from stdin and the collector's do lines
	Every   time.Duration // in a session, fetch a resource of its own this often; 0 never
	Token   string        // sent as Proxy-Authorization: Bearer TOKEN, if set

	// A load run: Requests GET requests in all, Concurrency at a time, for
	// the Keys paths PathPrefix0 ... PathPrefix(Keys-1), chosen with a Zipf
	// popularity of exponent Zipf (> 1; 0 chooses every path equally often).
	Concurrency int
	Requests    int
	Keys        int
	PathPrefix  string
	Zipf        float64
	// MaxFailed is the share of failed requests, from 0 to 1, that a run
	// may have and still succeed. A run in which every request failed
	// fails whatever MaxFailed says: it measured nothing.
	MaxFailed float64
}

// RunClient is the load program. With arguments it runs them as one
// browser command; with Session or Every it is an interactive browser;
// otherwise it is a load run, which prints what it measured.
func RunClient(ctx context.Context, env *program.Env, cfg ClientConfig) error {
	if len(env.Args) > 0 || cfg.Session || cfg.Every > 0 {
		b := newBrowser(env.Node, cfg.URL, cfg.Token, cfg.Timeout)
		if len(env.Args) == 0 {
			return b.session(ctx, env, cfg.Every)
		}
		out, err := b.command(ctx, strings.Join(env.Args, " "))
		if err == nil {
			fmt.Fprintln(env.Stdout, out)
		}
		return err
	}
	res, err := runLoad(ctx, env.Node, loadConfig{
		URL: cfg.URL, Paths: keyPaths(cfg.PathPrefix, max(cfg.Keys, 0)),
		Concurrency: cfg.Concurrency, Requests: cfg.Requests, Zipf: cfg.Zipf,
		MaxFailed: cfg.MaxFailed, Timeout: cfg.Timeout,
		// The common --seed, which repeats a run's faults, repeats its choice of resources too.
		Seed: env.Seed,
	})
	if res.Requests > 0 {
		fmt.Fprintln(env.Stdout, res)
	}
	if ctx.Err() != nil {
		return nil // stopped by a signal: what was measured is printed
	}
	return err
}

// browser is a client that fetches one resource at a time, as a person with
// a browser would: the interactive client of the proxy model, which the
// launcher drives with "do get /static/a".
type browser struct {
	base   string
	token  string // sent as Proxy-Authorization: Bearer TOKEN, if set
	client *http.Client
}

// newBrowser returns a browser of node n that asks base (the proxy's URL)
// and shows the proxy token, if any.
func newBrowser(n *wire.Node, base, token string, timeout time.Duration) *browser {
	return &browser{base: strings.TrimSuffix(base, "/"), token: token, client: &http.Client{
		Transport: &httpwire.Transport{Node: n, Timeout: timeout},
	}}
}

// get fetches path and sums the answer up in one line: status, where it
// came from, its age and size, and the first line of its body.
func (b *browser) get(ctx context.Context, path string, header http.Header) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.base+path, nil)
	if err != nil {
		return "", fmt.Errorf("bad path %q: %w", path, err)
	}
	for name, values := range header {
		req.Header[name] = values
	}
	if b.token != "" {
		req.Header.Set("Proxy-Authorization", "Bearer "+b.token)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("the answer broke off: %w", err)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	summary := fmt.Sprintf("%s · X-Cache %s · Age %s · %d bytes · %s", resp.Status,
		orDash(resp.Header.Get(HeaderXCache)), orDash(resp.Header.Get("Age")), len(body), first)
	if resp.StatusCode >= 400 {
		return "", fmt.Errorf("%s", summary)
	}
	return summary, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// command runs one command line: "get PATH", optionally followed by a
// language for Accept-Language ("get /vary/a de").
func (b *browser) command(ctx context.Context, line string) (string, error) {
	fields := strings.Fields(line)
	if len(fields) < 2 || len(fields) > 3 || fields[0] != "get" || !strings.HasPrefix(fields[1], "/") {
		return "", program.Usagef("cannot do %q: want get /PATH [LANGUAGE]", line)
	}
	header := http.Header{}
	if len(fields) == 3 {
		header.Set("Accept-Language", fields[2])
	}
	return b.get(ctx, fields[1], header)
}

// session is the browser's interactive session; with every > 0 it also
// fetches a few resources in turn by itself.
func (b *browser) session(ctx context.Context, env *program.Env, every time.Duration) error {
	s := program.Session{
		Prompt: "get> ",
		Help:   "commands: get /PATH [LANGUAGE] | help | quit   (GET / lists the origin's resources)",
		Every:  every,
		Auto:   func(i int) string { return "get " + browsed[i%len(browsed)] },
		Run:    b.command,
	}
	return s.Loop(ctx, env)
}

// browsed are the resources a browser started with --every fetches in turn.
var browsed = []string{"/static/a", "/static/b", "/etag/a", "/static/a", "/private/a", "/static/b"}
