package screen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/history"
	"dsdemo/tui/launch"
)

// eventBuffer is how many events may wait between the collector and the UI.
const eventBuffer = 1 << 16

// Panes of the lower half, cycled with tab.
const (
	paneSequence = iota
	paneLog
	paneInspector
	panes
)

// live is the live view of one running or recorded demo.
type live struct {
	c      *common
	opts   Options
	ctl    Controller // nil in a replay
	model  catalog.Model
	store  *history.Store
	events <-chan trace.Event // from the launcher; nil in a replay
	replay *replay            // nil for a running demo

	paused  bool
	waiting []trace.Event // events that came while paused
	step    bool          // step mode: messages are held until released
	slow    int           // index into slowMotion
	drop    map[string]int
	cut     map[string]bool
	status  string // the result of the last action
	churn   bool   // peers of the model's Churn list come and go at random

	selected  string
	pane      int
	filter    string
	filtering bool
	scroll    int // arrows scrolled back from the newest

	experiment     *catalog.Experiment
	stepIndex      int // the step of the experiment that x carries out next
	player         Player
	caption        catalog.Text
	asking         *catalog.Step // a predict step waiting for the class's answer (keys 1-9)
	pendingExplain catalog.Text  // the explanation of the question just answered
	playing        bool          // a step is being carried out
	queued         int           // x pressed while a step was running: steps to carry out next

	now                time.Time
	rateAt             time.Time
	rateTotal          uint64
	eventRate, msgRate float64
	rateMsgs           int

	boxes []box // where the node boxes were drawn, for mouse clicks
}

// box is a node's box on the screen.
type box struct {
	node           string
	x0, x1, y0, y1 int
}

func newLive(c *common, opts Options, ctl Controller, m catalog.Model, events <-chan trace.Event) *live {
	return &live{c: c, opts: opts, ctl: ctl, model: m, events: events, store: history.New(history.DefaultCapacity),
		drop: map[string]int{}, cut: map[string]bool{}, now: time.Now(), rateAt: time.Now()}
}

// listen waits for the next batch of events from the launcher.
func (l *live) listen() tea.Cmd {
	events := l.events
	if events == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		batch := []trace.Event{ev}
		for len(batch) < 4096 {
			select {
			case ev, ok := <-events:
				if !ok {
					return eventsMsg(batch)
				}
				batch = append(batch, ev)
			default:
				return eventsMsg(batch)
			}
		}
		return eventsMsg(batch)
	}
}

// add takes events into the history, or keeps them aside while paused.
func (l *live) add(events []trace.Event) {
	if l.paused {
		l.waiting = append(l.waiting, events...)
		if over := len(l.waiting) - history.DefaultCapacity; over > 0 {
			l.waiting = l.waiting[over:]
		}
		return
	}
	for _, ev := range events {
		l.store.Add(ev)
		if l.selected == "" && ev.Kind == trace.KindHello {
			l.selected = ev.Node
		}
	}
}

func (l *live) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case eventsMsg:
		l.add(msg)
		return l.listen()
	case doneMsg:
		l.status = msg.text
	case stepMsg:
		l.playing = false
		if msg.err != nil {
			l.status = l.c.t("Schritt fehlgeschlagen: ", "step failed: ") + msg.err.Error()
		} else if msg.step.Kind == catalog.StepPredict {
			l.ask(msg.step) // the next step waits for the answer (or x)
			if l.opts.Auto {
				return tea.Tick(5*time.Second, func(time.Time) tea.Msg { return autoMsg{} })
			}
			return nil
		}
		if l.queued > 0 {
			l.queued--
			return l.nextStep()
		}
		if l.opts.Auto && l.player != nil && !l.player.Done() {
			return tea.Tick(1500*time.Millisecond, func(time.Time) tea.Msg { return autoMsg{} })
		}
	case predictMsg:
		l.playing = false
		l.verdict(msg)
		if l.queued > 0 {
			l.queued--
			return l.nextStep()
		}
	case autoMsg:
		return l.nextStep()
	case churnMsg:
		if !l.churn || l.ctl == nil {
			return nil
		}
		return tea.Batch(churnTick(), l.churnStep())
	}
	return nil
}

