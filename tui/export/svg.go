package export

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// The SVG's measures, in pixels. The text is 12 px monospace, whose
// characters are about 7 px wide, so the picture can be sized to its text
// without measuring fonts.
const (
	margin    = 20
	headH     = 28  // height of a node's name box
	rowH      = 26  // vertical distance between two events
	charW     = 7   // width of a character
	minLaneW  = 120 // narrowest lane
	maxLabelW = 44  // characters of an arrow's label that widen the lanes at most
)

// Colours of the picture; lost messages are red, duplicates orange.
const (
	ink       = "#222222"
	faint     = "#999999"
	lostInk   = "#c0392b"
	doubleInk = "#d35400"
)

// SVG writes the run, or the part of it opts choose, as a standalone SVG
// Lamport diagram: a lifeline for
// every node with its name on top, and an arrow for every message from the
// row of its send to the row of its recv. Rows follow the Lamport clocks of
// the events, so the picture reads top to bottom in causal order; the small
// number beside each event is its clock. A lost message is a dashed red line
// that ends in a cross on its way to the receiver; a held or never received
// one is a dotted grey line that stops on its way.
//
// The picture needs nothing else: no fonts, no style sheet, no scripts.
// Every lifeline has the class "lifeline" and every message is a group of
// class "message", with "lost", "held", "pending" or "duplicate" added, so
// a style sheet of a web page can restyle it. Hovering over a message shows
// its clocks. What the launcher did to the run (a kill, a partition, a new
// drop rate) is a strip across the picture, of class "fault", between the
// rows of clocks where history.Rows places it, with its mark ⚡ and words.
func SVG(w io.Writer, events []trace.Event, opts Options) error {
	d := newDiagram(events, opts)
	s := &svgWriter{w: bufio.NewWriter(w), lane: map[string]int{}, lang: opts.Lang}
	s.layout(d)
	s.header()
	for _, name := range d.nodes {
		s.node(name)
	}
	for i := range d.arrows {
		s.message(&d.arrows[i], d.labels[i])
	}
	for _, p := range s.points {
		s.event(p)
	}
	for j, b := range s.bands {
		s.band(j, b)
	}
	s.printf("</svg>\n")
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write the SVG diagram: %w", err)
	}
	return nil
}

// point is an event on a lifeline: a send or a recv of a node at a clock.
type point struct {
	node  string
	clock uint64
}

type svgWriter struct {
	w      *bufio.Writer // its errors stay, so only the last Flush is checked
	lane   map[string]int
	row    map[uint64]int // Lamport clock to row
	side   map[point]int  // -1: the clock is written left of the event, +1: right
	points []point        // the sends and recvs in Lamport order
	lang   string         // of the picture's title
	bands  []band         // the faults' rows, top to bottom

	laneW, width, height int
}

// band is a fault's row: a strip across the picture above the row of
// Lamport clocks it comes before (len(row): below the last).
type band struct {
	before int
	label  string
}

// layout gives every node a lane and every Lamport clock that occurs a row,
// the smallest clock at the top. A recv's clock is larger than its send's,
// so every arrow goes down. Events of different nodes with the same clock
// share a row: the clocks cannot tell which came first, so the picture
// does not pretend to know either.
func (s *svgWriter) layout(d diagram) {
	widest := 0
	for i, name := range d.nodes {
		s.lane[name] = i
		widest = max(widest, utf8.RuneCountInString(name))
	}
	// An event's clock is written on the side away from its arrow.
	s.side = map[point]int{}
	for i := range d.arrows {
		a := &d.arrows[i]
		dir := s.direction(a)
		s.side[point{a.From, a.SendClock}] = -dir
		if a.Delivered() {
			if a.From == a.To {
				dir = -1
			}
			s.side[point{a.To, a.RecvClock}] = dir
		}
		widest = max(widest, min(utf8.RuneCountInString(d.labels[i]), maxLabelW))
	}
	s.points = slices.SortedFunc(maps.Keys(s.side), func(a, b point) int {
		return cmp.Or(cmp.Compare(a.clock, b.clock), strings.Compare(a.node, b.node))
	})
	s.row = map[uint64]int{}
	for _, p := range s.points {
		if _, ok := s.row[p.clock]; !ok {
			s.row[p.clock] = len(s.row)
		}
	}
	s.laneW = max(minLaneW, widest*charW+2*charW)
	s.width = 2*margin + s.laneW*max(len(d.nodes), 1)
	i := 0 // the rows hold the arrows in their order
	for _, r := range d.rows {
		if r.Fault == nil {
			i++
			continue
		}
		b := band{before: len(s.row), label: d.faultLabel(r.Fault)}
		if i < len(d.arrows) {
			b.before = s.row[d.arrows[i].SendClock]
		}
		s.bands = append(s.bands, b)
		s.width = max(s.width, 2*margin+(utf8.RuneCountInString(b.label)+4)*charW)
	}
	s.height = 2*margin + headH + rowH*(len(s.row)+len(s.bands)+1)
}

