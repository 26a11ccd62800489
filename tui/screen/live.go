package screen

import (
	"fmt"
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

// eventBuffer is how many events may wait between the collector and the
// UI: the live view takes them in batches at every redraw (100 ms), and a
// busy ring sends about 250 events a second, so 4096 leave room for a
// stall of many seconds. A bigger buffer only held memory (13 MiB a run at
// 1 << 16, allocated at every start).
const eventBuffer = 1 << 12

// Panes of the lower half, cycled with tab.
const (
	paneSequence = iota
	paneLog
	paneInspector
	panes
)

// live is the live view of one run, running now or recorded: it keeps the
// run's history and routes messages to its components, which it lays out
// after every change. Its source (a demo or a recording) is the only thing
// that differs between a live run and a replay.
//
//	┌ title · badges ─────────────────────────────┐
//	│ caption (wrapped, never cut)                │ caption
//	│ ⟦client-1 ●⟧ ──●put──▶ ⟦server ●⟧           │ topology
//	│ sequence │ log │ inspector (tab)            │ sequence, log, inspector
//	│ status bar                                  │
//	│ keys (one or two lines)                     │ footer
//	└─────────────────────────────────────────────┘
type live struct {
	c      *common
	src    source
	model  catalog.Model
	store  *history.Store
	procs  []launch.Proc // the latest snapshot of the processes; none for a recording
	export func(events []trace.Event) (string, error)

	paused   bool
	waiting  []trace.Event // events that came while paused
	selected string
	pane     int
	status   string // the result of the last action
	doneSeq  uint64 // the lane ticket of the last control reported in status
	stopping bool   // q was pressed; the source is being stopped
	now      time.Time
	rate     rate
	bg       bgMode                    // how background traffic is drawn, as the user chose it (b)
	isBg     func(msgType string) bool // which messages are background; nil: none

	// What layout made of the above, for View to draw.
	sc      scene
	title   string
	caption captionBox
	topo    topology
	pic     picturePane // a picture of tiles beside the topology, when a node reports one
	seq     sequence
	log     eventLog
	insp    inspector
	foot    footer
	notes   notesPane // the teacher notes, drawn in place of the lower pane while shown
	showing bool      // the notes are shown (t, or dsdemo --notes)
	bar     string    // the status bar, wrapped
	wide    bool      // the sequence diagram and another pane side by side
}

// rate measures events and messages per second over the last second.
type rate struct {
	at               time.Time
	total            uint64
	msgs             int
	events, messages float64
}

func newLive(c *common, opts Options, src source, m catalog.Model) *live {
	c.liveKeys = newLiveKeys()
	src.enable(&c.liveKeys)
	now := time.Now()
	l := &live{c: c, src: src, model: m, store: history.New(history.DefaultCapacity), export: opts.Export,
		now: now, rate: rate{at: now}, isBg: backgroundOf(m)}
	l.caption.c, l.topo.c, l.seq.c, l.insp.c, l.foot.c, l.notes.c = c, c, c, c, c, c
	l.showing = opts.Notes
	l.log = newEventLog(c)
	l.insp.vp = newViewport()
	l.layout()
	return l
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

// update routes msg to the part of the view it is for, and lays the view
// out again.
func (l *live) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tickMsg:
		l.tick(time.Time(msg))
		cmd = l.src.tick(l.now, l.paused)
	case eventsMsg:
		// Drawn after the next tick's layout: a busy demo sends many
		// batches between two frames, and laying out costs a sort.
		l.add(msg)
		return l.src.update(msg)
	case procsMsg:
		l.procs = msg
	case doneMsg:
		if msg.seq == 0 || msg.seq > l.doneSeq { // an overtaken report is stale
			l.status, l.doneSeq = msg.text, max(l.doneSeq, msg.seq)
			if msg.procs != nil {
				l.procs = msg.procs
			}
		}
	case selectMsg:
		l.selected = string(msg)
	case tea.MouseClickMsg:
		cmd = l.topo.update(msg)
	case tea.KeyPressMsg:
		cmd = l.key(msg)
	default:
		cmd = l.src.update(msg)
	}
	l.layout()
	return cmd
}

func (l *live) tick(now time.Time) {
	l.now = now
	if d := now.Sub(l.rate.at); d >= time.Second {
		total, msgs := l.store.Total(), len(l.sc.arrows)
		l.rate.events = float64(total-l.rate.total) / d.Seconds()
		l.rate.messages = float64(max(msgs-l.rate.msgs, 0)) / d.Seconds()
		l.rate.at, l.rate.total, l.rate.msgs = now, total, msgs
	}
}

// typing reports whether keys go to the log's filter.
func (l *live) typing() bool { return l.log.filtering() }

