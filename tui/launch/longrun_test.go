package launch

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// TestHoldChainIsNotKept sets one watch after another, each following the
// one before, for 20 minutes of a peer's held messages (17 a second at a
// peer of the ring): the watches that are over must not stay reachable
// through the chain. TestFeedMissesNoneOfABurst checks what a holder
// reads instead.
func TestHoldChainIsNotKept(t *testing.T) {
	const holds = 20_000 // 20 minutes of one peer's messages
	var h events
	held := catalog.Match{Kind: trace.KindHold, Node: "peer-1"}
	body := json.RawMessage(`{"items":"` + strings.Repeat("x", trace.MaxBody-12) + `"}`)

	before := liveHeap()
	w := h.watch(held, nil)
	for i := range uint64(holds) {
		next := h.watch(held, w)
		h.publish(trace.Event{Kind: trace.KindHold, Node: "peer-1",
			Msg: &trace.Message{From: "peer-1", ID: i + 1, Type: "notify", Body: append(json.RawMessage(nil), body...)}})
		require.NotNil(t, w.event.Msg, "hold %d was not taken", i+1)
		w = next
	}
	grown := liveHeap() - before

	chain := 0
	for x := w; x != nil; x = x.after {
		chain++
	}
	assert.Equal(t, 2, chain, "the waiting watch and the one it follows, not every watch before them")
	assert.Len(t, h.watches, 1, "only the waiting watch is set")
	// Each kept watch would hold its event and body: about 1 KiB, 20 MiB in all.
	assert.Less(t, grown, int64(2<<20), "the heap grew by %d bytes over %d holds", grown, holds)
	runtime.KeepAlive(w)
}

// TestFeedMissesNoneOfABurst: a node in step mode may hold several
// messages at once; the holder's feed hands over every one of them, in
// order, however many come before it reads, and nothing after it is
// dropped.
func TestFeedMissesNoneOfABurst(t *testing.T) {
	var h events
	f := h.follow(catalog.Match{Kind: trace.KindHold, Node: "peer-1"})
	for i := range uint64(5) {
		h.publish(trace.Event{Kind: trace.KindHold, Node: "peer-1", Msg: &trace.Message{From: "peer-1", ID: i + 1}})
		h.publish(trace.Event{Kind: trace.KindSend, Node: "peer-1", Msg: &trace.Message{From: "peer-1", ID: i + 1}})
	}
	for i := range uint64(5) {
		e, err := h.next(t.Context(), nil, f)
		require.NoError(t, err)
		assert.Equal(t, i+1, e.Msg.ID)
	}
	h.unfollow(f)
	h.publish(trace.Event{Kind: trace.KindHold, Node: "peer-1", Msg: &trace.Message{From: "peer-1", ID: 6}})
	assert.Empty(t, h.feeds)
	assert.Empty(t, f.queue)
}

// liveHeap is the live heap after a full collection, in bytes.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
