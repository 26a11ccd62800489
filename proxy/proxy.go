package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"dsdemo/models/guard"
	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ProxyConfig sets up a caching proxy. Its zero value is a proxy in front
// of http://127.0.0.1:7200, where the origin program listens by default,
// with a cache of 64 MiB.
type ProxyConfig struct {
	Origin    *url.URL // the origin server; nil means http://127.0.0.1:7200
	CacheSize int64    // bytes; 0 means 64 MiB
	// MaxEntry is the largest body the cache keeps, in bytes; 0 means a
	// quarter of CacheSize. A larger answer still reaches its client, it
	// is only not stored.
	MaxEntry int64
	// Block are path patterns (path.Match, e.g. "/private/*") answered with
	// 403; see AddBlock and cachingProxy.blocked for how they match.
	Block   []string
	Allow   []netip.Prefix // client networks let in; empty lets everyone in
	Token   string         // if set, clients must send "Proxy-Authorization: Bearer TOKEN"
	Timeout time.Duration  // how long the origin's answer, body included, may take in protocol time; 0 (or less) means 10 s
}

// defaultOrigin is where the origin program listens unless told otherwise.
var defaultOrigin = &url.URL{Scheme: "http", Host: "127.0.0.1:7200"}

// The Set and Add methods read the cacheproxy program's flags. Each fits
// flag.Func and checks its value at once, together with what is set
// already, so that a bad command line is refused while the flags are read,
// before the program says it is listening.

// SetOrigin reads the origin's URL, such as http://127.0.0.1:7200.
func (c *ProxyConfig) SetOrigin(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("want an http:// URL such as http://127.0.0.1:7200, not %q", s)
	}
	c.Origin = u
	return nil
}

// SetCacheSize reads the cache's size, such as 64MiB (see parseSize).
func (c *ProxyConfig) SetCacheSize(s string) error { return c.setSize(&c.CacheSize, s) }

// SetMaxEntry reads the largest answer the cache keeps, such as 8MiB.
func (c *ProxyConfig) SetMaxEntry(s string) error { return c.setSize(&c.MaxEntry, s) }

func (c *ProxyConfig) setSize(field *int64, s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*field = n
	_, err = c.complete()
	return err
}

// AddBlock adds a path pattern to block (see checkBlockPattern).
func (c *ProxyConfig) AddBlock(pattern string) error {
	if err := checkBlockPattern(pattern); err != nil {
		return err
	}
	c.Block = append(c.Block, pattern)
	return nil
}

// AddAllow adds a network of clients to let in, such as 10.0.0.0/8.
func (c *ProxyConfig) AddAllow(cidr string) error {
	prefix, err := netip.ParsePrefix(cidr)
	if err != nil {
		return fmt.Errorf("want a network such as 10.0.0.0/8 or ::1/128, not %q", cidr)
	}
	c.Allow = append(c.Allow, prefix)
	return nil
}

