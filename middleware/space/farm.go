package space

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"dsdemo/models/trace"
)

// render is one picture of the compute farm: a job name that no earlier
// picture had, so results left in the space by an earlier run are not
// taken for this one, and its tiles.
type render struct {
	job   string
	w, h  int
	tiles []Tile
}

// resultWait is how long the master's take waits for the next result
// before it says how many tiles are missing, and waits again.
const resultWait = 10 * time.Second

func (m *master) newRender(grid string) (*render, error) {
	if grid == "" {
		grid = m.cfg.Grid
	}
	cols, rows, err := parseSize("the grid", grid, 64)
	if err != nil {
		return nil, err
	}
	w, h, _ := parseSize("--size", m.cfg.Size, MaxPicture)
	switch {
	case cols > w || rows > h:
		return nil, fmt.Errorf("a grid of %dx%d tiles does not fit a picture of %dx%d pixels", cols, rows, w, h)
	case (w/cols+1)*(h/rows+1) > MaxTilePixels:
		return nil, fmt.Errorf("tiles of %dx%d pixels are too big (at most %d pixels): use a finer grid", w/cols+1, h/rows+1, MaxTilePixels)
	}
	job := m.node.Name + "-" + strconv.FormatInt(time.Now().UnixNano()%60466176, 36) // 36^5
	return &render{job: job, w: w, h: h, tiles: Tiles(job, w, h, cols, rows, m.cfg.Iter)}, nil
}

// render writes one task entry per tile, then takes the results as the
// workers write them, until every tile is in. A tile that came twice
// would be a bug of the space's transactions: it is reported, not hidden.
func (m *master) render(ctx context.Context, r *render) (string, error) {
	c, err := Dial(ctx, m.node, m.cfg.Space, m.cfg.Timeout)
	if err != nil {
		return "", err
	}
	defer c.Close()
	start := time.Now()
	for _, t := range r.tiles {
		if _, err := c.Write(ctx, t.TaskEntry(), m.cfg.TaskLease, 0); err != nil {
			return "", fmt.Errorf("writing the task of tile %d: %w", t.N, err)
		}
	}
	pic := NewPicture(r.w, r.h)
	by := map[int]string{}
	perWorker := map[string]int{}
	dups := 0
	m.reportPicture(r, by, perWorker)
	tmpl := Entry{Type: TypeResult, Fields: map[string]any{"job": r.job}}
	for len(by) < len(r.tiles) {
		res, ok, err := m.takeResult(ctx, c, r, pic, tmpl)
		if err != nil {
			return "", err
		}
		if !ok {
			continue
		}
		n, worker := res.n, res.worker
		if first, seen := by[n]; seen {
			dups++
			fmt.Fprintf(m.env.Stdout, "tile %d came twice: by %s and by %s\n", n, first, worker)
			continue
		}
		by[n] = worker
		perWorker[worker]++
		t := r.tiles[n]
		fmt.Fprintf(m.env.Stdout, "tile %d (col %d, row %d) by %s: %d of %d\n", n, t.Col, t.Row, worker, len(by), len(r.tiles))
		reportTileState(m.node.Trace, t, worker, res.shade, len(by) == 1)
		m.reportPicture(r, by, perWorker)
	}
	took := time.Since(start).Round(time.Millisecond)
	summary := fmt.Sprintf("picture complete: %d tiles, each once, in %s (%s)", len(r.tiles), took, workers(perWorker))
	if dups > 0 {
		summary = fmt.Sprintf("picture complete: %d tiles in %s, but %d came twice (%s)", len(r.tiles), took, dups, workers(perWorker))
	}
	if m.cfg.Out != "" {
		if err := writeFile(pic, m.cfg.Out); err != nil {
			return "", err
		}
		summary += "; written to " + m.cfg.Out
	}
	return summary, nil
}

type placed struct {
	n      int
	worker string
	shade  float64
}

// takeResult takes one result under a transaction of its own, and commits
// only once the tile is in the picture: a master that gave up waiting
// for the space's answer (a frozen space) loses no result, since its
// transaction's lease puts the result back.
func (m *master) takeResult(ctx context.Context, c *Client, r *render, pic *Picture, tmpl Entry) (placed, bool, error) {
	b, err := c.Begin(ctx, resultWait+2*m.cfg.Timeout)
	if err != nil {
		return placed{}, false, err
	}
	res, err := c.Take(ctx, MatchRequest{Template: tmpl, WaitMS: resultWait.Milliseconds(), Txn: b.Txn})
	if err != nil {
		return placed{}, false, err
	}
	if !res.Found {
		if _, err := c.Abort(ctx, b.Txn); err != nil {
			return placed{}, false, err
		}
		fmt.Fprintln(m.env.Stdout, "still waiting for tiles")
		return placed{}, false, nil
	}
	n, worker, err := m.place(r, pic, *res.Entry)
	if _, cerr := c.Commit(ctx, b.Txn); cerr != nil {
		fmt.Fprintf(m.env.Stdout, "result of tile %d: the commit failed, it will come again: %v\n", n, cerr)
		return placed{}, false, nil
	}
	if err != nil {
		fmt.Fprintln(m.env.Stdout, "bad result, dropped:", err)
		return placed{}, false, nil
	}
	shade, _ := res.Entry.Fields["shade"].(float64)
	return placed{n: n, worker: worker, shade: shade}, true, nil
}

// place checks a result and copies its pixels into the picture.
func (m *master) place(r *render, pic *Picture, e Entry) (n int, worker string, err error) {
	f, _ := e.Fields["tile"].(float64)
	n = int(f)
	worker, _ = e.Fields["by"].(string)
	if float64(n) != f || n < 0 || n >= len(r.tiles) {
		return 0, "", fmt.Errorf("tile %v is not one of this picture's %d", e.Fields["tile"], len(r.tiles))
	}
	px, err := decodePixels(e)
	if err != nil {
		return 0, "", fmt.Errorf("tile %d: pixels: %w", n, err)
	}
	return n, worker, pic.Put(r.tiles[n], px)
}

func workers(per map[string]int) string {
	var parts []string
	for _, w := range slices.Sorted(maps.Keys(per)) {
		parts = append(parts, fmt.Sprintf("%s %d", w, per[w]))
	}
	if len(parts) == 0 {
		return "no workers"
	}
	return strings.Join(parts, ", ")
}

// reportPicture shows the picture's progress: a gauge of tiles done, its
// text naming how many each worker did.
func (m *master) reportPicture(r *render, by map[int]string, per map[string]int) {
	m.node.Trace.Emit(trace.Event{Kind: trace.KindState, Key: "picture",
		Value: fmt.Sprintf("%d of %d tiles: %s", len(by), len(r.tiles), workers(per)),
		Gauge: &trace.Gauge{Value: int64(len(by)), Max: int64(len(r.tiles)), Unit: "tiles"}})
}
