//go:build solution

package consistenthash

import (
	"cmp"
	"slices"
	"sort"
)

// point is one position a node takes on the ring (a virtual node when the
// ring gives each node several).
type point struct {
	pos  ID
	node string
}

// Ring is a consistent-hash ring of 2^m positions.
// A Ring is not safe for concurrent use.
type Ring struct {
	m      uint
	vnodes int
	// points is sorted by position, and by node name within one position,
	// so the first point at a position is the one that holds it.
	points []point
	nodes  map[string]bool // the nodes on the ring, to make Add idempotent
}

// NewRing returns an empty ring of 2^m positions with vnodes positions per node.
func NewRing(m uint, vnodes int) *Ring {
	return &Ring{m: m, vnodes: max(vnodes, 1), nodes: map[string]bool{}}
}

// positions returns where node sits: one point, or one per virtual node.
func (r *Ring) positions(node string) []ID {
	if r.vnodes == 1 {
		return []ID{Hash(node, r.m)}
	}
	ids := make([]ID, r.vnodes)
	for i := range ids {
		ids[i] = Hash(VirtualName(node, i), r.m)
	}
	return ids
}

// Add puts node on the ring at its position(s).
func (r *Ring) Add(node string) {
	if r.nodes[node] {
		return
	}
	r.nodes[node] = true
	for _, id := range r.positions(node) {
		r.points = append(r.points, point{id, node})
	}
	// Sorting the whole slice again is O(n log n) per join; a ring changes
	// rarely and is read often, so simple beats clever here.
	slices.SortFunc(r.points, func(a, b point) int {
		return cmp.Or(cmp.Compare(a.pos, b.pos), cmp.Compare(a.node, b.node))
	})
}

// Remove takes node and all its virtual nodes off the ring.
func (r *Ring) Remove(node string) {
	if !r.nodes[node] {
		return
	}
	delete(r.nodes, node)
	// Deleting keeps the order, so the slice stays sorted.
	r.points = slices.DeleteFunc(r.points, func(p point) bool { return p.node == node })
}

// Successor returns the first node at or after id, clockwise.
func (r *Ring) Successor(id ID) (node string, ok bool) {
	if len(r.points) == 0 {
		return "", false
	}
	// Binary search for the first point at or after id ...
	i := sort.Search(len(r.points), func(i int) bool { return r.points[i].pos >= id })
	// ... and when there is none, the ring wraps around: the key belongs to
	// the node with the smallest position.
	if i == len(r.points) {
		i = 0
	}
	return r.points[i].node, true
}

// Lookup returns the node that holds key.
func (r *Ring) Lookup(key string) (node string, ok bool) {
	return r.Successor(Hash(key, r.m))
}

// Moved lists the keys whose owner differs between before and after.
func Moved(before, after *Ring, keys []string) []Move {
	var moves []Move
	for _, k := range keys {
		from, _ := before.Lookup(k)
		to, _ := after.Lookup(k)
		if from != to {
			moves = append(moves, Move{Key: k, From: from, To: to})
		}
	}
	return moves
}
