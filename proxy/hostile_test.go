package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/guard"
	"dsdemo/models/program/programtest"
)

// The hostile-input suite of the proxy model: each test is one way an
// attacker, a careless origin or a stalled client once broke the cache
// proxy, replayed against the real programs over TCP.

// hostilePair starts a real origin and a cache proxy in front of it, the
// proxy with the given extra flags.
func hostilePair(t *testing.T, proxyArgs ...string) (origin, cp *programtest.Proc) {
	t.Helper()
	dir := programtest.Build(t, "dsdemo/proxy/origin", "dsdemo/proxy/cacheproxy")
	origin = programtest.StartServer(t, filepath.Join(dir, "origin"), "--listen", "127.0.0.1:0")
	args := append([]string{"--listen", "127.0.0.1:0", "--origin", "http://" + origin.Addr}, proxyArgs...)
	cp = programtest.StartServer(t, filepath.Join(dir, "cacheproxy"), args...)
	return origin, cp
}

// noCrash checks that a program is still running and printed no sign of a
// crash or a data race.
func noCrash(t *testing.T, p *programtest.Proc) {
	t.Helper()
	assert.Nil(t, p.Cmd.ProcessState, "the program has exited")
	_, errOut := p.Output()
	for _, line := range errOut {
		for _, sign := range []string{"fatal error", "panic", "DATA RACE"} {
			assert.NotContains(t, line, sign, "stderr: %q", errOut)
		}
	}
}

// rawStatus sends one request exactly as written, bypassing any cleaning a
// client library might do, and returns the status line and the body.
func rawStatus(t *testing.T, addr, request string) (status, body string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(programtest.Patience)))
	_, err = io.WriteString(conn, request)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.Status, string(b)
}

// TestHostileRevalidationUnderLoadDoesNotCrash: 50 clients on ten /etag/
// resources, each answer revalidated with a 304, once killed the proxy with
// "concurrent map iteration and map write": a 304 rewrote a stored entry
// that other requests were reading.
func TestHostileRevalidationUnderLoadDoesNotCrash(t *testing.T) {
	if raceEnabled {
		// The proxy is built with -race too, so that a data race in it
		// fails this test even when it does not crash the proxy.
		t.Setenv("GOFLAGS", strings.TrimSpace(os.Getenv("GOFLAGS")+" -race"))
	}
	_, cp := hostilePair(t)
	dir := programtest.Build(t, "dsdemo/proxy/load")
	n := 4000
	if raceEnabled {
		n = 2000
	}
	out, errOut, code := programtest.Run(t, filepath.Join(dir, "load"), "--url", "http://"+cp.Addr,
		"-c", "50", "-n", strconv.Itoa(n), "--keys", "10", "--path-prefix", "/etag/r", "--zipf", "0")
	require.Equal(t, 0, code, "load: %s", errOut)
	assert.Contains(t, out, " 0 errors", out)
	m := regexp.MustCompile(`(\d+) revalidated`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	revalidated, _ := strconv.Atoi(m[1])
	assert.Greater(t, revalidated, n/2, "most answers were revalidated: %s", out)

	resp, body := request(t, "GET", "http://"+cp.Addr+"/etag/r1")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the proxy still answers")
	assert.Equal(t, Revalidated, resp.Header.Get("X-Cache"))
	assert.Equal(t, "resource /etag/r1, version 1\n", body)
	noCrash(t, cp)
}

// TestHostileForwardedHeadersDoNotPoisonTheCache: headers a client sends
// that say which host it asked for must not let it choose what every later
// visitor gets. The origin's /host/ resources believe them, as many web
// applications do; the proxy must hand on only what it set itself, and
// keep answers for different hosts apart.
func TestHostileForwardedHeadersDoNotPoisonTheCache(t *testing.T) {
	_, cp := hostilePair(t)
	base := "http://" + cp.Addr
	honest := "link: http://" + cp.Addr + "/host/"
	attacks := []struct {
		name   string
		header []string
		host   string // the Host header the attacker sends, if not the proxy's
	}{
		{"X-Forwarded-Host", []string{"X-Forwarded-Host", "evil.example"}, ""},
		{"Forwarded", []string{"Forwarded", "for=1.2.3.4;host=evil.example;proto=https"}, ""},
		{"X_Forwarded_Host with underscores", []string{"X_Forwarded_Host", "evil.example"}, ""},
		{"Host", nil, "evil.example"},
	}
	for i, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			path := "/host/r" + strconv.Itoa(i)
			req, err := http.NewRequestWithContext(t.Context(), "GET", base+path, nil)
			require.NoError(t, err)
			for j := 0; j+1 < len(a.header); j += 2 {
				req.Header[a.header[j]] = []string{a.header[j+1]}
			}
			if a.host != "" {
				req.Host = a.host
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()

			resp, body := request(t, "GET", base+path)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.NotContains(t, body, "evil.example", "a plain visitor got the attacker's answer")
			assert.Contains(t, body, honest+"r"+strconv.Itoa(i))
		})
	}
}