// key handles a key: the view's own first, then the source's.
func (l *live) key(msg tea.KeyPressMsg) tea.Cmd {
	keys := l.c.liveKeys
	if l.stopping {
		return nil
	}
	if l.typing() {
		return l.log.update(msg)
	}
	switch {
	case pressed(msg, keys.Pane):
		l.pane = (l.pane + 1) % panes
		return nil
	case pressed(msg, keys.Notes):
		l.showing = !l.showing
		return nil
	case pressed(msg, keys.Filter):
		l.pane = paneLog
		return l.log.startFilter()
	case pressed(msg, keys.Select):
		l.move(map[string]int{"left": -1, "right": 1}[msg.String()])
		return nil
	case pressed(msg, keys.Scroll):
		switch l.pane {
		case paneLog:
			return l.log.update(msg)
		case paneInspector:
			return l.insp.update(msg)
		}
		return l.seq.update(msg)
	case pressed(msg, keys.Export):
		return l.exportCmd()
	case pressed(msg, keys.Background):
		l.bg = l.background().next()
		l.status = l.bg.words(l.c)
		return nil
	}
	if cmd, ok := l.src.key(msg, l.selection()); ok {
		return cmd
	}
	if pressed(msg, keys.Pause) {
		l.pause()
	}
	return nil
}

// stop ends the run: the source stops in a command and reports stoppedMsg.
func (l *live) stop() tea.Cmd {
	if l.stopping {
		return nil
	}
	l.stopping = true
	l.status = l.c.t("wird beendet …", "stopping …")
	l.layout()
	return l.src.stop()
}

// background is how background traffic is drawn now: as the user chose,
// or dimmed while an experiment explains something.
func (l *live) background() bgMode {
	switch {
	case l.bg != bgAuto:
		return l.bg
	case l.src.explaining():
		return bgDim
	}
	return bgShow
}

func (l *live) selection() selection {
	p, _ := l.sc.proc(l.selected)
	return selection{node: l.selected, frozen: p.State == launch.StateFrozen, store: l.store,
		show: func(ev trace.Event) {
			l.paused = true
			l.store.Add(ev)
		}}
}

// pause stops drawing new events, or draws those that came meanwhile.
func (l *live) pause() {
	l.paused = !l.paused
	if !l.paused {
		waiting := l.waiting
		l.waiting = nil
		l.add(waiting)
	}
}

func (l *live) move(d int) {
	nodes := l.sc.nodes
	if len(nodes) == 0 {
		return
	}
	i := slices.Index(nodes, l.selected)
	l.selected = nodes[(i+d+len(nodes))%len(nodes)]
}

func (l *live) exportCmd() tea.Cmd {
	if l.export == nil {
		return nil
	}
	events, export := l.store.Events(), l.export
	exported, failed := l.c.t("exportiert: ", "exported "), l.c.t("Export fehlgeschlagen: ", "export failed: ")
	return func() tea.Msg {
		path, err := export(events)
		if err != nil {
			return doneMsg{text: failed + err.Error()}
		}
		return doneMsg{text: exported + path}
	}
}

// layout sizes and places every component for the window, and gives each
// what it draws: after it, View only reads.
func (l *live) layout() {
	c := l.c
	w, h := c.width, c.height
	l.sc = newScene(l)
	l.title = l.titleLine(w)
	l.foot.layout(c.liveKeys.list(), w)
	l.bar = l.statusLine(w)
	fixed := 1 + lipgloss.Height(l.bar) + l.foot.height()
	// The caption is never cut; the panes below give way to it.
	l.caption.layout(l.src.caption().In(c.lang), w, max(h-fixed-2, 1))
	avail := max(h-fixed-l.caption.height, 0)
	topoH := min(max(avail*2/5, 5), 30)
	if avail-topoH < 3 {
		topoH = max(avail-3, 0)
	}
	lowerH := avail - topoH
	l.pic.layout(&l.sc, w, topoH)
	l.topo.layout(&l.sc, w-l.pic.besides(), topoH, 1+l.caption.height)

	l.wide = w >= 140
	left, right := l.pane, -1
	leftW, rightW := w, 0
	if l.wide {
		leftW = w * 3 / 5
		rightW = w - leftW
		left, right = paneSequence, l.pane
		if right == paneSequence {
			right = paneLog
		}
		leftW-- // a blank column between the two
	}
	sizes := map[int]int{}
	sizes[left] = leftW
	if right >= 0 {
		sizes[right] = rightW
	}
	l.seq.layout(&l.sc, sizes[paneSequence], lowerH)
	l.log.layout(&l.sc, sizes[paneLog], lowerH)
	l.insp.layout(&l.sc, sizes[paneInspector], lowerH)
	if l.showing {
		e, next := notesOf(l.src)
		l.notes.layout(e, next, notesWidth(l), lowerH)
	}
}

