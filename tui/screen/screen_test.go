package screen

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

func press(m *Model, keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		default:
			msg = keyPress(k)
		}
		_, cmd := m.Update(msg)
		run(m, cmd)
	}
}

func keyPress(k string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: []rune(k)[0], Text: k} }

// run carries out a command and feeds its message back, as the runtime would.
func run(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg.(type) {
	case nil, tickMsg, autoMsg:
		return
	case tea.BatchMsg:
		return
	}
	m.Update(msg)
}

func resize(m *Model, w, h int) { m.Update(tea.WindowSizeMsg{Width: w, Height: h}) }

func TestHome(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			m := New(Options{Lang: lang, Catalog: catalog.All()})
			resize(m, 120, 40)
			view := m.View().Content
			for _, model := range catalog.All() {
				assert.Contains(t, view, model.Title.In(lang))
			}
			press(m, "down")
			assert.Contains(t, m.View().Content, catalog.All()[1].Summary.In(lang)[:20])
		})
	}
}

// fakeDemo records the controls the live view asks for.
type fakeDemo struct {
	mu    sync.Mutex
	calls []string
	procs []launch.Proc
}

func (f *fakeDemo) record(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return nil
}

func (f *fakeDemo) Procs() []launch.Proc           { return f.procs }
func (f *fakeDemo) Play(catalog.Experiment) Player { return nil } // no experiments
func (f *fakeDemo) Kill(n string) error            { return f.record("kill " + n) }
func (f *fakeDemo) Freeze(n string) error {
	f.procs[0].State = launch.StateFrozen
	return f.record("freeze " + n)
}
func (f *fakeDemo) Thaw(n string) error {
	f.procs[0].State = launch.StateRunning
	return f.record("thaw " + n)
}
func (f *fakeDemo) Restart(_ context.Context, n string) error { return f.record("restart " + n) }
func (f *fakeDemo) AddClient(context.Context) (string, error) { return "client-4", f.record("add") }
func (f *fakeDemo) Churn(context.Context) (string, error)     { return "peer-2 leaves", f.record("churn") }
func (f *fakeDemo) Partition(n string, on bool) error {
	return f.record(fmt.Sprintf("partition %s %v", n, on))
}
func (f *fakeDemo) Close() error { return f.record("close") }
func (f *fakeDemo) Control(n string, c trace.Control) error {
	return f.record(fmt.Sprintf("control %q %s ms=%d p=%g on=%v id=%d", n, c.Op, c.Ms, c.P, c.On, c.ID))
}

func started(t *testing.T) (*Model, *fakeDemo, chan trace.Event) {
	demo := &fakeDemo{procs: []launch.Proc{{Node: "server", State: launch.StateRunning}, {Node: "client-1", State: launch.StateRunning}}}
	events := make(chan trace.Event, 100)
	m := New(Options{Lang: "en", Catalog: catalog.All(), Start: func(_ context.Context, _ catalog.Model, on func(trace.Event)) (Controller, error) {
		return demo, nil
	}})
	resize(m, 100, 30)
	model, _ := catalog.ByID("clientserver")
	m.Update(startedMsg{ctl: demo, m: model, exp: -1, events: events})
	require.NotNil(t, m.live)
	feed(m, hello("server", "127.0.0.1:7100"), hello("client-1", ""))
	return m, demo, events
}

// feed passes events to the live view and lays it out, as the next tick does.
func feed(m *Model, events ...trace.Event) {
	m.Update(eventsMsg(events))
	m.Update(tickMsg(time.Now()))
}

func hello(node, listen string) trace.Event {
	return trace.Event{V: 1, Kind: trace.KindHello, Node: node, Role: strings.TrimSuffix(node, "-1"), Listen: listen, Time: time.Now().UnixMicro()}
}

func message(kind trace.Kind, node, from, to, typ string, id, replyTo, clock uint64, fault string) trace.Event {
	return trace.Event{V: 1, Kind: kind, Node: node, Clock: clock, Fault: fault, Time: time.Now().UnixMicro(),
		Msg: &trace.Message{From: from, To: to, Type: typ, ID: id, ReplyTo: replyTo, Clock: clock}}
}

