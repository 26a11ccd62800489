package screen

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// source is where the live view's run comes from: a demo running now
// (demo) or a recording played back (recording). The view draws both the
// same way and does not know which it shows: everything that differs is
// behind this interface, and all of it reaches the view as messages.
//
//	          eventsMsg, procsMsg, doneMsg
//	source ───────────────────────────────▶ live (store, components)
//	       ◀─────────────────────────────── keys the view does not handle
//	          key, tick, update, stop
type source interface {
	// init returns the commands that start the source: listening for
	// events, an experiment that plays by itself.
	init() tea.Cmd
	// update handles the source's own messages (a step carried out, a
	// churn tick) and the batches of events it sent; the view has taken
	// the events into its history already.
	update(msg tea.Msg) tea.Cmd
	// tick is the redraw ticker: a recording returns the events due by
	// now, a demo a snapshot of its processes, both as messages.
	tick(now time.Time, paused bool) tea.Cmd
	// key carries out a key the view does not handle itself, on sel; it
	// reports whether the key meant anything to the source.
	key(msg tea.KeyPressMsg, sel selection) (tea.Cmd, bool)
	// stop ends the source; the command reports stoppedMsg once every
	// process of the run has been reaped.
	stop() tea.Cmd
	// caption is the text the class reads above the picture.
	caption() i18n.Text
	// badges are the marks of the title line (slow motion, step mode, …).
	badges(c *common) []string
	// mark is what the source adds to a node's label (⛓ cut off, 25 %).
	mark(node string) string
	// delay is how long a message takes to arrive, as the picture moves it.
	delay() time.Duration
	// runTime is the time of the run at wall time now: now itself for a
	// demo, how far it has played for a recording.
	runTime(now time.Time) time.Time
	// explaining reports whether an experiment is explaining something,
	// so that background traffic is dimmed.
	explaining() bool
	// enable turns off the keys the source cannot carry out.
	enable(keys *liveKeys)
}

// selection is what a key of the source acts on.
type selection struct {
	node   string         // the selected node; "" for none
	frozen bool           // its process is frozen
	store  *history.Store // the run so far, read only
	// show draws ev now, even while the view is paused, and pauses it:
	// a recording stepping forward by one event.
	show func(ev trace.Event)
}

// Messages of the sources.
type (
	eventsMsg  []trace.Event
	stoppedMsg struct{} // the source has ended and everything is reaped
)

// recording plays a recorded run at the pace it was recorded, faster or
// slower; n steps through it one event at a time.
type recording struct {
	c      *common
	events []trace.Event
	next   int       // index of the next event to show
	speed  float64   // 1 = as recorded
	at     time.Time // wall time of the last advance
	clock  int64     // recording time (µs) shown so far
}

func newRecording(c *common, events []trace.Event) *recording {
	r := &recording{c: c, events: events, speed: 1, at: time.Now()}
	if len(events) > 0 {
		r.clock = events[0].Time
	}
	return r
}

func (r *recording) init() tea.Cmd          { return nil }
func (r *recording) update(tea.Msg) tea.Cmd { return nil }
func (r *recording) caption() i18n.Text     { return i18n.Text{} }
func (r *recording) mark(string) string     { return "" }
func (r *recording) delay() time.Duration   { return 500 * time.Millisecond }
func (r *recording) explaining() bool       { return false }
func (r *recording) runTime(time.Time) time.Time {
	return time.UnixMicro(r.clock)
}
func (r *recording) stop() tea.Cmd { return func() tea.Msg { return stoppedMsg{} } }
func (r *recording) badges(c *common) []string {
	return []string{fmt.Sprintf(c.t("Wiedergabe ×%g", "replay ×%g"), r.speed)}
}
func (r *recording) tick(now time.Time, paused bool) tea.Cmd {
	if paused {
		r.at = now // a pause does not count as recording time
		return nil
	}
	r.at, r.clock = now, r.clock+int64(float64(now.Sub(r.at).Microseconds())*r.speed)
	return r.due()
}

// jump goes on to recording time clock at once, with every event until
// then.
func (r *recording) jump(clock int64) tea.Cmd {
	r.clock = max(r.clock, clock)
	return r.due()
}

// due returns the events up to the recording time reached, as a message.
func (r *recording) due() tea.Cmd {
	start := r.next
	for r.next < len(r.events) && r.events[r.next].Time <= r.clock {
		r.next++
	}
	if start == r.next {
		return nil
	}
	due := eventsMsg(r.events[start:r.next])
	return func() tea.Msg { return due }
}

// enable leaves only the keys that steer a replay: n, +/- and the view's own.
func (r *recording) enable(keys *liveKeys) {
	for _, b := range []*binding{&keys.Next, &keys.Predict, &keys.Kill, &keys.Freeze, &keys.Restart,
		&keys.Partition, &keys.OneWay, &keys.Drop, &keys.AddClient, &keys.Churn, &keys.Notes} {
		b.SetEnabled(false)
	}
	keys.Step.short, keys.Step.long = t("Ereignis", "event"), t("ein Ereignis weiter", "one event forward")
	keys.Slow.short, keys.Slow.long = t("Tempo", "speed"), t("schneller/langsamer abspielen", "play faster/slower")
	keys.Back.short, keys.Back.long = t("beenden", "quit"), t("beenden", "quit")
}

func (r *recording) key(msg tea.KeyPressMsg, sel selection) (tea.Cmd, bool) {
	keys := r.c.liveKeys
	switch k := msg.String(); {
	case pressed(msg, keys.Step): // one event forward
		if r.next >= len(r.events) {
			return nil, true
		}
		ev := r.events[r.next]
		r.clock = ev.Time
		r.next++
		sel.show(ev)
		return nil, true
	case pressed(msg, keys.Slow):
		if k == "-" {
			r.speed = max(r.speed/2, 0.25)
		} else {
			r.speed = min(r.speed*2, 16)
		}
		return nil, true
	case len(k) == 1 && k >= "1" && k <= "9", k == "k", k == "f", k == "r", k == "p", k == "d", k == "a", k == "c", k == "x":
		note := r.c.t("nicht in einer Aufzeichnung", "not in a replay")
		return func() tea.Msg { return doneMsg{text: note} }, true
	}
	return nil, false
}
