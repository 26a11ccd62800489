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

// TestHoldChainIsNotKept plays what a predict step's holder does while the
// class thinks about its question: for every message the node holds it sets
// the next watch after the one that took the message (serveHolds). A class
// may think for long, and a peer of the ring holds 17 messages a second, so
// the watches that are over must not stay reachable through the chain.
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

// liveHeap is the live heap after a full collection, in bytes.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
