package app

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"dsdemo/models/trace"
	"dsdemo/tui/classroom"
	"dsdemo/tui/record"
)

// serveUsage is the help of dsdemo serve; the flags follow it.
const serveUsage = `usage: dsdemo serve --ssh ADDR [flags]

Runs the terminal UI as dsdemo does, and lets the class watch every run on
screens of their own: a student connects with ssh -p PORT HOST (words after
the host choose the language and theme: ssh -t -p 2222 HOST en contrast) and
sees the live view, can select nodes, scroll and open the inspector, and
answers the questions to the class with 1-9; no key of theirs changes the
run. The instructor's caption counts the answers.

Access is by a class password (from $DSDEMO_CLASS_PASSWORD or
--password-file, or made up and shown on the home page) or by the public
keys in --authorized-keys. The host key is kept in the state directory, so
students are asked to trust it once. ADDR 127.0.0.1:2222 serves only this
machine; name the address of the lecture hall's network to let others in.

`

// serveOptions are the flags of dsdemo serve beside the UI's.
type serveOptions struct {
	ssh, passwordFile, authorizedKeys, hostKey string
}

// runServe runs the UI with a class watching over SSH.
func runServe(args []string, stdout io.Writer) error {
	var so serveOptions
	flags := func(fs *flag.FlagSet) {
		fs.StringVar(&so.ssh, "ssh", "", "serve the class on `ADDR` (host:port; 127.0.0.1:2222 for this machine only)")
		fs.StringVar(&so.passwordFile, "password-file", "", "the class password is the first line of `FILE`")
		fs.StringVar(&so.authorizedKeys, "authorized-keys", "", "let in the public keys of `FILE` (OpenSSH's authorized_keys format)")
		fs.StringVar(&so.hostKey, "host-key", "", "the server's host key `FILE`, made if missing (default in the state directory)")
	}
	var help strings.Builder
	o, rest, err := parseOptions(args, &help, flags)
	if err == nil && rest == nil {
		// The UI's help, with serve's own text in place of the UI's usage.
		_, defaults, _ := strings.Cut(help.String(), "flags of the terminal UI and replay:\n")
		fmt.Fprint(stdout, serveUsage+"flags:\n"+defaults)
		return nil
	}
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr(fmt.Sprintf("serve takes no arguments, not %q", rest[0]))
	}
	class, ln, err := so.listen(o)
	if err != nil {
		return err
	}
	hub := classroom.NewHub()
	defer hub.Close()
	srv, err := classroom.NewServer(hub, class)
	if err != nil {
		ln.Close()
		return err
	}
	hub.SetJoin(joinLine(ln.Addr().(*net.TCPAddr), class.Password))
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	uiErr := runUI(o, hub)
	hub.Close()
	cancel()
	return errors.Join(uiErr, <-served)
}

// listen checks the serve flags and opens the class's address.
func (so serveOptions) listen(o options) (classroom.Config, net.Listener, error) {
	cfg := classroom.Config{Lang: o.lang, Theme: o.theme, HostKey: so.hostKey,
		Access: classroom.Access{AuthorizedKeys: so.authorizedKeys, Password: os.Getenv("DSDEMO_CLASS_PASSWORD")}}
	if so.ssh == "" {
		return cfg, nil, usageErr("serve needs --ssh ADDR, e.g. --ssh 127.0.0.1:2222")
	}
	if _, _, err := net.SplitHostPort(so.ssh); err != nil {
		return cfg, nil, usageErr(fmt.Sprintf("--ssh must be HOST:PORT, not %q", so.ssh))
	}
	if so.passwordFile != "" {
		line, err := firstLine(so.passwordFile)
		if err != nil {
			return cfg, nil, err
		}
		cfg.Password = line
	}
	if cfg.Password == "" && cfg.AuthorizedKeys == "" {
		cfg.Password = madeUpPassword()
	}
	if cfg.HostKey == "" {
		dir, err := record.StateDir()
		if err != nil {
			return cfg, nil, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return cfg, nil, err
		}
		cfg.HostKey = filepath.Join(dir, "classroom_host_ed25519")
	}
	ln, err := net.Listen("tcp", so.ssh)
	if err != nil {
		return cfg, nil, fmt.Errorf("serve the class: %w", err)
	}
	return cfg, ln, nil
}

// firstLine is the first line of the file at path, without spaces around it.
func firstLine(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("password file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 4096))
	if !sc.Scan() || strings.TrimSpace(sc.Text()) == "" {
		return "", fmt.Errorf("password file %s: the first line is empty", path)
	}
	return strings.TrimSpace(sc.Text()), nil
}

// madeUpPassword is a class password that is easy to read off a
// projector: three short words and a number, one of 32,768,000. The
// classroom's guard against guessing (classroom.Server) makes that months
// of trying.
func madeUpPassword() string {
	words := []string{"amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper",
		"kite", "lotus", "maple", "north", "olive", "pearl", "quartz", "raven", "sable", "tulip",
		"umber", "violet", "willow", "yarrow", "zephyr", "acorn", "basil", "comet", "dune", "flint", "gale", "lark"}
	pick := func(n int64) int64 {
		v, err := rand.Int(rand.Reader, big.NewInt(n))
		if err != nil {
			panic(err) // crypto/rand never fails on Linux
		}
		return v.Int64()
	}
	n := int64(len(words))
	return fmt.Sprintf("%s-%s-%s-%03d", words[pick(n)], words[pick(n)], words[pick(n)], pick(1000))
}

// joinLine is how students join, for the instructor's screen.
func joinLine(addr *net.TCPAddr, password string) string {
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "HOST"
	}
	line := fmt.Sprintf("ssh -p %d %s", addr.Port, host)
	if password != "" {
		line += " · " + password
	}
	return line
}

// runReport summarises the class's answers in a recorded run, per
// question: how many chose each node, and how many were right.
func runReport(args []string, stdout io.Writer) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageErr("report needs one recorded run: dsdemo report FILE")
	}
	run, err := record.ReadFile(args[0])
	if err != nil && len(run.Events) == 0 {
		return err
	}
	type question struct {
		id, actual string
		chose      map[string]int
		answers    int
	}
	var questions []*question
	byID := map[string]*question{}
	for _, ev := range run.Events {
		if ev.Kind != trace.KindAnswer {
			continue
		}
		q := byID[ev.Key]
		if q == nil {
			q = &question{id: ev.Key, chose: map[string]int{}}
			byID[ev.Key] = q
			questions = append(questions, q)
		}
		q.actual = ev.Text
		q.chose[ev.Value]++
		q.answers++
	}
	if len(questions) == 0 {
		fmt.Fprintln(stdout, "No answers from a class in this run.")
		return nil
	}
	for _, q := range questions {
		right := q.chose[q.actual]
		fmt.Fprintf(stdout, "%s: %d answered, %d right (%d%%); the message went to %s\n",
			q.id, q.answers, right, right*100/q.answers, q.actual)
		nodes := slices.SortedFunc(maps.Keys(q.chose), func(a, b string) int { return cmp.Or(cmp.Compare(q.chose[b], q.chose[a]), cmp.Compare(a, b)) })
		for _, n := range nodes {
			mark := " "
			if n == q.actual {
				mark = "✓"
			}
			fmt.Fprintf(stdout, "  %s %-14s %3d %s\n", mark, n, q.chose[n], strings.Repeat("█", q.chose[n]*30/q.answers))
		}
	}
	return nil
}