// view draws the live view from what layout prepared.
func (l *live) view() string {
	c := l.c
	parts := []string{l.title}
	if l.caption.height > 0 {
		parts = append(parts, l.caption.view())
	}
	parts = append(parts, l.pic.nextTo(l.topo.view(), l.topo.width), l.lower(), l.bar, l.foot.view())
	return fit(strings.Join(parts, "\n"), c.width, c.height)
}

// lower draws the panes of the lower half: on a wide screen the sequence
// diagram and the pane chosen with tab side by side, else one at a time.
func (l *live) lower() string {
	h := l.seq.height
	if !l.wide {
		return fit(l.paneView(l.pane), l.c.width, h)
	}
	other := l.pane
	if other == paneSequence {
		other = paneLog
	}
	return lipgloss.JoinHorizontal(lipgloss.Top,
		fit(l.seq.view(), l.seq.width, h), " ", fit(l.paneView(other), l.c.width-l.seq.width-1, h))
}

func (l *live) paneView(pane int) string {
	if l.showing {
		return l.notes.view()
	}
	switch pane {
	case paneLog:
		return l.log.view()
	case paneInspector:
		return l.insp.view()
	}
	return l.seq.view()
}

func (l *live) titleLine(width int) string {
	c := l.c
	var parts []string
	if l.paused { // first, so a narrow screen never cuts it off
		parts = append(parts, c.theme.Held.Render(c.t("⏸ angehalten", "⏸ paused")))
	}
	parts = append(parts, c.theme.Title.Render(l.model.Title.In(c.lang)))
	parts = append(parts, l.src.badges(c)...)
	return fit(strings.Join(parts, " · "), width, 1)
}

// statusLine is the status bar: the last action's result first, so it is
// never the part that is cut, then the rates; at most two lines.
func (l *live) statusLine(width int) string {
	c := l.c
	s := fmt.Sprintf(c.t("Ereignisse/s %.0f · Nachrichten/s %.0f · verlorene Trace-Ereignisse %d · gesamt %d",
		"events/s %.0f · messages/s %.0f · lost trace events %d · total %d"),
		l.rate.events, l.rate.messages, l.store.Lost(), l.store.Total())
	if l.status != "" {
		s = l.status + " · " + s
	}
	return c.theme.Faint.Render(fit(wrap(s, width), width, min(lipgloss.Height(wrap(s, width)), 2)))
}

// scene is the run as the components draw it, made by layout: the nodes in
// display order, their processes and marks, the selection and the time.
// Components read it and never change it.
type scene struct {
	model    catalog.Model
	store    *history.Store
	arrows   []history.Arrow // store.Arrows() at layout, in Lamport order
	nodes    []string
	procs    map[string]launch.Proc
	marks    map[string]string // a node's state in a symbol or two, and the source's marks
	down     map[string]bool   // killed or exited
	selected string
	now      time.Time     // the time of the run: now, or how far a recording has played
	delay    time.Duration // how long a message takes to arrive, as the picture moves it

	bg           bgMode                    // how background traffic is drawn: dimmed, hidden or shown
	isBackground func(msgType string) bool // nil: nothing is background
	bgRequests   map[requestKey]bool       // the background requests among arrows
}

func newScene(l *live) scene {
	sc := scene{model: l.model, store: l.store, arrows: l.store.Arrows(), selected: l.selected, now: l.src.runTime(l.now),
		delay: l.src.delay(), procs: make(map[string]launch.Proc, len(l.procs)), marks: map[string]string{}, down: map[string]bool{},
		bg: l.background(), isBackground: l.isBg}
	sc.markBackground()
	for _, p := range l.procs {
		sc.procs[p.Node] = p
	}
	sc.nodes = sc.order(l.procs)
	for _, n := range sc.nodes {
		state, down := sc.nodeState(n)
		mark, _, _ := strings.Cut(state, " ")
		sc.marks[n] = mark + l.src.mark(n)
		sc.down[n] = down
	}
	return sc
}

// order returns the node names in display order: servers first, then the
// rest in the order they appeared.
func (sc *scene) order(procs []launch.Proc) []string {
	var servers, others []string
	seen := map[string]bool{}
	for _, n := range sc.store.Nodes() {
		seen[n.Name] = true
		if n.Role == "client" {
			others = append(others, n.Name)
		} else {
			servers = append(servers, n.Name)
		}
	}
	for _, p := range procs {
		if !seen[p.Node] {
			others = append(others, p.Node)
		}
	}
	if sc.model.Layout == catalog.LayoutRow {
		// Left to right by the row's columns, the nodes of one role in
		// the order they appeared (a role's nodes are all in one group).
		all := append(servers, others...)
		cols := sc.columns()
		at := func(n string) int {
			if i := slices.Index(cols, sc.role(n)); i >= 0 {
				return i
			}
			return len(cols) // a node the catalogue does not know
		}
		slices.SortStableFunc(all, func(a, b string) int { return at(a) - at(b) })
		return all
	}
	return append(servers, others...)
}

