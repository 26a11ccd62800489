package proxy

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// OriginConfig sets up the origin program.
type OriginConfig struct {
	// Delay is how long the origin waits before every answer, as a slow or
	// distant server would; 0 (or less) answers at once.
	Delay time.Duration
}

// SetDelay reads the origin program's --delay, a duration such as 300ms
// that is not negative. It fits flag.Func, so a bad value is refused while
// the flags are read, before the program says it is listening.
func (c *OriginConfig) SetDelay(s string) error {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return fmt.Errorf("want a duration such as 300ms, not %q", s)
	case d < 0:
		return fmt.Errorf("a delay must not be negative, not %s", d)
	}
	c.Delay = d
	return nil
}

// RunOrigin is the origin program: it serves the origin's resources on
// env.Listener until ctx ends.
func RunOrigin(ctx context.Context, env *program.Env, cfg OriginConfig) error {
	return httpwire.Serve(ctx, env.Node, env.Listener, newOriginServer(cfg.Delay, env.Node))
}

// originServer is the server behind the proxy: the one that owns the resources.
// Each kind of resource answers with different caching headers, so that a
// student can watch the proxy follow each rule. Its answers are small texts
// naming the resource and its version, so a test can tell an old copy from
// a new one:
//
//	GET /etag/a     200  ETag: "v1"  Cache-Control: no-cache
//	                     resource /etag/a, version 1
//	POST /etag/a    200  /etag/a is now version 2
//
// Every resource can be changed (POST, or GET with ?bump=1) except those
// under /static/, which never change: that is what their fixed
// Last-Modified date promises; and /big/, whose name is its size.
//
// Some resources play a careless origin on purpose, so that the proxy's
// defences can be seen at work: /host/ believes whatever host a request
// claims, /session/ starts a session in an answer it lets caches keep.
type originServer struct {
	delay    time.Duration
	node     *wire.Node // whose trace hears how many requests it served
	started  time.Time  // the Last-Modified date of every /static/ resource
	served   atomic.Int64
	sessions atomic.Int64 // the last session number /session/ handed out

	mu       sync.Mutex     // guards versions
	versions map[string]int // path to its current version; a path not in it is at version 1
}

// newOriginServer returns an origin that waits delay before each answer,
// as a slow server far away would, and reports to node's trace how many
// requests it has served.
func newOriginServer(delay time.Duration, node *wire.Node) *originServer {
	// Last-Modified has a resolution of one second: truncating keeps the
	// date a client sends back in If-Modified-Since equal to ours.
	return &originServer{delay: delay, node: node, started: time.Now().UTC().Truncate(time.Second), versions: map[string]int{}}
}

// originResource is one kind of resource: every path prefix+NAME is one,
// NAME being any single path segment.
type originResource struct {
	prefix    string
	about     string // its line in the index at /
	changes   bool   // POST or ?bump=1 makes a new version
	represent func(o *originServer, r *http.Request, a *originAnswer) error
}