// churnStep lets one node leave or come back.
func (l *live) churnStep() tea.Cmd {
	ctl := l.ctl
	return func() tea.Msg {
		did, err := ctl.Churn(context.Background())
		if err != nil {
			return doneMsg{"churn: " + err.Error()}
		}
		return doneMsg{"churn: " + did}
	}
}

type (
	autoMsg  struct{}
	churnMsg struct{}
)

// churnTick schedules the next step of churn, two to five seconds from
// now: irregular, as real peers come and go, but slow enough for the ring
// to repair itself in between.
func churnTick() tea.Cmd {
	return tea.Tick(time.Duration(2000+rand.IntN(3000))*time.Millisecond, func(time.Time) tea.Msg { return churnMsg{} })
}

func (l *live) tick(now time.Time) {
	l.now = now
	if l.replay != nil {
		if l.paused {
			l.replay.at = now // a pause does not count as recording time
		} else {
			l.add(l.replay.advance(now))
		}
	}
	if d := now.Sub(l.rateAt); d >= time.Second {
		total := l.store.Total()
		msgs := len(l.store.Arrows())
		l.eventRate = float64(total-l.rateTotal) / d.Seconds()
		l.msgRate = float64(max(msgs-l.rateMsgs, 0)) / d.Seconds()
		l.rateAt, l.rateTotal, l.rateMsgs = now, total, msgs
	}
}

// choose makes e the experiment that x steps through.
func (l *live) choose(e catalog.Experiment) {
	l.experiment = &e
	l.stepIndex = 0
	l.caption = e.Summary
	if l.opts.NewPlayer != nil && l.ctl != nil {
		l.player = l.opts.NewPlayer(l.ctl, e)
	}
}

func (l *live) nextStep() tea.Cmd {
	if l.player == nil {
		if l.ctl == nil || len(l.model.Experiments) == 0 {
			return nil
		}
		l.choose(l.model.Experiments[0])
	}
	if l.playing {
		l.queued++ // carried out when the running step is done
		return nil
	}
	l.asking = nil // x instead of an answer: the player lets the message go
	if l.player == nil || l.player.Done() {
		if l.player != nil && l.player.Done() {
			l.status = l.c.t("Experiment beendet.", "Experiment finished.")
		}
		return nil
	}
	l.playing = true
	// Show the step's caption while it runs: a wait step explains what it waits for.
	if l.stepIndex < len(l.experiment.Steps) {
		l.caption = l.experiment.Steps[l.stepIndex].Caption
	}
	l.stepIndex++
	p := l.player
	return func() tea.Msg {
		step, err := p.Next(context.Background())
		return stepMsg{step: step, err: err}
	}
}

func (l *live) close() {
	if l.ctl != nil {
		l.ctl.Close()
	}
}

// nodes returns the node names in display order: servers first, then the
// rest in the order they appeared.
func (l *live) nodes() []string {
	var servers, others []string
	seen := map[string]bool{}
	for _, n := range l.store.Nodes() {
		seen[n.Name] = true
		if n.Role == "client" {
			others = append(others, n.Name)
		} else {
			servers = append(servers, n.Name)
		}
	}
	if l.ctl != nil {
		for _, p := range l.ctl.Procs() {
			if !seen[p.Node] {
				others = append(others, p.Node)
			}
		}
	}
	if l.model.Layout == catalog.LayoutRow {
		// Left to right in the order a request goes: the clients, then the
		// tiers, which started back to front.
		slices.Reverse(servers)
		return append(others, servers...)
	}
	return append(servers, others...)
}

