package proxy

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// fixture is a proxy in front of an origin whose answers a test chooses.
type fixture struct {
	origin *httptest.Server
	proxy  *httptest.Server
	p      *cachingProxy
	calls  atomic.Int64 // requests that reached the origin
}

func newFixture(t *testing.T, cfg ProxyConfig, origin http.HandlerFunc) *fixture {
	f := &fixture{}
	f.origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		origin(w, r)
	}))
	t.Cleanup(f.origin.Close)
	cfg.Origin, _ = url.Parse(f.origin.URL)
	var err error
	f.p, err = newCachingProxy(wire.NewNode("proxy"), cfg)
	require.NoError(t, err)
	f.proxy = httptest.NewServer(f.p)
	t.Cleanup(f.proxy.Close)
	return f
}

// get fetches path through the proxy and returns the X-Cache value, the
// status and the body.
func (f *fixture) get(t *testing.T, path string, header ...string) (xcache string, status int, body string) {
	t.Helper()
	resp, body := request(t, "GET", f.proxy.URL+path, header...)
	return resp.Header.Get("X-Cache"), resp.StatusCode, body
}

func answer(cacheControl string) http.HandlerFunc {
	var version atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if cacheControl != "" {
			w.Header().Set("Cache-Control", cacheControl)
		}
		fmt.Fprintf(w, "%s v%d", r.URL.Path, version.Add(1))
	}
}

func TestFreshness(t *testing.T) {
	cases := []struct {
		name, cacheControl string
		second             string // X-Cache of the second request
	}{
		{"max-age", "max-age=60", Hit},
		{"s-maxage", "s-maxage=60", Hit},
		{"no-store", "no-store", Miss},
		{"private", "private, max-age=60", Miss},
		{"no freshness, no validator", "", Miss},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, ProxyConfig{}, answer(c.cacheControl))
			first, _, body1 := f.get(t, "/r")
			second, _, body2 := f.get(t, "/r")
			assert.Equal(t, Miss, first)
			assert.Equal(t, c.second, second)
			if c.second == Hit {
				assert.Equal(t, body1, body2, "the stored body")
				assert.Equal(t, int64(1), f.calls.Load(), "a hit does not reach the origin")
			} else {
				assert.NotEqual(t, body1, body2)
				assert.Equal(t, int64(2), f.calls.Load())
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Expires", time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat))
			w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
			io.WriteString(w, "old")
		})
		f.get(t, "/r")
		x, _, _ := f.get(t, "/r")
		assert.Equal(t, Miss, x)
	})
	t.Run("the client asks for a fresh answer", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{}, answer("max-age=60"))
		f.get(t, "/r")
		x, _, _ := f.get(t, "/r", "Cache-Control", "no-cache")
		assert.Equal(t, Miss, x, "no validator: a full new answer")
	})
}

func TestAge(t *testing.T) {
	f := newFixture(t, ProxyConfig{}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Age", "100") // a cache before the origin held it 100 s
		io.WriteString(w, "x")
	})
	f.get(t, "/r")
	resp, err := http.Get(f.proxy.URL + "/r")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, Hit, resp.Header.Get("X-Cache"))
	assert.Equal(t, "100", resp.Header.Get("Age"))
}

func TestRevalidation(t *testing.T) {
	var conditional atomic.Int64
	f := newFixture(t, ProxyConfig{}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Cache-Control", "no-cache")
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "version 1")
	})
	x1, _, b1 := f.get(t, "/e")
	x2, s2, b2 := f.get(t, "/e")
	assert.Equal(t, Miss, x1)
	assert.Equal(t, Revalidated, x2)
	assert.Equal(t, http.StatusOK, s2, "the client gets the whole answer, not the 304")
	assert.Equal(t, b1, b2)
	assert.Equal(t, int64(1), conditional.Load(), "the proxy asked with If-None-Match")
}

