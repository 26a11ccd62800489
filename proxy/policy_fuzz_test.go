package proxy

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzCacheControl feeds the proxy's reading of an origin's caching headers
// with whatever the fuzzer makes up: Cache-Control, and the Date, Expires
// and Age it is weighed with. Whatever arrives, nothing panics, directive
// names are lower-case tokens, no time comes out negative or past the 2^31
// seconds a cache need count, and a stored copy never looks younger than
// it is. Its corpus is in testdata/fuzz/FuzzCacheControl.
func FuzzCacheControl(f *testing.F) {
	for _, seed := range [][4]string{
		{"max-age=60", "", "", ""},
		{"public, s-maxage=10, max-age=0", "", "", ""},
		{`no-cache="Set-Cookie, X-Foo", max-age=5`, "", "", ""},
		{"private, max-age=60, stale-if-error=600", "", "", "100"},
		{"max-age=99999999999999999999999", "", "", "99999999999999999999"},
		{"max-age=-1, s-maxage=+5", "", "", "-3"},
		{`max-age="60`, "", "", ""},
		{"no-store junk, max-age=60 junk", "", "", ""},
		{",,, =, =x, MAX-AGE=7", "", "", ""},
		{"", "Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", ""},
		{"", "Sun, 06 Nov 1994 08:49:37 GMT", "0", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, cc, date, expires, age string) {
		h := http.Header{}
		for name, v := range map[string]string{"Cache-Control": cc, "Date": date, "Expires": expires, "Age": age} {
			if v != "" {
				h.Set(name, v)
			}
		}
		d := cacheControl(h)
		for name := range d {
			if name == "" || tokenLen(name) != len(name) || strings.ToLower(name) != name {
				t.Fatalf("directive name %q is not a lower-case token", name)
			}
			if s, ok := d.seconds(name); ok && (s < 0 || s > maxDelta) {
				t.Fatalf("%s: %v seconds", name, s)
			}
		}
		lifetime, _ := freshness(h, now)
		if lifetime < 0 || lifetime > maxDelta {
			t.Fatalf("lifetime %v", lifetime)
		}
		e := newEntry("/k", nil, http.StatusOK, storedHeader(h), nil, now)
		for _, later := range []time.Duration{0, time.Hour, 200 * 365 * 24 * time.Hour} {
			if a := e.age(now.Add(later)); a < later {
				t.Fatalf("age %v after %v", a, later)
			}
		}
		req, _ := http.NewRequest("GET", "http://proxy/k", nil)
		req.Header.Set("Cache-Control", cc)
		storable(req, &http.Response{StatusCode: http.StatusOK, Header: h})
		mustRevalidate(req, h)
		e.usableOnError(now)
	})
}

func TestCacheControl(t *testing.T) {
	cases := []struct {
		in   string
		want directives
	}{
		{"max-age=60", directives{"max-age": "60"}},
		{"Public,  MAX-AGE=60 ", directives{"public": "", "max-age": "60"}},
		{`no-cache="Set-Cookie, X-Foo", max-age=5`, directives{"no-cache": "Set-Cookie, X-Foo", "max-age": "5"}},
		{`max-age="60"`, directives{"max-age": "60"}},
		{`max-age="60`, directives{"max-age": ""}},
		{"no-store junk, max-age=60 junk, private", directives{"no-store": "", "max-age": "", "private": ""}},
		{"max-age=1, max-age=99", directives{"max-age": "1"}},
		{",, =5, ", directives{}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got := cacheControl(http.Header{"Cache-Control": {c.in}})
			if len(got) != len(c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			for name, v := range c.want {
				if g, ok := got[name]; !ok || g != v {
					t.Fatalf("got %q, want %q", got, c.want)
				}
			}
		})
	}
	t.Run("seconds are digits, capped at 2^31", func(t *testing.T) {
		d := directives{"a": "60", "b": "+60", "c": "-1", "d": "99999999999999999999999", "e": "", "f": "1e3"}
		for name, want := range map[string]time.Duration{"a": time.Minute, "d": maxDelta} {
			if got, ok := d.seconds(name); !ok || got != want {
				t.Errorf("%s: got %v, %v; want %v", name, got, ok, want)
			}
		}
		for _, name := range []string{"b", "c", "e", "f", "missing"} {
			if got, ok := d.seconds(name); ok {
				t.Errorf("%s: got %v, want not well formed", name, got)
			}
		}
	})
}