func (l *live) proc(node string) (launch.Proc, bool) {
	if l.ctl == nil {
		return launch.Proc{}, false
	}
	for _, p := range l.ctl.Procs() {
		if p.Node == node {
			return p, true
		}
	}
	return launch.Proc{}, false
}

// key handles a key of the live view.
func (l *live) key(k string) tea.Cmd {
	switch k {
	case "space":
		return l.pause()
	case "tab":
		l.pane = (l.pane + 1) % panes
	case "/":
		l.filtering, l.pane = true, paneLog
	case "left", "right":
		l.move(map[string]int{"left": -1, "right": 1}[k])
	case "up":
		l.scroll++
	case "down":
		l.scroll = max(l.scroll-1, 0)
	case "pgup":
		l.scroll += 10
	case "pgdown":
		l.scroll = max(l.scroll-10, 0)
	case "e":
		return l.export()
	}
	if l.replay != nil {
		return l.replayKey(k)
	}
	switch k {
	case "n":
		return l.stepMessage()
	case "+", "=", "-":
		if k == "-" {
			l.slow = max(l.slow-1, 0)
		} else {
			l.slow = min(l.slow+1, len(slowMotion)-1)
		}
		ms := slowMotion[l.slow]
		return l.do(fmt.Sprintf("slow motion %d ms", ms), func() error {
			return l.ctl.Control("", trace.Control{Op: trace.OpDelay, Ms: ms})
		})
	case "k":
		return l.onNode("kill", l.ctl.Kill)
	case "f":
		if p, ok := l.proc(l.selected); ok && p.State == launch.StateFrozen {
			return l.onNode("thaw", l.ctl.Thaw)
		}
		return l.onNode("freeze", l.ctl.Freeze)
	case "r":
		return l.onNode("restart", func(n string) error { return l.ctl.Restart(context.Background(), n) })
	case "p":
		node := l.selected
		on := !l.cut[node]
		l.cut[node] = on
		return l.do(fmt.Sprintf("partition %s %v", node, on), func() error { return l.ctl.Partition(node, on) })
	case "d":
		node := l.selected
		l.drop[node] = (l.drop[node] + 1) % len(dropRates)
		p := dropRates[l.drop[node]]
		return l.do(fmt.Sprintf("drop %s %.0f%%", node, p*100), func() error {
			return l.ctl.Control(node, trace.Control{Op: trace.OpDrop, P: p})
		})
	case "a":
		ctl := l.ctl
		return func() tea.Msg {
			name, err := ctl.AddClient(context.Background())
			if err != nil {
				return doneMsg{"add client: " + err.Error()}
			}
			return doneMsg{"added " + name}
		}
	case "c":
		if len(l.model.Churn) == 0 {
			l.status = l.c.t("Dieses Modell kennt kein Churn", "this model has no churn")
			return nil
		}
		l.churn = !l.churn
		if !l.churn {
			l.status = l.c.t("Churn aus", "churn off")
			return nil
		}
		l.status = l.c.t("Churn an: Peers gehen und kommen", "churn on: peers leave and join")
		return churnTick()
	case "x":
		return l.nextStep()
	case "1", "2", "3", "4", "5", "6", "7", "8", "9":
		return l.predict(int(k[0] - '1'))
	}
	return nil
}

// ask shows a predict step's question with its numbered choices.
func (l *live) ask(s catalog.Step) {
	l.asking = &s
	var choices strings.Builder
	for i, c := range s.Choices {
		fmt.Fprintf(&choices, "  [%d] %s", i+1, c)
	}
	l.caption = catalog.Text{
		DE: s.Caption.DE + " ▸" + choices.String(),
		EN: s.Caption.EN + " ▸" + choices.String(),
	}
}

