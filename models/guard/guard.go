// Package guard slows down the guessing of a secret: a proxy token, a
// class password. A server that answers a wrong guess at once lets an
// attacker try thousands of guesses a second; with a Guard, a client (one
// IPv4 address, or one IPv6 /64, which one user usually has whole) that
// made Strikes wrong guesses within Window is refused until the window is
// over, whatever it sends, even the right secret.
//
// An attacker with many addresses gets no more: the table of clients holds
// at most Max of them, and while it is full of windows that are not over,
// the guesses of every client not in it count together, as one client's.
// So all clients together make at most (Max+1)×Strikes wrong guesses a
// window. Total, when set, is a tighter bound on all wrong guesses of a
// window together, for a secret that must hold out for long: once it is
// reached, every guess is refused until the window is over (whoever got in
// before stays in).
package guard

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Defaults of a Guard whose fields are zero.
const (
	DefaultStrikes = 10
	DefaultWindow  = time.Minute
	DefaultMax     = 4096
)

// Guard counts wrong guesses per client. The zero Guard uses the
// defaults and no Total; it is safe for concurrent use.
type Guard struct {
	Strikes int           // wrong guesses a client may make in one window
	Window  time.Duration // how long a window lasts
	Max     int           // how many clients the table holds at most
	Total   int           // wrong guesses all clients together may make in one window; 0: no such bound

	mu       sync.Mutex // guards the fields below
	clients  map[netip.Prefix]*window
	overflow window    // the guesses of clients that found the table full
	all      window    // every wrong guess, for Total
	nextScan time.Time // when the first window in the table is over
}

// window is wrong guesses since it began.
type window struct {
	n     int
	since time.Time
}

// count adds one guess to the window, beginning a new one when the old
// is over.
func (w *window) count(now time.Time, length time.Duration) {
	if w.n == 0 || now.Sub(w.since) >= length {
		w.n, w.since = 0, now
	}
	w.n++
}

// left is how long the window still refuses guesses, having seen limit
// of them; 0 when it does not.
func (w *window) left(limit int, now time.Time, length time.Duration) time.Duration {
	if w.n < limit {
		return 0
	}
	return max(w.since.Add(length).Sub(now), 0)
}

func (g *Guard) limits() (strikes int, w time.Duration, maxClients int) {
	strikes, w, maxClients = g.Strikes, g.Window, g.Max
	if strikes <= 0 {
		strikes = DefaultStrikes
	}
	if w <= 0 {
		w = DefaultWindow
	}
	if maxClients <= 0 {
		maxClients = DefaultMax
	}
	return strikes, w, maxClients
}

// Wait returns how long client must wait before its guesses are checked
// again; 0 means they are checked now.
func (g *Guard) Wait(client netip.Prefix, now time.Time) time.Duration {
	strikes, w, _ := g.limits()
	g.mu.Lock()
	defer g.mu.Unlock()
	var left time.Duration
	if g.Total > 0 {
		left = g.all.left(g.Total, now, w)
	}
	if s, ok := g.clients[client]; ok {
		mine := s.left(strikes, now, w)
		if mine == 0 && s.n >= strikes {
			delete(g.clients, client) // its window is over
		}
		return max(left, mine)
	}
	return max(left, g.overflow.left(strikes, now, w))
}

// Strike counts one wrong guess of client.
func (g *Guard) Strike(client netip.Prefix, now time.Time) {
	_, w, maxClients := g.limits()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.all.count(now, w)
	if g.clients == nil {
		g.clients = map[netip.Prefix]*window{}
	}
	s, ok := g.clients[client]
	if !ok {
		if len(g.clients) >= maxClients && !now.Before(g.nextScan) {
			g.forgetOverLocked(now, w)
		}
		if len(g.clients) >= maxClients {
			g.overflow.count(now, w) // a full table: the newcomers count as one
			return
		}
		s = &window{}
		g.clients[client] = s
	}
	s.count(now, w)
}

// Clients is how many clients the table holds.
func (g *Guard) Clients() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.clients)
}

// forgetOverLocked drops the windows that are over, and notes when the
// first of the others will be, so a full table is not scanned again
// before anything in it can have changed.
func (g *Guard) forgetOverLocked(now time.Time, w time.Duration) {
	g.nextScan = time.Time{}
	for client, s := range g.clients {
		end := s.since.Add(w)
		if !now.Before(end) {
			delete(g.clients, client)
			continue
		}
		if g.nextScan.IsZero() || end.Before(g.nextScan) {
			g.nextScan = end
		}
	}
}

// ClientOf is who a connection comes from, for counting wrong guesses:
// its IPv4 address, or the /64 of its IPv6 address. addr is "host:port"
// as net/http's RemoteAddr has it; one that cannot be read counts as the
// zero prefix, which all such share.
func ClientOf(addr string) netip.Prefix {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return netip.Prefix{}
	}
	addrOnly := ap.Addr().Unmap()
	bits := 32
	if addrOnly.Is6() {
		bits = 64
	}
	prefix, _ := addrOnly.Prefix(bits)
	return prefix
}

// ClientOfAddr is ClientOf for a net.Addr.
func ClientOfAddr(a net.Addr) netip.Prefix {
	if a == nil {
		return netip.Prefix{}
	}
	return ClientOf(a.String())
}

// Same compares a guess with the secret in constant time: a comparison
// that stops at the first wrong byte would tell an attacker, by its speed,
// how much of a guess was right. Hashing first hides the secret's length
// as well.
func Same(guess, secret string) bool {
	g, s := sha256.Sum256([]byte(guess)), sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(g[:], s[:]) == 1
}
