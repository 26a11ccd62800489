package ntier

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Cross-site request forgery (CSRF): any page on the web may hold a form
// whose action is this web tier, and a visitor's browser sends it when the
// page says so, with this site's cookies. That the web tier listens on
// 127.0.0.1 does not help: the form is sent by the visitor's own browser,
// which reaches 127.0.0.1 as well as anything. A form the web tier
// accepts must prove that it came from one of the web tier's own pages.
//
// The proof is a token in a hidden field of every form that POSTs (the
// forms that GET only search and change nothing), checked against a
// cookie. The cookie holds a random secret the web tier drew, signed with
// an HMAC under a key the web tier draws at start and tells nobody; the
// token is another HMAC of the same secret:
//
//	page:    Set-Cookie: dsdemo_csrf=SECRET.HMAC(key, "cookie" SECRET); HttpOnly; SameSite=Strict
//	         <input type="hidden" name="csrf" value="HMAC(key, "token" SECRET)">
//	form:    Cookie: dsdemo_csrf=...    csrf=...    Origin: (this web tier)   -> checked
//
// What each part defends against:
//   - A page on another site cannot read this site's pages or cookies (the
//     browser's same-origin policy), so it cannot know the token; and with
//     SameSite=Strict the browser does not send the cookie along with a
//     request another site starts.
//   - Cookie tossing: a "site" is not an origin. Any program on 127.0.0.1,
//     on any port (or a sibling subdomain, for a real domain), counts as
//     the same site and may set cookies this web tier receives. A cookie
//     whose signature does not check was not minted here: it is replaced
//     by a new one, and a form that carries it is refused, so an attacker
//     cannot choose a secret and compute its token.
//   - The signature cannot tell whose browser a genuine cookie was given
//     to: an attacker may fetch a page, keep its cookie and token, and toss
//     that pair into the victim's browser. A browser names where a form
//     comes from (Sec-Fetch-Site, Origin), and a form from any other origin,
//     same site or not, is refused (http.CrossOriginProtection). A client
//     that sends neither header is no browser, and no victim of CSRF.
//
// Comparisons take the same time however many characters match. The key
// lives only as long as the web tier runs: a form from a page shown
// before a restart is refused, and reloading the page gives a new one.
type csrfGuard struct {
	key    []byte // HMAC-SHA256 key; never leaves the process
	origin *http.CrossOriginProtection
}

// The names of the cookie and of the form field.
const (
	csrfCookie = "dsdemo_csrf"
	csrfField  = "csrf"
)

func newCSRFGuard() *csrfGuard {
	key := make([]byte, 32)
	rand.Read(key) // never fails (crypto/rand panics rather than return an error)
	return &csrfGuard{key: key, origin: http.NewCrossOriginProtection()}
}

// mac is the HMAC of secret for one purpose: the cookie's signature and
// the token are different MACs, so the one cannot stand in for the other.
func (g *csrfGuard) mac(purpose, secret string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(purpose + "\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// secret returns the secret of r's CSRF cookie, or "" when r has none or
// its signature does not check (a cookie this web tier did not mint).
func (g *csrfGuard) secret(r *http.Request) string {
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return ""
	}
	secret, sig, ok := strings.Cut(c.Value, ".")
	if !ok || secret == "" || !hmac.Equal([]byte(sig), []byte(g.mac("cookie", secret))) {
		return ""
	}
	return secret
}

// token returns the token for the forms of a page shown to r's browser,
// and gives the browser a new signed cookie first if it has none that
// checks. It must be called before the page's header is written.
func (g *csrfGuard) token(rw http.ResponseWriter, r *http.Request) string {
	secret := g.secret(r)
	if secret == "" {
		secret = rand.Text()
		http.SetCookie(rw, &http.Cookie{Name: csrfCookie, Value: secret + "." + g.mac("cookie", secret),
			Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	return g.mac("token", secret)
}

// check reports whether r, a parsed form, comes from no other origin and
// carries the token of its browser's signed cookie.
func (g *csrfGuard) check(r *http.Request) bool {
	if g.origin.Check(r) != nil {
		return false
	}
	secret := g.secret(r)
	return secret != "" && hmac.Equal([]byte(r.PostForm.Get(csrfField)), []byte(g.mac("token", secret)))
}
