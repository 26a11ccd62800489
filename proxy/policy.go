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

func cacheControl(h http.Header) directives {
	d := directives{}
	for _, line := range h.Values("Cache-Control") {
		for _, part := range strings.Split(line, ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				d[name] = strings.Trim(strings.TrimSpace(value), `"`)
			}
		}
	}
	return d
}

func (d directives) has(name string) bool { _, ok := d[name]; return ok }

// seconds returns a directive's value in seconds, and whether it is there
// and well formed.
func (d directives) seconds(name string) (time.Duration, bool) {
	v, ok := d[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
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
		return max(exp.Sub(date), 0), true
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