// complete returns the config with its defaults filled in, or an error
// that names what is wrong with it.
func (c ProxyConfig) complete() (ProxyConfig, error) {
	if c.Origin == nil {
		c.Origin = defaultOrigin
	}
	if c.Origin.Host == "" {
		return c, errors.New("the proxy needs an origin URL with a host")
	}
	if c.CacheSize == 0 {
		c.CacheSize = 64 << 20
	}
	if c.MaxEntry == 0 {
		c.MaxEntry = c.CacheSize / 4
	}
	switch {
	case c.CacheSize < 0:
		return c, fmt.Errorf("the cache size must not be negative, not %d", c.CacheSize)
	case c.MaxEntry < 0 || c.MaxEntry > c.CacheSize:
		return c, fmt.Errorf("the largest entry (%d bytes) must fit into the cache (%d bytes)", c.MaxEntry, c.CacheSize)
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	for _, pattern := range c.Block {
		if err := checkBlockPattern(pattern); err != nil {
			return c, err
		}
	}
	return c, nil
}

// RunProxy is the cacheproxy program: it serves clients on env.Listener
// until ctx ends, in front of cfg.Origin.
func RunProxy(ctx context.Context, env *program.Env, cfg ProxyConfig) error {
	px, err := newCachingProxy(env.Node, cfg)
	if err != nil {
		return program.Usagef("%v", err)
	}
	return httpwire.Serve(ctx, env.Node, env.Listener, px)
}

// cachingProxy is a caching reverse proxy in front of one origin.
type cachingProxy struct {
	node  *wire.Node
	cfg   ProxyConfig
	block []string // cfg.Block in lower case, as they are matched
	cache *sharedCache
	guard guard.Guard // counts wrong proxy tokens per client
	rp    *httputil.ReverseProxy

	hits, misses, revalidated, stale atomic.Int64
	fresh                            freshSlots // which paths' freshness the trace shows (freshness.go)
}

// exchange is what the proxy knows about one request while it forwards it.
type exchange struct {
	in           *http.Request // the client's request, its path resolved
	key          string        // where its answer goes in the cache
	stored       *entry        // a stored variant, fresh or not; nil if none
	revalidating bool          // the request to the origin is conditional on stored
}

type exchangeKey struct{}

// newCachingProxy returns a proxy for node n, or an error that names what is wrong
// with cfg.
func newCachingProxy(n *wire.Node, cfg ProxyConfig) (*cachingProxy, error) {
	cfg, err := cfg.complete()
	if err != nil {
		return nil, err
	}
	p := &cachingProxy{node: n, cfg: cfg, cache: newSharedCache(cfg.CacheSize)}
	for _, pattern := range cfg.Block {
		p.block = append(p.block, strings.ToLower(pattern))
	}
	base := &http.Transport{
		Proxy:               nil, // never a proxy behind the proxy
		DialContext:         (&net.Dialer{Timeout: cfg.Timeout}).DialContext,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      &httpwire.Transport{Node: n, Base: base, Timeout: cfg.Timeout},
		ModifyResponse: p.modify,
		ErrorHandler:   p.fail,
	}
	return p, nil
}

// ServeHTTP answers one client request: access control, filter, cache,
// origin, in that order.
func (p *cachingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if code, why := p.admit(w, r); code != 0 {
		p.refuse(w, code, why)
		return
	}
	if r.URL.Opaque != "" {
		p.refuse(w, http.StatusBadRequest, "the proxy takes a path, not "+r.URL.String())
		return
	}
	u := *r.URL
	if resolved := resolvePath(u.Path); resolved != u.Path {
		u.Path, u.RawPath = resolved, ""
	}
	if pattern, ok := p.blocked(u.Path); ok {
		p.refuse(w, http.StatusForbidden, "blocked by the proxy: "+u.Path+" matches "+pattern)
		return
	}
	x := &exchange{key: cacheKey(r.Host, &u)}
	if r.Method == http.MethodGet && !cacheControl(r.Header).has("no-store") {
		if e := p.cache.lookup(x.key, r); e != nil {
			now := time.Now()
			if e.fresh(now) && !mustRevalidate(r, e.header) {
				p.serveStored(w, r, e, Hit, now)
				p.reportFresh(u.Path, e, now)
				return
			}
			x.stored = e
			x.revalidating = e.header.Get("ETag") != "" || e.header.Get("Last-Modified") != ""
		}
	}
	x.in = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
	x.in.URL = &u
	p.rp.ServeHTTP(w, x.in)
}

func (p *cachingProxy) refuse(w http.ResponseWriter, code int, why string) {
	p.node.Trace.Logf("%d: %s", code, why)
	w.Header().Set(HeaderXCache, Miss)
	http.Error(w, why, code)
}

// rewrite aims the outgoing request at the origin and, when it revalidates
// a stored response, makes it conditional.
//
// Headers that tell the origin where a request came from and which host it
// was for (X-Forwarded-*, Forwarded) are set by the proxy alone. A client's
// own copies never reach the origin: they are not part of the cache key, so
// an origin that believed them would let one client choose the answer every
// later client gets from the cache (cache poisoning). ReverseProxy drops
// the Forwarded, X-Forwarded-For, -Host and -Proto a client sent; the rest
// go here, also when written with underscores, which some servers read as
// dashes. The host SetXForwarded passes on is the client's Host header,
// which is why the cache key holds it (cacheKey).
func (p *cachingProxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.cfg.Origin)
	for name := range pr.Out.Header {
		dashed := strings.ReplaceAll(strings.ToLower(name), "_", "-")
		if dashed == "forwarded" || dashed == "x-real-ip" || strings.HasPrefix(dashed, "x-forwarded-") {
			pr.Out.Header.Del(name)
		}
	}
	pr.SetXForwarded()
	pr.Out.Header.Del("Proxy-Authorization") // meant for us, not the origin
	x := pr.In.Context().Value(exchangeKey{}).(*exchange)
	if x.revalidating {
		if etag := x.stored.header.Get("ETag"); etag != "" {
			pr.Out.Header.Set("If-None-Match", etag)
		}
		if lm := x.stored.header.Get("Last-Modified"); lm != "" {
			pr.Out.Header.Set("If-Modified-Since", lm)
		}
	}
}

