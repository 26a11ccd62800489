package screen

import (
	"math"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"dsdemo/models/catalog"
	"dsdemo/tui/history"
)

// The topology pane: each node is a label placed by the model's layout
// hint, each pair of nodes that talk is joined by a dotted edge, and each
// recent message is a marker that moves along its edge from sender to
// receiver as it travels, its mark saying what became of it (outcome.go):
//
//	            ⟦server ●⟧
//	           ·    ·     ·
//	     ●put ·     ·       ·  ✗get (dropped)
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
	inkError
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

// box is a node's label on the screen, where a mouse click selects it.
type box struct {
	node           string
	x0, x1, y0, y1 int
}

// topology is the picture of the nodes and the messages between them. Its
// layout (in Update) places the nodes and records their boxes; View only
// draws what layout placed.
type topology struct {
	c      *common
	sc     *scene
	width  int
	height int
	at     map[string]point // the centre of each node's label on the canvas
	boxes  []box            // the labels in screen coordinates, for clicks
}

// selectMsg selects a node (a click on its box).
type selectMsg string

// layout places the nodes in width×height cells whose top row is screen row y.
func (tp *topology) layout(sc *scene, width, height, y int) {
	tp.sc, tp.width, tp.height = sc, width, height
	var servers, clients []string
	for _, n := range sc.nodes {
		if sc.role(n) == "client" {
			clients = append(clients, n)
		} else {
			servers = append(servers, n)
		}
	}
	switch sc.model.Layout {
	case catalog.LayoutRing:
		sc.byPosition(servers)
		tp.at = places(sc.model.Layout, servers, clients, width, height)
	case catalog.LayoutRow: // scene.nodes gives the tiers in the order a request goes
		tp.at = sc.tiers(append(append([]string{}, clients...), servers...), width, height)
	default:
		tp.at = places(sc.model.Layout, servers, clients, width, height)
	}
	tp.boxes = tp.boxes[:0]
	for _, name := range sc.nodes {
		p, ok := tp.at[name]
		if !ok {
			continue
		}
		n := len([]rune(tp.label(name)))
		x := min(max(p.x-n/2, 0), max(width-n, 0))
		tp.boxes = append(tp.boxes, box{node: name, x0: x, x1: x + n, y0: y + p.y, y1: y + p.y + 1})
	}
}

func (tp *topology) label(name string) string {
	return "⟦" + name + " " + tp.sc.marks[name] + tp.sc.badgeOf(name) + "⟧"
}

// update selects the node under a click.
func (tp *topology) update(msg tea.Msg) tea.Cmd {
	if click, ok := msg.(tea.MouseClickMsg); ok {
		for _, b := range tp.boxes {
			if click.X >= b.x0 && click.X < b.x1 && click.Y >= b.y0 && click.Y < b.y1 {
				node := b.node
				return func() tea.Msg { return selectMsg(node) }
			}
		}
	}
	return nil
}

