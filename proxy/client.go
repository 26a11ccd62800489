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

// Browser is a client that fetches one resource at a time, as a person with
// a browser would: the interactive client of the proxy model, which the
// launcher drives with "do get /static/a".
type Browser struct {
	base   string
	token  string // sent as Proxy-Authorization: Bearer TOKEN, if set
	client *http.Client
}

// NewBrowser returns a browser of node n that asks base (the proxy's URL)
// and shows the proxy token, if any.
func NewBrowser(n *wire.Node, base, token string, timeout time.Duration) *Browser {
	return &Browser{base: strings.TrimSuffix(base, "/"), token: token, client: &http.Client{
		Timeout:   timeout,
		Transport: &httpwire.Transport{Node: n},
	}}
}

// Get fetches path and sums the answer up in one line: status, where it
// came from, its age and size, and the first line of its body.
func (b *Browser) Get(ctx context.Context, path string, header http.Header) (string, error) {
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

// Command runs one command line: "get PATH", optionally followed by a
// language for Accept-Language ("get /vary/a de").
func (b *Browser) Command(ctx context.Context, line string) (string, error) {
	fields := strings.Fields(line)
	if len(fields) < 2 || len(fields) > 3 || fields[0] != "get" || !strings.HasPrefix(fields[1], "/") {
		return "", program.Usagef("cannot do %q: want get /PATH [LANGUAGE]", line)
	}
	header := http.Header{}
	if len(fields) == 3 {
		header.Set("Accept-Language", fields[2])
	}
	return b.Get(ctx, fields[1], header)
}

// Session is the browser's interactive session; with every > 0 it also
// fetches a few resources in turn by itself.
func (b *Browser) Session(ctx context.Context, env *program.Env, every time.Duration) error {
	s := program.Session{
		Prompt: "get> ",
		Help:   "commands: get /PATH [LANGUAGE] | help | quit   (GET / lists the origin's resources)",
		Every:  every,
		Auto:   func(i int) string { return "get " + browsed[i%len(browsed)] },
		Run:    b.Command,
	}
	return s.Loop(ctx, env)
}

// browsed are the resources a browser started with --every fetches in turn.
var browsed = []string{"/static/a", "/static/b", "/etag/a", "/static/a", "/private/a", "/static/b"}
