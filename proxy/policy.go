package proxy

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// directives are the parsed Cache-Control directives of a message: a
// directive without a value maps to "".
type directives map[string]string

// cacheControl parses the Cache-Control lines of h (RFC 9111, 5.2): a list
// of directives separated by commas, each a token, optionally "=" and a
// token or a quoted string (which may itself hold commas). Names are
// case-insensitive and kept in lower case. The header comes from the
// network, so the parser takes nothing for granted, and errs on the safe
// side: a directive whose value it cannot read counts with the value "",
// so no-store or private followed by garbage still forbid storing, while
// max-age followed by garbage gives no freshness. Of two directives with
// the same name the first counts.
func cacheControl(h http.Header) directives {
	d := directives{}
	for _, line := range h.Values("Cache-Control") {
		for rest := line; rest != ""; {
			var name, value string
			name, value, rest = nextDirective(rest)
			if _, seen := d[name]; name != "" && !seen {
				d[name] = value
			}
		}
	}
	return d
}

// nextDirective reads one directive from the front of s and returns it
// with what follows its comma. name is "" where there is none to read.
func nextDirective(s string) (name, value, rest string) {
	s = strings.TrimLeft(s, " \t")
	n := tokenLen(s)
	name, s = strings.ToLower(s[:n]), strings.TrimLeft(s[n:], " \t")
	ok := true
	if after, isValue := strings.CutPrefix(s, "="); isValue {
		s = strings.TrimLeft(after, " \t")
		if strings.HasPrefix(s, `"`) {
			value, s, ok = quotedString(s)
		} else {
			n := tokenLen(s)
			value, s, ok = s[:n], s[n:], n > 0
		}
		s = strings.TrimLeft(s, " \t")
	}
	if s != "" && s[0] != ',' {
		ok = false // something after the directive that is not the next one
	}
	if !ok {
		value = ""
	}
	if _, after, found := strings.Cut(s, ","); found {
		return name, value, after
	}
	return name, value, ""
}

// tokenLen is the length of the token (RFC 9110, 5.6.2) at the front of s.
func tokenLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return i
		}
	}
	return len(s)
}

// quotedString reads the quoted string at the front of s (RFC 9110, 5.6.4)
// and returns its content without quotes and escapes, and what follows it.
// ok is false when the closing quote is missing: then it takes the rest.
func quotedString(s string) (content, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return b.String(), s[i+1:], true
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "", false
}

func (d directives) has(name string) bool { _, ok := d[name]; return ok }

// maxDelta is the longest time a cache need represent (RFC 9111, 1.2.2):
// any larger number of seconds counts as 2^31, so that adding two of them
// cannot overflow a time.Duration.
const maxDelta = (1 << 31) * time.Second

// seconds returns a directive's value in seconds, and whether it is there
// and well formed.
func (d directives) seconds(name string) (time.Duration, bool) {
	v, ok := d[name]
	if !ok {
		return 0, false
	}
	return deltaSeconds(v)
}

// deltaSeconds reads a number of seconds as RFC 9111 writes it: digits
// only, and capped at maxDelta rather than overflowing.
func deltaSeconds(v string) (time.Duration, bool) {
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > int64(maxDelta/time.Second) {
		return maxDelta, true // only digits: too many of them
	}
	return time.Duration(n) * time.Second, true
}

// cacheableStatus are the status codes a cache may store without explicit
// freshness information (RFC 9110, 15.1: "heuristically cacheable").
var cacheableStatus = map[int]bool{200: true, 203: true, 204: true, 300: true, 301: true, 308: true, 404: true, 405: true, 410: true, 414: true, 501: true}

// storable says whether a shared cache may keep this response to this
// request (RFC 9111, 3), and if not, why, for the log.
func storable(req *http.Request, resp *http.Response) (bool, string) {
	reqCC, respCC := cacheControl(req.Header), cacheControl(resp.Header)
	switch {
	case req.Method != http.MethodGet:
		return false, "only GET is cached"
	case reqCC.has("no-store") || respCC.has("no-store"):
		return false, "no-store"
	case respCC.has("private"):
		return false, "private: only the user's own cache may keep it"
	case req.Header.Get("Authorization") != "" && !respCC.has("public") && !respCC.has("s-maxage"):
		return false, "a request with credentials"
	case resp.Header.Get("Set-Cookie") != "" && !respCC.has("public") && !respCC.has("s-maxage"):
		// What nginx and Varnish do: a cookie is usually one user's
		// session, which must not reach the next user from the cache.
		return false, "Set-Cookie, and the origin did not mark it public"
	case resp.Header.Get("Vary") == "*":
		return false, "Vary: *"
	case !cacheableStatus[resp.StatusCode]:
		return false, "status " + strconv.Itoa(resp.StatusCode)
	}
	_, explicit := freshness(resp.Header, time.Now())
	hasValidator := resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != ""
	if !explicit && !hasValidator {
		return false, "no freshness and no validator"
	}
	return true, ""
}

// freshness is how long a response stays fresh after it was created (RFC
// 9111, 4.2.1): s-maxage before max-age before Expires, else a heuristic of
// a tenth of its age since Last-Modified. explicit reports whether the
// origin said so itself.
func freshness(h http.Header, now time.Time) (lifetime time.Duration, explicit bool) {
	cc := cacheControl(h)
	if d, ok := cc.seconds("s-maxage"); ok {
		return d, true
	}
	if d, ok := cc.seconds("max-age"); ok {
		return d, true
	}
	date := dateOf(h, now)
	if v := h.Get("Expires"); v != "" {
		exp, err := http.ParseTime(v)
		if err != nil {
			return 0, true // an invalid Expires means "already expired"
		}
		return min(max(exp.Sub(date), 0), maxDelta), true
	}
	if lm, err := http.ParseTime(h.Get("Last-Modified")); err == nil && lm.Before(date) {
		return min(date.Sub(lm)/10, 24*time.Hour), false
	}
	return 0, false
}

// dateOf is the response's Date header, or now when it has none.
func dateOf(h http.Header, now time.Time) time.Time {
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		return d
	}
	return now
}

// mustRevalidate reports whether a stored response needs the origin's word
// before it is used for this request, although it may still be fresh.
func mustRevalidate(req *http.Request, stored http.Header) bool {
	reqCC, cc := cacheControl(req.Header), cacheControl(stored)
	if cc.has("no-cache") || reqCC.has("no-cache") {
		return true
	}
	if d, ok := reqCC.seconds("max-age"); ok && d == 0 {
		return true
	}
	return false
}
