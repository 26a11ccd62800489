package proxy

import (
	"container/list"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// entry is one stored response: one variant of one URL.
type entry struct {
	key      string            // the path and query: a proxy has one origin
	vary     map[string]string // the request's values of the headers named by Vary, when it was stored
	status   int
	header   http.Header
	body     []byte
	stored   time.Time     // when the response arrived
	date     time.Time     // its Date header
	ageHdr   time.Duration // its Age header, if a cache before us had it
	lifetime time.Duration
	size     int64
	elem     *list.Element // its place in the LRU list
}

// age is the entry's current age (RFC 9111, 4.2.3), simplified: the larger
// of what its Date and its Age header say, plus the time it has been here.
func (e *entry) age(now time.Time) time.Duration {
	initial := max(e.stored.Sub(e.date), e.ageHdr, 0)
	return initial + now.Sub(e.stored)
}

func (e *entry) fresh(now time.Time) bool { return e.lifetime > e.age(now) }

// usableOnError reports whether stale-if-error lets the entry stand in for
// an origin that fails (RFC 5861).
func (e *entry) usableOnError(now time.Time) bool {
	extra, ok := cacheControl(e.header).seconds("stale-if-error")
	return ok && e.age(now) <= e.lifetime+extra
}

// matches reports whether the entry was stored for a request with the same
// values of the headers its response varies on.
func (e *entry) matches(req *http.Request) bool {
	for name, v := range e.vary {
		if normalised(req.Header.Values(name)) != v {
			return false
		}
	}
	return true
}

func normalised(values []string) string { return strings.TrimSpace(strings.Join(values, ",")) }

// Cache is a shared HTTP cache bounded by bytes: when it is full, the least
// recently used entries go. It is safe for concurrent use.
type Cache struct {
	mu    sync.Mutex // guards every field below
	max   int64
	size  int64
	lru   *list.List          // of *entry, most recently used first
	byKey map[string][]*entry // URL to its variants
}

// NewCache returns an empty cache of at most maxBytes.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, lru: list.New(), byKey: map[string][]*entry{}}
}

// lookup returns the stored variant for req, or nil.
func (c *Cache) lookup(req *http.Request) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.byKey[req.URL.RequestURI()] {
		if e.matches(req) {
			c.lru.MoveToFront(e.elem)
			return e
		}
	}
	return nil
}

// store keeps a complete response, replacing the variant it supersedes.
func (c *Cache) store(req *http.Request, resp *http.Response, body []byte, now time.Time) {
	e := &entry{
		key: req.URL.RequestURI(), vary: map[string]string{}, status: resp.StatusCode,
		header: resp.Header.Clone(), body: body, stored: now, date: dateOf(resp.Header, now),
	}
	e.lifetime, _ = freshness(resp.Header, now)
	if a, err := strconv.Atoi(resp.Header.Get("Age")); err == nil && a > 0 {
		e.ageHdr = time.Duration(a) * time.Second
	}
	for _, line := range resp.Header.Values("Vary") {
		for _, name := range strings.Split(line, ",") {
			if name = http.CanonicalHeaderKey(strings.TrimSpace(name)); name != "" {
				e.vary[name] = normalised(req.Header.Values(name))
			}
		}
	}
	e.size = int64(len(body)) + headerSize(e.header)
	if e.size > c.max {
		return // larger than the whole cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, old := range c.byKey[e.key] {
		if old.matches(req) {
			c.removeLocked(old)
			break
		}
	}
	e.elem = c.lru.PushFront(e)
	c.byKey[e.key] = append(c.byKey[e.key], e)
	c.size += e.size
	for c.size > c.max {
		c.removeLocked(c.lru.Back().Value.(*entry))
	}
}

// refresh takes the headers of a 304 into a stored entry: it is fresh again
// (RFC 9111, 4.3.4).
func (c *Cache) refresh(e *entry, notModified *http.Response, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, values := range notModified.Header {
		if name != "Content-Length" {
			e.header[name] = values
		}
	}
	e.stored, e.date, e.ageHdr = now, dateOf(e.header, now), 0
	e.lifetime, _ = freshness(e.header, now)
}

func (c *Cache) removeLocked(e *entry) {
	if e.elem == nil {
		return
	}
	c.lru.Remove(e.elem)
	e.elem = nil
	c.size -= e.size
	variants := c.byKey[e.key]
	for i, v := range variants {
		if v == e {
			variants = append(variants[:i], variants[i+1:]...)
			break
		}
	}
	if len(variants) == 0 {
		delete(c.byKey, e.key)
	} else {
		c.byKey[e.key] = variants
	}
}

// Stats returns the number of entries and the bytes they take.
func (c *Cache) Stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.size
}

// Keys returns the stored URLs, most recently used first.
func (c *Cache) Keys() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var keys []string
	for el := c.lru.Front(); el != nil; el = el.Next() {
		keys = append(keys, el.Value.(*entry).key)
	}
	return keys
}

// headerSize approximates what a header takes in memory.
func headerSize(h http.Header) int64 {
	var n int64
	for name, values := range h {
		for _, v := range values {
			n += int64(len(name) + len(v) + 4)
		}
	}
	return n
}

// ParseSize reads a size such as "64MiB", "512KiB", "1GiB" or "4096".
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
			if err != nil || n <= 0 {
				break
			}
			return n * u.factor, nil
		}
	}
	return 0, fmt.Errorf("%q is not a size like 64MiB, 512KiB or 4096", s)
}
