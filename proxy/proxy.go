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
	"path"
	"strconv"
	"sync/atomic"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/wire"
)

// The X-Cache values: where an answer came from.
const (
	Hit         = "HIT"         // from the cache, fresh, without asking the origin
	Miss        = "MISS"        // from the origin
	Revalidated = "REVALIDATED" // from the cache, after the origin said 304 Not Modified
	Stale       = "STALE"       // from the cache although stale, because the origin failed
)

// Config sets up a caching proxy.
type Config struct {
	Origin    *url.URL
	CacheSize int64          // bytes; 0 means 64 MiB
	Block     []string       // path patterns (path.Match, e.g. "/private/*") answered with 403
	Allow     []netip.Prefix // client networks let in; empty lets everyone in
	Token     string         // if set, clients must send "Proxy-Authorization: Bearer TOKEN"
	Timeout   time.Duration  // how long to wait for the origin's answer; 0 means 10 s
}

// Proxy is a caching reverse proxy in front of one origin.
type Proxy struct {
	node  *wire.Node
	cfg   Config
	cache *Cache
	rp    *httputil.ReverseProxy

	hits, misses, revalidated, stale atomic.Int64
}

// exchange is what the proxy knows about one request while it forwards it.
type exchange struct {
	stored       *entry // a stored variant, fresh or not; nil if none
	revalidating bool   // the request to the origin is conditional on stored
}

type exchangeKey struct{}

// New returns a proxy for node n.
func New(n *wire.Node, cfg Config) *Proxy {
	if cfg.CacheSize == 0 {
		cfg.CacheSize = 64 << 20
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	p := &Proxy{node: n, cfg: cfg, cache: NewCache(cfg.CacheSize)}
	base := &http.Transport{
		Proxy:                 nil, // never a proxy behind the proxy
		DialContext:           (&net.Dialer{Timeout: cfg.Timeout}).DialContext,
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      &httpwire.Transport{Node: n, Base: base},
		ModifyResponse: p.modify,
		ErrorHandler:   p.fail,
	}
	return p
}

// Cache returns the proxy's cache.
func (p *Proxy) Cache() *Cache { return p.cache }

// ServeHTTP answers one client request: access control, filter, cache,
// origin, in that order.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if code, why := p.admit(r); code != 0 {
		if code == http.StatusProxyAuthRequired {
			w.Header().Set("Proxy-Authenticate", `Bearer realm="dsdemo"`)
		}
		p.refuse(w, code, why)
		return
	}
	for _, pattern := range p.cfg.Block {
		if ok, _ := path.Match(pattern, r.URL.Path); ok {
			p.refuse(w, http.StatusForbidden, "blocked by the proxy: "+r.URL.Path+" matches "+pattern)
			return
		}
	}
	x := &exchange{}
	if r.Method == http.MethodGet && !cacheControl(r.Header).has("no-store") {
		if e := p.cache.lookup(r); e != nil {
			now := time.Now()
			if e.fresh(now) && !mustRevalidate(r, e.header) {
				p.serveStored(w, r, e, Hit, now)
				return
			}
			x.stored = e
			x.revalidating = e.header.Get("ETag") != "" || e.header.Get("Last-Modified") != ""
		}
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x)))
}

// admit checks the client's address and token; code 0 lets it in.
func (p *Proxy) admit(r *http.Request) (code int, why string) {
	if len(p.cfg.Allow) > 0 {
		ap, err := netip.ParseAddrPort(r.RemoteAddr)
		allowed := false
		for _, prefix := range p.cfg.Allow {
			allowed = allowed || (err == nil && prefix.Contains(ap.Addr().Unmap()))
		}
		if !allowed {
			return http.StatusForbidden, "access denied: " + r.RemoteAddr + " is not in an allowed network"
		}
	}
	if p.cfg.Token != "" {
		switch got := r.Header.Get("Proxy-Authorization"); got {
		case "":
			return http.StatusProxyAuthRequired, "this proxy needs Proxy-Authorization: Bearer TOKEN"
		case "Bearer " + p.cfg.Token:
		default:
			return http.StatusForbidden, "access denied: wrong proxy token"
		}
	}
	return 0, ""
}

func (p *Proxy) refuse(w http.ResponseWriter, code int, why string) {
	p.node.Trace.Logf("%d: %s", code, why)
	w.Header().Set("X-Cache", Miss)
	http.Error(w, why, code)
}

