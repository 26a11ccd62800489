package main_test

import (
	"context"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/history/historytest"
	"dsdemo/tui/launch"
	"dsdemo/tui/record"
	"dsdemo/tui/screen"
)

// A lecture is long: the launcher must hold no more memory after half an
// hour of a demo than after a few minutes, and give it back when the demo
// is left with q (issue 23: 601 MB after 26 minutes of the p2p demo).
//
// BenchmarkLongRun plays 30 minutes of the peer-to-peer demo into the UI
// in about a minute of wall time: the events of a Chord ring of seven peers
// and a client (historytest.Ring: background rounds at historytest.Rate
// messages a second, a put or get of the client every second with its
// lookups, state and log events) go the way the launcher hands them on,
// through the recording and the screen's event channel into the live view.
// Only the clock is simulated: the events carry simulated timestamps, and
// a redraw tick with the simulated time lays the view out and draws it
// once a simulated second (the real UI does so ten times a second, which
// costs time but keeps nothing more). Then it presses q and looks at what
// is left.
//
// Run it alone, with one iteration:
//
//	go test -run '^$' -bench LongRun -benchtime 1x ./tui/
//
// Metrics, in MiB of live heap after a GC above what the process held
// before the demo started: heap-5min and heap-30min during the run (equal
// when memory is bounded), left-after-q once the demo is left; rss-30min is
// the process's resident memory at the end of the run, listeners-left is 1
// when the view's listener still waits on the event channel after q.
func BenchmarkLongRun(b *testing.B) {
	for b.Loop() {
		r := longRun(b, 30*time.Minute)
		b.ReportMetric(r.heap5, "heap-5min-MiB")
		b.ReportMetric(r.heap30, "heap-30min-MiB")
		b.ReportMetric(r.rss30, "rss-30min-MiB")
		b.ReportMetric(r.left, "left-after-q-MiB")
		b.ReportMetric(r.listeners, "listeners-left")
		b.ReportMetric(float64(r.events), "events")
	}
}

type longRunResult struct {
	heap5, heap30, rss30, left float64 // MiB
	events                     int
	listeners                  float64 // listens of the view still waiting after q
}

func longRun(b *testing.B, length time.Duration) longRunResult {
	dir := b.TempDir()
	base := heapMiB()
	model, _ := catalog.ByID("p2p")

	// The Starter is tui/app's: every event is recorded, then handed to the
	// screen. The demo's controller keeps what a *launch.Launcher keeps of
	// it (its OnEvent), and the list of started demos keeps the controller,
	// as tui/app's runUI does until the program ends.
	var (
		onEvent func(trace.Event)
		started []screen.Controller
	)
	start := func(_ context.Context, m catalog.Model, toScreen func(trace.Event)) (screen.Controller, error) {
		w, err := record.Create(dir, m.ID, time.Now())
		if err != nil {
			return nil, err
		}
		onEvent = func(ev trace.Event) { w.Write(ev); toScreen(ev) }
		d := &quietDemo{procs: procsOf(model), recording: w, onEvent: onEvent}
		started = append(started, d)
		return d, nil
	}
	ui := screen.New(screen.Options{Lang: "en", Catalog: catalog.All(), Start: start})
	rt := newMiniRuntime(ui)
	rt.send(tea.WindowSizeMsg{Width: 160, Height: 50})
	for _, m := range catalog.All() {
		if m.ID == model.ID {
			break
		}
		rt.send(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	rt.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	for onEvent == nil || !rt.live() {
		rt.next() // the demo starts, the view begins to listen
	}

	var r longRunResult
	ring := historytest.NewRing(time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC))
	const frame = time.Second
	for at := frame; at <= length; at += frame {
		batch := ring.Until(at)
		r.events += len(batch)
		for _, ev := range batch {
			onEvent(ev)
		}
		for pending := len(batch); pending > 0; {
			pending -= rt.events(rt.next())
		}
		rt.drain()
		rt.send(rt.tick(ring.Now()))
		_ = ui.View()
		switch at {
		case 5 * time.Minute:
			r.heap5 = heapMiB() - base
		case length:
			r.heap30 = heapMiB() - base
			r.rss30 = rssMiB()
		}
	}

	onEvent = nil                                  // from here on only the demo's own reference counts
	rt.send(tea.KeyPressMsg{Code: 'q', Text: "q"}) // stops the demo: back to home
	for rt.live() {
		rt.next()
	}
	r.left = heapMiB() - base
	if !rt.listenerEnded() {
		// The view's last listen still waits on the event channel, and
		// keeps it: one more event lets it go.
		r.listeners = 1
		if d := started[0].(*quietDemo); d.onEvent != nil {
			d.onEvent(trace.Event{V: trace.Version, Kind: trace.KindLog, Node: "peer-1"})
		}
	}
	return r
}

// miniRuntime runs the UI's commands as bubbletea does, each in a goroutine
// of its own, and feeds their messages to Update one at a time, on the
// benchmark's goroutine. Only the redraw tick is the benchmark's: it comes
// with the simulated time (tick), and the real-time ticks the UI asks for
// are let go.
type miniRuntime struct {
	ui       *screen.Model
	msgs     chan tea.Msg
	tickType reflect.Type // the screen's own tick message
}

func newMiniRuntime(ui *screen.Model) *miniRuntime {
	// Init's first tick (one real 100 ms wait) gives the tick's type.
	return &miniRuntime{ui: ui, msgs: make(chan tea.Msg, 64), tickType: reflect.TypeOf(ui.Init()())}
}

// send hands msg to Update and runs the command it answers with.
func (rt *miniRuntime) send(msg tea.Msg) {
	_, cmd := rt.ui.Update(msg)
	rt.run(cmd)
}

func (rt *miniRuntime) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { rt.msgs <- cmd() }()
	}
}