// TestHostileSetCookieIsNeverReplayed: a shared cache that stores an
// answer with Set-Cookie hands one user's session to the next.
func TestHostileSetCookieIsNeverReplayed(t *testing.T) {
	_, cp := hostilePair(t)
	base := "http://" + cp.Addr
	// Two clients with their own connections, as two users would be.
	alice := &http.Client{Transport: &http.Transport{}}
	bob := &http.Client{Transport: &http.Transport{}}
	get := func(t *testing.T, c *http.Client, path string) (xcache, cookie string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), "GET", base+path, nil)
		require.NoError(t, err)
		resp, err := c.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		return resp.Header.Get("X-Cache"), resp.Header.Get("Set-Cookie")
	}

	t.Run("not marked public: not stored", func(t *testing.T) {
		x1, c1 := get(t, alice, "/session/login")
		x2, c2 := get(t, bob, "/session/login")
		assert.Equal(t, Miss, x1)
		assert.Equal(t, Miss, x2, "bob's request reached the origin")
		assert.NotEmpty(t, c1)
		assert.NotEmpty(t, c2)
		assert.NotEqual(t, c1, c2, "bob got alice's session")
	})
	t.Run("marked public: stored without the cookie", func(t *testing.T) {
		x1, c1 := get(t, alice, "/session/welcome?public=1")
		x2, c2 := get(t, bob, "/session/welcome?public=1")
		assert.Equal(t, Miss, x1)
		assert.NotEmpty(t, c1, "alice gets her own cookie")
		assert.Equal(t, Hit, x2)
		assert.Empty(t, c2, "bob got alice's cookie from the cache")
	})
}

// TestHostileLargeResponsesStayWithinCacheSize: eight concurrent answers,
// some larger than the whole cache, once took the proxy far past its
// --cache-size because it buffered each body before deciding not to keep
// it. Bodies stream to the client; what is buffered to be stored is
// bounded by the cache itself.
func TestHostileLargeResponsesStayWithinCacheSize(t *testing.T) {
	const cacheSize = 8 << 20
	_, cp := hostilePair(t, "--cache-size", "8MiB", "--max-entry", "8MiB")
	sizes := []int64{6 << 20, 6 << 20, 6 << 20, 6 << 20, 24 << 20, 24 << 20, 24 << 20, 24 << 20}
	var wg sync.WaitGroup
	got := make([]int64, len(sizes))
	errs := make([]error, len(sizes))
	for i, size := range sizes {
		wg.Go(func() {
			resp, err := http.Get(fmt.Sprintf("http://%s/big/%d?client=%d", cp.Addr, size, i))
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			got[i], errs[i] = io.Copy(io.Discard, resp.Body)
		})
	}
	wg.Wait()
	for i, size := range sizes {
		require.NoError(t, errs[i])
		assert.Equal(t, size, got[i], "every client gets its whole answer, stored or not")
	}
	const margin = 40 << 20 // the Go runtime, buffers, and garbage not yet collected
	peak := programtest.PeakRSS(t, cp.Cmd.Process.Pid)
	t.Logf("peak RSS of the proxy: %d MiB", peak>>20)
	assert.Less(t, peak, uint64(cacheSize+margin), "peak RSS %d MiB with --cache-size 8MiB", peak>>20)
	noCrash(t, cp)
}

