package screen

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// The panes of the lower half: the sequence diagram, the event log and
// the node inspector. Each is laid out by the live view with its size and
// the scene, handles its own keys in update, and draws in view.

// sequence is the sequence diagram: a lifeline per node, one row per
// message in Lamport order (the number on the left is the send's clock), so
// a cause is always above its effects. The arrow of each message says what
// became of it without colour:
//
//	 1     │──── put ────▶│      delivered (⚠ before the head: an error reply)
//	 5     │┄┄┄┄ get ┄┄┄┄▷│      on its way
//	 7     │──get─✗       │      lost half way (⊘ given up by its sender)
//	 9     │┄┄┄┄ get ┄┄┄┄☠│      to a node that is down (❄ frozen)
//	11     ⏸ get → ?      │      held: where it goes is for the class to say
//	    ⚡ ══ kill server ═════     what the launcher did: a row across every lifeline
type sequence struct {
	c      *common
	sc     *scene
	width  int
	height int
	scroll int             // rows scrolled back from the newest
	rows   []history.Arrow // the arrows to draw: all, or all but the background
	faults []history.Fault // what the launcher did, each a row of its own (history.Rows)
}

func (s *sequence) layout(sc *scene, width, height int) {
	s.sc, s.width, s.height = sc, width, height
	s.rows = sc.arrows
	if sc.store != nil {
		s.faults = sc.store.Faults()
	}
	if sc.bg == bgHide && sc.isBackground != nil && width > 0 {
		s.rows = make([]history.Arrow, 0, len(sc.arrows))
		for i := range sc.arrows {
			if !sc.background(&sc.arrows[i]) {
				s.rows = append(s.rows, sc.arrows[i])
			}
		}
	}
}

// update scrolls back and forth.
func (s *sequence) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		s.scroll = max(s.scroll+map[string]int{"up": 1, "down": -1, "pgup": 10, "pgdown": -10}[k.String()], 0)
	}
	return nil
}

// seqGutter is the width of the clock column on the left.
const seqGutter = 6

func (s *sequence) view() string {
	t, sc, width := s.c.theme, s.sc, s.width
	nodes := sc.nodes
	if len(nodes) == 0 {
		return t.Faint.Render(s.c.t("Noch keine Nachrichten.", "No messages yet."))
	}
	// Narrow columns before lifelines off the screen: an arrow to a
	// lifeline that is not drawn would seem to end at the last one that is.
	col := max((width-seqGutter)/len(nodes), 4)
	center := map[string]int{}
	var head strings.Builder
	head.WriteString(strings.Repeat(" ", seqGutter))
	for i, n := range nodes {
		center[n] = seqGutter + i*col + col/2
		head.WriteString(padRight(centerIn(n, col), col))
	}
	rows := history.Rows(s.rows, s.faults)
	end := max(len(rows)-s.scroll, 0)
	start := max(end-(s.height-1), 0)
	lines := []string{t.Title.Render(head.String())}
	for i := start; i < end; i++ {
		if f := rows[i].Fault; f != nil {
			lines = append(lines, s.faultRow(f))
			continue
		}
		lines = append(lines, s.row(rows[i].Arrow, center, nodes))
	}
	return strings.Join(lines, "\n")
}

// faultRow draws what the launcher did across the whole width, with its
// mark and a double line, so it reads as a fault without colour too.
func (s *sequence) faultRow(f *history.Fault) string {
	label := []rune(" " + history.FaultMark + " " + f.Label(s.c.lang) + " ")
	row := []rune(strings.Repeat(" ", seqGutter) + strings.Repeat("═", max(s.width-seqGutter, 0)))
	copy(row[min(seqGutter+2, len(row)):], label)
	return s.c.theme.Lost.Render(string(row[:min(len(row), max(s.width, 0))]))
}

func centerIn(s string, width int) string {
	r := []rune(s)
	if len(r) >= width-1 {
		return string(r[:max(width-2, 1)]) + "…"
	}
	pad := (width - len(r)) / 2
	return strings.Repeat(" ", pad) + s
}