// direction is +1 for a message to a lane on the right, -1 for one to the
// left; a message a node sends itself loops out to the right.
func (s *svgWriter) direction(a *history.Arrow) int {
	if s.lane[a.To] < s.lane[a.From] {
		return -1
	}
	return 1
}

func (s *svgWriter) x(node string) int { return margin + s.laneW*s.lane[node] + s.laneW/2 }

// y is where the row of clock is: below its own rows before it and the
// fault rows (bands) above it.
func (s *svgWriter) y(clock uint64) int {
	r := s.row[clock]
	above := 0
	for _, b := range s.bands {
		if b.before <= r {
			above++
		}
	}
	return margin + headH + rowH*(r+above+1)
}

// band draws the j-th fault row across every lifeline: a strip with a
// dashed border, its mark and its words, so that it reads as a fault
// without its colour too.
func (s *svgWriter) band(j int, b band) {
	y := margin + headH + rowH*(b.before+j+1)
	s.printf(`<g class="fault"><rect x="%d" y="%d" width="%d" height="%d" fill="#fdf2f0" stroke="%s" stroke-dasharray="4 3"/>`,
		margin, y-rowH/2+3, s.width-2*margin, rowH-6, lostInk)
	s.printf(`<text x="%d" y="%d" fill="%s">`, margin+charW, y+4, lostInk)
	s.text(b.label)
	s.printf("</text></g>\n")
}

func (s *svgWriter) printf(format string, args ...any) { fmt.Fprintf(s.w, format, args...) }

// text writes s escaped for XML, in an element or an attribute.
func (s *svgWriter) text(str string) { xml.EscapeText(s.w, []byte(str)) }

func (s *svgWriter) header() {
	s.printf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="monospace" font-size="12">`+"\n",
		s.width, s.height, s.width, s.height)
	s.printf("<title>%s</title>\n", i18n.Text{
		DE: "Lamport-Diagramm: eine Lebenslinie je Knoten, die Nachrichten in der Reihenfolge ihrer Lamport-Uhren",
		EN: "Lamport diagram: one lifeline per node, messages in the order of their Lamport clocks",
	}.In(s.lang))
	s.printf("<defs>\n%s%s</defs>\n", arrowhead("head", ink), arrowhead("head-duplicate", doubleInk))
	s.printf(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
}

// arrowhead is a marker that draws the head at the end of a line.
func arrowhead(id, colour string) string {
	return fmt.Sprintf(`<marker id="%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", id, colour)
}

// node draws a node's name in a box and its lifeline down the picture.
func (s *svgWriter) node(name string) {
	x := s.x(name)
	s.printf(`<g class="node"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#f4f4f4" stroke="%s"/>`,
		x-s.laneW/2+charW, margin, s.laneW-2*charW, headH, ink)
	s.printf(`<text x="%d" y="%d" text-anchor="middle" fill="%s">`, x, margin+headH/2+4, ink)
	s.text(name)
	s.printf("</text>\n")
	s.printf(`<line class="lifeline" x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/></g>`+"\n",
		x, margin+headH, x, s.height-margin, faint)
}

// message draws one arrow with its label.
func (s *svgWriter) message(a *history.Arrow, label string) {
	x1, y1 := s.x(a.From), s.y(a.SendClock)
	x2, y2 := s.x(a.To), s.y(a.RecvClock)
	if !a.Delivered() {
		// Part of the way to the receiver, between two lifelines, so that
		// it does not look as if it arrived at a node in between.
		x2, y2 = x1+s.direction(a)*s.laneW*3/5, y1+rowH/2
	}
	st := styleOf(a)

	s.printf(`<g class="%s"><title>`, st.class)
	s.text(fmt.Sprintf(i18n.Text{DE: "%s von %s an %s, Uhr %d bis %s", EN: "%s from %s to %s, clock %d to %s"}.In(s.lang),
		label, a.From, a.To, a.SendClock, recvClock(a)))
	s.printf("</title>")
	s.line(x1, y1, x2, y2, st)
	if a.Lost() {
		s.cross(x2, y2, st.colour)
	}
	s.label(a, label, x1, y1, x2, y2, st.colour)
	s.printf("</g>\n")
}

