//go:build !solution

package lrucache

import "time"

// Cache maps keys to values, holding at most a fixed number of entries, each
// for at most a fixed time. It is safe for concurrent use.
type Cache struct {
	// TODO: what the cache needs: its limits, its clock, the entries with
	// the time each was stored, and their order of use. Hint: container/list
	// keeps the order, a map finds an entry's place in it; a sync.Mutex
	// guards both.
}

// New returns an empty cache of at most capacity entries (capacity >= 1),
// each kept for ttl (ttl > 0) after it was put. now is the clock the cache
// reads; nil means time.Now.
func New(capacity int, ttl time.Duration, now Clock) *Cache {
	// TODO
	return &Cache{}
}

// Get returns the value stored for key and true, if it is there and still
// fresh: less than ttl has passed since it was put. A hit makes the entry
// the most recently used; it does not extend its time to live.
//
// An entry whose time is up is a miss: Get removes it and returns "", false.
func (c *Cache) Get(key string) (string, bool) {
	// TODO
	return "", false
}

// Put stores value for key, replacing an earlier value. The entry's time to
// live starts now, and it becomes the most recently used.
//
// If key is new and the cache is full, room is made first: entries whose
// time is up are removed, and if that frees nothing, the least recently used
// entry goes.
func (c *Cache) Put(key, value string) {
	// TODO
}

// Len returns the number of fresh entries; entries whose time is up are
// removed and not counted.
func (c *Cache) Len() int {
	// TODO
	return 0
}
