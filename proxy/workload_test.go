package proxy

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// loadTarget is a server for load runs that counts the requests per path
// and answers as answer says.
type loadTarget struct {
	*httptest.Server
	mu       sync.Mutex // guards perPath
	perPath  map[string]int
	newConns atomic.Int64
	traced   atomic.Int64 // requests that came through httpwire
}

func startLoadTarget(t *testing.T, answer http.HandlerFunc) *loadTarget {
	lt := &loadTarget{perPath: map[string]int{}}
	lt.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lt.mu.Lock()
		lt.perPath[r.URL.Path]++
		lt.mu.Unlock()
		if r.Header.Get(httpwire.HeaderFrom) == "load" {
			lt.traced.Add(1)
		}
		answer(w, r)
	}))
	lt.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			lt.newConns.Add(1)
		}
	}
	lt.Start()
	t.Cleanup(lt.Close)
	return lt
}

func (lt *loadTarget) count(path string) int {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	return lt.perPath[path]
}

// xCacheByPath answers every path with the X-Cache value its last segment
// names ("/hit" gets HIT), and with none for "/none".
func xCacheByPath(w http.ResponseWriter, r *http.Request) {
	if value := strings.TrimPrefix(r.URL.Path, "/"); value != "none" {
		w.Header().Set("X-Cache", strings.ReplaceAll(value, "-", " "))
	}
	w.Write([]byte("some body to read\n"))
}

func TestLoadCounts(t *testing.T) {
	lt := startLoadTarget(t, xCacheByPath)
	cfg := loadConfig{
		URL:         lt.URL,
		Paths:       []string{"/HIT", "/MISS", "/REVALIDATED", "/STALE", "/none", "/hit-from-elsewhere"},
		Concurrency: 4, Requests: 600, Timeout: programtest.Patience,
	}
	res, err := runLoad(t.Context(), wire.NewNode("load"), cfg)
	require.NoError(t, err)

	assert.Equal(t, 600, res.Requests)
	assert.Zero(t, res.Errors)
	assert.Equal(t, lt.count("/HIT")+lt.count("/hit-from-elsewhere"), res.Hits, "hits, also lower case with a comment")
	assert.Equal(t, lt.count("/MISS"), res.Misses)
	assert.Equal(t, lt.count("/REVALIDATED"), res.Revalidated)
	assert.Equal(t, lt.count("/STALE"), res.Stale)
	assert.Equal(t, 600-lt.count("/none"), res.Hits+res.Misses+res.Revalidated+res.Stale, "no X-Cache counts as none")
	assert.Positive(t, res.P50)
	assert.LessOrEqual(t, res.P50, res.P99)
	assert.Positive(t, res.Elapsed)

	assert.Equal(t, int64(600), lt.traced.Load(), "every request goes through httpwire")
	// One connection per client, kept for all its requests. At the start,
	// net/http may dial one more than it needs while clients race for the
	// first connections, so the bound is loose; without reuse it would be 600.
	assert.LessOrEqual(t, lt.newConns.Load(), int64(2*cfg.Concurrency), "connections are reused")
}

func TestLoadDistribution(t *testing.T) {
	const keys, requests = 20, 2000
	perPath := func(t *testing.T, zipf float64, concurrency, requests int, seed uint64) []int {
		lt := startLoadTarget(t, xCacheByPath)
		cfg := loadConfig{URL: lt.URL, Paths: keyPaths("/k", keys), Concurrency: concurrency, Requests: requests, Zipf: zipf, Seed: seed}
		_, err := runLoad(t.Context(), wire.NewNode("load"), cfg)
		require.NoError(t, err)
		counts := make([]int, keys)
		for i, p := range cfg.Paths {
			counts[i] = lt.count(p)
		}
		return counts
	}
	const even = requests / keys
	t.Run("zipf: the first path is the hottest", func(t *testing.T) {
		counts := perPath(t, 1.1, 4, requests, 7)
		for i, n := range counts[1:] {
			assert.Greater(t, counts[0], n, "path 0 against path %d: %v", i+1, counts)
		}
		assert.Greater(t, counts[0], 2*even, "%v", counts)
	})
	t.Run("uniform: every path about as often", func(t *testing.T) {
		counts := perPath(t, 0, 4, requests, 7)
		for i, n := range counts {
			assert.Greater(t, n, even/2, "path %d: %v", i, counts)
			assert.Less(t, n, 2*even, "path %d: %v", i, counts)
		}
	})
	t.Run("the same seed repeats a run", func(t *testing.T) {
		// With one client; with more, which client sends which request
		// depends on the scheduler.
		first := perPath(t, 1.1, 1, 300, 42)
		assert.Equal(t, first, perPath(t, 1.1, 1, 300, 42))
		assert.NotEqual(t, first, perPath(t, 1.1, 1, 300, 43))
	})
}

