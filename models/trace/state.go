package trace

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Typed state: timers and gauges
//
// Most state is a key and a text ("keys" = "3"). Two kinds of state say
// more than a text can, and a viewer draws them instead of printing them:
//
//	a timer  (a lease, an ack deadline, a request's timeout, a cache
//	         entry's freshness) is a bar that empties as time passes:
//	         reply to put a  ███████░░░  1.4 s left
//	a gauge  (a queue's depth, a cache's fill) is a bar that fills:
//	         cache  ███░░░░░░░  312 KiB/1 MiB
//
// Both ride on an ordinary state event, next to its key and value, so a
// viewer that does not know them still shows the value text, and a later
// state of the same key replaces them: a new timer for a renewed lease, a
// plain value ("answered") for a timer that ended. The rules a collector
// applies to what comes from the network are in Bound.

// Timer is a countdown a program reports with a state event. At the
// event's time t, ElapsedMS of its MS had passed; from t on it runs at
// Speed times the wall clock's pace (0 means 1), or not at all while Still.
// A timer that counts protocol time (models/wire) reports its speed and
// reports itself again when the pace changes.
type Timer struct {
	MS        int64   `json:"ms"`                   // its whole length, in milliseconds
	ElapsedMS int64   `json:"elapsed_ms,omitempty"` // how much had passed at the event's time
	Speed     float64 `json:"speed,omitempty"`      // from t on, its pace relative to the wall clock; 0: 1
	Still     bool    `json:"still,omitempty"`      // it stands still (step mode)
	Label     string  `json:"label,omitempty"`      // what it waits for, e.g. "reply to put a"
}

// Tile is one cell of a picture that fills in: a grid of W by H cells, of
// which this state event fills the cell at column X, row Y (from 0), with
// a shade from 0 (dark) to 1 (light), done by node By. Unlike a timer or
// gauge, the tiles of one key add up: each fills its cell and keeps the
// others, until a tile with Reset (the first of a new picture), a tile of
// another grid size, or a state of the key without a tile. A compute farm
// reports each finished piece of work this way, and a viewer draws the
// picture, marking each cell with who did it.
type Tile struct {
	W     int     `json:"w"`
	H     int     `json:"h"`
	X     int     `json:"x"`
	Y     int     `json:"y"`
	Shade float64 `json:"shade"`
	By    string  `json:"by,omitempty"`
	Reset bool    `json:"reset,omitempty"`
}

// Gauge is an amount and the most it can be: a queue's depth, a cache's
// fill.
type Gauge struct {
	Value int64  `json:"value"`
	Max   int64  `json:"max"`
	Unit  string `json:"unit,omitempty"` // e.g. "B" (a viewer writes KiB, MiB), "msgs"; empty: a count
}

// Bounds on typed state, the same for every collector.
const (
	MaxTimerMS = 24 * 60 * 60 * 1000 // a timer is at most a day long
	MaxGauge   = 1 << 53             // the largest integer every JSON reader holds exactly
	MaxLabel   = 64                  // bytes of a timer's label; longer ones are cut
	MaxUnit    = 16                  // bytes of a gauge's unit; longer ones are cut
	MaxGrid    = 64                  // cells of a tile's grid across and down
)

// Bound applies the rules of typed state to an event that came from the
// network. A value that cannot mean anything refuses the typed part: it
// is removed, the event stays a plain key/value state, and the error says
// why. A value that is only too big is clamped. The rules:
//
//   - a timer's ms is between 1 and MaxTimerMS, its elapsed_ms and speed
//     are not negative, and its speed is at most 1 (refused otherwise);
//     an elapsed_ms over ms is clamped to ms (the timer has run out);
//   - a gauge's max is between 1 and MaxGauge and its value is not negative
//     (refused otherwise); a value over max is clamped to max, while the
//     value text still says the real amount;
//   - a tile's grid is 1 to MaxGrid cells across and down, its cell lies
//     in it and its shade is between 0 and 1 (refused otherwise);
//   - only a state event with a key carries a timer, a gauge or a tile,
//     and never two of them (refused otherwise);
//   - a label over MaxLabel, a unit over MaxUnit and a tile's by over
//     MaxLabel bytes are cut.
//
// The structs of ev are copied, never changed in place.
func Bound(ev Event) (Event, error) {
	typed := 0
	for _, set := range []bool{ev.Timer != nil, ev.Gauge != nil, ev.Tile != nil} {
		if set {
			typed++
		}
	}
	if typed == 0 {
		return ev, nil
	}
	var err error
	switch {
	case ev.Kind != KindState || ev.Key == "":
		err = fmt.Errorf("%s event: only a state with a key carries a timer, gauge or tile", ev.Kind)
	case typed > 1:
		err = fmt.Errorf("state %q: more than one of timer, gauge and tile at once", ev.Key)
	case ev.Timer != nil:
		var t Timer
		if t, err = ev.Timer.bound(); err == nil {
			ev.Timer = &t
		}
	case ev.Gauge != nil:
		var g Gauge
		if g, err = ev.Gauge.bound(); err == nil {
			ev.Gauge = &g
		}
	default:
		var t Tile
		if t, err = ev.Tile.bound(); err == nil {
			ev.Tile = &t
		}
	}
	if err != nil {
		ev.Timer, ev.Gauge, ev.Tile = nil, nil, nil
		if ev.Kind == KindState {
			err = fmt.Errorf("state %q: %w; shown as plain text", ev.Key, err)
		}
	}
	return ev, err
}

