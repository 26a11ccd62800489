// Package guard slows down the guessing of a secret: a proxy token, a
// class password. A server that answers a wrong guess at once lets an
// attacker try thousands of guesses a second; with a Guard, a client (one
// IPv4 address, or one IPv6 /64, which one user usually has whole) that
// made Strikes wrong guesses within Window is refused until the window is
// over, whatever it sends, even the right secret. A guess then costs a
// Window per Strikes tries.
//
// The table of clients is bounded by Max, so an attacker with many
// addresses cannot fill the server's memory with it: when it is full, the
// windows that are over are forgotten, and if none is, the one that began
// first.
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
// defaults; it is safe for concurrent use.
type Guard struct {
	Strikes int           // wrong guesses a client may make in one window
	Window  time.Duration // how long a window lasts
	Max     int           // how many clients the table holds at most

	mu      sync.Mutex // guards clients
	clients map[netip.Prefix]*window
}

// window is one client's wrong guesses since it began.
type window struct {
	n     int
	since time.Time
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
	s, ok := g.clients[client]
	if !ok || s.n < strikes {
		return 0
	}
	left := s.since.Add(w).Sub(now)
	if left <= 0 {
		delete(g.clients, client)
		return 0
	}
	return left
}

// Strike counts one wrong guess of client.
func (g *Guard) Strike(client netip.Prefix, now time.Time) {
	_, w, maxClients := g.limits()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.clients == nil {
		g.clients = map[netip.Prefix]*window{}
	}
	s, ok := g.clients[client]
	if ok && now.Sub(s.since) >= w {
		s.n, s.since = 0, now // an old window: start a new one
	}
	if !ok {
		if len(g.clients) >= maxClients {
			g.forgetOldestLocked(now, w, maxClients)
		}
		s = &window{since: now}
		g.clients[client] = s
	}
	s.n++
}

// Clients is how many clients the table holds.
func (g *Guard) Clients() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.clients)
}

// forgetOldestLocked makes room in a full table: it drops every window
// that is over, and if none is, the one that began first.
func (g *Guard) forgetOldestLocked(now time.Time, w time.Duration, maxClients int) {
	var oldest netip.Prefix
	var oldestSince time.Time
	for client, s := range g.clients {
		if now.Sub(s.since) >= w {
			delete(g.clients, client)
			continue
		}
		if oldestSince.IsZero() || s.since.Before(oldestSince) {
			oldest, oldestSince = client, s.since
		}
	}
	if len(g.clients) >= maxClients {
		delete(g.clients, oldest)
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
