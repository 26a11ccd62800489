//go:build grade

package consistenthash

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The small ring of the package doc, m = 6 (positions 0..63):
//
//	epsilon 3, delta 28, beta 40, alpha 47   (gamma 63 joins later)
//	n1 and n2 both hash to 16 (a collision)
const smallM = 6

var smallNodes = []string{"alpha", "beta", "delta", "epsilon"}

// smallKeys with their positions (Hash(key, 6)) and owners on smallNodes.
var smallKeys = []struct {
	key   string
	pos   ID
	owner string
	why   string
}{
	{"kiwi", 3, "epsilon", "exactly on epsilon's position: a node holds its own position"},
	{"banana", 9, "delta", "the next node after 9 is delta at 28"},
	{"pear", 15, "delta", "the next node after 15 is delta at 28"},
	{"cherry", 31, "beta", "the next node after 31 is beta at 40"},
	{"mango", 36, "beta", "the next node after 36 is beta at 40"},
	{"fig", 44, "alpha", "the next node after 44 is alpha at 47"},
	{"grape", 47, "alpha", "exactly on alpha's position"},
	{"apple", 52, "epsilon", "no node after 52: wrap around to the first node, epsilon at 3"},
	{"plum", 53, "epsilon", "no node after 53: wrap around to epsilon at 3"},
	{"lemon", 55, "epsilon", "no node after 55: wrap around to epsilon at 3"},
	{"date", 58, "epsilon", "no node after 58: wrap around to epsilon at 3"},
}

func keysOf() []string {
	var ks []string
	for _, k := range smallKeys {
		ks = append(ks, k.key)
	}
	return ks
}

func ring(m uint, vnodes int, nodes ...string) *Ring {
	r := NewRing(m, vnodes)
	for _, n := range nodes {
		r.Add(n)
	}
	return r
}

func TestSuccessor(t *testing.T) {
	r := ring(smallM, 1, smallNodes...)
	cases := []struct {
		name string
		id   ID
		want string
		why  string
	}{
		{"exact-hit", 3, "epsilon", "epsilon sits at 3, and a node holds its own position"},
		{"exact-hit-last", 47, "alpha", "alpha sits at 47"},
		{"between", 4, "delta", "after 3 (epsilon) the next node is delta at 28"},
		{"between-2", 29, "beta", "after 28 (delta) the next node is beta at 40"},
		{"zero", 0, "epsilon", "the first node at or after 0 is epsilon at 3"},
		{"wrap-around", 48, "epsilon", "no node after 47: go past 63 to 0 and on to epsilon at 3"},
		{"wrap-around-last-position", 63, "epsilon", "63 is the last position; the ring wraps to 0 and epsilon at 3"},
	}
	for _, c := range cases {
		t.Run("successor/"+c.name, func(t *testing.T) {
			got, ok := r.Successor(c.id)
			if !ok || got != c.want {
				t.Errorf("ring %v (m=6): Successor(%d) = %q, %v; want %q, true (%s)", smallNodes, c.id, got, ok, c.want, c.why)
			}
		})
	}
	t.Run("successor/empty-ring", func(t *testing.T) {
		if got, ok := NewRing(smallM, 1).Successor(5); ok || got != "" {
			t.Errorf("empty ring: Successor(5) = %q, %v; want \"\", false (nobody holds anything)", got, ok)
		}
	})
	t.Run("successor/single-node-holds-everything", func(t *testing.T) {
		one := ring(smallM, 1, "beta") // at 40
		for _, id := range []ID{0, 39, 40, 41, 63} {
			if got, ok := one.Successor(id); !ok || got != "beta" {
				t.Errorf("ring [beta] (beta at 40): Successor(%d) = %q, %v; want \"beta\", true (a lone node holds the whole ring)", id, got, ok)
			}
		}
	})
}

func TestLookup(t *testing.T) {
	r := ring(smallM, 1, smallNodes...)
	for _, k := range smallKeys {
		t.Run("lookup/"+k.key, func(t *testing.T) {
			got, ok := r.Lookup(k.key)
			if !ok || got != k.owner {
				t.Errorf("ring %v (m=6): Lookup(%q) at position %d = %q, %v; want %q (%s)", smallNodes, k.key, k.pos, got, ok, k.owner, k.why)
			}
		})
	}
}

