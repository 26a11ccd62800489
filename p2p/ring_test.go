package p2p

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
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
			assert.Equal(t, tc.between, between(tc.x, tc.a, tc.b), "Between")
			assert.Equal(t, tc.inside, inside(tc.x, tc.a, tc.b), "Inside")
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

func TestBatchesStayWithinTheFrameLimit(t *testing.T) {
	// Values of the largest size, made of characters JSON writes as six
	// bytes each (\u003c): four of them must not travel in one frame.
	var items []Item
	for i := range 4 {
		items = append(items, Item{Key: fmt.Sprint(i), Value: strings.Repeat("<", MaxValue), Version: 1 << 62})
	}
	// And many small ones: no more in one batch than a peer accepts.
	for i := range 3000 {
		items = append(items, Item{Key: fmt.Sprint("k", i)})
	}
	var sizes []int
	kept := 0
	for _, batch := range batches(items) {
		b, err := json.Marshal(ItemsBody{Items: batch})
		require.NoError(t, err)
		assert.Less(t, len(b)+200, wire.MaxFrame, "a batch of %d items in %d bytes, and the envelope around it", len(batch), len(b))
		assert.NoError(t, ItemsBody{Items: batch}.check())
		sizes = append(sizes, len(batch))
		kept += len(batch)
	}
	assert.Equal(t, len(items), kept, "every item in one batch")
	assert.Equal(t, []int{1, 1, 1, 1 + 1023, 1024, 953}, sizes)
}