// row draws one message between the lifelines.
func (s *sequence) row(a *history.Arrow, center map[string]int, nodes []string) string {
	t, sc, width := s.c.theme, s.sc, s.width
	o := sc.outcome(a)
	row := []rune(strings.Repeat(" ", width))
	put := func(x int, r rune) {
		if x >= 0 && x < width {
			row[x] = r
		}
	}
	for _, n := range nodes {
		put(center[n], '│')
	}
	copy(row, []rune(fmt.Sprintf("%5d ", a.SendClock)))
	style := t.Request
	switch {
	case o == failed:
		style = t.Error
	case o == lost || o == abandoned || o == vanished || o == toDown:
		style = t.Lost
	case o == held || o == toFrozen:
		style = t.Held
	case a.ReplyTo != 0:
		style = t.Reply
	}
	if sc.bg == bgDim && sc.background(a) {
		style = t.Faint
	}
	from, okFrom := center[a.From]
	to, okTo := center[a.To]
	if o == held && okFrom { // on the sender's lifeline, going nowhere yet
		put(from, '⏸')
		label := []rune(" " + a.Type + " → ?")
		x := from + 1
		if x+len(label) > width {
			x = max(from-len(label), seqGutter)
		}
		copy(row[min(x, width):], label)
		return style.Render(string(row))
	}
	if !okFrom || !okTo || from == to { // an untraced peer has no lifeline
		to := a.To
		if o == held {
			to = "?"
		}
		copy(row[min(seqGutter, width):], []rune(fmt.Sprintf("%s → %s %s%s", a.From, to, o.mark(), a.Type)))
		return style.Render(string(row))
	}
	dir := 1
	if to < from {
		dir = -1
	}
	// The arrow runs from beside the sender's lifeline to beside the
	// receiver's, where its head is; one that never arrived stops half
	// way at its mark, off any lifeline it would seem to end at.
	tip := to - dir
	if !o.reached() && o != inFlight && o != toDown && o != toFrozen {
		tip = from + (to-from)/2
		if tip >= 0 && tip < width && row[tip] == '│' {
			tip -= dir
		}
		if (tip-from)*dir < 1 {
			tip = from + dir
		}
	}
	line := '─'
	if o == inFlight || o == toDown || o == toFrozen || o == abandoned || o == vanished {
		line = '┄' // it has not arrived (and may never)
	}
	for x := from + dir; x != tip; x += dir {
		put(x, line)
	}
	var tipMark rune
	switch o {
	case delivered, failed:
		tipMark = map[int]rune{1: '▶', -1: '◀'}[dir]
	case inFlight:
		tipMark = map[int]rune{1: '▷', -1: '◁'}[dir]
	default:
		tipMark = []rune(o.mark())[0]
	}
	clipped := tip >= width
	if clipped { // the receiver's lifeline is off the screen
		tip, tipMark = width-1, '»'
	}
	put(tip, tipMark)
	if o == failed && tip-dir != from {
		put(tip-dir, '⚠')
	}
	// The type in the middle of the arrow, never over its ends.
	lo, hi := min(from, tip)+1, max(from, tip)-1
	if o == failed {
		lo, hi = min(from, tip-dir)+1, max(from, tip-dir)-1
	}
	hi = min(hi, width-1)
	for _, label := range [][]rune{[]rune(" " + a.Type + " "), []rune(a.Type)} {
		if n := len(label); n <= hi-lo+1 {
			copy(row[lo+(hi-lo+1-n)/2:], label)
			break
		}
	}
	return style.Render(string(row))
}

// logLines is how far back the log can be scrolled.
const logLines = 500

// eventLog lists the newest events in a viewport, filtered by node, kind
// or message type with a text input.
type eventLog struct {
	c      *common
	vp     viewport.Model
	filter textinput.Model
	width  int
	seen   uint64 // store.Total() when the lines were last made
	shown  string // the filter they were made with
}

func newEventLog(c *common) eventLog {
	f := textinput.New()
	f.Prompt = "/"
	st := f.Styles()
	st.Cursor.Blink = false
	for _, s := range []*textinput.StyleState{&st.Focused, &st.Blurred} {
		s.Prompt, s.Text = c.theme.Title, c.theme.Title
	}
	f.SetStyles(st)
	return eventLog{c: c, vp: newViewport(), filter: f, shown: "\x00"}
}

// newViewport is a viewport driven by the view's own keys, not its pager keys.
func newViewport() viewport.Model {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{}
	vp.KeyMap.Up.SetKeys("up")
	vp.KeyMap.Down.SetKeys("down")
	vp.KeyMap.PageUp.SetKeys("pgup")
	vp.KeyMap.PageDown.SetKeys("pgdown")
	return vp
}

func (g *eventLog) filtering() bool { return g.filter.Focused() }

func (g *eventLog) startFilter() tea.Cmd { return g.filter.Focus() }

