package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
)

// TestProxyProcesses runs the real origin and cache proxy programs and
// checks each caching rule over TCP, as a student with curl would.
func TestProxyProcesses(t *testing.T) {
	dir := programtest.Build(t, "dsdemo/proxy/origin", "dsdemo/proxy/cacheproxy")
	origin := programtest.StartServer(t, filepath.Join(dir, "origin"), "--listen", "127.0.0.1:0")
	cp := programtest.StartServer(t, filepath.Join(dir, "cacheproxy"), "--listen", "127.0.0.1:0",
		"--origin", "http://"+origin.Addr, "--block", "/blocked/*", "--cache-size", "1MiB")
	base := "http://" + cp.Addr

	get := func(t *testing.T, path string, header ...string) (xcache string, status int, body string) {
		t.Helper()
		resp, body := request(t, "GET", base+path, header...)
		return resp.Header.Get("X-Cache"), resp.StatusCode, body
	}
	twice := func(t *testing.T, path string, header ...string) (first, second string) {
		first, _, _ = get(t, path, header...)
		second, _, _ = get(t, path, header...)
		return first, second
	}

	t.Run("max-age: the second answer is a hit", func(t *testing.T) {
		first, second := twice(t, "/static/a")
		assert.Equal(t, Miss, first)
		assert.Equal(t, Hit, second)
	})
	t.Run("no-cache with an ETag: revalidated", func(t *testing.T) {
		first, second := twice(t, "/etag/a")
		assert.Equal(t, Miss, first)
		assert.Equal(t, Revalidated, second)
	})
	t.Run("private: never stored", func(t *testing.T) {
		first, second := twice(t, "/private/a")
		assert.Equal(t, Miss, first)
		assert.Equal(t, Miss, second)
	})
	t.Run("no-store: never stored", func(t *testing.T) {
		first, second := twice(t, "/nostore/a")
		assert.Equal(t, Miss, first)
		assert.Equal(t, Miss, second)
	})
	t.Run("Vary: one entry per language", func(t *testing.T) {
		_, _, de := get(t, "/vary/a", "Accept-Language", "de")
		_, _, en := get(t, "/vary/a", "Accept-Language", "en")
		x, _, de2 := get(t, "/vary/a", "Accept-Language", "de")
		assert.NotEqual(t, de, en)
		assert.Equal(t, Hit, x)
		assert.Equal(t, de, de2)
	})
	t.Run("a blocked path never reaches the origin", func(t *testing.T) {
		_, status, body := get(t, "/blocked/x")
		assert.Equal(t, http.StatusForbidden, status)
		assert.Contains(t, body, "blocked by the proxy")
	})
	t.Run("bad input gets a clear status and the proxy goes on", func(t *testing.T) {
		raw := func(request string) string {
			conn, err := net.Dial("tcp", cp.Addr)
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(programtest.Patience)))
			_, err = io.WriteString(conn, request)
			require.NoError(t, err)
			status, err := bufio.NewReader(conn).ReadString('\n')
			require.NoError(t, err)
			return status
		}
		assert.Contains(t, raw("NONSENSE\r\n\r\n"), "400 Bad Request")
		huge := "GET /static/a HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 200<<10) + "\r\n\r\n"
		assert.Contains(t, raw(huge), "431 Request Header Fields Too Large")
		_, status, _ := get(t, "/static/a")
		assert.Equal(t, http.StatusOK, status, "still serving")
	})
	t.Run("stale-if-error masks the origin's crash, others get 502", func(t *testing.T) {
		_, _, body := get(t, "/stale/a")
		require.NoError(t, origin.Cmd.Process.Kill())
		origin.Wait(t)
		x, status, stale := get(t, "/stale/a")
		// max-age=1: within the first second the copy is still fresh.
		assert.Contains(t, []string{Stale, Hit}, x)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, body, stale)
		_, status, msg := get(t, "/static/never-seen")
		assert.Equal(t, http.StatusBadGateway, status)
		assert.True(t, strings.HasPrefix(msg, "the origin cannot be reached"), msg)
	})
}

