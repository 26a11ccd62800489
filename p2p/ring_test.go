package p2p

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBetween(t *testing.T) {
	for _, tc := range []struct {
		x, a, b ID
		between bool
		inside  bool
	}{
		{5, 1, 9, true, true},
		{9, 1, 9, true, false},  // (a, b] includes b
		{1, 1, 9, false, false}, // ... but not a
		{0, 1, 9, false, false},
		{0xfffffff0, 0xffffff00, 0x10, true, true}, // the interval wraps past 0
		{0x05, 0xffffff00, 0x10, true, true},
		{0x10, 0xffffff00, 0x10, true, false},
		{0x20, 0xffffff00, 0x10, false, false},
		{7, 3, 3, true, true}, // a == b: the whole ring ...
		{3, 3, 3, true, false},
	} {
		t.Run(fmt.Sprintf("%s in (%s,%s]", tc.x, tc.a, tc.b), func(t *testing.T) {
			assert.Equal(t, tc.between, Between(tc.x, tc.a, tc.b), "Between")
			assert.Equal(t, tc.inside, Inside(tc.x, tc.a, tc.b), "Inside")
		})
	}
}

func TestHashIsStable(t *testing.T) {
	// The catalogue's experiments rely on these positions.
	for name, want := range map[string]string{"peer-1": "16897136", "peer-7": "d4eaf733", "apple": "d0be2dc4"} {
		assert.Equal(t, want, Hash(name).String(), name)
	}
}

func TestTrim(t *testing.T) {
	self := NodeRef{ID: 1, Addr: "self", Name: "self"}
	a, b, c := NodeRef{ID: 2, Addr: "a", Name: "a"}, NodeRef{ID: 3, Addr: "b", Name: "b"}, NodeRef{ID: 4, Addr: "c", Name: "c"}
	assert.Equal(t, []NodeRef{a, b, c}, trim([]NodeRef{a, self, b, a, {}, c, self}, self, 3), "no self, repeats or nobody")
	assert.Equal(t, []NodeRef{a, b}, trim([]NodeRef{a, b, c}, self, 2), "at most r")
	assert.Equal(t, []NodeRef{self}, trim([]NodeRef{self, {}}, self, 3), "alone: its own successor")
}

func TestSendBatchesWithinTheFrameLimit(t *testing.T) {
	// Four values of 200 KiB must not travel as one frame of 800 KiB.
	var items []Item
	for i := range 4 {
		items = append(items, Item{Key: fmt.Sprint(i), Value: strings.Repeat("x", 200<<10)})
	}
	var sizes []int
	for len(items) > 0 {
		n, size := 0, 0
		for n < len(items) && (n == 0 || size+len(items[n].Key)+len(items[n].Value) <= batchBytes) {
			size += len(items[n].Key) + len(items[n].Value) + 48
			n++
		}
		sizes = append(sizes, n)
		items = items[n:]
	}
	assert.Equal(t, []int{1, 1, 1, 1}, sizes)
}
