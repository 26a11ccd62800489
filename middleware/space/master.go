package space

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// MasterConfig is the master program's command line.
type MasterConfig struct {
	Space     string        // the space's address
	Size      string        // the picture, WIDTHxHEIGHT pixels
	Grid      string        // its tiles, COLSxROWS
	Iter      int           // iterations per pixel at most
	Out       string        // where to write the finished picture (.png or .ppm); "": nowhere
	TaskLease time.Duration // the lease of each task entry; 0: as long as the space grants
	Timeout   time.Duration // how long to wait for the space's answer
}

// RunMaster is the master program: one command given as arguments
// (render, to compute a picture and exit), or a session of commands typed
// or sent by the launcher: the space's operations one by one, and render
// in the background.
func RunMaster(ctx context.Context, env *program.Env, cfg MasterConfig) error {
	switch {
	case cfg.Space == "":
		return program.Usagef("--space needs an address")
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	case cfg.TaskLease < 0:
		return program.Usagef("--task-lease must not be negative, not %s", cfg.TaskLease)
	case cfg.Iter < 1 || cfg.Iter > MaxIter:
		return program.Usagef("--iter must be from 1 to %d, not %d", MaxIter, cfg.Iter)
	}
	if _, _, err := parseSize("--size", cfg.Size, MaxPicture); err != nil {
		return program.Usagef("%v", err)
	}
	if _, _, err := parseSize("--grid", cfg.Grid, 64); err != nil {
		return program.Usagef("%v", err)
	}
	m := &master{node: env.Node, cfg: cfg, env: env}
	defer m.close()
	if len(env.Args) == 0 {
		s := program.Session{Prompt: "master> ", Help: masterHelp, Run: m.command}
		return s.Loop(ctx, env)
	}
	line := strings.Join(env.Args, " ")
	if verb, _, _ := strings.Cut(line, " "); verb == "render" {
		return m.renderNow(ctx, strings.TrimSpace(strings.TrimPrefix(line, "render")))
	}
	out, err := m.command(ctx, line)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, out)
	return nil
}

const masterHelp = "commands: write [for D] TYPE k=v.. | read|take|readifexists|takeifexists [wait D] TYPE k=v.. (k=* or left out: any) | " +
	"notify [for D] TYPE k=v.. | begin [for D] | commit | abort | renew LEASE [D] | cancel LEASE | status | render [COLSxROWS] | help | quit"

// master is the master's state: its connection, dialled on first use and
// again after it broke, its open transaction, and its render.
type master struct {
	node *wire.Node
	cfg  MasterConfig
	env  *program.Env

	mu        sync.Mutex // guards the fields below
	client    *Client
	txn       uint64 // the transaction the next operations run under; 0: none
	rendering bool
	listening bool // a goroutine prints the connection's notify events
}

func (m *master) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client != nil {
		m.client.Close()
	}
}

// connected returns the connection, dialling the space when there is none.
func (m *master) connected(ctx context.Context) (*Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client != nil {
		select {
		case <-m.client.Done():
			m.client.Close()
			m.client, m.listening = nil, false
		default:
			return m.client, nil
		}
	}
	c, err := Dial(ctx, m.node, m.cfg.Space, m.cfg.Timeout)
	if err != nil {
		return nil, err
	}
	m.client = c
	return c, nil
}

// option takes "for D" or "wait D" off the front of a command's rest.
func option(rest, word string) (time.Duration, string, error) {
	w, after, _ := strings.Cut(rest, " ")
	if w != word {
		return 0, rest, nil
	}
	ds, after, _ := strings.Cut(strings.TrimSpace(after), " ")
	d, err := time.ParseDuration(ds)
	if err != nil || d < 0 {
		return 0, rest, fmt.Errorf("%s needs a duration such as 5s, not %q", word, cut(ds))
	}
	return d, strings.TrimSpace(after), nil
}

