package ntier

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// Cross-site request forgery (CSRF): any page on the web may hold a form
// whose action is this web tier, and a visitor's browser sends it when the
// page says so, with this site's cookies. That the web tier listens on
// 127.0.0.1 does not help: the form is sent by the visitor's own browser,
// which reaches 127.0.0.1 as well as anything. A form the web tier
// accepts must prove that it came from one of the web tier's own pages.
//
// The proof is a token in a hidden field of every form that POSTs (the
// forms that GET only search and change nothing). It is the HMAC, under a
// key the web tier draws at start and tells nobody, of a random secret in
// the browser's cookie:
//
//	page:    Set-Cookie: dsdemo_csrf=SECRET; HttpOnly; SameSite=Strict
//	         <input type="hidden" name="csrf" value="HMAC(key, SECRET)">
//	form:    Cookie: dsdemo_csrf=SECRET    csrf=HMAC(key, SECRET)   -> checked
//
// A page on another site cannot read this site's pages or cookies (the
// browser's same-origin policy), so it cannot know the token; and with
// SameSite=Strict the browser does not even send the cookie along with a
// request another site starts. Someone who manages to plant a cookie of
// their own still cannot make a token for it without the key. The
// comparison takes the same time however many characters match.
//
// The key lives only as long as the web tier runs: a form from a page
// shown before a restart is refused, and reloading the page gives a new one.
type csrfGuard struct {
	key []byte // HMAC-SHA256 key; never leaves the process
}

// The names of the cookie and of the form field, and the length of a
// secret (what rand.Text returns).
const (
	csrfCookie    = "dsdemo_csrf"
	csrfField     = "csrf"
	csrfSecretLen = 26
)

func newCSRFGuard() *csrfGuard {
	key := make([]byte, 32)
	rand.Read(key) // never fails (crypto/rand panics rather than return an error)
	return &csrfGuard{key: key}
}

func (g *csrfGuard) sign(secret string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// token returns the token for the forms of a page shown to r's browser,
// and gives the browser its secret cookie first if it has none yet. It
// must be called before the page's header is written.
func (g *csrfGuard) token(rw http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == csrfSecretLen {
		return g.sign(c.Value)
	}
	secret := rand.Text()
	http.SetCookie(rw, &http.Cookie{Name: csrfCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return g.sign(secret)
}

// check reports whether r, a parsed form, carries the token of its
// browser's cookie.
func (g *csrfGuard) check(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(r.PostForm.Get(csrfField)), []byte(g.sign(c.Value)))
}