// label writes a message's label above its arrow: in the middle of the
// first gap between lifelines next to the sender, so that it never sits on
// a lifeline, even when the arrow crosses several; for an arrow that stops
// on its way, above its start.
func (s *svgWriter) label(a *history.Arrow, text string, x1, y1, x2, y2 int, colour string) {
	var x, y int
	anchor := "middle"
	switch {
	case !a.Delivered():
		x, y, anchor = x1+8, y1-6, "start"
		if x2 < x1 {
			x, anchor = x1-8, "end"
		}
	case x1 == x2: // a loop out to the right
		x, y, anchor = x1+s.laneW/4+6, (y1+y2)/2+4, "start"
	default:
		dx := abs(x2 - x1)
		x, y = x1+(x2-x1)*s.laneW/2/dx, y1+(y2-y1)*s.laneW/2/dx-6
	}
	if a.Fault == "duplicate" {
		// The copies start at the same point: the second copy's label goes
		// below its line, so that the two do not overlap.
		y += 20
	}
	s.printf(`<text x="%d" y="%d" text-anchor="%s" fill="%s" stroke="white" stroke-width="3" paint-order="stroke">`,
		x, y, anchor, colour)
	s.text(text)
	s.printf("</text>")
}

func abs(n int) int { return max(n, -n) }

// style is how an arrow looks.
type style struct {
	class  string // "message" and what became of it
	colour string
	dash   string // the stroke-dasharray attribute, or ""
	head   string // the id of the arrowhead marker, or "" for none
}

func styleOf(a *history.Arrow) style {
	st := style{class: "message", colour: ink, head: "head"}
	switch {
	case a.Lost():
		st = style{class: "message lost", colour: lostInk, dash: ` stroke-dasharray="6 4"`}
	case a.Held:
		st = style{class: "message held", colour: faint, dash: ` stroke-dasharray="2 3"`}
	case !a.Delivered():
		st = style{class: "message pending", colour: faint, dash: ` stroke-dasharray="2 3"`}
	case a.Fault == "duplicate":
		st.colour, st.head = doubleInk, "head-duplicate"
	}
	if a.Fault == "duplicate" {
		st.class += " duplicate"
	}
	return st
}

// line draws a straight line, or a loop out to the right and back for a
// message a node sends itself.
func (s *svgWriter) line(x1, y1, x2, y2 int, st style) {
	marker := ""
	if st.head != "" {
		marker = fmt.Sprintf(` marker-end="url(#%s)"`, st.head)
	}
	if x1 == x2 {
		s.printf(`<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="%s" stroke-width="1.5"%s%s/>`,
			x1, y1, x1+s.laneW/3, y1, x2+s.laneW/3, y2, x2, y2, st.colour, st.dash, marker)
		return
	}
	s.printf(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1.5"%s%s/>`, x1, y1, x2, y2, st.colour, st.dash, marker)
}

// cross marks where a lost message ended.
func (s *svgWriter) cross(x, y int, colour string) {
	const r = 5
	s.printf(`<path d="M%d,%d L%d,%d M%d,%d L%d,%d" stroke="%s" stroke-width="2"/>`,
		x-r, y-r, x+r, y+r, x-r, y+r, x+r, y-r, colour)
}

// event draws a send or recv as a dot on its lifeline, with its clock.
func (s *svgWriter) event(p point) {
	x, y := s.x(p.node), s.y(p.clock)
	anchor := "end"
	if s.side[p] > 0 {
		anchor = "start"
	}
	s.printf(`<circle class="event" cx="%d" cy="%d" r="3" fill="%s"/><text class="clock" x="%d" y="%d" text-anchor="%s" font-size="9" fill="%s">%d</text>`+"\n",
		x, y, ink, x+6*s.side[p], y+3, anchor, faint, p.clock)
}

func recvClock(a *history.Arrow) string {
	if !a.Delivered() {
		return "–"
	}
	return fmt.Sprint(a.RecvClock)
}