// columns returns a row layout's roles from left to right, in the order a
// request goes: the reverse of the catalogue's order, which lists a tier
// before the tiers that need its address (db, app, web, client).
func (sc *scene) columns() []string {
	var roles []string
	for i := len(sc.model.Programs) - 1; i >= 0; i-- {
		if r := sc.model.Programs[i].Role; !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles
}

func (sc *scene) proc(node string) (launch.Proc, bool) {
	p, ok := sc.procs[node]
	return p, ok
}

// nodeState is a node's state in words, with a mark, and whether it is down.
func (sc *scene) nodeState(name string) (string, bool) {
	if p, ok := sc.proc(name); ok {
		switch p.State {
		case launch.StateKilled:
			return "☠ killed", true
		case launch.StateFrozen:
			return "❄ frozen", false
		case launch.StateExited:
			return fmt.Sprintf("✓ exit %d", p.ExitCode), true
		case launch.StateStarting:
			return "… starting", false
		}
		return "● " + string(p.State), false
	}
	if n := sc.store.Node(name); n != nil && n.Bye != "" {
		return "✓ " + n.Bye, true
	}
	return "● running", false
}

// role is a node's role: from the catalogue when the launcher started it
// (a sandbox is the mobile code model's client), else from its hello, else
// guessed from its name.
func (sc *scene) role(name string) string {
	if p, ok := sc.proc(name); ok && p.Role != "" {
		return p.Role
	}
	if n := sc.store.Node(name); n != nil && n.Role != "" {
		return n.Role
	}
	if strings.HasPrefix(name, "client") {
		return "client"
	}
	return name
}

// byPosition orders the peers of a ring by the position each reports in
// its "id" state, so the circle on the screen is the ring's order; peers
// that have not reported one yet keep their place after the others.
func (sc *scene) byPosition(peers []string) {
	pos := func(name string) string {
		if n := sc.store.Node(name); n != nil && n.State["id"] != "" {
			return n.State["id"] // 8 hex digits: text order is number order
		}
		return "~"
	}
	slices.SortStableFunc(peers, func(a, b string) int { return strings.Compare(pos(a), pos(b)) })
}

// tiers places a row layout's nodes in columns, one per role, in the order
// of columns. The instances of a role (app-1, app-2) are stacked in their
// column, so an edge from one tier to the next never crosses a sibling.
func (sc *scene) tiers(names []string, w, h int) map[string]point {
	roles := sc.columns()
	column := map[string][]string{}
	for _, n := range names {
		r := sc.role(n)
		if !slices.Contains(roles, r) {
			roles = append(roles, r) // a node the catalogue does not know
		}
		column[r] = append(column[r], n)
	}
	roles = slices.DeleteFunc(roles, func(r string) bool { return len(column[r]) == 0 })
	at := map[string]point{}
	for i, r := range roles {
		x := (2*i + 1) * w / (2 * len(roles))
		for j, n := range column[r] {
			at[n] = point{x: x, y: min((2*j+1)*h/(2*len(column[r])), h-1)}
		}
	}
	return at
}

// recent returns up to n messages to draw, newest last: those on their
// way or held, and those that reached their end in the last few seconds.
// A message that never arrives is drawn as such once it is overdue, and
// then goes too, so nothing stays on the picture for ever. Background
// traffic comes only after the rest, or not at all when it is hidden.
func (sc *scene) recent(n int) []history.Arrow {
	arrows := sc.arrows
	var fore, back []history.Arrow
	for i := len(arrows) - 1; i >= 0 && len(fore) < n; i-- {
		a := &arrows[i]
		o := sc.outcome(a)
		if o.ended() && sc.now.Sub(sc.settled(a, o)) >= linger {
			continue
		}
		switch {
		case !sc.background(a):
			fore = append(fore, *a)
		case sc.bg != bgHide && len(back) < n:
			back = append(back, *a)
		}
	}
	out := append(fore, back[:min(len(back), n-len(fore))]...)
	slices.SortStableFunc(out, func(a, b history.Arrow) int { return a.Sent.Compare(b.Sent) })
	return out
}

// progress is how far a message has come, from 0 (just sent) to 1 (arrived).
func (sc *scene) progress(a history.Arrow) float64 {
	if a.Delivered() {
		return 1
	}
	return max(0, min(float64(sc.now.Sub(a.Sent))/float64(sc.delay), 0.95))
}