// originResources are what the origin offers, in the order the index lists them.
var originResources = []originResource{
	{"/static/", "max-age=60 + fixed Last-Modified: fresh 60 s, then If-Modified-Since; never changes", false,
		func(o *originServer, _ *http.Request, a *originAnswer) error {
			a.header.Set("Cache-Control", "max-age=60")
			a.header.Set("Last-Modified", o.started.Format(http.TimeFormat))
			return nil
		}},
	{"/etag/", `ETag "vN" + no-cache: may be stored, but revalidated every time (If-None-Match, 304)`, true,
		func(_ *originServer, _ *http.Request, a *originAnswer) error {
			a.header.Set("ETag", `"v`+strconv.Itoa(a.version)+`"`)
			a.header.Set("Cache-Control", "no-cache")
			return nil
		}},
	{"/withdrawn/", `ETag "vN" + no-cache, but its 304 says no-store: a revalidation that takes back the permission to keep a copy`, true,
		func(_ *originServer, r *http.Request, a *originAnswer) error {
			a.header.Set("ETag", `"v`+strconv.Itoa(a.version)+`"`)
			a.header.Set("Cache-Control", "no-cache")
			if a.notModified(r) {
				a.header.Set("Cache-Control", "no-store")
			}
			return nil
		}},
	{"/private/", "private, max-age=60: only the user's own cache may keep it, never a shared proxy", true,
		func(_ *originServer, _ *http.Request, a *originAnswer) error {
			a.header.Set("Cache-Control", "private, max-age=60")
			return nil
		}},
	{"/nostore/", "no-store: no cache may keep a copy", true,
		func(_ *originServer, _ *http.Request, a *originAnswer) error {
			a.header.Set("Cache-Control", "no-store")
			return nil
		}},
	{"/vary/", "Vary: Accept-Language, max-age=60: German for de, else English; a copy per language", true,
		func(_ *originServer, r *http.Request, a *originAnswer) error {
			a.header.Set("Cache-Control", "max-age=60")
			a.header.Set("Vary", "Accept-Language")
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "de") {
				a.header.Set("Content-Language", "de")
				a.body = fmt.Sprintf("Ressource %s, Version %d\n", r.URL.Path, a.version)
			} else {
				a.header.Set("Content-Language", "en")
			}
			return nil
		}},
	{"/stale/", "max-age=1, stale-if-error=600: stale after 1 s, still usable 10 min if the origin fails", true,
		func(_ *originServer, _ *http.Request, a *originAnswer) error {
			a.header.Set("Cache-Control", "max-age=1, stale-if-error=600")
			return nil
		}},
	{"/host/", "max-age=60, names the host it was asked as (Forwarded, X-Forwarded-Host or Host): a naive origin that trusts them", true,
		func(_ *originServer, r *http.Request, a *originAnswer) error {
			a.header.Set("Cache-Control", "max-age=60")
			a.body += "link: http://" + requestedHost(r) + r.URL.Path + "\n"
			return nil
		}},
	{"/session/", "Set-Cookie: session=N, max-age=60 (?public=1 adds public): a login a shared cache must not hand on", true,
		func(o *originServer, r *http.Request, a *originAnswer) error {
			cc := "max-age=60"
			if r.URL.Query().Get("public") == "1" {
				cc = "public, max-age=60"
			}
			a.header.Set("Cache-Control", cc)
			a.header.Set("Set-Cookie", "session="+strconv.FormatInt(o.sessions.Add(1), 10)+"; Path=/; HttpOnly")
			return nil
		}},
	{"/big/", "max-age=60, NAME is a size (/big/30MiB, at most 1GiB): a large answer, streamed", false,
		func(_ *originServer, r *http.Request, a *originAnswer) error {
			name := strings.TrimPrefix(r.URL.Path, "/big/")
			n, err := parseSize(name)
			if err != nil || n > maxBig {
				*a = originText(http.StatusBadRequest, "/big/SIZE wants a size up to 1GiB, such as 30MiB, not %q", name)
				return nil
			}
			a.header.Set("Cache-Control", "max-age=60")
			a.filler = n
			return nil
		}},
	{"/slow/", "max-age=60, answered ?ms= milliseconds later (default 5000): an origin that hangs", true,
		func(_ *originServer, r *http.Request, a *originAnswer) error {
			ms := 5000
			if v := r.URL.Query().Get("ms"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					*a = originText(http.StatusBadRequest, "ms must be a number of milliseconds, not %q", v)
					return nil
				}
				ms = n
			}
			a.header.Set("Cache-Control", "max-age=60")
			return originWait(r.Context(), time.Duration(ms)*time.Millisecond)
		}},
}

// originAnswer is an answer decided but not yet sent: the origin first
// decides, then waits out its delay, then writes.
type originAnswer struct {
	status  int
	header  http.Header
	body    string
	filler  int64 // if not 0, the body is this many bytes of filler instead, written piece by piece
	version int
}

// maxBig is the largest /big/ answer: enough to overflow any cache of the
// demo, little enough that no mistyped size keeps a client busy for long.
const maxBig = 1 << 30

// fillerChunk is what a /big/ answer repeats: lines of text, so that a
// student who fetches one with curl sees something readable.
var fillerChunk = []byte(strings.Repeat(strings.Repeat("x", 63)+"\n", 512))

// requestedHost is the host the client says it asked for, as many web
// applications work it out to build their links: the host= of a Forwarded
// header (RFC 7239, the standard one) first, then a proxy's
// X-Forwarded-Host, then Host. An origin may trust these only because a
// proxy in front of it replaces whatever a client sent in them.
func requestedHost(r *http.Request) string {
	for _, element := range strings.Split(r.Header.Get("Forwarded"), ";") {
		if name, value, ok := strings.Cut(strings.TrimSpace(element), "="); ok && strings.EqualFold(name, "host") {
			return strings.Trim(value, `"`)
		}
	}
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		return h
	}
	return r.Host
}

// originText is a plain one-line answer, for the index and for errors.
func originText(status int, format string, args ...any) originAnswer {
	return originAnswer{status: status, header: http.Header{}, body: fmt.Sprintf(format, args...) + "\n"}
}

// ServeHTTP answers one request, after the origin's delay.
func (o *originServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, err := o.answer(r)
	if err == nil {
		err = originWait(r.Context(), o.delay)
	}
	if err != nil {
		// The client left, or the origin is stopping: whoever still
		// listens learns why; the request does not count as served.
		a = originText(http.StatusServiceUnavailable, "the origin gave up on this request: %v", err)
		a.write(w, r)
		return
	}
	a.write(w, r)
	o.node.Trace.State(StateServed, strconv.FormatInt(o.served.Add(1), 10))
}

