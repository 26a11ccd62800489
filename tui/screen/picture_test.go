package screen

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
)

func tileEvent(node string, w, h, x, y int, shade float64, by string) trace.Event {
	return trace.Event{V: 1, Kind: trace.KindState, Node: node, Key: "tiles",
		Value: fmt.Sprintf("tile %d,%d by %s", x, y, by), Tile: &trace.Tile{W: w, H: h, X: x, Y: y, Shade: shade, By: by}}
}

// TestPictureOfTilesBesideTheTopology: any node that reports tiles gets
// its picture drawn beside the topology, filling in as tiles arrive, each
// cell with its shade and the mark of who did it, explained in a legend;
// at 80x24 and at 120x40, in characters only (NO_COLOR reads the same).
func TestPictureOfTilesBesideTheTopology(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m, _, _ := started(t) // the client/server model: nothing in it knows of pictures
			resize(m, size[0], size[1])
			feed(m, tileEvent("client-1", 8, 4, 0, 0, 0, "worker-1"))
			view := m.View().Content
			require.Contains(t, view, "client-1: tiles 1/32", view)
			first := lineWith(view, "client-1: tiles 1/32")
			assert.Contains(t, first, "⟦", "the picture stands beside the topology, on its rows")

			feed(m, tileEvent("client-1", 8, 4, 7, 0, 0.9, "worker-2"), tileEvent("client-1", 8, 4, 1, 1, 0.5, "worker-1"))
			view = m.View().Content
			assert.Contains(t, view, "client-1: tiles 3/32")
			assert.NotEmpty(t, lineWith(view, "█1············░2"), "row 0: a dark cell by worker-1, a light one by worker-2\n%s", view)
			assert.NotEmpty(t, lineWith(view, "··▒1"), "row 1: a middle shade by worker-1\n%s", view)
			assert.NotEmpty(t, lineWith(view, "1 worker-1 · 2 worker-2"), "the legend says whose mark is whose\n%s", view)
			for line := range strings.Lines(view) {
				assert.LessOrEqual(t, lipgloss.Width(strings.TrimRight(line, "\n")), size[0], "nothing runs off the screen")
			}
		})
	}
}

// TestNoPictureWithoutTiles: a run without tiles draws the topology alone,
// over the whole width; a plain state of the key takes the picture away.
func TestNoPictureWithoutTiles(t *testing.T) {
	m, _, _ := started(t)
	resize(m, 120, 40)
	require.Zero(t, m.live.pic.width)
	assert.Equal(t, 120, m.live.topo.width)
	feed(m, tileEvent("server", 4, 2, 0, 0, 0, "server"))
	require.NotZero(t, m.live.pic.width)
	assert.Less(t, m.live.topo.width, 120, "the topology gives the picture room")
	feed(m, trace.Event{V: 1, Kind: trace.KindState, Node: "server", Key: "tiles", Value: "done"})
	assert.Zero(t, m.live.pic.width)
	assert.NotContains(t, m.View().Content, "server: tiles")
}

// TestWidePictureUsesOneCharacterPerCell: a grid too wide for a third of
// the screen draws each cell as its mark alone.
func TestWidePictureUsesOneCharacterPerCell(t *testing.T) {
	m, _, _ := started(t)
	resize(m, 80, 24)
	feed(m, tileEvent("server", 40, 3, 0, 0, 0, "w"))
	require.Equal(t, 1, m.live.pic.cellW)
	assert.LessOrEqual(t, m.live.pic.width, 80/3)
	assert.NotEmpty(t, lineWith(m.View().Content, "1·····"))
}