// predict answers the question being asked with choice i; the held message
// goes on and predictMsg says where it went.
func (l *live) predict(i int) tea.Cmd {
	s, p := l.asking, l.player
	if s == nil || p == nil || i >= len(s.Choices) {
		return nil
	}
	l.asking = nil
	l.playing = true // the player is busy until predictMsg; x waits in the queue
	l.caption = catalog.Text{DE: "Vorhersage: " + s.Choices[i] + " … die Nachricht geht weiter.", EN: "Prediction: " + s.Choices[i] + " … the message goes on."}
	l.pendingExplain = s.Explain
	choice := s.Choices[i]
	return func() tea.Msg {
		o, err := p.Predict(context.Background(), choice)
		return predictMsg{outcome: o, err: err}
	}
}

// verdict shows whether the prediction was right, and why.
func (l *live) verdict(msg predictMsg) {
	if msg.err != nil {
		l.status = l.c.t("Vorhersage: ", "prediction: ") + msg.err.Error()
		return
	}
	o, why := msg.outcome, l.pendingExplain
	if o.Right() {
		l.caption = catalog.Text{DE: "✓ Richtig: " + o.Actual + ". " + why.DE, EN: "✓ Right: " + o.Actual + ". " + why.EN}
	} else {
		l.caption = catalog.Text{
			DE: "✗ Nicht " + o.Chosen + ", sondern " + o.Actual + ". " + why.DE,
			EN: "✗ Not " + o.Chosen + " but " + o.Actual + ". " + why.EN,
		}
	}
}

// do runs a control in a command and reports how it went.
func (l *live) do(what string, f func() error) tea.Cmd {
	return func() tea.Msg {
		if err := f(); err != nil {
			return doneMsg{what + ": " + err.Error()}
		}
		return doneMsg{what}
	}
}

func (l *live) onNode(verb string, f func(string) error) tea.Cmd {
	node := l.selected
	if node == "" {
		return nil
	}
	return l.do(verb+" "+node, func() error { return f(node) })
}

// pause stops drawing new events; in step mode it ends the step mode.
func (l *live) pause() tea.Cmd {
	if l.step && l.ctl != nil {
		l.step = false
		return l.do(l.c.t("Schrittmodus aus", "step mode off"), func() error {
			return l.ctl.Control("", trace.Control{Op: trace.OpHold, On: false})
		})
	}
	l.paused = !l.paused
	if !l.paused {
		waiting := l.waiting
		l.waiting = nil
		l.add(waiting)
	}
	return nil
}

// stepMessage turns step mode on, then releases the oldest held message.
func (l *live) stepMessage() tea.Cmd {
	ctl := l.ctl
	if !l.step {
		l.step = true
		return l.do(l.c.t("Schrittmodus: n gibt die nächste Nachricht frei", "step mode: n releases the next message"), func() error {
			return ctl.Control("", trace.Control{Op: trace.OpHold, On: true})
		})
	}
	for _, a := range l.store.InFlight() {
		if a.Held {
			return l.do(fmt.Sprintf("released %s %s→%s", a.Type, a.From, a.To), func() error {
				return ctl.Control(a.From, trace.Control{Op: trace.OpRelease, ID: a.ID})
			})
		}
	}
	l.status = l.c.t("Keine Nachricht wartet.", "No message is waiting.")
	return nil
}

func (l *live) move(d int) {
	nodes := l.nodes()
	if len(nodes) == 0 {
		return
	}
	i := slices.Index(nodes, l.selected)
	l.selected = nodes[(i+d+len(nodes))%len(nodes)]
}

func (l *live) click(x, y int) {
	for _, b := range l.boxes {
		if x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1 {
			l.selected = b.node
		}
	}
}

func (l *live) typeFilter(k string) {
	switch k {
	case "enter", "esc":
		l.filtering = false
	case "backspace":
		if r := []rune(l.filter); len(r) > 0 {
			l.filter = string(r[:len(r)-1])
		}
	case "space":
		l.filter += " "
	default:
		if len([]rune(k)) == 1 {
			l.filter += k
		}
	}
}