// TestHostileSIGTERMWithStalledClientExits: a client that stops reading a
// long answer once kept the proxy running after SIGTERM. Shutdown is
// graceful for a while, then cuts off what is left and exits 0.
func TestHostileSIGTERMWithStalledClientExits(t *testing.T) {
	_, cp := hostilePair(t, "--cache-size", "32MiB", "--max-entry", "16MiB")
	// A hit of 16 MiB: written from memory in one go, so nothing but the
	// client can end it, and far more than the sockets buffer.
	const path = "/big/16MiB"
	request(t, "GET", "http://"+cp.Addr+path)

	conn, err := net.DialTCP("tcp", nil, tcpAddr(t, cp.Addr))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetReadBuffer(4096))
	_, err = io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: "+cp.Addr+"\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(programtest.Patience)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	require.Equal(t, Hit, resp.Header.Get("X-Cache"))
	// From here on the client reads nothing: the proxy's write to it stalls.

	require.NoError(t, cp.Cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 0, cp.Wait(t), "exit code after SIGTERM")
}

func tcpAddr(t *testing.T, addr string) *net.TCPAddr {
	t.Helper()
	a, err := net.ResolveTCPAddr("tcp", addr)
	require.NoError(t, err)
	return a
}

// TestHostileBlockCannotBeBypassed: --block once matched the path as it
// was written, so another spelling of the same path got through.
func TestHostileBlockCannotBeBypassed(t *testing.T) {
	_, cp := hostilePair(t, "--block", "/ads/*")
	for _, path := range []string{
		"/ads/x", "/ADS/x", "/Ads/X", "/%61ds/x", "/%41DS/x", "/static/../ads/x", "/static/%2e%2e/ads/x",
		"//ads/x", "/./ads/x", "/ads/x/y", "/ads%2Fx", "/../ads/x",
	} {
		t.Run(path, func(t *testing.T) {
			status, body := rawStatus(t, cp.Addr, "GET "+path+" HTTP/1.1\r\nHost: "+cp.Addr+"\r\nConnection: close\r\n\r\n")
			assert.Contains(t, status, "403", "body: %q", body)
			assert.Contains(t, body, "blocked by the proxy")
		})
	}
	t.Run("what is not blocked still passes", func(t *testing.T) {
		status, _ := rawStatus(t, cp.Addr, "GET /static/ads HTTP/1.1\r\nHost: "+cp.Addr+"\r\nConnection: close\r\n\r\n")
		assert.Contains(t, status, "200")
		status, body := rawStatus(t, cp.Addr, "GET /ads/../static/a HTTP/1.1\r\nHost: "+cp.Addr+"\r\nConnection: close\r\n\r\n")
		assert.Contains(t, status, "200")
		assert.Equal(t, "resource /static/a, version 1\n", body, "the origin gets the path the proxy checked")
	})
}

// TestHostileBadBlockPatternExits2: a malformed pattern once started a
// proxy that blocked nothing.
func TestHostileBadBlockPatternExits2(t *testing.T) {
	bin := filepath.Join(programtest.Build(t, "dsdemo/proxy/cacheproxy"), "cacheproxy")
	for _, pattern := range []string{"/ads/[", "ads/*", ""} {
		t.Run(pattern, func(t *testing.T) {
			_, errOut, code := programtest.Run(t, bin, "--listen", "127.0.0.1:0", "--origin", "http://127.0.0.1:1", "--block", pattern)
			assert.Equal(t, 2, code)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.Contains(t, errOut, "block")
		})
	}
}

