package proxy

import (
	"fmt"
	"net/http"
	"net/netip"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"dsdemo/models/guard"
)

// Access control and filter: who may ask the proxy at all, and which paths
// nobody gets. Both are decided before the cache or the origin sees the
// request, so a refused request costs the origin nothing.

// The proxy token's defence against guessing is a guard.Guard with its
// defaults: after 10 wrong tokens within a minute a client is answered 429
// Too Many Requests until the minute is over, whatever token it sends.

// admit checks the client's address and token; code 0 lets it in. It sets
// the headers a refusal needs on w.
func (p *cachingProxy) admit(w http.ResponseWriter, r *http.Request) (code int, why string) {
	if len(p.cfg.Allow) > 0 {
		ap, err := netip.ParseAddrPort(r.RemoteAddr)
		allowed := false
		for _, prefix := range p.cfg.Allow {
			allowed = allowed || (err == nil && prefix.Contains(ap.Addr().Unmap()))
		}
		if !allowed {
			return http.StatusForbidden, "access denied: " + r.RemoteAddr + " is not in an allowed network"
		}
	}
	if p.cfg.Token == "" {
		return 0, ""
	}
	got := r.Header.Get("Proxy-Authorization")
	if got == "" {
		w.Header().Set("Proxy-Authenticate", `Bearer realm="dsdemo"`)
		return http.StatusProxyAuthRequired, "this proxy needs Proxy-Authorization: Bearer TOKEN"
	}
	client, now := guard.ClientOf(r.RemoteAddr), time.Now()
	if wait := p.guard.Wait(client, now); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return http.StatusTooManyRequests, fmt.Sprintf("too many wrong proxy tokens: try again in %d s", secs)
	}
	if !guard.Same(got, "Bearer "+p.cfg.Token) {
		p.guard.Strike(client, now)
		return http.StatusForbidden, "access denied: wrong proxy token"
	}
	return 0, ""
}

// checkBlockPattern says what is wrong with a --block pattern, or nil: it
// must be a path.Match pattern that starts with "/", and its character
// classes ([...]) may not hold an upper-case letter, as a character or
// inside a range. Patterns match regardless of case because the proxy
// lower-cases both pattern and path (cachingProxy.blocked), and lower-casing a
// class can change what it means: [Z-a] would become [z-a], an empty range
// that blocks nothing, and [!-_] (which holds A to Z) would no longer match
// the lower-cased letters of a path. A class of lower-case letters, digits
// and other characters ([a-z], [0-9], [^a-z]) means the same either way.
func checkBlockPattern(pattern string) error {
	if !strings.HasPrefix(pattern, "/") {
		return fmt.Errorf("block pattern %q must start with /, as a path does", pattern)
	}
	if _, err := path.Match(pattern, ""); err != nil {
		return fmt.Errorf("block pattern %q: %w", pattern, err)
	}
	if lo, hi, ok := upperInClass(pattern); ok {
		what := fmt.Sprintf("%q", lo)
		if lo != hi {
			what = fmt.Sprintf("the range %q-%q", lo, hi)
		}
		return fmt.Errorf("block pattern %q: %s in [...] holds upper-case letters; patterns match regardless of case, so write classes in lower case ([a-z], not [A-Z])", pattern, what)
	}
	return nil
}

// upperInClass finds, in a well-formed path.Match pattern, the first
// character or range of a [...] class that holds an upper-case letter.
func upperInClass(pattern string) (lo, hi rune, found bool) {
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\\':
			i++ // an escaped character outside a class
		case '[':
			i++
			if i < len(rs) && rs[i] == '^' {
				i++
			}
			for i < len(rs) && rs[i] != ']' {
				lo, i = classChar(rs, i)
				hi = lo
				if i+1 < len(rs) && rs[i] == '-' {
					hi, i = classChar(rs, i+1)
				}
				if changesWhenLowered(lo, hi) {
					return lo, hi, true
				}
			}
		}
	}
	return 0, 0, false
}

// classChar reads one character of a class at rs[i], escaped or not, and
// returns it and the index after it.
func classChar(rs []rune, i int) (rune, int) {
	if rs[i] == '\\' && i+1 < len(rs) {
		i++
	}
	return rs[i], i + 1
}

// changesWhenLowered reports whether unicode.ToLower, which strings.ToLower
// applies to every rune, changes some rune from lo to hi. It looks through
// Unicode's case table rather than at every rune, so a range as wide as
// Unicode costs no more than a short one.
func changesWhenLowered(lo, hi rune) bool {
	for _, cr := range unicode.CaseRanges {
		a, b := max(lo, rune(cr.Lo)), min(hi, rune(cr.Hi))
		if a > b || cr.Delta[unicode.LowerCase] == 0 {
			continue
		}
		// In an UpperLower range upper and lower case alternate, the
		// upper-case letter first; elsewhere every rune of it changes.
		if cr.Delta[unicode.LowerCase] != unicode.UpperLower || a < b || (a-rune(cr.Lo))%2 == 0 {
			return true
		}
	}
	return false
}

// resolvePath is the path a request names once its spelling is undone:
// net/http has already decoded its percent-escapes, and resolvePath removes
// its dot segments ("/static/../ads/x" is "/ads/x") and empty segments
// ("//ads/x" is "/ads/x"), keeping a trailing slash (RFC 3986, 5.2.4). The
// proxy checks this path against --block and forwards this path, so the
// origin gets exactly what was checked.
func resolvePath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// blocked returns the --block pattern that a resolved path matches. A
// pattern matches regardless of case, and blocks what lies below a path it
// matches as well: "/ads/*" blocks /ADS/x and /ads/x/y.
func (p *cachingProxy) blocked(resolved string) (pattern string, ok bool) {
	if len(p.block) == 0 {
		return "", false
	}
	lower := strings.ToLower(resolved)
	for q := lower; ; q = path.Dir(q) {
		for i, pattern := range p.block {
			if ok, _ := path.Match(pattern, q); ok {
				return p.cfg.Block[i], true
			}
		}
		if q == "/" || q == "." {
			return "", false
		}
	}
}