// rewrite aims the outgoing request at the origin and, when it revalidates
// a stored response, makes it conditional.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.cfg.Origin)
	pr.SetXForwarded()
	pr.Out.Header.Del("Proxy-Authorization") // meant for us, not the origin
	x, _ := pr.In.Context().Value(exchangeKey{}).(*exchange)
	if x != nil && x.revalidating {
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
func (p *Proxy) modify(resp *http.Response) error {
	req := resp.Request
	x, _ := req.Context().Value(exchangeKey{}).(*exchange)
	now := time.Now()
	switch {
	case x != nil && x.revalidating && resp.StatusCode == http.StatusNotModified:
		resp.Body.Close()
		p.cache.refresh(x.stored, resp, now)
		p.replace(resp, x.stored, Revalidated, now)
		return nil
	case x != nil && x.stored != nil && resp.StatusCode >= 500 && x.stored.usableOnError(now):
		resp.Body.Close()
		p.replace(resp, x.stored, Stale, now)
		return nil
	}
	p.count(Miss)
	resp.Header.Set("X-Cache", Miss)
	if ok, why := storable(req, resp); !ok {
		p.node.Trace.Logf("not cached: %s %s (%s)", req.Method, req.URL.Path, why)
		return nil
	}
	orig := *req // the client's request, for the Vary values
	orig.Header = req.Header.Clone()
	if x != nil && x.revalidating {
		orig.Header.Del("If-None-Match")
		orig.Header.Del("If-Modified-Since")
	}
	resp.Body = &capture{ReadCloser: resp.Body, limit: p.cfg.CacheSize, want: resp.ContentLength, done: func(body []byte) {
		p.cache.store(&orig, resp, body, now)
		p.report()
	}}
	return nil
}

// replace turns the origin's response into the stored one.
func (p *Proxy) replace(resp *http.Response, e *entry, source string, now time.Time) {
	p.count(source)
	resp.StatusCode = e.status
	resp.Status = fmt.Sprintf("%d %s", e.status, http.StatusText(e.status))
	resp.Header = e.header.Clone()
	resp.Header.Set("Age", strconv.Itoa(int(e.age(now).Seconds())))
	resp.Header.Set("X-Cache", source)
	resp.Body = io.NopCloser(bytes.NewReader(e.body))
	resp.ContentLength = int64(len(e.body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(e.body)))
	p.report()
}

// fail answers when the origin could not be reached or did not answer in
// time: with the stored response if stale-if-error allows, else 502 or 504.
func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, err error) {
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
func (p *Proxy) serveStored(w http.ResponseWriter, r *http.Request, e *entry, source string, now time.Time) {
	p.count(source)
	h := w.Header()
	for name, values := range e.header {
		h[name] = values
	}
	h.Set("Age", strconv.Itoa(int(e.age(now).Seconds())))
	h.Set("X-Cache", source)
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write(e.body)
	}
	p.report()
}

func (p *Proxy) count(source string) {
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

// HitRatio is the share of answers that came from the cache.
func (p *Proxy) HitRatio() float64 {
	cached := p.hits.Load() + p.revalidated.Load() + p.stale.Load()
	all := cached + p.misses.Load()
	if all == 0 {
		return 0
	}
	return float64(cached) / float64(all)
}

// report shows the cache in the trace: what it holds and how well it works.
func (p *Proxy) report() {
	if p.node.Trace == nil {
		return
	}
	entries, size := p.cache.Stats()
	p.node.Trace.State("cache", fmt.Sprintf("%d entries, %d bytes", entries, size))
	p.node.Trace.State("hit ratio", fmt.Sprintf("%.2f (%d hit, %d revalidated, %d stale, %d miss)",
		p.HitRatio(), p.hits.Load(), p.revalidated.Load(), p.stale.Load(), p.misses.Load()))
}

// capture keeps a copy of a body while it streams to the client, and hands
// it on only when it arrived whole: a body cut off half way (the origin
// closed early) or one larger than the cache is never stored.
type capture struct {
	io.ReadCloser
	buf   bytes.Buffer
	limit int64
	want  int64 // Content-Length, or -1
	over  bool
	done  func([]byte)
}

func (c *capture) Read(b []byte) (int, error) {
	n, err := c.ReadCloser.Read(b)
	if !c.over {
		if int64(c.buf.Len()+n) > c.limit {
			c.over = true
			c.buf = bytes.Buffer{}
		} else {
			c.buf.Write(b[:n])
		}
	}
	if err == io.EOF && !c.over && c.done != nil && (c.want < 0 || int64(c.buf.Len()) == c.want) {
		c.done(bytes.Clone(c.buf.Bytes()))
		c.done = nil
	}
	return n, err
}
