package clientserver

import (
	"slices"
	"sync"
)

// The limits of what the store keeps. They keep every entry, however its
// bytes are escaped in JSON (at most six bytes for one), well inside one
// wire frame, so a replicate or sync_ok message can always carry it.
const (
	MaxKey   = 1 << 10  // bytes of a key
	MaxValue = 64 << 10 // bytes of a value
	maxNode  = 256      // bytes of a version's server name
)

// store is a server's key-value state. A deleted key stays as a tombstone
// with its version, so a late, older write cannot bring it back.
type store struct {
	mu      sync.RWMutex // guards entries and live
	entries map[string]entry
	live    int // keys that are not deleted
}

type entry struct {
	value   string
	deleted bool
	version Version
}

// newStore returns an empty store.
func newStore() *store { return &store{entries: map[string]entry{}} }

// get returns the value of key and whether it is there.
func (s *store) get(key string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.entries[key]
	if !ok || e.deleted {
		return "", false
	}
	return e.value, true
}

// apply writes w (or, with w.Deleted, removes w.Key) unless the store
// already holds the same or a newer version of the key. It reports whether
// the key existed before, and, when w did not take effect, the entry the
// store keeps instead.
func (s *store) apply(w Replica) (existed bool, kept *Replica) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.entries[w.Key]
	existed = ok && !old.deleted
	if ok && !old.version.less(w.Version) {
		return existed, &Replica{Key: w.Key, Value: old.value, Deleted: old.deleted, Version: old.version}
	}
	s.entries[w.Key] = entry{value: w.Value, deleted: w.Deleted, version: w.Version}
	switch {
	case existed && w.Deleted:
		s.live--
	case !existed && !w.Deleted:
		s.live++
	}
	return existed, nil
}

// len returns the number of keys that are not deleted.
func (s *store) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.live
}

// since returns entries, tombstones included, in key order, starting after
// the key after: one page of the store for a replica that catches up. The
// page holds at least one entry and, beyond the first, no more than fit in
// about maxBytes of JSON. More reports whether entries are left after it.
func (s *store) since(after string, maxBytes int) (page []Replica, more bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]string, 0, len(s.entries))
	for k := range s.entries {
		if k > after {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	size := 0
	for i, k := range keys {
		e := s.entries[k]
		r := Replica{Key: k, Value: e.value, Deleted: e.deleted, Version: e.version}
		size += encodedBound(r)
		if i > 0 && size > maxBytes {
			return page, true
		}
		page = append(page, r)
	}
	return page, false
}

// encodedBound is the most bytes r can take as JSON: every byte of its
// strings escaped to six, plus the field names and numbers.
func encodedBound(r Replica) int {
	return 6*(len(r.Key)+len(r.Value)+len(r.Version.Node)) + 100
}