// modify handles the origin's answer: a 304 or a failure turns into the
// stored response, a storable answer is kept while it streams to the client.
func (p *cachingProxy) modify(resp *http.Response) error {
	req := resp.Request
	x := req.Context().Value(exchangeKey{}).(*exchange) // ServeHTTP always sets it
	now := time.Now()
	switch {
	case x.revalidating && resp.StatusCode == http.StatusNotModified:
		resp.Body.Close()
		// Stored entries are shared with other requests and never changed:
		// the refreshed copy is a new entry that takes the old one's place.
		// A 304 has a Cache-Control of its own, and one that says no-store
		// or private takes back the permission to keep a copy: the client
		// still gets its answer, but the old entry goes.
		fresh := x.stored.refreshed(resp.Header, now)
		if cc := cacheControl(fresh.header); cc.has("no-store") || cc.has("private") {
			p.cache.remove(x.stored)
			p.node.Trace.Logf("no longer cached: %s %s (the origin's 304 says no-store or private)", req.Method, req.URL.Path)
		} else {
			p.cache.swap(x.stored, fresh)
		}
		cookies := resp.Header.Values("Set-Cookie") // for this client only: not stored
		p.replace(resp, fresh, Revalidated, now)
		p.reportFresh(req.URL.Path, fresh, now)
		for _, c := range cookies {
			resp.Header.Add("Set-Cookie", c)
		}
		return nil
	case x.stored != nil && resp.StatusCode >= 500 && x.stored.usableOnError(now):
		resp.Body.Close()
		p.replace(resp, x.stored, Stale, now)
		return nil
	}
	p.count(Miss)
	resp.Header.Set(HeaderXCache, Miss)
	if ok, why := storable(req, resp); !ok {
		p.node.Trace.Logf("not cached: %s %s (%s)", req.Method, req.URL.Path, why)
		return nil
	}
	if resp.ContentLength > p.cfg.MaxEntry {
		p.node.Trace.Logf("not cached: %s %s (%d bytes, more than the %d an entry may take)", req.Method, req.URL.Path, resp.ContentLength, p.cfg.MaxEntry)
		return nil
	}
	header, vary := storedHeader(resp.Header), varyValues(x.in, resp.Header)
	c := &capture{ReadCloser: resp.Body, cache: p.cache, limit: p.cfg.MaxEntry, want: resp.ContentLength}
	c.done = func(body []byte) {
		e := newEntry(x.key, vary, resp.StatusCode, header, body, now)
		p.cache.store(e, x.in)
		p.report()
		p.reportFresh(req.URL.Path, e, time.Now())
	}
	c.gaveUp = func(why string) {
		p.node.Trace.Logf("not cached: %s %s (%s)", req.Method, req.URL.Path, why)
	}
	if c.want > 0 {
		// The length is known: reserve it whole and never copy twice.
		if !p.cache.reserve(c.want) {
			c.gaveUp("no room in the cache while other answers are on their way in")
			return nil // the answer goes to the client all the same
		}
		c.buf = make([]byte, 0, c.want)
	}
	resp.Body = c
	return nil
}

// replace turns the origin's response into the stored one.
func (p *cachingProxy) replace(resp *http.Response, e *entry, source string, now time.Time) {
	p.count(source)
	resp.StatusCode = e.status
	resp.Status = fmt.Sprintf("%d %s", e.status, http.StatusText(e.status))
	resp.Header = e.header.Clone()
	resp.Header.Set("Age", strconv.Itoa(int(e.age(now).Seconds())))
	resp.Header.Set(HeaderXCache, source)
	resp.Body = io.NopCloser(bytes.NewReader(e.body))
	resp.ContentLength = int64(len(e.body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(e.body)))
	p.report()
}

// fail answers when the origin could not be reached or did not answer in
// time: with the stored response if stale-if-error allows, else 502 or 504.
func (p *cachingProxy) fail(w http.ResponseWriter, r *http.Request, err error) {
	x, _ := r.Context().Value(exchangeKey{}).(*exchange)
	now := time.Now()
	if x != nil && x.stored != nil && x.stored.usableOnError(now) {
		p.node.Trace.Logf("origin failed (%v): serving a stale copy of %s", err, r.URL.Path)
		p.serveStored(w, r, x.stored, Stale, now)
		return
	}
	p.count(Miss)
	code, why := http.StatusBadGateway, "the origin cannot be reached: "+err.Error()
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		code, why = http.StatusGatewayTimeout, "the origin did not answer within "+p.cfg.Timeout.String()
	}
	p.refuse(w, code, why)
}

