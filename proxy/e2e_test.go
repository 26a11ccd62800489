package proxy_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/proxy"
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
		assert.Equal(t, proxy.Miss, first)
		assert.Equal(t, proxy.Hit, second)
	})
	t.Run("no-cache with an ETag: revalidated", func(t *testing.T) {
		first, second := twice(t, "/etag/a")
		assert.Equal(t, proxy.Miss, first)
		assert.Equal(t, proxy.Revalidated, second)
	})
	t.Run("private: never stored", func(t *testing.T) {
		first, second := twice(t, "/private/a")
		assert.Equal(t, proxy.Miss, first)
		assert.Equal(t, proxy.Miss, second)
	})
	t.Run("no-store: never stored", func(t *testing.T) {
		first, second := twice(t, "/nostore/a")
		assert.Equal(t, proxy.Miss, first)
		assert.Equal(t, proxy.Miss, second)
	})
	t.Run("Vary: one entry per language", func(t *testing.T) {
		_, _, de := get(t, "/vary/a", "Accept-Language", "de")
		_, _, en := get(t, "/vary/a", "Accept-Language", "en")
		x, _, de2 := get(t, "/vary/a", "Accept-Language", "de")
		assert.NotEqual(t, de, en)
		assert.Equal(t, proxy.Hit, x)
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
		assert.Contains(t, []string{proxy.Stale, proxy.Hit}, x)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, body, stale)
		_, status, msg := get(t, "/static/never-seen")
		assert.Equal(t, http.StatusBadGateway, status)
		assert.True(t, strings.HasPrefix(msg, "the origin cannot be reached"), msg)
	})
}
