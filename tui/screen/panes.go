package screen

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// sequence draws the sequence diagram: a lifeline per node, one row per
// message in Lamport order (the number on the left is the send's clock), so
// a cause is always above its effects.
func (l *live) sequence(width, height int) string {
	t := l.c.theme
	nodes := l.nodes()
	if len(nodes) == 0 {
		return t.Faint.Render(l.c.t("Noch keine Nachrichten.", "No messages yet."))
	}
	const gutter = 6
	col := max((width-gutter)/len(nodes), 8)
	center := map[string]int{}
	var head strings.Builder
	head.WriteString(strings.Repeat(" ", gutter))
	for i, n := range nodes {
		center[n] = gutter + i*col + col/2
		head.WriteString(padRight(centerIn(n, col), col))
	}
	arrows := l.store.Arrows()
	rows := height - 1
	end := max(len(arrows)-l.scroll, 0)
	start := max(end-rows, 0)
	lines := []string{t.Title.Render(head.String())}
	for _, a := range arrows[start:end] {
		lines = append(lines, l.sequenceRow(a, center, nodes, width))
	}
	return strings.Join(lines, "\n")
}

func centerIn(s string, width int) string {
	r := []rune(s)
	if len(r) >= width-1 {
		return string(r[:max(width-2, 1)]) + "…"
	}
	pad := (width - len(r)) / 2
	return strings.Repeat(" ", pad) + s
}

// sequenceRow draws one message between the lifelines.
func (l *live) sequenceRow(a history.Arrow, center map[string]int, nodes []string, width int) string {
	t := l.c.theme
	row := []rune(strings.Repeat(" ", width))
	for _, n := range nodes {
		if x := center[n]; x < width {
			row[x] = '│'
		}
	}
	copy(row, []rune(fmt.Sprintf("%5d ", a.SendClock)))
	from, okFrom := center[a.From]
	to, okTo := center[a.To]
	if !okFrom || !okTo || from == to { // an untraced peer has no lifeline
		copy(row[6:], []rune(fmt.Sprintf("%s → %s %s", a.From, a.To, a.Type)))
		return string(row)
	}
	lo, hi := min(from, to), max(from, to)
	end := hi
	if a.Lost() { // a lost message stops half way
		if from < to {
			end = lo + (hi-lo)/2
		} else {
			lo = hi - (hi-lo)/2
		}
	}
	for x := lo + 1; x < end && x < width; x++ {
		row[x] = '─'
	}
	switch {
	case a.Lost():
		if from < to {
			row[min(end, width-1)] = '✗'
		} else {
			row[lo] = '✗'
		}
	case from < to && hi-1 < width:
		row[hi-1] = '▶'
	case from > to:
		row[lo+1] = '◀'
	}
	label := []rune(" " + a.Type + " ")
	if a.Held {
		label = []rune(" ⏸" + a.Type + " ")
	}
	if s := (lo + hi - len(label)) / 2; s > lo && s+len(label) < width {
		copy(row[s:], label)
	}
	style := t.Request
	switch {
	case a.Lost():
		style = t.Lost
	case a.Held:
		style = t.Held
	case a.ReplyTo != 0:
		style = t.Reply
	}
	return style.Render(string(row))
}

// logView lists the newest events, filtered by node or message type.
func (l *live) logView(width, height int) string {
	t := l.c.theme
	title := l.c.t("Ereignisse", "Events")
	if l.filter != "" || l.filtering {
		title += " /" + l.filter
		if l.filtering {
			title += "▏"
		}
	}
	lines := []string{t.Title.Render(title)}
	events := l.store.Events()
	var shown []string
	for i := len(events) - 1; i >= 0 && len(shown) < height-1; i-- {
		if line := describe(events[i]); l.matches(events[i]) {
			shown = append(shown, line)
		}
	}
	slices.Reverse(shown)
	return strings.Join(append(lines, shown...), "\n")
}

func (l *live) matches(ev trace.Event) bool {
	if l.filter == "" {
		return true
	}
	f := strings.ToLower(l.filter)
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
		s := fmt.Sprintf("%s %-9s %-5s %-8s %s→%s id=%d clock=%d", at, ev.Node, ev.Kind, m.Type, m.From, m.To, m.ID, ev.Clock)
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
	}
	return fmt.Sprintf("%s %-9s %-5s %s", at, ev.Node, ev.Kind, ev.Text)
}

// inspector shows the selected node: its state, its process and its output.
func (l *live) inspector(width, height int) string {
	t := l.c.theme
	name := l.selected
	if name == "" {
		return t.Faint.Render(l.c.t("Kein Knoten gewählt (←/→).", "No node selected (←/→)."))
	}
	lines := []string{t.Title.Render(name)}
	if n := l.store.Node(name); n != nil {
		lines = append(lines, fmt.Sprintf("role %s · model %s · listen %s · pid %d · events %d", n.Role, n.Model, n.Listen, n.PID, n.Events))
		for _, k := range n.Keys {
			lines = append(lines, fmt.Sprintf("  %s = %s", k, n.State[k]))
		}
	}
	if p, ok := l.proc(name); ok {
		lines = append(lines, fmt.Sprintf("%s %s", l.c.t("Prozess:", "process:"), p.State))
		lines = append(lines, strings.Split(wrap("$ "+p.Cmdline, width), "\n")...)
		out := p.Output
		if len(out) > height/2 {
			out = out[len(out)-height/2:]
		}
		for _, o := range out {
			lines = append(lines, t.Faint.Render("  "+o.Text))
		}
	}
	return strings.Join(lines, "\n")
}