// serveStored writes a stored response to the client.
func (p *cachingProxy) serveStored(w http.ResponseWriter, r *http.Request, e *entry, source string, now time.Time) {
	p.count(source)
	h := w.Header()
	for name, values := range e.header {
		h[name] = values
	}
	h.Set("Age", strconv.Itoa(int(e.age(now).Seconds())))
	h.Set(HeaderXCache, source)
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		// In pieces: each write must be taken by the client within
		// httpwire.StallTimeout, so a slow but steady client of a large
		// entry is not cut off, while one that stopped reading is.
		for rest := e.body; len(rest) > 0; {
			n := min(len(rest), 64<<10)
			if _, err := w.Write(rest[:n]); err != nil {
				break // the client went away; there is nobody to tell
			}
			rest = rest[n:]
		}
	}
	p.report()
}

func (p *cachingProxy) count(source string) {
	switch source {
	case Hit:
		p.hits.Add(1)
	case Miss:
		p.misses.Add(1)
	case Revalidated:
		p.revalidated.Add(1)
	case Stale:
		p.stale.Add(1)
	}
}

// hitRatio is the share of answers that came from the cache.
func (p *cachingProxy) hitRatio() float64 {
	cached := p.hits.Load() + p.revalidated.Load() + p.stale.Load()
	all := cached + p.misses.Load()
	if all == 0 {
		return 0
	}
	return float64(cached) / float64(all)
}

// report shows the cache in the trace: what it holds and how well it works.
func (p *cachingProxy) report() {
	if p.node.Trace == nil {
		return
	}
	entries, size := p.cache.stats()
	p.node.Trace.State(StateCache, fmt.Sprintf("%d entries, %d bytes", entries, size))
	p.node.Trace.State(StateHitRatio, fmt.Sprintf("%.2f (%d hit, %d revalidated, %d stale, %d miss)",
		p.hitRatio(), p.hits.Load(), p.revalidated.Load(), p.stale.Load(), p.misses.Load()))
	p.reportFill()
}

// capture keeps a copy of a body while it streams to the client, and hands
// it on only when it arrived whole: a body cut off half way (the origin
// closed early) is never stored. The copy's memory is reserved in the cache
// before it is taken, so all copies on their way in and all stored entries
// together never exceed the cache's size; a copy that would is given up
// at once, and the body goes on streaming to the client without it. One
// larger than limit is given up as well.
type capture struct {
	io.ReadCloser
	cache  *sharedCache
	buf    []byte // the copy so far; its capacity is reserved in the cache
	limit  int64  // the most one entry's body may take
	want   int64  // Content-Length, or -1
	done   func(body []byte)
	gaveUp func(why string)
}

func (c *capture) Read(b []byte) (int, error) {
	n, err := c.ReadCloser.Read(b)
	if c.done == nil {
		return n, err // given up, or done
	}
	if n > 0 && c.grow(len(c.buf)+n) {
		c.buf = append(c.buf, b[:n]...)
	}
	if err == io.EOF && c.done != nil {
		if c.want >= 0 && int64(len(c.buf)) != c.want {
			c.giveUp(fmt.Sprintf("%d of %d bytes arrived", len(c.buf), c.want))
		} else {
			done := c.done
			c.done = nil // the cache owns the reservation now
			done(c.buf)
		}
	}
	return n, err
}

// Close gives up a copy that did not arrive whole: the client went away, or
// the origin broke off.
func (c *capture) Close() error {
	if c.done != nil {
		c.giveUp("the answer broke off")
	}
	return c.ReadCloser.Close()
}

// grow makes room for need bytes in the copy, reserving them in the cache
// first; if it may not, it gives the copy up and reports false.
func (c *capture) grow(need int) bool {
	if need <= cap(c.buf) {
		return true
	}
	if int64(need) > c.limit {
		c.giveUp(fmt.Sprintf("more than the %d bytes an entry may take", c.limit))
		return false
	}
	// Doubling keeps copying cheap when the length is not known
	// beforehand; the reservation is for the whole new capacity.
	size := int(min(int64(max(need, 2*cap(c.buf), 4096)), c.limit))
	if !c.cache.reserve(int64(size - cap(c.buf))) {
		c.giveUp("no room in the cache while other answers are on their way in")
		return false
	}
	grown := make([]byte, len(c.buf), size)
	copy(grown, c.buf)
	c.buf = grown
	return true
}

func (c *capture) giveUp(why string) {
	c.cache.release(int64(cap(c.buf)))
	c.buf, c.done = nil, nil
	c.gaveUp(why)
}
