package trace_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
)

// TestTileEncoding: a tile goes out as PROTOCOL.md shows it, byte for
// byte what encoding/json writes, and comes back the same.
func TestTileEncoding(t *testing.T) {
	ev := trace.Event{V: 1, Kind: trace.KindState, Node: "master", Seq: 12, Time: 1795385315960600, Key: "tiles",
		Value: "tile 9 by worker-2", Tile: &trace.Tile{W: 8, H: 4, X: 1, Y: 1, Shade: 0.25, By: "worker-2"}}
	want, err := json.Marshal(ev)
	require.NoError(t, err)
	line := ev.AppendJSON(nil)
	assert.Equal(t, string(want)+"\n", string(line))
	assert.Equal(t, `{"v":1,"ev":"state","node":"master","seq":12,"t":1795385315960600,"key":"tiles","value":"tile 9 by worker-2","tile":{"w":8,"h":4,"x":1,"y":1,"shade":0.25,"by":"worker-2"}}`+"\n",
		string(line), "the line PROTOCOL.md shows")
	var back trace.Event
	require.NoError(t, json.Unmarshal(line, &back))
	assert.Equal(t, ev, back)
}

// TestHostileTileIsRefusedOrCut: a tile that cannot mean anything leaves
// a plain state with a reason; a long by is cut.
func TestHostileTileIsRefusedOrCut(t *testing.T) {
	state := func(tl trace.Tile) trace.Event {
		return trace.Event{Kind: trace.KindState, Key: "tiles", Value: "v", Tile: &tl}
	}
	for name, tl := range map[string]trace.Tile{
		"no grid":        {W: 0, H: 4},
		"grid too wide":  {W: trace.MaxGrid + 1, H: 1},
		"cell outside":   {W: 4, H: 4, X: 4},
		"negative cell":  {W: 4, H: 4, Y: -1},
		"shade above 1":  {W: 1, H: 1, Shade: 1.5},
		"shade negative": {W: 1, H: 1, Shade: -0.1},
		"shade NaN":      {W: 1, H: 1, Shade: math.NaN()},
	} {
		ev, err := trace.Bound(state(tl))
		assert.Error(t, err, name)
		assert.Nil(t, ev.Tile, name)
		assert.Equal(t, "v", ev.Value, "%s: the text stays", name)
	}
	both := state(trace.Tile{W: 1, H: 1})
	both.Gauge = &trace.Gauge{Value: 1, Max: 2}
	ev, err := trace.Bound(both)
	assert.ErrorContains(t, err, "more than one")
	assert.Nil(t, ev.Tile)
	assert.Nil(t, ev.Gauge)
	notState := trace.Event{Kind: trace.KindLog, Tile: &trace.Tile{W: 1, H: 1}}
	ev, err = trace.Bound(notState)
	assert.Error(t, err)
	assert.Nil(t, ev.Tile)

	long := state(trace.Tile{W: 2, H: 2, X: 1, Y: 1, Shade: 1, By: string(make([]byte, 200))})
	ev, err = trace.Bound(long)
	require.NoError(t, err)
	assert.Len(t, ev.Tile.By, trace.MaxLabel)
	assert.Len(t, long.Tile.By, 200, "the event's own tile is not changed")
}