func TestLoadErrors(t *testing.T) {
	node := wire.NewNode("load")
	t.Run("a 500 is an error", func(t *testing.T) {
		lt := startLoadTarget(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/bad" {
				w.Header().Set("X-Cache", "MISS")
				http.Error(w, "broken", http.StatusInternalServerError)
				return
			}
			xCacheByPath(w, r)
		})
		cfg := loadConfig{URL: lt.URL, Paths: []string{"/bad", "/HIT"}, Concurrency: 3, Requests: 300, MaxFailed: 1}
		res, err := runLoad(t.Context(), node, cfg)
		require.NoError(t, err, "some requests succeeded, and any share may fail")
		assert.Equal(t, 300, res.Requests)
		assert.Equal(t, lt.count("/bad"), res.Errors)
		assert.Equal(t, lt.count("/HIT"), res.Hits)
		assert.Zero(t, res.Misses, "a failed answer is not counted as a miss")
	})
	t.Run("a server that closes the connection", func(t *testing.T) {
		lt := startLoadTarget(t, func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		})
		res, err := runLoad(t.Context(), node, loadConfig{URL: lt.URL, Paths: []string{"/x"}, Concurrency: 2, Requests: 20})
		assert.Equal(t, 20, res.Requests)
		assert.Equal(t, 20, res.Errors)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "all 20 requests failed; the first: ")
	})
	t.Run("an answer cut off half way", func(t *testing.T) {
		lt := startLoadTarget(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte("only part of it"))
		})
		res, err := runLoad(t.Context(), node, loadConfig{URL: lt.URL, Paths: []string{"/x"}, Concurrency: 1, Requests: 5})
		assert.Equal(t, 5, res.Errors)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the answer broke off")
	})
	t.Run("a server that hangs: the timeout", func(t *testing.T) {
		lt := startLoadTarget(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		cfg := loadConfig{URL: lt.URL, Paths: []string{"/x"}, Concurrency: 2, Requests: 4, Timeout: 20 * time.Millisecond}
		res, err := runLoad(t.Context(), node, cfg)
		assert.Equal(t, 4, res.Errors)
		assert.GreaterOrEqual(t, res.P50, cfg.Timeout)
		var timeout net.Error
		require.ErrorAs(t, err, &timeout)
		assert.True(t, timeout.Timeout(), "%v", err)
	})
	t.Run("stopped early", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var seen atomic.Int64
		lt := startLoadTarget(t, func(w http.ResponseWriter, r *http.Request) {
			if seen.Add(1) == 10 {
				cancel()
			}
			xCacheByPath(w, r)
		})
		res, err := runLoad(ctx, node, loadConfig{URL: lt.URL, Paths: []string{"/HIT"}, Concurrency: 2, Requests: 1_000_000})
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, res.Requests, 1000, "the run stopped soon after its context ended")
		assert.Zero(t, res.Errors, "requests cut short by the stop are not failures")
	})
}

func TestLoadConfigErrors(t *testing.T) {
	good := loadConfig{URL: "http://127.0.0.1:1", Paths: keyPaths("/k", 3), Concurrency: 1, Requests: 1}
	cases := []struct {
		name   string
		change func(*loadConfig)
		want   string
	}{
		{"no URL", func(c *loadConfig) { c.URL = "" }, `--url must be an http:// URL, not ""`},
		{"not HTTP", func(c *loadConfig) { c.URL = "ftp://host/" }, `--url must be an http:// URL, not "ftp://host/"`},
		{"no paths", func(c *loadConfig) { c.Paths = nil }, "--keys must be at least 1: there is nothing to ask for"},
		{"relative path", func(c *loadConfig) { c.Paths = keyPaths("k", 2) }, `--path-prefix must start with /, as a path does, not "k0"`},
		{"no clients", func(c *loadConfig) { c.Concurrency = 0 }, "-c must be at least 1, not 0"},
		{"no requests", func(c *loadConfig) { c.Requests = -1 }, "-n must be at least 1, not -1"},
		{"zipf too small", func(c *loadConfig) { c.Zipf = 1 }, "--zipf must be above 1 (or 0 for uniform), not 1"},
		{"negative timeout", func(c *loadConfig) { c.Timeout = -time.Second }, "--timeout must not be negative, not -1s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := good
			c.change(&cfg)
			_, err := runLoad(t.Context(), wire.NewNode("load"), cfg)
			var usage *program.UsageError
			require.ErrorAs(t, err, &usage)
			assert.Equal(t, c.want, err.Error())
		})
	}
}

func TestLoadResultString(t *testing.T) {
	res := loadResult{Requests: 10000, Elapsed: 2 * time.Second, P50: 1200 * time.Microsecond, P99: 8 * time.Millisecond, Hits: 8300, Misses: 1700}
	assert.Equal(t, "10000 requests in 2.00s: 5000 req/s, p50 1.2ms, p99 8ms, 0 errors, hit ratio 0.83 (8300 hit, 1700 miss, 0 revalidated, 0 stale)", res.String())
	assert.Equal(t, 0.0, loadResult{Requests: 5}.hitRatio(), "no X-Cache at all")
	assert.Equal(t, 0.75, loadResult{Hits: 1, Revalidated: 1, Stale: 1, Misses: 1}.hitRatio(), "revalidated and stale answers came from the cache too")
	assert.Equal(t, []string{"/static/k0", "/static/k1", "/static/k2"}, keyPaths("/static/k", 3))
}
