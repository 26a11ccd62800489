package proxy

import (
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// testOrigin is an origin served over loopback for one test.
type testOrigin struct {
	*originServer
	url string
}

func startTestOrigin(t *testing.T, delay time.Duration) *testOrigin {
	o := newOriginServer(delay, wire.NewNode("origin"))
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	return &testOrigin{originServer: o, url: srv.URL}
}

// do sends one request with headers given as name, value pairs and returns
// the response with its body read.
func (o *testOrigin) do(t *testing.T, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	return request(t, method, o.url+path, header...)
}

func TestOriginResources(t *testing.T) {
	o := startTestOrigin(t, 0)
	cases := []struct {
		path, cacheControl string
		header             map[string]string // further headers the answer must carry
	}{
		{"/static/a", "max-age=60", map[string]string{"Last-Modified": ""}},
		{"/etag/a", "no-cache", map[string]string{"ETag": `"v1"`}},
		{"/private/a", "private, max-age=60", nil},
		{"/nostore/a", "no-store", nil},
		{"/vary/a", "max-age=60", map[string]string{"Vary": "Accept-Language"}},
		{"/stale/a", "max-age=1, stale-if-error=600", nil},
		{"/slow/a?ms=0", "max-age=60", nil},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			resp, body := o.do(t, "GET", c.path)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, c.cacheControl, resp.Header.Get("Cache-Control"))
			for name, want := range c.header {
				got := resp.Header.Get(name)
				if want == "" {
					assert.NotEmpty(t, got, name)
				} else {
					assert.Equal(t, want, got, name)
				}
			}
			path, _, _ := strings.Cut(c.path, "?")
			assert.Equal(t, "resource "+path+", version 1\n", body)
			assert.Equal(t, strconv.Itoa(len(body)), resp.Header.Get("Content-Length"))
			assert.NotEmpty(t, resp.Header.Get("Date"))
		})
	}
	t.Run("static is as old as the origin", func(t *testing.T) {
		resp, _ := o.do(t, "GET", "/static/b")
		modified, err := http.ParseTime(resp.Header.Get("Last-Modified"))
		require.NoError(t, err)
		date, err := http.ParseTime(resp.Header.Get("Date"))
		require.NoError(t, err)
		assert.False(t, modified.After(date), "Last-Modified %s after Date %s", modified, date)
		again, _ := o.do(t, "GET", "/static/c")
		assert.Equal(t, resp.Header.Get("Last-Modified"), again.Header.Get("Last-Modified"), "the same for every static resource")
	})
	t.Run("HEAD has the length but no body", func(t *testing.T) {
		resp, body := o.do(t, "HEAD", "/static/a")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, strconv.Itoa(len("resource /static/a, version 1\n")), resp.Header.Get("Content-Length"))
		assert.Empty(t, body)
	})
	t.Run("index lists every resource", func(t *testing.T) {
		resp, body := o.do(t, "GET", "/")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		for _, prefix := range []string{"/static/", "/etag/", "/withdrawn/", "/private/", "/nostore/", "/vary/", "/stale/", "/host/", "/session/", "/big/", "/slow/"} {
			assert.Contains(t, body, prefix+"NAME")
		}
	})
}

// TestOriginCarelessResources checks the resources that play a careless
// origin, for the proxy's defences to be seen against.
func TestOriginCarelessResources(t *testing.T) {
	o := startTestOrigin(t, 0)
	t.Run("big: as many bytes as its name says", func(t *testing.T) {
		resp, body := o.do(t, "GET", "/big/100KiB")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "102400", resp.Header.Get("Content-Length"))
		assert.Len(t, body, 100<<10)
		assert.Equal(t, "max-age=60", resp.Header.Get("Cache-Control"))
	})
	t.Run("host: believes what the request says", func(t *testing.T) {
		host := strings.TrimPrefix(o.url, "http://")
		for _, c := range []struct {
			header []string
			want   string
		}{
			{nil, host},
			{[]string{"X-Forwarded-Host", "a.example"}, "a.example"},
			{[]string{"X-Forwarded-Host", "a.example", "Forwarded", `for=1.2.3.4;host="b.example"`}, "b.example"},
		} {
			_, body := o.do(t, "GET", "/host/a", c.header...)
			assert.Equal(t, "resource /host/a, version 1\nlink: http://"+c.want+"/host/a\n", body)
		}
	})
	t.Run("session: a new cookie for each request", func(t *testing.T) {
		first, _ := o.do(t, "GET", "/session/a")
		second, _ := o.do(t, "GET", "/session/a?public=1")
		assert.Equal(t, "max-age=60", first.Header.Get("Cache-Control"))
		assert.Equal(t, "public, max-age=60", second.Header.Get("Cache-Control"))
		assert.NotEqual(t, first.Header.Get("Set-Cookie"), second.Header.Get("Set-Cookie"))
		assert.True(t, strings.HasPrefix(second.Header.Get("Set-Cookie"), "session="))
	})
}