func TestLiveControls(t *testing.T) {
	m, demo, _ := started(t)
	press(m, "k", "f", "f", "r", "p", "d", "d", "a", "+", "+", "-")
	assert.Equal(t, []string{
		"kill server", "freeze server", "thaw server", "restart server", "partition server true",
		`control "server" drop ms=0 p=0.25 on=false id=0`, `control "server" drop ms=0 p=0.5 on=false id=0`,
		"add",
		`control "" delay ms=300 p=0 on=false id=0`, `control "" delay ms=1000 p=0 on=false id=0`, `control "" delay ms=300 p=0 on=false id=0`,
	}, demo.calls)

	t.Run("step mode releases the oldest held message", func(t *testing.T) {
		demo.calls = nil
		press(m, "n")
		feed(m, message(trace.KindHold, "client-1", "client-1", "server", "put", 7, 0, 3, ""))
		press(m, "n")
		assert.Equal(t, []string{`control "" hold ms=0 p=0 on=true id=0`, `control "client-1" release ms=0 p=0 on=false id=7`}, demo.calls)
		assert.Contains(t, m.View().Content, "⏸")
	})
	t.Run("q stops the demo", func(t *testing.T) {
		press(m, "q")
		assert.Nil(t, m.live)
		assert.Contains(t, demo.calls, "close")
	})
}

func TestLiveView(t *testing.T) {
	m, _, _ := started(t)
	feed(m,
		message(trace.KindSend, "client-1", "client-1", "127.0.0.1:7100", "put", 1, 0, 1, ""),
		message(trace.KindRecv, "server", "client-1", "server", "put", 1, 0, 2, ""),
		message(trace.KindSend, "server", "server", "client-1", "put_ok", 1, 1, 3, ""),
		message(trace.KindRecv, "client-1", "server", "client-1", "put_ok", 1, 1, 4, ""),
		message(trace.KindSend, "client-1", "client-1", "server", "get", 2, 0, 5, "drop"),
		trace.Event{V: 1, Kind: trace.KindState, Node: "server", Key: "keys", Value: "1"},
	)
	view := m.View().Content
	for _, want := range []string{"put_ok", "✗get (dropped)", "⟦server ●⟧", "⟦client-1 ●⟧"} {
		assert.Contains(t, view, want)
	}
	assert.Contains(t, strings.Join(m.live.insp.lines(&m.live.sc, 100, 20), "\n"), "keys = 1", "the selected server's state")
	t.Run("a click selects a node", func(t *testing.T) {
		boxes := m.live.topo.boxes
		require.Len(t, boxes, 2)
		i := slices.IndexFunc(boxes, func(b box) bool { return b.node == "client-1" })
		require.GreaterOrEqual(t, i, 0)
		b := boxes[i]
		lines := strings.Split(m.View().Content, "\n")
		assert.Contains(t, lines[b.y0], "client-1", "the box is where a click goes")
		_, cmd := m.Update(tea.MouseClickMsg{X: b.x0 + 1, Y: b.y0})
		run(m, cmd)
		assert.Equal(t, "client-1", m.live.selected)
	})
	t.Run("the log filter", func(t *testing.T) {
		press(m, "/", "g", "e", "t", "enter")
		log := m.live.log.view()
		assert.Contains(t, log, "get")
		assert.NotContains(t, log, "put_ok")
	})
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			resize(m, size[0], size[1])
			lines := strings.Split(m.View().Content, "\n")
			assert.Len(t, lines, size[1])
			for i, l := range lines {
				assert.LessOrEqual(t, lipgloss.Width(l), size[0], "line %d: %q", i, l)
			}
		})
	}
}

func TestReplay(t *testing.T) {
	events := []trace.Event{
		hello("server", "127.0.0.1:7100"),
		message(trace.KindSend, "client-1", "client-1", "server", "put", 1, 0, 1, ""),
		message(trace.KindRecv, "server", "client-1", "server", "put", 1, 0, 2, ""),
	}
	m := NewReplay(events, Options{Lang: "en"})
	resize(m, 100, 30)
	press(m, "space")
	press(m, "n", "n")
	assert.Contains(t, m.View().Content, "put")
	press(m, "k")
	assert.Contains(t, m.View().Content, "not in a replay")
}