// TestLoadFailsWhenItsRequestsFail: a load run whose requests fail says
// so in its exit code and names how many failed and the first reason, so
// that a script (or make bench) cannot take a run that measured errors for
// a measurement (issue 23).
func TestLoadFailsWhenItsRequestsFail(t *testing.T) {
	dir := programtest.Build(t, "dsdemo/proxy/origin", "dsdemo/proxy/cacheproxy", "dsdemo/proxy/load")
	load := filepath.Join(dir, "load")

	t.Run("a dead address", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		dead := ln.Addr().String()
		require.NoError(t, ln.Close()) // nobody listens there now
		out, errOut, code := programtest.Run(t, load, "--url", "http://"+dead, "-n", "20", "-c", "2")
		assert.Equal(t, 1, code, errOut)
		assert.Contains(t, out, " 20 errors")
		assert.Regexp(t, `^load: all 20 requests failed; the first: .*connection refused\n$`, errOut)
	})

	origin := programtest.StartServer(t, filepath.Join(dir, "origin"), "--listen", "127.0.0.1:0")
	cp := programtest.StartServer(t, filepath.Join(dir, "cacheproxy"), "--listen", "127.0.0.1:0", "--origin", "http://"+origin.Addr)
	url := "http://" + cp.Addr
	resp, _ := request(t, "GET", url+"/static/k0") // stored, fresh for 60 s
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, origin.Cmd.Process.Kill())
	origin.Wait(t)

	t.Run("a proxy whose origin is gone", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, load, "--url", url, "-n", "20", "-c", "2", "--path-prefix", "/static/never-seen-")
		assert.Equal(t, 1, code, errOut)
		assert.Contains(t, out, " 20 errors")
		assert.Regexp(t, `^load: all 20 requests failed; the first: GET /static/never-seen-\d+: 502 Bad Gateway\n$`, errOut)
	})
	// Of four resources one is in the cache: about three in four requests fail.
	t.Run("more than --max-failed failed", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, load, "--url", url, "-n", "200", "--keys", "4", "--zipf", "0")
		assert.Equal(t, 1, code, errOut)
		m := regexp.MustCompile(`(\d+) errors`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		assert.Regexp(t, `^load: `+m[1]+` of 200 requests failed, more than --max-failed 0.5 allows; the first: GET /static/k[123]: 502 Bad Gateway\n$`, errOut)
	})
	t.Run("within --max-failed", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, load, "--url", url, "-n", "200", "--keys", "4", "--zipf", "0", "--max-failed", "0.9")
		assert.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "200 requests")
		assert.Empty(t, errOut)
	})
	t.Run("--max-failed out of range: exit 2", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, load, "--url", url, "--max-failed", "1.5")
		assert.Equal(t, 2, code)
		assert.Equal(t, "load: --max-failed must be a share from 0 to 1, not 1.5\n", errOut)
	})
}

// TestCacheProxyRefusesBadFlagsBeforeListening: a command line the proxy
// cannot run with is refused with one line and exit 2, before it prints
// "listening on": a launcher or a student must not believe it started.
func TestCacheProxyRefusesBadFlagsBeforeListening(t *testing.T) {
	bin := filepath.Join(programtest.Build(t, "dsdemo/proxy/cacheproxy"), "cacheproxy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--origin", "ftp://127.0.0.1:7200"}, `invalid value "ftp://127.0.0.1:7200" for flag -origin: want an http:// URL`},
		{[]string{"--origin", "127.0.0.1:7200"}, `for flag -origin: want an http:// URL`},
		{[]string{"--cache-size", "lots"}, `for flag -cache-size: "lots" is not a size`},
		{[]string{"--cache-size", "1MiB", "--max-entry", "2MiB"}, "for flag -max-entry: the largest entry (2097152 bytes) must fit into the cache (1048576 bytes)"},
		{[]string{"--max-entry", "2MiB", "--cache-size", "1MiB"}, "for flag -cache-size: the largest entry (2097152 bytes) must fit into the cache (1048576 bytes)"},
		{[]string{"--max-entry", "65MiB"}, "must fit into the cache (67108864 bytes)"},
		{[]string{"--allow", "10.0.0.0"}, `for flag -allow: want a network such as 10.0.0.0/8`},
		{[]string{"--block", "ads/*"}, "must start with /"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, code := programtest.Run(t, bin, append([]string{"--listen", "127.0.0.1:0"}, c.args...)...)
			assert.Equal(t, 2, code, errOut)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.Contains(t, errOut, c.want)
			assert.Empty(t, out, "the program said it was listening, then failed")
		})
	}
	t.Run("without --origin: the origin's default address", func(t *testing.T) {
		programtest.StartServer(t, bin, "--listen", "127.0.0.1:0")
	})
}