func TestOriginRevalidation(t *testing.T) {
	o := startTestOrigin(t, 0)
	first, _ := o.do(t, "GET", "/static/a")
	lastModified := first.Header.Get("Last-Modified")
	modified, err := http.ParseTime(lastModified)
	require.NoError(t, err)
	before := modified.Add(-time.Second).Format(http.TimeFormat)

	cases := []struct {
		name, path string
		header     []string
		want       int
	}{
		{"the ETag held", "/etag/a", []string{"If-None-Match", `"v1"`}, http.StatusNotModified},
		{"a weak ETag", "/etag/a", []string{"If-None-Match", `W/"v1"`}, http.StatusNotModified},
		{"one of a list", "/etag/a", []string{"If-None-Match", `"v7", "v1"`}, http.StatusNotModified},
		{"any version", "/etag/a", []string{"If-None-Match", "*"}, http.StatusNotModified},
		{"another ETag", "/etag/a", []string{"If-None-Match", `"v0"`}, http.StatusOK},
		{"not modified since", "/static/a", []string{"If-Modified-Since", lastModified}, http.StatusNotModified},
		{"modified since", "/static/a", []string{"If-Modified-Since", before}, http.StatusOK},
		{"If-None-Match wins over If-Modified-Since", "/static/a", []string{"If-None-Match", `"v1"`, "If-Modified-Since", lastModified}, http.StatusOK},
		{"no validator, no 304", "/private/a", []string{"If-Modified-Since", lastModified}, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := o.do(t, "GET", c.path, c.header...)
			require.Equal(t, c.want, resp.StatusCode)
			if c.want == http.StatusOK {
				assert.NotEmpty(t, body)
				return
			}
			assert.Empty(t, body)
			// A 304 repeats the 200's caching headers, so a cache can
			// update its copy from it.
			full, _ := o.do(t, "GET", c.path)
			for _, name := range []string{"Cache-Control", "ETag", "Last-Modified"} {
				assert.Equal(t, full.Header.Get(name), resp.Header.Get(name), name)
			}
			assert.NotEmpty(t, resp.Header.Get("Date"))
		})
	}
}

func TestOriginBump(t *testing.T) {
	o := startTestOrigin(t, 0)
	t.Run("POST makes a new version", func(t *testing.T) {
		resp, body := o.do(t, "POST", "/etag/a")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "/etag/a is now version 2\n", body)

		resp, body = o.do(t, "GET", "/etag/a", "If-None-Match", `"v1"`)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "the old version is not current any more")
		assert.Equal(t, `"v2"`, resp.Header.Get("ETag"))
		assert.Equal(t, "resource /etag/a, version 2\n", body)
	})
	t.Run("?bump=1 answers with the new version", func(t *testing.T) {
		resp, body := o.do(t, "GET", "/etag/a?bump=1")
		assert.Equal(t, `"v3"`, resp.Header.Get("ETag"))
		assert.Equal(t, "resource /etag/a, version 3\n", body)
	})
	t.Run("each name has its own version", func(t *testing.T) {
		resp, _ := o.do(t, "GET", "/etag/b")
		assert.Equal(t, `"v1"`, resp.Header.Get("ETag"))
		_, body := o.do(t, "GET", "/stale/a?bump=1")
		assert.Equal(t, "resource /stale/a, version 2\n", body)
	})
	t.Run("static never changes", func(t *testing.T) {
		resp, _ := o.do(t, "POST", "/static/a")
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
		resp, body := o.do(t, "GET", "/static/a?bump=1")
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Equal(t, "/static/a never changes: bump a resource of another kind\n", body)
	})
}