func (l *live) export() tea.Cmd {
	if l.opts.Export == nil {
		return nil
	}
	events, export := l.store.Events(), l.opts.Export
	return func() tea.Msg {
		path, err := export(events)
		if err != nil {
			return doneMsg{"export: " + err.Error()}
		}
		return doneMsg{"exported " + path}
	}
}

// view draws the live view.
func (l *live) view() string {
	c := l.c
	w, h := c.width, c.height
	var top []string
	top = append(top, l.titleLine())
	if caption := l.caption.In(c.lang); caption != "" {
		top = append(top, c.theme.Caption.Render(fit(wrap(caption, w), w, 2)))
	}
	topoH := 7
	if h >= 30 {
		topoH = min(14, h/3)
	}
	offset := lipgloss.Height(strings.Join(top, "\n"))
	top = append(top, l.topology(w, topoH))
	for i := range l.boxes { // from the canvas to the screen, for mouse clicks
		l.boxes[i].y0 += offset
		l.boxes[i].y1 += offset
	}
	upper := strings.Join(top, "\n")
	rest := h - lipgloss.Height(upper) - 2
	lower := l.lower(w, max(rest, 3))
	return fit(upper+"\n"+lower, w, h-2) + "\n" + l.statusLine(w) + "\n" + footer(c, liveKeys, w)
}

func (l *live) titleLine() string {
	c := l.c
	parts := []string{c.theme.Title.Render(l.model.Title.In(c.lang))}
	if l.replay != nil {
		parts = append(parts, fmt.Sprintf("replay ×%g", l.replay.speed))
	}
	if l.slow > 0 {
		parts = append(parts, fmt.Sprintf(c.t("Zeitlupe %g s", "slow motion %g s"), float64(slowMotion[l.slow])/1000))
	}
	if l.step {
		parts = append(parts, c.theme.Held.Render(c.t("⏸ Schrittmodus", "⏸ step mode")))
	}
	if l.paused {
		parts = append(parts, c.theme.Held.Render(c.t("angehalten", "paused")))
	}
	if l.churn {
		parts = append(parts, c.theme.Held.Render("churn"))
	}
	if l.experiment != nil {
		parts = append(parts, c.t("Experiment: ", "experiment: ")+l.experiment.Title.In(c.lang))
	}
	return strings.Join(parts, " · ")
}

// progress is how far a message has come, from 0 (just sent) to 1 (arrived).
func (l *live) progress(a history.Arrow) float64 {
	if a.Delivered() {
		return 1
	}
	expected := time.Duration(max(slowMotion[l.slow], 500)) * time.Millisecond
	return max(0, min(float64(l.now.Sub(a.Sent))/float64(expected), 0.95))
}

// lower draws the panes of the lower half: on a wide screen the sequence
// diagram and the pane chosen with tab side by side, else one at a time.
func (l *live) lower(width, height int) string {
	if width >= 140 {
		left := width * 3 / 5
		other := l.pane
		if other == paneSequence {
			other = paneLog
		}
		return lipgloss.JoinHorizontal(lipgloss.Top,
			fit(l.paneView(paneSequence, left-1, height), left-1, height), " ",
			fit(l.paneView(other, width-left, height), width-left, height))
	}
	return fit(l.paneView(l.pane, width, height), width, height)
}

func (l *live) paneView(pane, width, height int) string {
	switch pane {
	case paneLog:
		return l.logView(width, height)
	case paneInspector:
		return l.inspector(width, height)
	}
	return l.sequence(width, height)
}

func (l *live) statusLine(width int) string {
	c := l.c
	s := fmt.Sprintf(c.t("Ereignisse/s %.0f · Nachrichten/s %.0f · verlorene Trace-Ereignisse %d · gesamt %d",
		"events/s %.0f · messages/s %.0f · lost trace events %d · total %d"),
		l.eventRate, l.msgRate, l.store.Lost(), l.store.Total())
	if l.status != "" {
		s += " · " + l.status
	}
	return c.theme.Faint.Render(fit(s, width, 1))
}