// TestOriginProgram runs the origin as a real process: its command line,
// its answers over TCP, its "served" state in the trace, and its shutdown.
func TestOriginProgram(t *testing.T) {
	bin := filepath.Join(programtest.Build(t, "dsdemo/proxy/origin"), "origin")
	rec := programtest.NewRecorder(t)
	const delay = 30 * time.Millisecond
	srv := programtest.StartServer(t, bin, "--listen", "127.0.0.1:0", "--delay", delay.String(), "--trace", rec.Addr())
	o := &testOrigin{url: "http://" + srv.Addr}

	start := time.Now()
	resp, body := o.do(t, "GET", "/static/a")
	assert.GreaterOrEqual(t, time.Since(start), delay, "--delay")
	assert.Equal(t, "max-age=60", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "resource /static/a, version 1\n", body)
	assert.Equal(t, "origin", resp.Header.Get("Dsdemo-From"), "the answer went through httpwire")
	resp, _ = o.do(t, "GET", "/static/a", "If-Modified-Since", resp.Header.Get("Last-Modified"))
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)

	served := func(value string) func(trace.Event) bool {
		return func(ev trace.Event) bool {
			return ev.Kind == trace.KindState && ev.Key == "served" && ev.Value == value
		}
	}
	rec.WaitFor(t, `state served=2`, programtest.Has(served("2")))
	events := rec.All()
	assert.Equal(t, trace.KindHello, events[0].Kind)
	assert.Equal(t, "proxy", events[0].Model)
	assert.Equal(t, srv.Addr, events[0].Listen)

	t.Run("SIGTERM while a request waits: exit 0", func(t *testing.T) {
		status := make(chan int, 1) // 0: no answer at all
		go func() {
			resp, err := http.Get(o.url + "/slow/a?ms=600000")
			if err != nil {
				status <- 0
				return
			}
			resp.Body.Close()
			status <- resp.StatusCode
		}()
		rec.WaitFor(t, "the slow request to arrive", programtest.Has(programtest.Msg(trace.KindRecv, "origin", "GET /slow/a")))
		require.NoError(t, srv.Cmd.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, 0, srv.Wait(t))
		assert.NotEqual(t, http.StatusOK, <-status, "the slow request is not answered as if it had been served")
	})
	t.Run("bad --delay: one line, exit 2, and no listening on", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, bin, "--listen", "127.0.0.1:0", "--delay", "-1s")
		assert.Equal(t, 2, code)
		assert.Equal(t, `origin: invalid value "-1s" for flag -delay: a delay must not be negative, not -1s (see --help)`+"\n", errOut)
		assert.Empty(t, out, "the program said it was listening, then failed")
	})
}

var loadLine = regexp.MustCompile(`^(\d+) requests in [\d.]+s: \d+ req/s, p50 \S+, p99 \S+, (\d+) errors, hit ratio 0\.00 \(0 hit, 0 miss, 0 revalidated, 0 stale\)$`)

// TestLoadProgram runs the load program against a real origin process.
func TestLoadProgram(t *testing.T) {
	dir := programtest.Build(t, "dsdemo/proxy/origin", "dsdemo/proxy/load")
	bin := filepath.Join(dir, "load")
	origin := programtest.StartServer(t, filepath.Join(dir, "origin"), "--listen", "127.0.0.1:0")
	url := "http://" + origin.Addr

	t.Run("a run", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, bin, "--url", url, "-c", "3", "-n", "200", "--keys", "5", "--zipf", "0")
		require.Equal(t, 0, code, errOut)
		m := loadLine.FindStringSubmatch(strings.TrimSpace(out))
		require.NotNil(t, m, "output %q", out)
		assert.Equal(t, "200", m[1])
		assert.Equal(t, "0", m[2])
	})
	t.Run("every request failed: exit 1", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, bin, "--url", url, "-n", "10", "--path-prefix", "/missing/")
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "10 errors")
		assert.Regexp(t, `^load: all 10 requests failed; the first: GET /missing/\d+: 404 Not Found\n$`, errOut)
	})
	t.Run("bad flag value: exit 2", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, bin, "--zipf", "0.5")
		assert.Equal(t, 2, code)
		assert.Equal(t, "load: --zipf must be above 1 (or 0 for uniform), not 0.5\n", errOut)
	})
}
