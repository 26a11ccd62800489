package history

import (
	"time"

	"dsdemo/models/trace"
)

// Timer is a timer a node reported (trace.Timer) and when it reported it:
// what the time left is counted from.
type Timer struct {
	trace.Timer
	At time.Time // the wall clock of the state event
}

// Left is how much of the timer is left at now.
func (t Timer) Left(now time.Time) time.Duration { return t.Timer.Left(t.At, now) }

// Fraction is the share of the timer left at now, from 1 to 0.
func (t Timer) Fraction(now time.Time) float64 { return t.Timer.Fraction(t.At, now) }

// typed keeps the timer or gauge of a state event that was kept as text
// in State, or forgets the one its key had: a later state of a key
// replaces a timer or gauge as it replaces a value. Both maps have only
// keys of State, so MaxStateKeys bounds them too.
func (n *Node) typed(ev trace.Event) {
	delete(n.Timers, ev.Key)
	delete(n.Gauges, ev.Key)
	if ev.Tile == nil {
		delete(n.Pictures, ev.Key)
	}
	switch {
	case ev.Timer != nil:
		n.Timers[ev.Key] = Timer{Timer: *ev.Timer, At: time.UnixMicro(ev.Time)}
	case ev.Gauge != nil:
		n.Gauges[ev.Key] = *ev.Gauge
	case ev.Tile != nil:
		n.tile(ev.Key, *ev.Tile)
	}
}

// MaxPictures is how many pictures of tiles a node keeps; tiles of more
// keys are kept as their text only.
const MaxPictures = 4

// Picture is what the tiles a node reported under one state key have
// filled in so far (trace.Tile): a grid of W by H cells, row by row.
type Picture struct {
	W, H   int
	Cells  []Cell
	Filled int // cells done
}

// Cell is one cell of a picture.
type Cell struct {
	Done  bool    // a tile filled it
	Shade float64 // from 0 (dark) to 1 (light)
	By    string  // who did it
}

// Cell returns the cell at column x, row y.
func (p *Picture) Cell(x, y int) Cell { return p.Cells[y*p.W+x] }

// tile fills a cell of the picture under key: the tiles of a key add up,
// unlike other typed state, until a tile with Reset or of another grid
// starts the picture again.
func (n *Node) tile(key string, t trace.Tile) {
	p := n.Pictures[key]
	if p == nil || t.Reset || p.W != t.W || p.H != t.H {
		if p == nil && len(n.Pictures) >= MaxPictures {
			return
		}
		if n.Pictures == nil {
			n.Pictures = map[string]*Picture{}
		}
		p = &Picture{W: t.W, H: t.H, Cells: make([]Cell, t.W*t.H)}
		n.Pictures[key] = p
	}
	c := &p.Cells[t.Y*t.W+t.X]
	if !c.Done {
		p.Filled++
	}
	*c = Cell{Done: true, Shade: t.Shade, By: t.By}
}

// Urgent returns the timer of the node that runs out first at now, among
// those not yet run out, and its key; ok is false when none runs.
func (n *Node) Urgent(now time.Time) (key string, t Timer, ok bool) {
	for _, k := range n.Keys {
		tm, has := n.Timers[k]
		if !has || tm.Left(now) <= 0 {
			continue
		}
		if !ok || tm.Left(now) < t.Left(now) {
			key, t, ok = k, tm, true
		}
	}
	return key, t, ok
}