// command runs one command line and returns what to print.
func (m *master) command(ctx context.Context, line string) (string, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	switch verb {
	case "write", "notify", "begin":
		d, rest, err := option(rest, "for")
		if err != nil {
			return "", err
		}
		switch verb {
		case "write":
			return m.write(ctx, rest, d)
		case "notify":
			return m.notify(ctx, rest, d)
		}
		return m.begin(ctx, d)
	case "read", "take", "readifexists", "takeifexists":
		d, rest, err := option(rest, "wait")
		if err != nil {
			return "", err
		}
		return m.match(ctx, verb, rest, d)
	case "commit", "abort":
		return m.end(ctx, verb == "commit")
	case "renew", "cancel":
		return m.lease(ctx, verb, rest)
	case "status":
		return m.status(ctx)
	case "render":
		return m.renderLater(ctx, rest)
	}
	return "", fmt.Errorf("cannot do %q: %s", cut(line), masterHelp)
}

func (m *master) currentTxn() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.txn
}

func under(txn uint64) string {
	if txn == 0 {
		return ""
	}
	return fmt.Sprintf(" under txn #%d", txn)
}

func (m *master) write(ctx context.Context, rest string, d time.Duration) (string, error) {
	e, err := ParseEntry(rest, false)
	if err != nil {
		return "", err
	}
	c, err := m.connected(ctx)
	if err != nil {
		return "", err
	}
	txn := m.currentTxn()
	res, err := c.Write(ctx, e, d, txn)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("wrote entry #%d (%s) for %s%s", res.Lease, e, time.Duration(res.LeaseMS)*time.Millisecond, under(txn)), nil
}

func (m *master) match(ctx context.Context, verb, rest string, d time.Duration) (string, error) {
	t, err := ParseEntry(rest, true)
	if err != nil {
		return "", err
	}
	c, err := m.connected(ctx)
	if err != nil {
		return "", err
	}
	txn := m.currentTxn()
	r := MatchRequest{Template: t, WaitMS: d.Milliseconds(), Txn: txn, IfExists: strings.HasSuffix(verb, "ifexists")}
	var res MatchResult
	if strings.HasPrefix(verb, "take") {
		res, err = c.Take(ctx, r)
	} else {
		res, err = c.Read(ctx, r)
	}
	if err != nil {
		return "", err
	}
	if !res.Found {
		return fmt.Sprintf("%s %s: no matching entry%s", verb, t, within(d)), nil
	}
	return fmt.Sprintf("%s %s: entry #%d %s%s", verb, t, res.Lease, res.Entry, under(txn)), nil
}

func within(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return " within " + d.String()
}

func (m *master) notify(ctx context.Context, rest string, d time.Duration) (string, error) {
	t, err := ParseEntry(rest, true)
	if err != nil {
		return "", err
	}
	c, err := m.connected(ctx)
	if err != nil {
		return "", err
	}
	res, err := c.Notify(ctx, t, d)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	if !m.listening {
		m.listening = true
		go m.printEvents(ctx, c)
	}
	m.mu.Unlock()
	return fmt.Sprintf("notify #%d: events for %s, for %s", res.Reg, t, time.Duration(res.LeaseMS)*time.Millisecond), nil
}

// printEvents prints the events of c's notify registrations as they come.
func (m *master) printEvents(ctx context.Context, c *Client) {
	for {
		ev, err := c.NextEvent(ctx)
		if err != nil {
			var remote *wire.RemoteError
			if errors.As(err, &remote) {
				fmt.Fprintln(m.env.Stdout, "error:", err)
				continue
			}
			return
		}
		line := fmt.Sprintf("event %d of notify #%d: entry #%d %s written", ev.Seq, ev.Reg, ev.Lease, ev.Entry)
		fmt.Fprintln(m.env.Stdout, line)
		m.node.Trace.Logf("%s", line)
	}
}

func (m *master) begin(ctx context.Context, d time.Duration) (string, error) {
	if txn := m.currentTxn(); txn != 0 {
		return "", fmt.Errorf("txn #%d is open: commit or abort it first", txn)
	}
	c, err := m.connected(ctx)
	if err != nil {
		return "", err
	}
	res, err := c.Begin(ctx, d)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	m.txn = res.Txn
	m.mu.Unlock()
	return fmt.Sprintf("began txn #%d, lease %s: the next operations run under it", res.Txn, time.Duration(res.LeaseMS)*time.Millisecond), nil
}

