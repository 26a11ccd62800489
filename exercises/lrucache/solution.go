//go:build solution

package lrucache

import (
	"container/list"
	"sync"
	"time"
)

// entry is one stored value and its place in the order of use.
type entry struct {
	key    string
	value  string
	stored time.Time // when it was put; it expires at stored+ttl
}

// Cache maps keys to values, holding at most a fixed number of entries, each
// for at most a fixed time. It is safe for concurrent use.
type Cache struct {
	capacity int
	ttl      time.Duration
	now      Clock

	mu    sync.Mutex               // guards lru and byKey
	lru   *list.List               // of *entry, most recently used at the front
	byKey map[string]*list.Element // key to its element in lru
}

// New returns an empty cache of at most capacity entries, each kept for ttl
// after it was put. now is the clock the cache reads; nil means time.Now.
func New(capacity int, ttl time.Duration, now Clock) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{capacity: capacity, ttl: ttl, now: now, lru: list.New(), byKey: map[string]*list.Element{}}
}

// Get returns the value for key if it is there and fresh. Only a hit counts
// as a use; the time to live keeps running from the Put, as a proxy's copy
// of a response grows older whether or not anyone reads it.
func (c *Cache) Get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return "", false
	}
	e := el.Value.(*entry)
	if c.expired(e, c.now()) {
		c.remove(el)
		return "", false
	}
	c.lru.MoveToFront(el)
	return e.value, true
}

// Put stores value for key; the entry's time to live starts now.
func (c *Cache) Put(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if el, ok := c.byKey[key]; ok {
		e := el.Value.(*entry)
		e.value, e.stored = value, now
		c.lru.MoveToFront(el)
		return
	}
	if c.lru.Len() >= c.capacity {
		// Expired entries are worth nothing: drop them before a fresh
		// one, even if the fresh one was used less recently.
		c.removeExpired(now)
	}
	if c.lru.Len() >= c.capacity {
		c.remove(c.lru.Back())
	}
	c.byKey[key] = c.lru.PushFront(&entry{key: key, value: value, stored: now})
}

// Len returns the number of fresh entries, removing the expired ones.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeExpired(c.now())
	return c.lru.Len()
}

// expired reports whether e's time is up: it lives for exactly ttl.
func (c *Cache) expired(e *entry, now time.Time) bool {
	return now.Sub(e.stored) >= c.ttl
}

// removeExpired removes every expired entry. Callers hold c.mu.
func (c *Cache) removeExpired(now time.Time) {
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if c.expired(el.Value.(*entry), now) {
			c.remove(el)
		}
		el = next
	}
}

// remove takes one entry out of both the list and the map. Callers hold c.mu.
func (c *Cache) remove(el *list.Element) {
	c.lru.Remove(el)
	delete(c.byKey, el.Value.(*entry).key)
}