func TestVary(t *testing.T) {
	f := newFixture(t, ProxyConfig{}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Vary", "Accept-Language")
		if strings.HasPrefix(r.Header.Get("Accept-Language"), "de") {
			io.WriteString(w, "Hallo")
			return
		}
		io.WriteString(w, "Hello")
	})
	_, _, de := f.get(t, "/v", "Accept-Language", "de")
	_, _, en := f.get(t, "/v", "Accept-Language", "en")
	x, _, de2 := f.get(t, "/v", "Accept-Language", "de")
	assert.Equal(t, "Hallo", de)
	assert.Equal(t, "Hello", en)
	assert.Equal(t, Hit, x)
	assert.Equal(t, "Hallo", de2, "each language has its own entry")
	entries, _ := f.p.cache.stats()
	assert.Equal(t, 2, entries)
}

func TestOriginFailure(t *testing.T) {
	t.Run("stale-if-error masks a dead origin", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{}, answer("max-age=0, stale-if-error=600"))
		_, _, body := f.get(t, "/s")
		f.origin.Close()
		x, status, stale := f.get(t, "/s")
		assert.Equal(t, Stale, x)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, body, stale)
	})
	t.Run("stale-if-error masks a 500", func(t *testing.T) {
		var broken atomic.Bool
		f := newFixture(t, ProxyConfig{}, func(w http.ResponseWriter, r *http.Request) {
			if broken.Load() {
				http.Error(w, "down", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Cache-Control", "max-age=0, stale-if-error=600")
			io.WriteString(w, "good")
		})
		f.get(t, "/s")
		broken.Store(true)
		x, status, body := f.get(t, "/s")
		assert.Equal(t, Stale, x)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "good", body)
	})
	t.Run("without it: 502", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{}, answer("max-age=0"))
		f.get(t, "/s")
		f.origin.Close()
		_, status, body := f.get(t, "/s")
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Contains(t, body, "the origin cannot be reached")
	})
	t.Run("a hanging origin: 504", func(t *testing.T) {
		release := make(chan struct{})
		f := newFixture(t, ProxyConfig{Timeout: 200 * time.Millisecond}, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		defer close(release)
		_, status, body := f.get(t, "/hang")
		assert.Equal(t, http.StatusGatewayTimeout, status)
		assert.Contains(t, body, "did not answer within 200ms")
	})
	t.Run("a body cut off half way is not stored", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=60")
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, "only part of it")
			// Returning early makes net/http close the connection: the
			// proxy sees an unexpected EOF.
		})
		req, _ := http.NewRequestWithContext(t.Context(), "GET", f.proxy.URL+"/cut", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		entries, _ := f.p.cache.stats()
		assert.Zero(t, entries)
	})
}

func TestEviction(t *testing.T) {
	f := newFixture(t, ProxyConfig{CacheSize: 3000, MaxEntry: 1000}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		io.WriteString(w, strings.Repeat("x", 900))
	})
	for _, p := range []string{"/a", "/b", "/c"} {
		f.get(t, p)
	}
	f.get(t, "/a") // /a is now the most recently used
	f.get(t, "/d") // something has to go: /b, the least recently used
	keys := f.p.cache.keys()
	host := strings.TrimPrefix(f.proxy.URL, "http://")
	assert.Contains(t, keys, host+"/a")
	assert.NotContains(t, keys, host+"/b")
	_, size := f.p.cache.stats()
	assert.LessOrEqual(t, size, int64(3000))
}