// TestHostileTokenGuessingIsThrottled: the proxy token could once be
// guessed thousands of times a second. After a few wrong tokens a client
// is told to wait (429), and while it waits even the right token gets it
// nowhere, so guessing gains nothing.
func TestHostileTokenGuessingIsThrottled(t *testing.T) {
	_, cp := hostilePair(t, "--token", "class")
	url := "http://" + cp.Addr + "/static/a"
	statuses := map[int]int{}
	var last *http.Response
	for i := range 50 {
		resp, _ := request(t, "GET", url, "Proxy-Authorization", "Bearer guess"+strconv.Itoa(i))
		statuses[resp.StatusCode]++
		last = resp
	}
	assert.Equal(t, guard.DefaultStrikes, statuses[http.StatusForbidden], "wrong tokens answered 403 before the client is slowed down")
	assert.Equal(t, 50-guard.DefaultStrikes, statuses[http.StatusTooManyRequests])
	retry, err := strconv.Atoi(last.Header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After")
	assert.Positive(t, retry)

	resp, _ := request(t, "GET", url, "Proxy-Authorization", "Bearer class")
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the right token, guessed while throttled, is not confirmed")
	noCrash(t, cp)
}

// TestHostileNoStoreOn304RemovesTheEntry: a 304 carries Cache-Control of
// its own, and a revalidation answered with no-store takes back the
// permission to keep a copy. The client still gets its answer, but the
// shared cache must not keep the entry; the next request goes to the origin.
func TestHostileNoStoreOn304RemovesTheEntry(t *testing.T) {
	_, cp := hostilePair(t)
	url := "http://" + cp.Addr + "/withdrawn/a"
	for i, want := range []string{Miss, Revalidated, Miss} {
		resp, body := request(t, "GET", url)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "resource /withdrawn/a, version 1\n", body)
		assert.Equal(t, want, resp.Header.Get("X-Cache"), "request %d", i+1)
	}
	noCrash(t, cp)
}

// TestHostileBlockClassWithUpperCaseExits2: patterns are matched
// regardless of case by lower-casing pattern and path, and lower-casing a
// character class can change what it means: /[Z-a]x became /[z-a]x, an
// empty range that blocked nothing. Such a pattern is refused at start; a
// class of lower-case letters still blocks every spelling.
func TestHostileBlockClassWithUpperCaseExits2(t *testing.T) {
	bin := filepath.Join(programtest.Build(t, "dsdemo/proxy/cacheproxy"), "cacheproxy")
	for _, pattern := range []string{"/[Z-a]x", "/ads/[A-Z]*", "/[!-_]x", `/[\A]x`, "/[^ÄÖ]x", "/[Ā-ā]x"} {
		t.Run(pattern, func(t *testing.T) {
			_, errOut, code := programtest.Run(t, bin, "--listen", "127.0.0.1:0", "--origin", "http://127.0.0.1:1", "--block", pattern)
			assert.Equal(t, 2, code, errOut)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.Contains(t, errOut, "upper-case")
		})
	}
	_, cp := hostilePair(t, "--block", "/[a-c]ds/*", "--block", "/[0-9]/[^a-z]")
	for _, path := range []string{"/ads/x", "/ADS/x", "/Bds/y", "/7/-"} {
		status, body := rawStatus(t, cp.Addr, "GET "+path+" HTTP/1.1\r\nHost: "+cp.Addr+"\r\nConnection: close\r\n\r\n")
		assert.Contains(t, status, "403", "%s: %q", path, body)
	}
	for _, path := range []string{"/static/a", "/7/x", "/7/X"} {
		status, body := rawStatus(t, cp.Addr, "GET "+path+" HTTP/1.1\r\nHost: "+cp.Addr+"\r\nConnection: close\r\n\r\n")
		assert.NotContains(t, status, "403", "%s: %q", path, body)
	}
}
