//go:build !solution

package consistenthash

// Ring is a consistent-hash ring of 2^m positions. Add the fields you need:
// m, the number of virtual nodes per node, and the positions taken, kept so
// that Successor can find the next one quickly (a slice sorted by position
// and sort.Search, for example).
//
// A Ring need not be safe for concurrent use.
type Ring struct {
}

// NewRing returns an empty ring of 2^m positions (1 <= m <= 64) on which
// each node takes vnodes positions (virtual nodes). vnodes <= 1 means one
// position per node, at Hash(node, m); with vnodes > 1 a node sits at
// Hash(VirtualName(node, i), m) for i = 0 .. vnodes-1.
func NewRing(m uint, vnodes int) *Ring {
	return &Ring{}
}

// Add puts node on the ring at its position(s). Adding a node that is
// already there changes nothing.
func (r *Ring) Add(node string) {
}

// Remove takes node and all its virtual nodes off the ring. Removing a
// node that is not there changes nothing.
func (r *Ring) Remove(node string) {
}

// Successor returns the node responsible for position id: the first node
// at or after id, going clockwise, and wrapping around from 2^m-1 to 0.
// When two names hash to the same position, the smaller name (by Go string
// order) holds it, whatever the order they were added in. ok is false on
// an empty ring.
func (r *Ring) Successor(id ID) (node string, ok bool) {
	return "", false
}

// Lookup returns the node that holds key: the successor of Hash(key, m).
// ok is false on an empty ring.
func (r *Ring) Lookup(key string) (node string, ok bool) {
	return "", false
}

// Moved lists the keys whose owner differs between ring before and ring
// after, in the order of keys, each with its old and new owner (Lookup on
// before and on after; "" where a ring is empty). Keys whose owner stays
// are left out. For a join it answers: what does the new node take over?
func Moved(before, after *Ring, keys []string) []Move {
	return nil
}