// view draws the nodes, their edges and the recent messages.
func (tp *topology) view() string {
	t, sc, width, height := tp.c.theme, tp.sc, tp.width, tp.height
	if width <= 0 || height <= 0 { // a long caption on a small screen leaves no room
		return ""
	}
	if sc == nil || len(tp.boxes) == 0 {
		return fit(t.Faint.Render(tp.c.t("(noch keine Knoten)", "(no nodes yet)")), width, height)
	}
	cv := newCanvas(width, height)
	top := tp.boxes[0].y0 - tp.at[tp.boxes[0].node].y // the screen row of the canvas's first row
	taken := make([][]bool, height)                   // cells of node labels and messages, kept clear of other labels
	for y := range taken {
		taken[y] = make([]bool, width)
	}
	occupy := func(x, y, n int) {
		for i := x; i < x+n && y >= 0 && y < height; i++ {
			if i >= 0 && i < width {
				taken[y][i] = true
			}
		}
	}
	free := func(x, y, n int) bool {
		if y < 0 || y >= height || x < 0 || x+n > width {
			return false
		}
		for i := x; i < x+n; i++ {
			if taken[y][i] {
				return false
			}
		}
		return true
	}
	for _, b := range tp.boxes {
		occupy(b.x0-1, b.y0-top, b.x1-b.x0+2) // a blank cell on each side
	}
	recent := sc.recent(8)
	tp.fingers(cv)

	// Edges between the nodes that talked, then the messages on them. A
	// held message has no edge yet: where it goes is for the class to say.
	for _, a := range recent {
		from, ok1 := tp.at[a.From]
		to, ok2 := tp.at[a.To]
		if ok1 && ok2 && !a.Held {
			for i := 1; i < 40; i++ {
				p := along(from, to, float64(i)/40)
				if cv.runes[min(max(p.y, 0), height-1)][min(max(p.x, 0), width-1)] == ' ' {
					cv.put(p.x, p.y, '·', inkEdge)
				}
			}
		}
	}
	for _, a := range recent {
		label, ink, p, ok := tp.marker(&a)
		if !ok {
			continue
		}
		// A label never covers a node or another message's label: it
		// moves to the nearest free place above or below, else to the side.
		n := len([]rune(label))
		x := min(max(p.x-1, 0), max(width-n, 0))
		placed := false
		for _, dy := range []int{0, -1, 1, -2, 2} {
			for _, dx := range []int{0, -n / 2, n / 2} {
				if free(x+dx, p.y+dy, n) {
					x, p.y, placed = x+dx, p.y+dy, true
					break
				}
			}
			if placed {
				break
			}
		}
		if !placed {
			continue // no room for it: the sequence diagram and the log still have it
		}
		occupy(x, p.y, n+1)
		cv.text(x, p.y, label, ink)
	}

	// The nodes last, so nothing covers them.
	for _, b := range tp.boxes {
		ink := inkNode
		if sc.down[b.node] {
			ink = inkDown
		}
		if b.node == sc.selected {
			ink = inkSelected
		}
		cv.text(b.x0, b.y0-top, tp.label(b.node), ink)
	}
	return cv.render(map[int]lipgloss.Style{
		inkEdge: t.Faint, inkRequest: t.Request, inkReply: t.Reply, inkLost: t.Lost, inkHeld: t.Held, inkError: t.Error,
		inkNode: t.Title, inkSelected: t.Selected, inkDown: t.Down, inkFinger: t.Key,
	})
}

// marker is the label of message a on the topology, its ink and where it
// goes: along its edge as far as it has come, half way when it was lost,
// at the receiver's door when the receiver cannot take it. A held message
// waits beside its sender and does not say where it goes: that is what the
// class is asked. ok is false when a has no place in the picture.
func (tp *topology) marker(a *history.Arrow) (label string, ink int, p point, ok bool) {
	sc := tp.sc
	o := sc.outcome(a)
	from, okFrom := tp.at[a.From]
	to, okTo := tp.at[a.To]
	if !okFrom || (!okTo && o != held) {
		return "", 0, point{}, false
	}
	label, ink = o.mark()+a.Type, inkRequest
	if why := o.why(tp.c, a.Fault); why != "" {
		label += " (" + why + ")"
	}
	f := 0.0
	switch o {
	case held:
		// Above the sender, or below when it sits at the top.
		p = point{x: from.x, y: from.y - 1}
		if p.y < 0 {
			p.y = from.y + 1
		}
		label, ink = o.mark()+a.Type+" → ?", inkHeld
	case inFlight:
		f = sc.progress(*a)
	case delivered, failed:
		f = 1
	case toDown, toFrozen:
		f = 0.9
	default: // lost on the way
		f = 0.5
	}
	switch {
	case o == failed:
		ink = inkError
	case o == toFrozen:
		ink = inkHeld
	case o == lost || o == abandoned || o == vanished || o == toDown:
		ink = inkLost
	case o == held:
	case a.ReplyTo != 0:
		ink = inkReply
	}
	if sc.bg == bgDim && sc.background(a) {
		ink = inkEdge
	}
	if o != held {
		p = along(from, to, 0.15+0.7*f) // keep the marker off the labels of the nodes
		if from.y == to.y {             // on a level edge: requests above it, replies below
			if a.ReplyTo != 0 {
				p.y++
			} else {
				p.y--
			}
		}
	}
	return label, ink, p, true
}

// fingers draws the selected peer's fingers (its "fingers" state) as
// lines of ∘ to each of them: the shortcuts its lookups take.
func (tp *topology) fingers(cv *canvas) {
	sc := tp.sc
	n := sc.store.Node(sc.selected)
	from, ok := tp.at[sc.selected]
	if n == nil || !ok || n.State["fingers"] == "" {
		return
	}
	for _, f := range strings.Split(n.State["fingers"], ",") {
		to, ok := tp.at[f]
		if !ok {
			continue
		}
		for i := 1; i < 40; i++ {
			p := along(from, to, float64(i)/40)
			cv.put(p.x, p.y, '∘', inkFinger)
		}
	}
}