func TestFilterAndAccess(t *testing.T) {
	t.Run("block", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{Block: []string{"/private/*"}}, answer("max-age=60"))
		_, status, body := f.get(t, "/private/diary")
		assert.Equal(t, http.StatusForbidden, status)
		assert.Contains(t, body, "matches /private/*")
		assert.Zero(t, f.calls.Load(), "a blocked request never reaches the origin")
	})
	t.Run("allow", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, answer("max-age=60"))
		_, status, body := f.get(t, "/x")
		assert.Equal(t, http.StatusForbidden, status)
		assert.Contains(t, body, "not in an allowed network")
		assert.Zero(t, f.calls.Load())
	})
	t.Run("token", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{Token: "s3cret"}, answer("max-age=60"))
		_, status, _ := f.get(t, "/x")
		assert.Equal(t, http.StatusProxyAuthRequired, status)
		_, status, _ = f.get(t, "/x", "Proxy-Authorization", "Bearer wrong")
		assert.Equal(t, http.StatusForbidden, status)
		assert.Zero(t, f.calls.Load())
		_, status, _ = f.get(t, "/x", "Proxy-Authorization", "Bearer s3cret")
		assert.Equal(t, http.StatusOK, status)
	})
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"64MiB": 64 << 20, "512KiB": 512 << 10, "1GiB": 1 << 30, "4096": 4096, "10B": 10} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "lots", "-1MiB", "0", "1TB"} {
		_, err := parseSize(bad)
		assert.Error(t, err, bad)
	}
}

func TestSetCookie(t *testing.T) {
	cookie := func(cacheControl string) http.HandlerFunc {
		var n atomic.Int64
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", cacheControl)
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Set-Cookie", fmt.Sprintf("session=%d", n.Add(1)))
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			io.WriteString(w, "welcome")
		}
	}
	cookieOf := func(t *testing.T, f *fixture) (xcache, cookie string) {
		resp, _ := request(t, "GET", f.proxy.URL+"/login")
		return resp.Header.Get("X-Cache"), resp.Header.Get("Set-Cookie")
	}
	t.Run("not public: not stored", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{}, cookie("max-age=60"))
		_, c1 := cookieOf(t, f)
		x, c2 := cookieOf(t, f)
		assert.Equal(t, Miss, x)
		assert.Equal(t, []string{"session=1", "session=2"}, []string{c1, c2})
	})
	for _, cc := range []string{"public, max-age=60", "s-maxage=60"} {
		t.Run(cc+": stored without the cookie", func(t *testing.T) {
			f := newFixture(t, ProxyConfig{}, cookie(cc))
			_, c1 := cookieOf(t, f)
			x, c2 := cookieOf(t, f)
			assert.Equal(t, "session=1", c1)
			assert.Equal(t, Hit, x)
			assert.Empty(t, c2)
		})
	}
	t.Run("a 304's cookie goes to its own client only", func(t *testing.T) {
		f := newFixture(t, ProxyConfig{}, cookie("public, no-cache"))
		cookieOf(t, f)
		x, c := cookieOf(t, f)
		assert.Equal(t, Revalidated, x)
		assert.Equal(t, "session=2", c, "the cookie of the 304 this request caused")
		_, c = cookieOf(t, f)
		assert.Equal(t, "session=3", c, "not the one stored with an earlier 304")
	})
}

func TestLargeBodies(t *testing.T) {
	body := strings.Repeat("x", 5000)
	f := newFixture(t, ProxyConfig{CacheSize: 16 << 10, MaxEntry: 4000}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if r.URL.Query().Get("chunked") != "" {
			// Flushing before the end makes net/http send it chunked:
			// the proxy learns the length only at the end.
			io.WriteString(w, body[:n/2])
			w.(http.Flusher).Flush()
			io.WriteString(w, body[n/2:n])
			return
		}
		io.WriteString(w, body[:n])
	})
	for _, c := range []struct {
		query  string
		stored bool
	}{
		{"n=3000", true},
		{"n=5000", false},
		{"n=3000&chunked=1", true},
		{"n=5000&chunked=1", false},
	} {
		t.Run(c.query, func(t *testing.T) {
			_, status, got := f.get(t, "/big?"+c.query)
			assert.Equal(t, http.StatusOK, status)
			n, _ := strconv.Atoi(strings.Split(strings.TrimPrefix(c.query, "n="), "&")[0])
			assert.Len(t, got, n, "the client gets the whole body, stored or not")
			x, _, _ := f.get(t, "/big?"+c.query)
			assert.Equal(t, c.stored, x == Hit, "X-Cache %s", x)
		})
	}
	_, size := f.p.cache.stats()
	assert.LessOrEqual(t, size, int64(16<<10))
}
