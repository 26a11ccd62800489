package proxy

import (
	"container/list"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// entry is one stored response: one variant of one URL. Once it is in the
// cache, other requests read it without the cache's lock, so an entry is
// never changed after it was made: a 304 that refreshes it makes a new one
// (refreshed), which takes the old one's place. Only elem, its place in the
// LRU list, changes, and only under the cache's lock.
type entry struct {
	key      string            // the host the client asked for, and the path and query
	vary     map[string]string // the request's values of the headers named by Vary, when it was stored
	status   int
	header   http.Header // never changed; each value slice is full (cap == len), so an append copies
	body     []byte
	stored   time.Time     // when the response arrived
	date     time.Time     // its Date header
	ageHdr   time.Duration // its Age header, if a cache before us had it
	lifetime time.Duration
	size     int64 // what it takes in the cache: its body's capacity and its header
	elem     *list.Element
}

// newEntry makes the entry for a response that arrived at now: header is
// the response's own, without Set-Cookie (storedHeader).
func newEntry(key string, vary map[string]string, status int, header http.Header, body []byte, now time.Time) *entry {
	e := &entry{key: key, vary: vary, status: status, header: header, body: body, stored: now, date: dateOf(header, now)}
	e.lifetime, _ = freshness(header, now)
	if a, ok := deltaSeconds(header.Get("Age")); ok {
		e.ageHdr = a
	}
	e.size = int64(cap(body)) + headerSize(header)
	return e
}

// storedHeader is what a cache keeps of a response's header: all of it but
// Set-Cookie, which belongs to the one client the response was for and is
// never handed to another.
func storedHeader(h http.Header) http.Header {
	kept := h.Clone() // Clone makes every value slice full
	delete(kept, "Set-Cookie")
	return kept
}

// refreshed returns a new entry: e's response with the header of a 304 for
// it taken in, fresh again (RFC 9111, 4.3.4). e itself is not touched.
func (e *entry) refreshed(notModified http.Header, now time.Time) *entry {
	merged := maps.Clone(e.header)
	for name, values := range storedHeader(notModified) {
		if name != "Content-Length" {
			merged[name] = values
		}
	}
	return newEntry(e.key, e.vary, e.status, merged.Clone(), e.body, now)
}

// age is the entry's current age (RFC 9111, 4.2.3), simplified: the larger
// of what its Date and its Age header say, plus the time it has been here.
// A Date far in the past must not make the sum overflow into a negative
// age, which would keep the entry fresh for ever: the first part is capped.
func (e *entry) age(now time.Time) time.Duration {
	initial := min(max(e.stored.Sub(e.date), e.ageHdr, 0), maxDelta)
	return initial + max(now.Sub(e.stored), 0)
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

// varyValues are the request's values of the headers a response names in
// its Vary header: what a later request must send alike to get the copy.
func varyValues(req *http.Request, resp http.Header) map[string]string {
	vary := map[string]string{}
	for _, line := range resp.Values("Vary") {
		for _, name := range strings.Split(line, ",") {
			if name = http.CanonicalHeaderKey(strings.TrimSpace(name)); name != "" {
				vary[name] = normalised(req.Header.Values(name))
			}
		}
	}
	return vary
}

// cacheKey is where the cache keeps the answer to a request for host and
// u: the host the client asked for, then the path and the query. A proxy
// has one origin, but the origin may answer differently for each host (it
// learns the host from X-Forwarded-Host), so an answer for one host must
// never be served for another: a client that claims a host of its own only
// fills its own slot.
func cacheKey(host string, u *url.URL) string {
	return strings.ToLower(host) + u.RequestURI()
}

// sharedCache is a shared HTTP cache bounded by bytes: when it is full, the least
// recently used entries go. Bodies still arriving, which may be stored once
// they are complete, count against the same bound (reserve), so the cache
// with everything on its way into it never holds more than its size. It is
// safe for concurrent use.
type sharedCache struct {
	mu      sync.Mutex // guards every field below, and each entry's elem
	max     int64
	size    int64               // of the stored entries
	pending int64               // reserved for bodies on their way in
	lru     *list.List          // of *entry, most recently used first
	byKey   map[string][]*entry // cache key to its variants
}

// newSharedCache returns an empty cache of at most maxBytes.
func newSharedCache(maxBytes int64) *sharedCache {
	return &sharedCache{max: maxBytes, lru: list.New(), byKey: map[string][]*entry{}}
}

// lookup returns the variant stored under key for req, or nil.
func (c *sharedCache) lookup(key string, req *http.Request) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.byKey[key] {
		if e.matches(req) {
			c.lru.MoveToFront(e.elem)
			return e
		}
	}
	return nil
}

// reserve sets n bytes aside for a body on its way in, making room by
// evicting the least recently used entries. It fails, and sets nothing
// aside, when the bodies already on their way leave no room.
func (c *sharedCache) reserve(n int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n < 0 || c.pending+n > c.max {
		return false
	}
	c.pending += n
	c.shrinkLocked()
	return true
}

// release gives back bytes reserve set aside, for a body that will not be stored.
func (c *sharedCache) release(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending -= n
}

// store keeps a complete response, whose body's capacity was reserved, and
// replaces the variant it supersedes. match is the request it answered.
func (c *sharedCache) store(e *entry, match *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending -= int64(cap(e.body))
	for _, old := range c.byKey[e.key] {
		if old.matches(match) {
			c.removeLocked(old)
			break
		}
	}
	c.insertLocked(e)
}

// swap puts fresh in old's place, if old is still stored: a revalidated
// entry replaces the one it refreshed.
func (c *sharedCache) swap(old, fresh *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old.elem == nil {
		return // evicted or replaced meanwhile: the newer state wins
	}
	c.removeLocked(old)
	c.insertLocked(fresh)
}

// remove takes e out of the cache, if it is still stored.
func (c *sharedCache) remove(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(e)
}

func (c *sharedCache) insertLocked(e *entry) {
	e.elem = c.lru.PushFront(e)
	c.byKey[e.key] = append(c.byKey[e.key], e)
	c.size += e.size
	c.shrinkLocked()
}

// shrinkLocked evicts the least recently used entries until what is
// stored and what is on its way fit into the cache.
func (c *sharedCache) shrinkLocked() {
	for c.size+c.pending > c.max && c.lru.Len() > 0 {
		c.removeLocked(c.lru.Back().Value.(*entry))
	}
}

func (c *sharedCache) removeLocked(e *entry) {
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

// stats returns the number of entries and the bytes they take.
func (c *sharedCache) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.size
}

// keys returns the keys of the stored entries (host, path and query), most
// recently used first.
func (c *sharedCache) keys() []string {
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

// parseSize reads a size such as "64MiB", "512KiB", "1GiB" or "4096".
func parseSize(s string) (int64, error) {
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