// answer routes the request to its resource and decides the answer. An
// error means the request ended before the answer was ready.
func (o *originServer) answer(r *http.Request) (originAnswer, error) {
	if r.URL.Path == "/" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return originNotAllowed(r, "GET, HEAD"), nil
		}
		return o.index(), nil
	}
	res, ok := findOriginResource(r.URL.Path)
	if !ok {
		return originText(http.StatusNotFound, "nothing at %s: GET / lists what this origin has", r.URL.Path), nil
	}
	bump := r.URL.Query().Get("bump") == "1"
	switch {
	case r.Method == http.MethodPost && res.changes:
		return originText(http.StatusOK, "%s is now version %d", r.URL.Path, o.bump(r.URL.Path)), nil
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		allow := "GET, HEAD"
		if res.changes {
			allow += ", POST"
		}
		return originNotAllowed(r, allow), nil
	case bump && !res.changes:
		return originText(http.StatusBadRequest, "%s never changes: bump a resource of another kind", r.URL.Path), nil
	}

	a := originAnswer{status: http.StatusOK, header: http.Header{}}
	if bump {
		a.version = o.bump(r.URL.Path)
	} else {
		a.version = o.version(r.URL.Path)
	}
	a.body = fmt.Sprintf("resource %s, version %d\n", r.URL.Path, a.version)
	if err := res.represent(o, r, &a); err != nil {
		return a, err
	}
	if a.status == http.StatusOK && a.notModified(r) {
		a.status = http.StatusNotModified
	}
	return a, nil
}

// findOriginResource finds the kind of resource a path names: a known
// prefix followed by exactly one non-empty segment.
func findOriginResource(path string) (originResource, bool) {
	for _, res := range originResources {
		name, ok := strings.CutPrefix(path, res.prefix)
		if ok && name != "" && !strings.Contains(name, "/") {
			return res, true
		}
	}
	return originResource{}, false
}

func originNotAllowed(r *http.Request, allow string) originAnswer {
	a := originText(http.StatusMethodNotAllowed, "%s is not allowed on %s: use %s", r.Method, r.URL.Path, allow)
	a.header.Set("Allow", allow)
	return a
}

// index lists the resources with what their headers tell a cache.
func (o *originServer) index() originAnswer {
	var b strings.Builder
	b.WriteString("This origin's resources (NAME is any word; POST or ?bump=1 makes a new version):\n")
	for _, res := range originResources {
		fmt.Fprintf(&b, "  %-16s %s\n", res.prefix+"NAME", res.about)
	}
	if o.delay > 0 {
		fmt.Fprintf(&b, "Every answer takes %s longer.\n", o.delay)
	}
	return originAnswer{status: http.StatusOK, header: http.Header{}, body: b.String()}
}

func (o *originServer) version(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return max(o.versions[path], 1)
}

// bump makes a new version of the resource at path and returns its number.
func (o *originServer) bump(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.versions[path] = max(o.versions[path], 1) + 1
	return o.versions[path]
}

// notModified evaluates the request's conditions against the answer's
// validators (RFC 9110, 13.1): If-None-Match wins over If-Modified-Since,
// and ETags are compared weakly, as a GET allows.
func (a *originAnswer) notModified(r *http.Request) bool {
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		etag := strings.TrimPrefix(a.header.Get("ETag"), "W/")
		for tag := range strings.SplitSeq(strings.Join(inm, ","), ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || (etag != "" && tag == etag) {
				return true
			}
		}
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	if err != nil {
		return false
	}
	modified, err := http.ParseTime(a.header.Get("Last-Modified"))
	return err == nil && !modified.After(since)
}

// write sends the answer. A 304 carries the same header as the 200 would
// (a cache updates its copy from it) but no body; net/http then leaves out
// Content-Length, as RFC 9110 allows. The server adds Date by itself.
func (a *originAnswer) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for name, values := range a.header {
		h[name] = values
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	size := int64(len(a.body))
	if a.filler > 0 {
		size = a.filler
	}
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(a.status)
	if r.Method == http.MethodHead || a.status == http.StatusNotModified {
		return
	}
	// The client may have gone; there is nobody to tell.
	if a.filler == 0 {
		_, _ = w.Write([]byte(a.body))
		return
	}
	for left := a.filler; left > 0; {
		n := min(left, int64(len(fillerChunk)))
		if _, err := w.Write(fillerChunk[:n]); err != nil {
			return
		}
		left -= n
	}
}

// originWait waits d, or less if ctx ends first, so that a request whose
// client went away does not keep a goroutine waiting.
func originWait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