func (m *master) end(ctx context.Context, commit bool) (string, error) {
	txn := m.currentTxn()
	if txn == 0 {
		return "", errors.New("no transaction is open: begin one first")
	}
	c, err := m.connected(ctx)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	m.txn = 0 // whatever the space says, this one is over for us
	m.mu.Unlock()
	if commit {
		res, err := c.Commit(ctx, txn)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("committed txn #%d: %d written now visible, %d taken now gone", txn, res.Written, res.Taken), nil
	}
	res, err := c.Abort(ctx, txn)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("aborted txn #%d: %d written gone, %d taken back in the space", txn, res.Written, res.Taken), nil
}

func (m *master) lease(ctx context.Context, verb, rest string) (string, error) {
	ids, ds, _ := strings.Cut(rest, " ")
	id, err := strconv.ParseUint(strings.TrimPrefix(ids, "#"), 10, 64)
	if err != nil || id == 0 {
		return "", fmt.Errorf("%s needs a lease number, not %q", verb, cut(ids))
	}
	c, err := m.connected(ctx)
	if err != nil {
		return "", err
	}
	if verb == "cancel" {
		if err := c.Cancel(ctx, id); err != nil {
			return "", err
		}
		return fmt.Sprintf("cancelled lease #%d", id), nil
	}
	var d time.Duration
	if ds = strings.TrimSpace(ds); ds != "" {
		if d, err = time.ParseDuration(ds); err != nil || d < 0 {
			return "", fmt.Errorf("renew needs a duration such as 5s, not %q", cut(ds))
		}
	}
	res, err := c.Renew(ctx, id, d)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("renewed lease #%d: %s from now", id, time.Duration(res.LeaseMS)*time.Millisecond), nil
}

func (m *master) status(ctx context.Context) (string, error) {
	c, err := m.connected(ctx)
	if err != nil {
		return "", err
	}
	st, err := c.Status(ctx)
	if err != nil {
		return "", err
	}
	var types []string
	for _, t := range slices.Sorted(maps.Keys(st.Types)) {
		types = append(types, fmt.Sprintf("%d %s", st.Types[t], t))
	}
	return fmt.Sprintf("%d entries (%s), %d bytes, %d transactions, %d waiting, %d notify registrations",
		st.Entries, strings.Join(types, ", "), st.Bytes, st.Transactions, st.Waiting, st.Registrations), nil
}

// renderLater starts a render in the background, so the session goes on.
func (m *master) renderLater(ctx context.Context, grid string) (string, error) {
	r, err := m.newRender(grid)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	if m.rendering {
		m.mu.Unlock()
		return "", errors.New("a render is running: wait for its picture")
	}
	m.rendering = true
	m.mu.Unlock()
	go func() {
		defer func() {
			m.mu.Lock()
			m.rendering = false
			m.mu.Unlock()
		}()
		out, err := m.render(ctx, r)
		if err != nil {
			out = "render: " + err.Error()
		}
		fmt.Fprintln(m.env.Stdout, out)
		m.node.Trace.Logf("%s", out)
	}()
	return fmt.Sprintf("rendering job %s: %d tiles of %s pixels", r.job, len(r.tiles), m.cfg.Size), nil
}

// renderNow renders and returns when the picture is complete.
func (m *master) renderNow(ctx context.Context, grid string) error {
	r, err := m.newRender(grid)
	if err != nil {
		return program.Usagef("%v", err)
	}
	out, err := m.render(ctx, r)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.env.Stdout, out)
	return nil
}

func parseSize(what, s string, most int) (int, int, error) {
	ws, hs, ok := strings.Cut(s, "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil || w < 1 || h < 1 || w > most || h > most {
		return 0, 0, fmt.Errorf("%s must be WxH with each from 1 to %d, not %q", what, most, cut(s))
	}
	return w, h, nil
}

// writeFile writes the picture to name.
func writeFile(p *Picture, name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := p.Write(f, name); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