func (t Tile) bound() (Tile, error) {
	switch {
	case t.W < 1 || t.W > MaxGrid || t.H < 1 || t.H > MaxGrid:
		return t, fmt.Errorf("tile grid %dx%d is not between 1x1 and %dx%d", t.W, t.H, MaxGrid, MaxGrid)
	case t.X < 0 || t.X >= t.W || t.Y < 0 || t.Y >= t.H:
		return t, fmt.Errorf("tile cell %d,%d is outside its grid of %dx%d", t.X, t.Y, t.W, t.H)
	case !(t.Shade >= 0 && t.Shade <= 1): // NaN too
		return t, fmt.Errorf("tile shade %v is not between 0 and 1", t.Shade)
	}
	t.By = cutBytes(t.By, MaxLabel)
	return t, nil
}

func (t Timer) bound() (Timer, error) {
	switch {
	case t.MS < 1 || t.MS > MaxTimerMS:
		return t, fmt.Errorf("timer of %d ms is not between 1 and %d", t.MS, MaxTimerMS)
	case t.ElapsedMS < 0:
		return t, fmt.Errorf("timer elapsed_ms %d is negative", t.ElapsedMS)
	case !(t.Speed >= 0 && t.Speed <= 1): // NaN too
		return t, fmt.Errorf("timer speed %v is not between 0 and 1", t.Speed)
	}
	t.ElapsedMS = min(t.ElapsedMS, t.MS)
	t.Label = cutBytes(t.Label, MaxLabel)
	return t, nil
}

func (g Gauge) bound() (Gauge, error) {
	switch {
	case g.Max < 1 || g.Max > MaxGauge:
		return g, fmt.Errorf("gauge max %d is not between 1 and %d", g.Max, int64(MaxGauge))
	case g.Value < 0:
		return g, fmt.Errorf("gauge value %d is negative", g.Value)
	}
	g.Value = min(g.Value, g.Max)
	g.Unit = cutBytes(g.Unit, MaxUnit)
	return g, nil
}

// cutBytes cuts s to at most n bytes, at a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Left returns how much of the timer is left at now, when it was reported
// at reported (the event's time): never negative, never more than MS.
func (t Timer) Left(reported, now time.Time) time.Duration {
	left := time.Duration(t.MS-t.ElapsedMS) * time.Millisecond
	if !t.Still {
		speed := t.Speed
		if speed <= 0 || speed > 1 {
			speed = 1
		}
		left -= time.Duration(float64(max(now.Sub(reported), 0)) * speed)
	}
	return min(max(left, 0), time.Duration(t.MS)*time.Millisecond)
}

// Fraction returns the share of the timer left at now, from 1 (it has just
// started) to 0 (it has run out): the length of its bar.
func (t Timer) Fraction(reported, now time.Time) float64 {
	if t.MS <= 0 {
		return 0
	}
	return float64(t.Left(reported, now)) / float64(time.Duration(t.MS)*time.Millisecond)
}

// Fraction returns how full the gauge is, from 0 to 1: the length of its bar.
func (g Gauge) Fraction() float64 {
	if g.Max <= 0 {
		return 0
	}
	return min(max(float64(g.Value)/float64(g.Max), 0), 1)
}

// String is the gauge as text, the value text of its state event: "3/10",
// "312 KiB/1 MiB" for the unit "B", "3/10 msgs" for another unit.
func (g Gauge) String() string {
	if g.Unit == "B" {
		return Bytes(g.Value) + "/" + Bytes(g.Max)
	}
	s := strconv.FormatInt(g.Value, 10) + "/" + strconv.FormatInt(g.Max, 10)
	if g.Unit != "" {
		s += " " + g.Unit
	}
	return s
}

// Bytes writes n bytes the way people read them: 900 B, 312 KiB, 1.5 MiB.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	f, suffix := float64(n), ""
	for _, s := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		f, suffix = f/unit, s
		if f < unit {
			break
		}
	}
	if f >= 10 || f == math.Trunc(f) {
		return strconv.FormatFloat(math.Round(f), 'f', -1, 64) + " " + suffix
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + suffix
}

// TimerFor returns a timer of d that starts now, with a label. d is
// rounded up to whole milliseconds and kept within 1 ms and MaxTimerMS.
func TimerFor(label string, d time.Duration) Timer {
	ms := min(max((d+time.Millisecond-1)/time.Millisecond, 1), MaxTimerMS)
	return Timer{MS: int64(ms), Label: label}
}

// Timer reports a timer under key: a bar that empties. A later state of the
// same key replaces it: another timer (a renewed lease) or EndTimer.
func (e *Emitter) Timer(key string, t Timer) {
	if e == nil {
		return
	}
	value := (time.Duration(t.MS) * time.Millisecond).String()
	if t.Label != "" {
		value = t.Label + ": " + value
	}
	e.Emit(Event{Kind: KindState, Key: key, Value: value, Timer: &t})
}

// StartTimer reports, in one call, a timer of d under key that starts now.
func (e *Emitter) StartTimer(key, label string, d time.Duration) {
	e.Timer(key, TimerFor(label, d))
}

// EndTimer reports that the timer under key is over: the key becomes a
// plain state whose value says how it ended ("answered after 3 ms",
// "expired"), and the viewer's bar goes away.
func (e *Emitter) EndTimer(key, outcome string) {
	e.State(key, outcome)
}

// Gauge reports an amount under key, value of max: a bar that fills. unit
// is "" for a count, "B" for bytes, or a short word.
func (e *Emitter) Gauge(key string, value, max int64, unit string) {
	if e == nil {
		return
	}
	g := Gauge{Value: value, Max: max, Unit: unit}
	e.Emit(Event{Kind: KindState, Key: key, Value: g.String(), Gauge: &g})
}
