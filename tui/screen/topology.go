package screen

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"dsdemo/models/catalog"
	"dsdemo/tui/history"
	"dsdemo/tui/launch"
)

// The topology pane: each node is a label placed by the model's layout
// hint, each pair of nodes that talk is joined by a dotted edge, and each
// recent message is a marker that moves along its edge from sender to
// receiver as it travels:
//
//	            ⟦server ●⟧
//	           ·    ·     ·
//	     ●put ·     ·       ·  ✗get (drop)
//	         ·      ·         ·
//	⟦client-1 ●⟧ ⟦client-2 ●⟧ ⟦client-3 ●⟧

// cell styles of the canvas.
const (
	inkPlain = iota
	inkEdge
	inkRequest
	inkReply
	inkLost
	inkHeld
	inkNode
	inkSelected
	inkDown
	inkFinger
)

// canvas is a grid of cells, each a rune and a style.
type canvas struct {
	w, h  int
	runes [][]rune
	inks  [][]int
}

func newCanvas(w, h int) *canvas {
	c := &canvas{w: w, h: h, runes: make([][]rune, h), inks: make([][]int, h)}
	for y := range h {
		c.runes[y] = []rune(strings.Repeat(" ", w))
		c.inks[y] = make([]int, w)
	}
	return c
}

func (c *canvas) put(x, y int, r rune, ink int) {
	if x >= 0 && x < c.w && y >= 0 && y < c.h {
		c.runes[y][x], c.inks[y][x] = r, ink
	}
}

func (c *canvas) text(x, y int, s string, ink int) {
	for i, r := range []rune(s) {
		c.put(x+i, y, r, ink)
	}
}

