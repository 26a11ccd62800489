package screen

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// replay feeds a recorded run into the live view at the pace it was
// recorded, faster or slower.
type replay struct {
	events []trace.Event
	next   int       // index of the next event to show
	speed  float64   // 1 = as recorded
	at     time.Time // wall time of the last advance
	clock  int64     // recording time (µs) shown so far
}

// NewReplay returns the UI showing a recorded run.
func NewReplay(events []trace.Event, opts Options) *Model {
	m := New(opts)
	title := catalog.Text{DE: "Aufzeichnung", EN: "Recording"}
	m.live = newLive(&m.c, opts, nil, catalog.Model{Title: title}, nil)
	r := &replay{events: events, speed: 1, at: time.Now()}
	if len(events) > 0 {
		r.clock = events[0].Time
	}
	m.live.replay = r
	return m
}

// advance returns the events due by now.
func (r *replay) advance(now time.Time) []trace.Event {
	r.clock += int64(float64(now.Sub(r.at).Microseconds()) * r.speed)
	r.at = now
	start := r.next
	for r.next < len(r.events) && r.events[r.next].Time <= r.clock {
		r.next++
	}
	return r.events[start:r.next]
}

// replayKey handles the keys that steer a replay.
func (l *live) replayKey(k string) tea.Cmd {
	r := l.replay
	switch k {
	case "n": // one event forward
		if r.next < len(r.events) {
			l.store.Add(r.events[r.next])
			r.clock = r.events[r.next].Time
			r.next++
		}
		l.paused = true
	case "+", "=":
		r.speed = min(r.speed*2, 16)
	case "-":
		r.speed = max(r.speed/2, 0.25)
	case "k", "f", "r", "p", "d", "a", "x":
		l.status = l.c.t("nicht in einer Aufzeichnung", "not in a replay")
	}
	return nil
}

// Notice shows a line in the status bar, e.g. why a recording ends early.
func (m *Model) Notice(text string) {
	if m.live != nil {
		m.live.status = text
	}
}
