package history_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

func tile(node, key string, tl trace.Tile) trace.Event {
	return trace.Event{V: 1, Kind: trace.KindState, Node: node, Key: key, Value: fmt.Sprintf("tile %d,%d", tl.X, tl.Y), Tile: &tl}
}

// TestHistoryAddsUpTiles: the tiles of a key fill one picture cell by
// cell, a reset or another grid starts it again, and a plain state of the
// key takes it away.
func TestHistoryAddsUpTiles(t *testing.T) {
	s := history.New(100)
	s.Add(hello("master", ""))
	s.Add(tile("master", "tiles", trace.Tile{W: 4, H: 2, X: 0, Y: 0, Shade: 0.5, By: "worker-1", Reset: true}))
	s.Add(tile("master", "tiles", trace.Tile{W: 4, H: 2, X: 3, Y: 1, Shade: 1, By: "worker-2"}))
	s.Add(tile("master", "tiles", trace.Tile{W: 4, H: 2, X: 3, Y: 1, Shade: 0.9, By: "worker-3"}))
	n := s.Node("master")
	require.NotNil(t, n)
	p := n.Pictures["tiles"]
	require.NotNil(t, p)
	assert.Equal(t, 2, p.Filled, "a cell reported twice counts once")
	assert.Equal(t, history.Cell{Done: true, Shade: 0.5, By: "worker-1"}, p.Cell(0, 0))
	assert.Equal(t, "worker-3", p.Cell(3, 1).By, "the latest tile of a cell wins")
	assert.False(t, p.Cell(1, 0).Done)
	assert.Equal(t, "tile 3,1", n.State["tiles"], "the text stays for whoever reads State")

	s.Add(tile("master", "tiles", trace.Tile{W: 4, H: 2, X: 1, Y: 0, Reset: true}))
	assert.Equal(t, 1, n.Pictures["tiles"].Filled, "reset starts a new picture")
	s.Add(tile("master", "tiles", trace.Tile{W: 2, H: 2, X: 1, Y: 1}))
	assert.Equal(t, 2, n.Pictures["tiles"].W, "another grid starts a new picture")
	assert.Equal(t, 1, n.Pictures["tiles"].Filled)

	s.Add(trace.Event{V: 1, Kind: trace.KindState, Node: "master", Key: "tiles", Value: "done"})
	assert.NotContains(t, n.Pictures, "tiles", "a plain state of the key takes the picture away")
}

// TestHostileTilesAreBounded: a bad tile from a recording is kept as text
// only, and a node keeps at most MaxPictures pictures.
func TestHostileTilesAreBounded(t *testing.T) {
	s := history.New(1000)
	s.Add(hello("master", ""))
	s.Add(tile("master", "bad", trace.Tile{W: 4, H: 2, X: 9, Y: 0}))
	n := s.Node("master")
	assert.NotContains(t, n.Pictures, "bad", "a cell outside the grid is refused")
	assert.Equal(t, "tile 9,0", n.State["bad"])
	for i := range history.MaxPictures + 3 {
		s.Add(tile("master", fmt.Sprintf("pic-%d", i), trace.Tile{W: 64, H: 64, X: 63, Y: 63}))
	}
	assert.Len(t, n.Pictures, history.MaxPictures)
}
