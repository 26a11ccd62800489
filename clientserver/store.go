package clientserver

import (
	"slices"
	"sync"
)

// Version orders the writes to one key: a Lamport timestamp, with the writing
// server's name to break ties between equal clocks. Every replica that sees
// the same writes keeps the same winner, in whatever order they arrive.
type Version struct {
	Clock uint64 `json:"clock"`
	Node  string `json:"node"`
}

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool {
	if v.Clock != w.Clock {
		return v.Clock < w.Clock
	}
	return v.Node < w.Node
}

// Store is a server's key-value state. A deleted key stays as a tombstone
// with its version, so a late, older write cannot bring it back.
type Store struct {
	mu      sync.RWMutex // guards entries and live
	entries map[string]entry
	live    int // keys that are not deleted
}

type entry struct {
	value   string
	deleted bool
	version Version
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{entries: map[string]entry{}} }

// Get returns the value of key and whether it is there.
func (s *Store) Get(key string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.entries[key]
	if !ok || e.deleted {
		return "", false
	}
	return e.value, true
}

// Apply writes (or, with deleted, removes) key at version v, unless the store
// already holds a newer version of it. It reports whether the key existed
// before and whether the write took effect.
func (s *Store) Apply(key, value string, deleted bool, v Version) (existed, applied bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.entries[key]
	existed = ok && !old.deleted
	if ok && !old.version.Less(v) {
		return existed, false
	}
	s.entries[key] = entry{value: value, deleted: deleted, version: v}
	switch {
	case existed && deleted:
		s.live--
	case !existed && !deleted:
		s.live++
	}
	return existed, true
}

// Len returns the number of keys that are not deleted.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.live
}

// Since returns up to limit entries, tombstones included, in key order,
// starting after the key after: one page of the store for a replica that
// catches up. More reports whether entries are left after the page.
func (s *Store) Since(after string, limit int) (page []Replica, more bool) {
	s.mu.RLock()
	keys := make([]string, 0, len(s.entries))
	for k := range s.entries {
		if k > after {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) > limit {
		keys, more = keys[:limit], true
	}
	for _, k := range keys {
		e := s.entries[k]
		page = append(page, Replica{Key: k, Value: e.value, Deleted: e.deleted, Version: e.version})
	}
	s.mu.RUnlock()
	return page, more
}
