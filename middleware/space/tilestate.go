package space

import (
	"fmt"

	"dsdemo/models/trace"
)

// reportTileState reports a finished tile to the live view.
func reportTileState(tr *trace.Emitter, t Tile, worker string, shade float64) {
	tr.State(fmt.Sprintf("tile %d", t.N), fmt.Sprintf("col %d row %d by %s", t.Col, t.Row, worker))
}