func TestOriginVary(t *testing.T) {
	o := startTestOrigin(t, 0)
	for _, c := range []struct{ acceptLanguage, language, body string }{
		{"de", "de", "Ressource /vary/a, Version 1\n"},
		{"de-DE,de;q=0.9,en;q=0.5", "de", "Ressource /vary/a, Version 1\n"},
		{"DE", "de", "Ressource /vary/a, Version 1\n"},
		{"en-GB", "en", "resource /vary/a, version 1\n"},
		{"fr, de;q=0.5", "en", "resource /vary/a, version 1\n"},
		{"", "en", "resource /vary/a, version 1\n"},
	} {
		t.Run(cmp.Or(c.acceptLanguage, "none"), func(t *testing.T) {
			resp, body := o.do(t, "GET", "/vary/a", "Accept-Language", c.acceptLanguage)
			assert.Equal(t, "Accept-Language", resp.Header.Get("Vary"))
			assert.Equal(t, c.language, resp.Header.Get("Content-Language"))
			assert.Equal(t, c.body, body)
		})
	}
}

func TestOriginRefuses(t *testing.T) {
	o := startTestOrigin(t, 0)
	cases := []struct {
		method, path string
		want         int
		allow, body  string
	}{
		{"GET", "/nothing", http.StatusNotFound, "", "nothing at /nothing: GET / lists what this origin has\n"},
		{"GET", "/static/", http.StatusNotFound, "", ""},
		{"GET", "/static/a/b", http.StatusNotFound, "", ""},
		{"GET", "/STATIC/a", http.StatusNotFound, "", ""},
		{"PUT", "/etag/a", http.StatusMethodNotAllowed, "GET, HEAD, POST", "PUT is not allowed on /etag/a: use GET, HEAD, POST\n"},
		{"DELETE", "/static/a", http.StatusMethodNotAllowed, "GET, HEAD", ""},
		{"POST", "/", http.StatusMethodNotAllowed, "GET, HEAD", ""},
		{"GET", "/slow/a?ms=soon", http.StatusBadRequest, "", "ms must be a number of milliseconds, not \"soon\"\n"},
		{"GET", "/big/lots", http.StatusBadRequest, "", "/big/SIZE wants a size up to 1GiB, such as 30MiB, not \"lots\"\n"},
		{"GET", "/big/2GiB", http.StatusBadRequest, "", ""},
		{"POST", "/big/1KiB", http.StatusMethodNotAllowed, "GET, HEAD", ""},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			resp, body := o.do(t, c.method, c.path)
			assert.Equal(t, c.want, resp.StatusCode)
			assert.Equal(t, c.allow, resp.Header.Get("Allow"))
			assert.Equal(t, 1, strings.Count(body, "\n"), "one line: %q", body)
			if c.body != "" {
				assert.Equal(t, c.body, body)
			}
		})
	}
}

func TestOriginWaits(t *testing.T) {
	t.Run("the delay comes before every answer", func(t *testing.T) {
		const delay = 50 * time.Millisecond
		o := startTestOrigin(t, delay)
		for _, path := range []string{"/static/a", "/nothing"} {
			start := time.Now()
			o.do(t, "GET", path)
			assert.GreaterOrEqual(t, time.Since(start), delay, path)
		}
	})
	t.Run("slow waits ?ms= longer", func(t *testing.T) {
		o := startTestOrigin(t, 0)
		start := time.Now()
		resp, _ := o.do(t, "GET", "/slow/a?ms=80")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
	})
	// A client that gives up must not leave the origin waiting: the
	// handler returns at once and the request does not count as served.
	for _, c := range []struct {
		name, path string
		delay      time.Duration
	}{
		{"a client that gives up during the delay", "/static/a", time.Hour},
		{"a client that gives up on slow", "/slow/a", 0}, // 5 s by default
	} {
		t.Run(c.name, func(t *testing.T) {
			o := newOriginServer(c.delay, wire.NewNode("origin"))
			returned := make(chan struct{}, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				o.ServeHTTP(w, r)
				returned <- struct{}{}
			}))
			t.Cleanup(srv.Close)
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+c.path, nil)
			require.NoError(t, err)
			_, err = http.DefaultClient.Do(req)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			select {
			case <-returned:
			case <-time.After(programtest.Patience):
				t.Fatal("the handler still waits after the client left")
			}
			assert.Zero(t, o.served.Load())
		})
	}
}

func TestOriginCountsServed(t *testing.T) {
	o := startTestOrigin(t, 0)
	for _, path := range []string{"/static/a", "/static/a", "/nothing", "/etag/a"} {
		o.do(t, "GET", path)
	}
	o.do(t, "GET", "/etag/a", "If-None-Match", `"v1"`)
	assert.Equal(t, int64(5), o.served.Load(), "every answer counts: hits, 404s and 304s alike")
}