func TestCollision(t *testing.T) {
	// n1 and n2 both hash to 16 on a ring of 64 positions.
	t.Run("collision/smaller-name-wins", func(t *testing.T) {
		for _, order := range [][]string{{"n1", "n2", "beta"}, {"n2", "n1", "beta"}} {
			r := ring(smallM, 1, order...)
			if got, _ := r.Successor(16); got != "n1" {
				t.Errorf("n1 and n2 both at 16, added in the order %v: Successor(16) = %q, want \"n1\" (the smaller name holds a shared position, whatever the order)", order, got)
			}
		}
	})
	t.Run("collision/remove-winner-leaves-the-other", func(t *testing.T) {
		r := ring(smallM, 1, "n1", "n2", "beta")
		r.Remove("n1")
		if got, _ := r.Successor(16); got != "n2" {
			t.Errorf("n1 and n2 both at 16, then Remove(n1): Successor(16) = %q, want \"n2\" (n2 still sits at 16)", got)
		}
	})
}

// movesText prints moves one per line for an error message.
func movesText(ms []Move) string {
	if len(ms) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "  %v\n", m)
	}
	return strings.TrimRight(b.String(), "\n")
}

func TestMovedSmall(t *testing.T) {
	keys := keysOf()
	cases := []struct {
		name          string
		before, after []string
		want          []Move
		why           string
	}{
		{"join/gamma-takes-(alpha,gamma]", smallNodes, append(slices.Clone(smallNodes), "gamma"),
			[]Move{{"apple", "epsilon", "gamma"}, {"plum", "epsilon", "gamma"}, {"lemon", "epsilon", "gamma"}, {"date", "epsilon", "gamma"}},
			"gamma joins at 63: it takes the keys in (47, 63] from its successor epsilon, nothing else"},
		{"join/C-takes-(epsilon,C]", smallNodes, append(slices.Clone(smallNodes), "C"),
			[]Move{{"banana", "delta", "C"}},
			"C joins at 12: it takes the keys in (3, 12] from its successor delta"},
		{"leave/delta-hands-to-beta", smallNodes, []string{"alpha", "beta", "epsilon"},
			[]Move{{"banana", "delta", "beta"}, {"pear", "delta", "beta"}},
			"delta (28) leaves: only its own keys, those in (3, 28], go to its successor beta"},
		{"leave/epsilon-wraps-to-delta", smallNodes, []string{"alpha", "beta", "delta"},
			[]Move{{"kiwi", "epsilon", "delta"}, {"apple", "epsilon", "delta"}, {"plum", "epsilon", "delta"}, {"lemon", "epsilon", "delta"}, {"date", "epsilon", "delta"}},
			"epsilon (3) leaves: its keys in (47, 63] and [0, 3] go to its successor, which after the wrap is delta"},
		{"no-change/nothing-moves", smallNodes, smallNodes, nil,
			"the same nodes: no key changes owner"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Moved(ring(smallM, 1, c.before...), ring(smallM, 1, c.after...), keys)
			if !slices.Equal(got, c.want) {
				t.Errorf("Moved(ring %v, ring %v, %d keys):\ngot\n%s\nwant (in the order of the keys)\n%s\n(%s)",
					c.before, c.after, len(keys), movesText(got), movesText(c.want), c.why)
			}
		})
	}
}

// refOwner is the grader's own answer, computed another way than a student
// would: the node whose position is the fewest steps clockwise from id.
func refOwner(points map[ID][]string, m uint, id ID) string {
	mask := ID(1)<<m - 1
	if m == 64 {
		mask = ^ID(0)
	}
	best, bestDist := "", ID(0)
	for pos, names := range points {
		d := (pos - id) & mask
		owner := slices.Min(names)
		if best == "" || d < bestDist || (d == bestDist && owner < best) {
			best, bestDist = owner, d
		}
	}
	return best
}