// next waits for the next message of a command and handles it; it
// returns the message.
func (rt *miniRuntime) next() tea.Msg {
	msg := <-rt.msgs
	rt.handle(msg)
	return msg
}

func (rt *miniRuntime) handle(msg tea.Msg) {
	switch m := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, cmd := range m {
			rt.run(cmd)
		}
	default:
		if reflect.TypeOf(msg) != rt.tickType {
			rt.send(msg)
		}
	}
}

// drain handles the messages that have come meanwhile, without waiting
// for more.
func (rt *miniRuntime) drain() {
	for {
		select {
		case msg := <-rt.msgs:
			rt.handle(msg)
		default:
			return
		}
	}
}

// tick is the screen's redraw tick at the simulated time t.
func (rt *miniRuntime) tick(t time.Time) tea.Msg {
	return reflect.ValueOf(t).Convert(rt.tickType).Interface()
}

// events is how many trace events msg brought: the screen's batch of
// events is a slice of them.
func (rt *miniRuntime) events(msg tea.Msg) int {
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[trace.Event]() {
		return v.Len()
	}
	return 0
}

// live reports whether the UI shows a demo (the home page lists the models
// under the heading dsdemo, a demo's view does not).
func (rt *miniRuntime) live() bool {
	return !strings.HasPrefix(ansi.Strip(rt.ui.View().Content), "dsdemo")
}

// listenerEnded reports whether the view's last listen for events has
// returned, within a second of the demo's end: it returns nothing when the
// channel is closed. Any other message meanwhile (a late redraw tick) is
// let go.
func (rt *miniRuntime) listenerEnded() bool {
	deadline := time.After(time.Second)
	for {
		select {
		case msg := <-rt.msgs:
			if msg == nil {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

// heapMiB is the live heap after a full collection, in MiB.
func heapMiB() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// rssMiB is the process's resident memory, in MiB (0 where /proc is missing).
func rssMiB() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

// quietDemo is a screen.Controller whose processes run nowhere: the
// benchmark plays their events itself.
type quietDemo struct {
	procs     []launch.Proc
	recording *record.Writer
	onEvent   func(trace.Event) // kept as a *launch.Launcher keeps its Config.OnEvent
}

func procsOf(m catalog.Model) []launch.Proc {
	var procs []launch.Proc
	for _, p := range m.Programs {
		procs = append(procs, launch.Proc{Node: p.Node, Role: p.Role, Binary: "bin/" + p.Binary, State: launch.StateRunning})
	}
	return procs
}

func (d *quietDemo) Procs() []launch.Proc                      { return d.procs }
func (d *quietDemo) Kill(string) error                         { return nil }
func (d *quietDemo) Freeze(string) error                       { return nil }
func (d *quietDemo) Thaw(string) error                         { return nil }
func (d *quietDemo) Restart(context.Context, string) error     { return nil }
func (d *quietDemo) AddClient(context.Context) (string, error) { return "client-2", nil }
func (d *quietDemo) Churn(context.Context) (string, error)     { return "", nil }
func (d *quietDemo) Partition(string, bool) error              { return nil }
func (d *quietDemo) Control(string, trace.Control) error       { return nil }
func (d *quietDemo) Play(catalog.Experiment) screen.Player     { return nil }

// Close lets go of the event callback, as a *launch.Launcher's Close does.
func (d *quietDemo) Close() error {
	d.onEvent = nil
	return d.recording.Close()
}

var _ screen.Controller = (*quietDemo)(nil)
