package space

import (
	"fmt"

	"dsdemo/models/trace"
)

// reportTileState shows a finished tile to the live view as a tile of its
// picture (trace.Tile, under the key "tiles"): the launcher draws the
// picture beside the topology, each cell shaded and marked with the
// worker that computed it. first starts a new picture.
func reportTileState(tr *trace.Emitter, t Tile, worker string, shade float64, first bool) {
	tile := &trace.Tile{W: t.Cols, H: t.Rows, X: t.Col, Y: t.Row, Shade: min(max(shade, 0), 1), By: worker, Reset: first}
	if t.Cols > trace.MaxGrid || t.Rows > trace.MaxGrid {
		tile = nil // the text alone
	}
	tr.Emit(trace.Event{Kind: trace.KindState, Key: "tiles", Value: fmt.Sprintf("tile %d by %s", t.N, worker), Tile: tile})
}