func refPoints(m uint, vnodes int, nodes []string) map[ID][]string {
	points := map[ID][]string{}
	for _, n := range nodes {
		if vnodes <= 1 {
			points[Hash(n, m)] = append(points[Hash(n, m)], n)
			continue
		}
		for i := range vnodes {
			p := Hash(VirtualName(n, i), m)
			points[p] = append(points[p], n)
		}
	}
	return points
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func TestBigRing(t *testing.T) {
	const m = 32
	keys := names("key-", 4000)
	t.Run("lookup/matches-reference-20-nodes", func(t *testing.T) {
		nodes := names("server-", 20)
		r, ref := ring(m, 1, nodes...), refPoints(m, 1, nodes)
		for _, k := range keys {
			if got, want := func() string { s, _ := r.Lookup(k); return s }(), refOwner(ref, m, Hash(k, m)); got != want {
				t.Fatalf("20 nodes, m=32: Lookup(%q) at %d = %q, want %q (the first node at or after the key's position)", k, Hash(k, m), got, want)
			}
		}
	})
	t.Run("vnodes/positions-are-node#i", func(t *testing.T) {
		nodes := []string{"A", "B", "C"}
		r, ref := ring(m, 4, nodes...), refPoints(m, 4, nodes)
		for _, k := range keys {
			if got, want := func() string { s, _ := r.Lookup(k); return s }(), refOwner(ref, m, Hash(k, m)); got != want {
				t.Fatalf("nodes %v with 4 virtual nodes each: Lookup(%q) = %q, want %q (node X sits at Hash(\"X#0\"), ..., Hash(\"X#3\"))", nodes, k, got, want)
			}
		}
	})
	t.Run("join/moves-only-(pred,new]-to-the-new-node", func(t *testing.T) {
		nodes := names("server-", 20)
		before, after := ring(m, 1, nodes...), ring(m, 1, append(slices.Clone(nodes), "newcomer")...)
		newPos := Hash("newcomer", m)
		// the newcomer's predecessor: the node position just before it
		var pred ID
		best := ID(0)
		for _, n := range nodes {
			if d := uint32(newPos) - uint32(Hash(n, m)); best == 0 || ID(d) < best {
				best, pred = ID(d), Hash(n, m)
			}
		}
		inRange := func(id ID) bool { return uint32(id)-uint32(pred)-1 < uint32(newPos)-uint32(pred) } // id in (pred, new]
		got := Moved(before, after, keys)
		ref := refPoints(m, 1, nodes)
		var want []Move
		for _, k := range keys {
			if inRange(Hash(k, m)) {
				want = append(want, Move{k, refOwner(ref, m, Hash(k, m)), "newcomer"})
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("20 nodes, then newcomer joins at %d (predecessor at %d): Moved gave %d moves, want %d: exactly the keys in (%d, %d], all to newcomer; first moves got\n%s\nwant\n%s",
				newPos, pred, len(got), len(want), pred, newPos, movesText(got[:min(3, len(got))]), movesText(want[:min(3, len(want))]))
		}
	})
	t.Run("join/share-about-K/N-with-vnodes", func(t *testing.T) {
		nodes := names("server-", 10)
		before, after := ring(m, 100, nodes...), ring(m, 100, append(slices.Clone(nodes), "server-10")...)
		got := Moved(before, after, keys)
		k, n := len(keys), 11
		if len(got) < k/n/2 || len(got) > 2*k/n {
			t.Errorf("10 nodes with 100 virtual nodes each, one joins: %d of %d keys moved, want about K/N = %d (between %d and %d); a join should move only the newcomer's share",
				len(got), k, k/n, k/n/2, 2*k/n)
		}
		for _, mv := range got {
			if mv.To != "server-10" {
				t.Errorf("join of server-10: key %q moved %s -> %s; on a join keys only move to the new node", mv.Key, mv.From, mv.To)
				break
			}
		}
	})
	t.Run("leave/only-the-leaver's-keys-move", func(t *testing.T) {
		nodes := names("server-", 10)
		before, after := ring(m, 100, nodes...), ring(m, 100, nodes[1:]...)
		ref := refPoints(m, 100, nodes)
		held := 0
		for _, k := range keys {
			if refOwner(ref, m, Hash(k, m)) == "server-0" {
				held++
			}
		}
		got := Moved(before, after, keys)
		if len(got) != held || held == 0 {
			t.Errorf("server-0 leaves a ring of 10 (100 virtual nodes each): %d keys moved, want %d (exactly the keys server-0 held)", len(got), held)
		}
		for _, mv := range got {
			if mv.From != "server-0" {
				t.Errorf("leave of server-0: key %q moved %s -> %s; on a leave only the leaver's keys move", mv.Key, mv.From, mv.To)
				break
			}
		}
	})
	t.Run("vnodes/spread-even", func(t *testing.T) {
		nodes := names("server-", 10)
		r := ring(m, 100, nodes...)
		count := map[string]int{}
		for _, k := range keys {
			o, _ := r.Lookup(k)
			count[o]++
		}
		fair := len(keys) / len(nodes)
		for _, n := range nodes {
			if count[n] < fair/2 || count[n] > fair*3/2 {
				t.Errorf("10 nodes with 100 virtual nodes each: %s holds %d of %d keys, want about %d (virtual nodes even out the arcs); all counts %v",
					n, count[n], len(keys), fair, count)
				break
			}
		}
	})
}

func TestStability(t *testing.T) {
	const m = 32
	keys := names("key-", 1000)
	nodes := names("server-", 8)
	owners := func(t *testing.T, r *Ring) []string {
		t.Helper()
		out := make([]string, len(keys))
		for i, k := range keys {
			var ok bool
			if out[i], ok = r.Lookup(k); !ok || out[i] == "" {
				t.Fatalf("a ring of 8 nodes: Lookup(%q) = %q, %v; want one of the nodes", k, out[i], ok)
			}
		}
		return out
	}
	t.Run("stability/insertion-order-does-not-matter", func(t *testing.T) {
		want := owners(t, ring(m, 10, nodes...))
		rng := rand.New(rand.NewPCG(6, 2026)) // seeded: the same orders every run
		for range 5 {
			order := slices.Clone(nodes)
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			if got := owners(t, ring(m, 10, order...)); !slices.Equal(got, want) {
				i := slices.IndexFunc(keys, func(k string) bool { return got[slices.Index(keys, k)] != want[slices.Index(keys, k)] })
				t.Fatalf("the same 8 nodes added in the order %v: key %q goes to %q, but to %q in the order %v (a ring must depend only on which nodes are on it)",
					order, keys[i], got[i], want[i], nodes)
			}
		}
	})
	t.Run("stability/add-then-remove-restores", func(t *testing.T) {
		r := ring(m, 10, nodes...)
		want := owners(t, r)
		r.Add("visitor")
		r.Remove("visitor")
		if got := owners(t, r); !slices.Equal(got, want) {
			t.Errorf("Add(visitor) then Remove(visitor): the owners of the keys changed; want the ring as it was (remove all of visitor's virtual nodes)")
		}
	})
	t.Run("stability/add-twice-is-add-once", func(t *testing.T) {
		r := ring(m, 10, nodes...)
		owners(t, r)
		r.Add("server-3")
		r.Remove("server-3")
		for _, k := range keys {
			if o, _ := r.Lookup(k); o == "server-3" {
				t.Fatalf("Add(server-3) twice then Remove(server-3) once: key %q still goes to server-3; adding a node that is there must change nothing", k)
			}
		}
	})
	t.Run("stability/remove-unknown-changes-nothing", func(t *testing.T) {
		r := ring(m, 10, nodes...)
		want := owners(t, r)
		r.Remove("nobody")
		if got := owners(t, r); !slices.Equal(got, want) {
			t.Errorf("Remove(nobody), a node not on the ring, changed the owners of keys; want no change")
		}
	})
	t.Run("stability/lookup-repeats", func(t *testing.T) {
		r := ring(m, 10, nodes...)
		if a, b := owners(t, r), owners(t, r); !slices.Equal(a, b) {
			t.Errorf("two Lookups of the same keys on the same ring gave different owners")
		}
	})
}