// render turns the canvas into styled lines, one style per run of cells.
func (c *canvas) render(styles map[int]lipgloss.Style) string {
	lines := make([]string, c.h)
	for y := range c.h {
		var b strings.Builder
		start := 0
		for x := 1; x <= c.w; x++ {
			if x == c.w || c.inks[y][x] != c.inks[y][start] {
				run := string(c.runes[y][start:x])
				if st, ok := styles[c.inks[y][start]]; ok {
					run = st.Render(run)
				}
				b.WriteString(run)
				start = x
			}
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return strings.Join(lines, "\n")
}

// point is a position on the canvas.
type point struct{ x, y int }

// along returns the point a fraction f of the way from a to b.
func along(a, b point, f float64) point {
	return point{a.x + int(math.Round(f*float64(b.x-a.x))), a.y + int(math.Round(f*float64(b.y-a.y)))}
}

// places gives each node the centre of its label, by the layout hint.
func places(layout catalog.Layout, servers, clients []string, w, h int) map[string]point {
	at := map[string]point{}
	spread := func(names []string, y int) {
		for i, n := range names {
			at[n] = point{x: (2*i + 1) * w / (2 * len(names)), y: y}
		}
	}
	switch layout {
	case catalog.LayoutRing: // the peers clockwise from the top, the clients in the middle
		for i, n := range servers {
			a := 2*math.Pi*float64(i)/float64(len(servers)) - math.Pi/2
			at[n] = point{x: w/2 + int(float64(w/2-8)*math.Cos(a)), y: h/2 + int(float64(h/2-1)*math.Sin(a))}
		}
		for i, n := range clients {
			at[n] = point{x: w/2 + (2*i-len(clients)+1)*8, y: h / 2}
		}
	case catalog.LayoutRow: // live.nodes gives the tiers in the order a request goes
		spread(append(append([]string{}, clients...), servers...), h/2)
	case catalog.LayoutGroup:
		// The servers on an arch, so the edges between them do not run
		// along their own labels; the clients below.
		for i, n := range servers {
			a := math.Pi * (1 - (float64(i)+0.5)/float64(len(servers)))
			at[n] = point{x: w/2 + int(float64(w/2-10)*math.Cos(a)), y: (h - 2) / 2 * (1 - int(math.Round(math.Sin(a))))}
		}
		spread(clients, h-1)
	default: // star: the server above, its clients below
		if len(clients) == 0 {
			spread(servers, h/2)
			break
		}
		spread(servers, 0)
		spread(clients, h-1)
	}
	return at
}

// topology draws the nodes, their edges and the recent messages.
func (l *live) topology(width, height int) string {
	t := l.c.theme
	var servers, clients []string
	for _, n := range l.nodes() {
		if l.isClient(n) {
			clients = append(clients, n)
		} else {
			servers = append(servers, n)
		}
	}
	if len(servers)+len(clients) == 0 {
		return fit(t.Faint.Render(l.c.t("(noch keine Knoten)", "(no nodes yet)")), width, height)
	}
	if l.model.Layout == catalog.LayoutRing {
		l.byPosition(servers)
	}
	at := places(l.model.Layout, servers, clients, width, height)
	if l.model.Layout == catalog.LayoutRow { // live.nodes gives the tiers in the order a request goes
		at = l.tiers(append(append([]string{}, clients...), servers...), width, height)
	}
	cv := newCanvas(width, height)
	recent := l.recent(8)
	l.fingers(cv, at)

	// Edges between the nodes that talked, then the messages on them.
	for _, a := range recent {
		from, ok1 := at[a.From]
		to, ok2 := at[a.To]
		if ok1 && ok2 {
			for i := 1; i < 40; i++ {
				p := along(from, to, float64(i)/40)
				if cv.runes[min(max(p.y, 0), height-1)][min(max(p.x, 0), width-1)] == ' ' {
					cv.put(p.x, p.y, '·', inkEdge)
				}
			}
		}
	}
	for _, a := range recent {
		from, ok1 := at[a.From]
		to, ok2 := at[a.To]
		if !ok1 || !ok2 {
			continue
		}
		label, ink, f := "●"+a.Type, inkRequest, l.progress(a)
		switch {
		case a.Held:
			label, ink, f = "⏸"+a.Type, inkHeld, 0.2
		case a.Lost():
			label, ink, f = "✗"+a.Type+" ("+a.Fault+")", inkLost, 0.5
		case a.ReplyTo != 0:
			ink = inkReply
		}
		f = 0.15 + 0.7*f // keep the marker off the labels of the nodes
		p := along(from, to, f)
		if from.y == to.y { // on a level edge: requests above it, replies below
			if a.ReplyTo != 0 {
				p.y++
			} else {
				p.y--
			}
		}
		cv.text(p.x-1, p.y, label, ink)
	}

	// The nodes last, so nothing covers them.
	l.boxes = l.boxes[:0]
	for name, p := range at {
		label := "⟦" + name + " " + l.mark(name) + "⟧"
		n := len([]rune(label))
		x := min(max(p.x-n/2, 0), max(width-n, 0))
		ink := inkNode
		if mark, _ := l.nodeState(name); strings.HasPrefix(mark, "☠") || strings.HasPrefix(mark, "✓") {
			ink = inkDown
		}
		if name == l.selected {
			ink = inkSelected
		}
		cv.text(x, p.y, label, ink)
		l.boxes = append(l.boxes, box{node: name, x0: x, x1: x + n, y0: p.y, y1: p.y + 1})
	}
	return cv.render(map[int]lipgloss.Style{
		inkEdge: t.Faint, inkRequest: t.Request, inkReply: t.Reply, inkLost: t.Lost, inkHeld: t.Held,
		inkNode: t.Title, inkSelected: t.Selected, inkDown: t.Down, inkFinger: t.Key,
	})
}

// byPosition orders the peers of a ring by the position each reports in
// its "id" state, so the circle on the screen is the ring's order; peers
// that have not reported one yet keep their place after the others.
func (l *live) byPosition(peers []string) {
	pos := func(name string) string {
		if n := l.store.Node(name); n != nil && n.State["id"] != "" {
			return n.State["id"] // 8 hex digits: text order is number order
		}
		return "~"
	}
	slices.SortStableFunc(peers, func(a, b string) int { return strings.Compare(pos(a), pos(b)) })
}

// fingers draws the selected peer's fingers (its "fingers" state) as
// lines of ∘ to each of them: the shortcuts its lookups take.
func (l *live) fingers(cv *canvas, at map[string]point) {
	n := l.store.Node(l.selected)
	from, ok := at[l.selected]
	if n == nil || !ok || n.State["fingers"] == "" {
		return
	}
	for _, f := range strings.Split(n.State["fingers"], ",") {
		to, ok := at[f]
		if !ok {
			continue
		}
		for i := 1; i < 40; i++ {
			p := along(from, to, float64(i)/40)
			cv.put(p.x, p.y, '∘', inkFinger)
		}
	}
}

// mark is a node's state in a symbol or two.
func (l *live) mark(name string) string {
	m, _ := l.nodeState(name)
	s, _, _ := strings.Cut(m, " ")
	if l.cut[name] {
		s += "⛓"
	}
	if i := l.drop[name]; i > 0 {
		s += fmt.Sprintf(" %.0f%%", dropRates[i]*100)
	}
	return s
}

// recent returns up to n messages to draw: those in flight or held, and
// those that arrived or were lost in the last few seconds, newest last.
func (l *live) recent(n int) []history.Arrow {
	arrows := l.store.Arrows()
	var out []history.Arrow
	for i := len(arrows) - 1; i >= 0 && len(out) < n; i-- {
		a := arrows[i]
		age := l.now.Sub(a.Sent)
		inFlight := a.Held || (!a.Delivered() && !a.Lost())
		if (inFlight && age < time.Minute) || age < 3*time.Second {
			out = append(out, a)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// isClient reports whether a node plays the client role: by its role in
// the catalogue when the launcher started it (a sandbox is the mobile code
// model's client), else by the role its hello gave.
func (l *live) isClient(name string) bool { return l.role(name) == "client" }

// role is a node's role: from the catalogue when the launcher started it,
// else from its hello, else guessed from its name.
func (l *live) role(name string) string {
	if p, ok := l.proc(name); ok && p.Role != "" {
		return p.Role
	}
	if n := l.store.Node(name); n != nil && n.Role != "" {
		return n.Role
	}
	if strings.HasPrefix(name, "client") {
		return "client"
	}
	return name
}

// tiers places a row layout's nodes in columns, one per role, in the order
// a request goes: the reverse of the catalogue's order, which lists a tier
// before the tiers that need its address (db, app, web, client). The
// instances of a role (app-1, app-2) are stacked in their column, so an
// edge from one tier to the next never crosses a sibling.
func (l *live) tiers(names []string, w, h int) map[string]point {
	var roles []string
	for i := len(l.model.Programs) - 1; i >= 0; i-- {
		if r := l.model.Programs[i].Role; !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	column := map[string][]string{}
	for _, n := range names {
		r := l.role(n)
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

// nodeState is a node's state in words, with a mark, and the style to show it in.
func (l *live) nodeState(name string) (string, lipgloss.Style) {
	t := l.c.theme
	if p, ok := l.proc(name); ok {
		switch p.State {
		case launch.StateKilled:
			return "☠ killed", t.Down
		case launch.StateFrozen:
			return "❄ frozen", t.Frozen
		case launch.StateExited:
			return fmt.Sprintf("✓ exit %d", p.ExitCode), t.Down
		case launch.StateStarting:
			return "… starting", t.Faint
		}
		return "● " + string(p.State), t.Running
	}
	if n := l.store.Node(name); n != nil && n.Bye != "" {
		return "✓ " + n.Bye, t.Faint
	}
	return "● running", t.Running
}