// update scrolls, or while filtering, edits the filter (enter or esc ends).
func (g *eventLog) update(msg tea.Msg) tea.Cmd {
	if !g.filtering() {
		var cmd tea.Cmd
		g.vp, cmd = g.vp.Update(msg)
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && (k.String() == "enter" || k.String() == "esc") {
		g.filter.Blur()
		return nil
	}
	var cmd tea.Cmd
	g.filter, cmd = g.filter.Update(msg)
	return cmd
}

// layout sizes the log; when it shows (width > 0) and the run or the
// filter changed, it makes its lines anew, newest last, and stays at the
// bottom unless the user scrolled up.
func (g *eventLog) layout(sc *scene, width, height int) {
	g.width = width
	if width <= 0 {
		return
	}
	g.filter.SetWidth(max(width-12, 1))
	g.vp.SetWidth(width)
	g.vp.SetHeight(max(height-1, 1))
	if sc.store.Total() == g.seen && g.filter.Value() == g.shown {
		return
	}
	g.seen, g.shown = sc.store.Total(), g.filter.Value()
	bottom := g.vp.AtBottom() || g.vp.TotalLineCount() == 0
	events := sc.store.Events()
	var lines []string
	for i := len(events) - 1; i >= 0 && len(lines) < logLines; i-- {
		if matches(events[i], g.shown) {
			lines = append(lines, describe(events[i]))
		}
	}
	slices.Reverse(lines)
	g.vp.SetContentLines(lines)
	if bottom {
		g.vp.GotoBottom()
	}
}

func (g *eventLog) view() string {
	title := g.c.theme.Title.Render(g.c.t("Ereignisse", "Events"))
	switch {
	case g.filtering():
		title += " " + g.filter.View()
	case g.filter.Value() != "":
		title += g.c.theme.Title.Render(" /" + g.filter.Value())
	}
	return title + "\n" + g.vp.View()
}

func matches(ev trace.Event, filter string) bool {
	if filter == "" {
		return true
	}
	f := strings.ToLower(filter)
	if strings.Contains(strings.ToLower(ev.Node), f) || strings.Contains(string(ev.Kind), f) {
		return true
	}
	return ev.Msg != nil && strings.Contains(strings.ToLower(ev.Msg.Type), f)
}

// describe is one event as a line of the log.
func describe(ev trace.Event) string {
	at := time.UnixMicro(ev.Time).Format("15:04:05.000")
	switch {
	case ev.Msg != nil:
		m := ev.Msg
		to := m.To
		if ev.Kind == trace.KindHold {
			to = "?" // where a held message goes is not told before it goes
		}
		s := fmt.Sprintf("%s %-9s %-5s %-8s %s→%s id=%d clock=%d", at, ev.Node, ev.Kind, m.Type, m.From, to, m.ID, ev.Clock)
		if ev.Fault != "" {
			s += " ✗ " + ev.Fault
		}
		return s
	case ev.Kind == trace.KindState:
		return fmt.Sprintf("%s %-9s state %s=%s", at, ev.Node, ev.Key, ev.Value)
	case ev.Kind == trace.KindHello:
		return fmt.Sprintf("%s %-9s hello %s %s", at, ev.Node, ev.Role, ev.Listen)
	case ev.Kind == trace.KindOverflow:
		return fmt.Sprintf("%s %-9s overflow: %d trace events lost", at, ev.Node, ev.Count)
	case ev.Kind == trace.KindFault:
		f := history.Fault{Action: ev.Fault, Node: ev.Node, Peers: ev.Peers, Value: ev.Value}
		return fmt.Sprintf("%s %-9s fault %s %s", at, ev.Node, history.FaultMark, f.Label("en"))
	}
	return fmt.Sprintf("%s %-9s %-5s %s", at, ev.Node, ev.Kind, ev.Text)
}

// inspector shows the selected node in a viewport: its state, its process
// (with the command line to run it by hand) and its latest output.
type inspector struct {
	c     *common
	vp    viewport.Model
	width int
}

func (in *inspector) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	in.vp, cmd = in.vp.Update(msg)
	return cmd
}

func (in *inspector) layout(sc *scene, width, height int) {
	in.width = width
	if width <= 0 {
		return
	}
	in.vp.SetWidth(width)
	in.vp.SetHeight(max(height, 1))
	in.vp.SetContentLines(in.lines(sc, width, height))
}

func (in *inspector) lines(sc *scene, width, height int) []string {
	t, name := in.c.theme, sc.selected
	if name == "" {
		return []string{t.Faint.Render(in.c.t("Kein Knoten gewählt (←/→).", "No node selected (←/→)."))}
	}
	lines := []string{t.Title.Render(name)}
	if n := sc.store.Node(name); n != nil {
		lines = append(lines, fmt.Sprintf(in.c.t("Rolle %s · Modell %s · Adresse %s · PID %d · Ereignisse %d",
			"role %s · model %s · listen %s · pid %d · events %d"), n.Role, n.Model, n.Listen, n.PID, n.Events))
		for _, k := range n.Keys {
			if line, ok := typedLine(in.c, n, k, sc.now); ok {
				lines = append(lines, line)
				continue
			}
			v := n.State[k]
			if k == "faults" {
				k, v = in.c.t("Fehler", "faults"), faultWords(in.c, v)
			}
			lines = append(lines, fmt.Sprintf("  %s = %s", k, v))
		}
	}
	if p, ok := sc.proc(name); ok {
		lines = append(lines, fmt.Sprintf("%s %s", in.c.t("Prozess:", "process:"), procWords(in.c, p)))
		lines = append(lines, strings.Split(wrap("$ "+p.Cmdline, width), "\n")...)
		out := p.Output
		if len(out) > height/2 {
			out = out[len(out)-height/2:]
		}
		for _, o := range out {
			lines = append(lines, t.Faint.Render("  "+o.Text))
		}
	}
	return lines
}

func (in *inspector) view() string { return in.vp.View() }
