package classroom

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"

	"dsdemo/models/guard"
	"dsdemo/models/i18n"
	"dsdemo/tui/theme"
)

// Access says who may watch: anyone who knows the class password, or
// whose public key is in the authorised keys file; at least one of them.
type Access struct {
	Password       string // the class password; "" for none
	AuthorizedKeys string // a file in the format of OpenSSH's authorized_keys; "" for none
}

// Config configures the SSH server of a class.
type Config struct {
	Access
	// HostKey is the file of the server's private key, made on the first
	// run and kept, so the students' ssh recognises the server next time.
	HostKey string
	// Lang and Theme are a viewer's defaults: `ssh -p PORT HOST en
	// contrast` chooses others, and so does the LANG the client sends.
	Lang, Theme string
	// MaxViewers is how many may watch at once (0: DefaultMaxViewers).
	MaxViewers int
}

// DefaultMaxViewers is enough for a lecture hall.
const DefaultMaxViewers = 300

// Server serves the views of a class over SSH.
type Server struct {
	hub     *Hub
	cfg     Config
	ssh     *ssh.Server
	guesses *guard.Guard // wrong class passwords: see passwordGuard
	mu      sync.Mutex   // guards count and seated
	count   int          // viewers connected so far, for their names
	seated  int          // viewers watching now, counted before their view starts
}

// NewServer returns the SSH server of the class hub; Serve starts it.
func NewServer(hub *Hub, cfg Config) (*Server, error) {
	if cfg.Password == "" && cfg.AuthorizedKeys == "" {
		return nil, errors.New("a class needs a password or an authorized keys file, else anybody on the network could watch")
	}
	if cfg.MaxViewers <= 0 {
		cfg.MaxViewers = DefaultMaxViewers
	}
	s := &Server{hub: hub, cfg: cfg, guesses: &guard.Guard{Total: passwordGuesses}}
	opts := []ssh.Option{
		wish.WithHostKeyPath(cfg.HostKey),
		wish.WithMiddleware(bm.Middleware(s.view), needTerminal, s.limit),
		// A viewer that is silent for long is still watching; one whose
		// connection is gone is noticed by TCP, and its session ends.
		wish.WithIdleTimeout(0),
	}
	if cfg.Password != "" {
		opts = append(opts, wish.WithPasswordAuth(func(ctx ssh.Context, given string) bool {
			return s.passwordOK(ctx.RemoteAddr(), given, time.Now())
		}))
	}
	if cfg.AuthorizedKeys != "" {
		if _, err := os.Stat(cfg.AuthorizedKeys); err != nil {
			return nil, fmt.Errorf("authorized keys: %w", err)
		}
		opts = append(opts, wish.WithAuthorizedKeys(cfg.AuthorizedKeys))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	srv.HandshakeTimeout = 10 * time.Second
	s.ssh = srv
	return s, nil
}

// Serve serves viewers on ln until ctx is done, then ends every session.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() {
		shut, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if s.ssh.Shutdown(shut) != nil {
			s.ssh.Close()
		}
	})
	defer stop()
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	return err
}

// passwordGuesses is how many wrong class passwords all viewers together
// may give in a minute; one address may give 10 (guard's default). More is
// somebody trying: a made-up password (one of 32,768,000) then takes about
// three months of trying on average, from any number of addresses. While
// that goes on, new viewers are refused too; those watching stay.
const passwordGuesses = 120

// passwordOK checks a viewer's password. A client that guessed wrong
// too often is refused for a while, even with the right password, so the
// class password cannot be found by trying.
func (s *Server) passwordOK(from net.Addr, given string, now time.Time) bool {
	client := guard.ClientOfAddr(from)
	if s.guesses.Wait(client, now) > 0 {
		return false
	}
	if guard.Same(given, s.cfg.Password) {
		return true
	}
	s.guesses.Strike(client, now)
	return false
}

// limit refuses a viewer over MaxViewers, with one sentence. The seat is
// taken before the view starts, so viewers who arrive together cannot
// pass the limit between them.
func (s *Server) limit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.mu.Lock()
		full := s.seated >= s.cfg.MaxViewers
		if !full {
			s.seated++
		}
		s.mu.Unlock()
		if full {
			wish.Fatalln(sess, fmt.Sprintf("dsdemo: the class is full (%d viewers); try again later", s.cfg.MaxViewers))
			return
		}
		defer func() {
			s.mu.Lock()
			s.seated--
			s.mu.Unlock()
		}()
		next(sess)
		if st, ok := sess.Context().Value(studentKey{}).(*student); ok {
			st.leave() // the UI has stopped: nothing else uses st now
		}
	}
}

// needTerminal refuses a session without a terminal, saying how to ask
// for one: ssh allocates none when words follow the host.
func needTerminal(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, ok := sess.Pty(); !ok {
			wish.Fatalln(sess, "dsdemo: the view needs a terminal; with words after the host, ask for one with -t: ssh -t -p PORT HOST en")
			return
		}
		next(sess)
	}
}

// view is a viewer's UI: a live view fed by the hub, in the viewer's
// size, language and theme.
func (s *Server) view(sess ssh.Session) (tea.Model, []tea.ProgramOption) {
	s.mu.Lock()
	s.count++
	name := fmt.Sprintf("%s@%d", sess.User(), s.count)
	s.mu.Unlock()
	lang, th := viewerChoice(sess.Command(), sess.Environ(), s.cfg.Lang, s.cfg.Theme)
	pty, _, _ := sess.Pty()
	st := newStudent(s.hub, name, viewKey{width: pty.Window.Width, height: pty.Window.Height, lang: lang, theme: th})
	sess.Context().SetValue(studentKey{}, st)
	return st, nil
}

// studentKey is where a session keeps its viewer's UI, for limit to end
// it once the UI has stopped.
type studentKey struct{}

// viewerChoice is the language and theme a viewer asked for: the words
// after the host on ssh's command line ("en", "contrast"), else the
// language of the LANG the client sent, else the class's defaults.
func viewerChoice(args, env []string, lang, th string) (string, string) {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "LANG="); ok && len(v) >= 2 && i18n.Known(v[:2]) {
			lang = v[:2]
		}
	}
	for _, a := range args {
		switch a = strings.ToLower(a); {
		case i18n.Known(a):
			lang = a
		case theme.Known(a):
			th = a
		}
	}
	return lang, th
}