// BenchmarkLiveView draws the live screen with 10 nodes and 10,000 events
// in the history (the target: under 10 ms).
func BenchmarkLiveView(b *testing.B) {
	m := New(Options{Lang: "en"})
	resize(m, 160, 50)
	m.live = newLive(&m.c, m.opts, newRecording(&m.c, nil), catalog.Model{Title: i18n.Text{EN: "bench"}})
	var evs []trace.Event
	for i := range 10 {
		evs = append(evs, hello(fmt.Sprintf("node-%d", i), fmt.Sprintf("127.0.0.1:%d", 7100+i)))
	}
	for i := range uint64(10_000) {
		from, to := fmt.Sprintf("node-%d", i%10), fmt.Sprintf("node-%d", (i+3)%10)
		evs = append(evs, message(trace.KindSend, from, from, to, "put", i+1, 0, i+1, ""))
	}
	m.live.add(evs)
	m.live.layout()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkLiveLayout is the cost of laying the live view out, which each
// redraw tick does before View (same run as BenchmarkLiveView).
func BenchmarkLiveLayout(b *testing.B) {
	m := New(Options{Lang: "en"})
	resize(m, 160, 50)
	m.live = newLive(&m.c, m.opts, newRecording(&m.c, nil), catalog.Model{Title: i18n.Text{EN: "bench"}})
	var evs []trace.Event
	for i := range 10 {
		evs = append(evs, hello(fmt.Sprintf("node-%d", i), fmt.Sprintf("127.0.0.1:%d", 7100+i)))
	}
	for i := range uint64(10_000) {
		from, to := fmt.Sprintf("node-%d", i%10), fmt.Sprintf("node-%d", (i+3)%10)
		evs = append(evs, message(trace.KindSend, from, from, to, "put", i+1, 0, i+1, ""))
	}
	m.live.add(evs)
	for b.Loop() {
		m.live.layout()
	}
}

// BenchmarkIngest is the cost of taking events into the live view (the
// issue's target: 50,000 events/s or more).
func BenchmarkIngest(b *testing.B) {
	m := New(Options{Lang: "en"})
	m.live = newLive(&m.c, m.opts, newRecording(&m.c, nil), catalog.Model{})
	batch := make([]trace.Event, 1000)
	for i := range batch {
		batch[i] = message(trace.KindSend, "c", "c", "s", "put", uint64(i+1), 0, uint64(i+1), "")
	}
	for b.Loop() {
		m.Update(eventsMsg(batch))
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
}

func TestRing(t *testing.T) {
	fake := &fakeDemo{}
	m := New(Options{Lang: "en", Catalog: catalog.All()})
	resize(m, 100, 30)
	model, _ := catalog.ByID("p2p")
	m.Update(startedMsg{ctl: fake, m: model, exp: -1, events: make(chan trace.Event)})
	require.NotNil(t, m.live)
	state := func(node, key, value string) trace.Event {
		return trace.Event{V: 1, Kind: trace.KindState, Node: node, Key: key, Value: value}
	}
	// Hellos in one order, positions in another: the circle follows the positions.
	feed(m, hello("peer-a", "127.0.0.1:1"), hello("peer-b", "127.0.0.1:2"), hello("peer-c", "127.0.0.1:3"),
		state("peer-a", "id", "c0000000"), state("peer-b", "id", "10000000"), state("peer-c", "id", "80000000"),
		state("peer-b", "fingers", "peer-c,peer-a"))

	t.Run("peers sit clockwise by position", func(t *testing.T) {
		peers := []string{"peer-a", "peer-b", "peer-c"}
		m.live.sc.byPosition(peers)
		assert.Equal(t, []string{"peer-b", "peer-c", "peer-a"}, peers)
		boxes := m.live.topo.boxes
		top := slices.IndexFunc(boxes, func(b box) bool { return b.node == "peer-b" })
		require.GreaterOrEqual(t, top, 0)
		for _, b := range boxes {
			assert.LessOrEqual(t, boxes[top].y0, b.y0, "the lowest position is at the top")
		}
	})
	t.Run("the selected peer's fingers are drawn", func(t *testing.T) {
		m.Update(selectMsg("peer-a"))
		assert.NotContains(t, m.live.topo.view(), "∘", "peer-a reported no fingers")
		m.Update(selectMsg("peer-b"))
		assert.Contains(t, m.live.topo.view(), "∘")
	})
	t.Run("c toggles churn, which steps until turned off", func(t *testing.T) {
		d := m.live.src.(*demo)
		cmd := m.live.update(keyPress("c"))
		require.NotNil(t, cmd, "churn on schedules its first step")
		assert.True(t, d.churn)
		assert.Contains(t, m.live.title, "Churn")
		require.NotNil(t, m.live.update(churnMsg{}), "a tick while churn is on steps and schedules the next")
		assert.Equal(t, "churn: peer-2 leaves", d.churnStep()().(doneMsg).text)
		// The tick's step was queued in the lane first, so it runs first.
		assert.Equal(t, []string{"churn", "churn"}, fake.calls)
		m.live.update(keyPress("c"))
		assert.False(t, d.churn)
		assert.Nil(t, m.live.update(churnMsg{}), "a tick after churn off does nothing")
	})
}

// fakePlayer plays one predict step and answers every prediction with actual.
type fakePlayer struct {
	step   catalog.Step
	done   bool
	actual string
}

func (p *fakePlayer) Next(context.Context) (catalog.Step, error) { p.done = true; return p.step, nil }
func (p *fakePlayer) Done() bool                                 { return p.done }
func (p *fakePlayer) Stop()                                      {}
func (p *fakePlayer) Predict(_ context.Context, choice string) (launch.Outcome, error) {
	return launch.Outcome{Chosen: choice, Actual: p.actual}, nil
}

func TestPrediction(t *testing.T) {
	step := catalog.Step{Kind: catalog.StepPredict, Node: "server", Choices: []string{"client-1", "client-2"}, Answer: "client-1",
		Caption: i18n.Text{DE: "Wer?", EN: "Who gets it?"}, Explain: i18n.Text{DE: "Weil.", EN: "Because."}}
	// ask starts a live view on an experiment of one predict step, and
	// carries that step out: the question waits for an answer.
	ask := func(t *testing.T) (*live, *demo) {
		m, _, _ := started(t)
		l, d := m.live, m.live.src.(*demo)
		d.session, d.player = launch.NewSession(catalog.Experiment{Steps: []catalog.Step{step}}), &fakePlayer{step: step, actual: "client-1"}
		play(l, l.update(keyPress("x")))
		_, asking := d.session.Asking()
		require.True(t, asking, "the question waits for an answer")
		return l, d
	}
	t.Run("the question", func(t *testing.T) {
		l, _ := ask(t)
		assert.Contains(t, l.view(), "Who gets it? ▸  [1] client-1  [2] client-2")
		assert.Nil(t, l.update(keyPress("7")), "a number with no choice does nothing")
	})
	t.Run("right", func(t *testing.T) {
		l, d := ask(t)
		play(l, l.update(keyPress("1")))
		_, asking := d.session.Asking()
		assert.False(t, asking)
		assert.Equal(t, "✓ Right: client-1. Because.", d.caption().EN)
	})
	t.Run("wrong", func(t *testing.T) {
		l, d := ask(t)
		play(l, l.update(keyPress("2")))
		assert.Equal(t, "✗ Not client-2 but client-1. Because.", d.caption().EN)
	})
	t.Run("x before answering the last question leaves 1-9 working", func(t *testing.T) {
		l, d := ask(t)
		play(l, l.update(keyPress("x")))
		_, asking := d.session.Asking()
		require.True(t, asking, "the question of the last step stays open")
		play(l, l.update(keyPress("1")))
		assert.Equal(t, "✓ Right: client-1. Because.", d.caption().EN)
	})
	t.Run("the verdict of an experiment left behind is not shown", func(t *testing.T) {
		l, d := ask(t)
		answer := l.update(keyPress("1"))
		require.NotNil(t, answer)
		d.session, d.player = launch.NewSession(catalog.Experiment{Steps: []catalog.Step{step}}), &fakePlayer{step: step, actual: "client-2"}
		assert.Nil(t, l.update(answer()), "the old player's verdict is dropped")
		assert.NotContains(t, d.caption().EN, "Right", "the new experiment shows no verdict of the old")
	})
	t.Run("a step or an auto tick of an experiment left behind is not applied", func(t *testing.T) {
		l, d := ask(t)
		old := d.player
		d.session, d.player = launch.NewSession(catalog.Experiment{Steps: []catalog.Step{step}}), &fakePlayer{step: step, actual: "client-2"}
		assert.Nil(t, l.update(stepMsg{player: old, index: 0, step: step}))
		_, asking := d.session.Asking()
		assert.False(t, asking, "the new experiment asks nothing it has not carried out")
		assert.Equal(t, 0, d.session.Index(), "the new session has not moved on")
		assert.Nil(t, l.update(autoMsg{player: old}), "the old experiment's --auto tick does nothing")
	})
	t.Run("x while the answer is on its way waits for it", func(t *testing.T) {
		l, d := ask(t)
		answer := l.update(keyPress("1"))
		require.NotNil(t, answer)
		assert.Nil(t, l.update(keyPress("x")), "the player is busy")
		assert.Equal(t, 1, d.session.Queued())
		l.update(answer())
		assert.Equal(t, 0, d.session.Queued(), "the queued step runs after the verdict")
	})
}

// play carries out cmd and the commands that follow from it, as the runtime
// would, leaving out batches (timers, listening).
func play(l *live, cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		if _, ok := msg.(tea.BatchMsg); ok || msg == nil {
			return
		}
		cmd = l.update(msg)
	}
}

func TestTiers(t *testing.T) {
	m := New(Options{Lang: "en", Catalog: catalog.All()})
	resize(m, 100, 30)
	model, _ := catalog.ByID("ntier")
	m.Update(startedMsg{ctl: &fakeDemo{}, m: model, exp: -1, events: make(chan trace.Event)})
	require.NotNil(t, m.live)
	// The tiers say hello back to front, and app-2 comes last.
	for _, n := range []string{"db", "app-1", "web", "client-1", "app-2"} {
		role := strings.TrimRight(strings.TrimRight(n, "0123456789"), "-")
		feed(m, trace.Event{V: 1, Kind: trace.KindHello, Node: n, Role: role, Time: time.Now().UnixMicro()})
	}
	at := m.live.sc.tiers([]string{"client-1", "web", "app-1", "db", "app-2"}, 100, 14)
	assert.Less(t, at["client-1"].x, at["web"].x)
	assert.Less(t, at["web"].x, at["app-1"].x)
	assert.Less(t, at["app-1"].x, at["db"].x)
	assert.Equal(t, at["app-1"].x, at["app-2"].x, "the app instances share a column")
	assert.NotEqual(t, at["app-1"].y, at["app-2"].y, "one above the other")
}

// TestRowOrder: a row layout orders the nodes by the catalogue's columns,
// for any model, whatever order they said hello in: in the broker model
// the producers left, the broker, the consumers right (an added one
// last), in the sequence diagram and on the picture alike.
func TestRowOrder(t *testing.T) {
	m := New(Options{Lang: "en", Catalog: catalog.All()})
	resize(m, 100, 30)
	model, _ := catalog.ByID("broker")
	m.Update(startedMsg{ctl: &fakeDemo{}, m: model, exp: -1, events: make(chan trace.Event)})
	require.NotNil(t, m.live)
	for _, n := range []string{"broker", "consumer-1", "producer-1", "consumer-4"} {
		role := strings.TrimRight(strings.TrimRight(n, "0123456789"), "-")
		feed(m, trace.Event{V: 1, Kind: trace.KindHello, Node: n, Role: role, Time: time.Now().UnixMicro()})
	}
	order := m.live.sc.order(nil)
	assert.Equal(t, []string{"producer-1", "broker", "consumer-1", "consumer-4"}, order)
	at := m.live.sc.tiers(order, 100, 14)
	assert.Less(t, at["producer-1"].x, at["broker"].x)
	assert.Less(t, at["broker"].x, at["consumer-1"].x)
	assert.Equal(t, at["consumer-1"].x, at["consumer-4"].x, "the consumers share a column")
	assert.Less(t, at["consumer-1"].y, at["consumer-4"].y, "the first consumer on top")
	assert.Contains(t, footerKeys(m), "a consumer", "key a adds the role the catalogue names")
}

// TestNothingIsCut shows the longest question of the catalogue at 80×24:
// the caption wraps and is shown whole, and the footer, folded onto two
// lines, still names the experiment's key, the help and the way back.
func TestNothingIsCut(t *testing.T) {
	m, _, _ := started(t)
	resize(m, 80, 24)
	var longest i18n.Text
	for _, model := range catalog.All() {
		for _, e := range model.Experiments {
			for _, s := range e.Steps {
				if len(s.Caption.EN) > len(longest.EN) {
					longest = s.Caption
				}
			}
		}
	}
	d := m.live.src.(*demo)
	d.session = launch.NewSession(catalog.Experiment{Steps: []catalog.Step{{Kind: catalog.StepCaption, Caption: longest}}})
	d.session.Next()
	m.Update(tickMsg(time.Now()))
	view := ansi.Strip(m.View().Content)
	lines := strings.Split(view, "\n")
	assert.Len(t, lines, 24)
	flat := strings.Join(strings.Fields(view), " ")
	assert.Contains(t, flat, strings.Join(strings.Fields(longest.EN), " "), "the caption is whole")
	footer := strings.Join(lines[len(lines)-2:], "\n")
	for _, k := range []string{"x experiment", "? more", "q back"} {
		assert.Contains(t, footer, k)
	}
}

// Controls reach the launcher in the order the keys were pressed, however
// the goroutines that carry them are scheduled.
func TestLaneKeepsKeyOrder(t *testing.T) {
	var l lane
	var got []int
	var cmds []func() doneMsg
	for i := range 50 {
		c := l.add(func() doneMsg { got = append(got, i); return doneMsg{text: fmt.Sprint(i)} })
		cmds = append(cmds, func() doneMsg { return l.wait(c) })
	}
	var wg sync.WaitGroup
	seqs := make([]uint64, len(cmds))
	for i := len(cmds) - 1; i >= 0; i-- { // started last first
		wg.Go(func() { seqs[i] = cmds[i]().seq })
	}
	wg.Wait()
	want := make([]int, 50)
	for i := range want {
		want[i] = i
		assert.Equal(t, uint64(i+1), seqs[i], "each report carries its own place")
	}
	assert.Equal(t, want, got)
}

// A report overtaken on its way to Update does not replace a later one.
func TestStaleReportKeepsStatus(t *testing.T) {
	m := NewReplay([]trace.Event{hello("server", "127.0.0.1:7100")}, Options{Lang: "en"})
	resize(m, 100, 30)
	m.live.update(doneMsg{text: "drop client-1 100%", seq: 3})
	m.live.update(doneMsg{text: "drop client-1 50%", seq: 2})
	assert.Equal(t, "drop client-1 100%", m.live.status)
	m.live.update(doneMsg{text: "a note"})
	assert.Equal(t, "a note", m.live.status)
}

// TestHomeNothingIsCut: at 80×24, in both languages, no line of the home
// page is cut off at the edge, and every experiment of every model comes
// into view when it is chosen.
func TestHomeNothingIsCut(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{80, 24}, {100, 30}} {
			m := New(Options{Lang: lang, Catalog: catalog.All()})
			resize(m, size[0], size[1])
			for _, model := range catalog.All() {
				for _, e := range model.Experiments {
					press(m, "right")
					view := ansi.Strip(m.View().Content)
					for _, line := range strings.Split(view, "\n") {
						require.False(t, strings.HasSuffix(line, "…") && !strings.HasSuffix(line, " …") && lipgloss.Width(line) >= size[0],
							"%s %dx%d, %s: a line is cut: %q", lang, size[0], size[1], model.ID, line)
					}
					title := []rune(e.Title.In(lang))
					assert.Contains(t, strings.Join(strings.Fields(view), " "), strings.Join(strings.Fields(string(title[:min(len(title), 16)])), " "),
						"%s %dx%d: %s's experiment %q is not in view", lang, size[0], size[1], model.ID, e.ID)
				}
				press(m, "down")
			}
		}
	}
}

// A model started without an experiment says what to do next, instead of
// waiting in silence.
func TestStartWithoutExperimentSaysWhatNext(t *testing.T) {
	m := New(Options{Lang: "en", Catalog: catalog.All()})
	resize(m, 80, 24)
	model, _ := catalog.ByID("clientserver")
	events := make(chan trace.Event)
	close(events)
	_, cmd := m.Update(startedMsg{ctl: &fakeDemo{}, m: model, exp: -1, events: events})
	require.NotNil(t, cmd)
	batch, ok := cmd().(tea.BatchMsg)
	require.True(t, ok, "listening and the note")
	for _, c := range batch {
		if msg, ok := c().(doneMsg); ok {
			m.Update(msg)
		}
	}
	assert.Contains(t, ansi.Strip(m.View().Content), "x plays the first experiment")
}
