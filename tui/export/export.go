// Package export draws a run of a demo as a sequence diagram for slides and
// lecture notes: as Mermaid text (Mermaid), which GitHub, GitLab and many
// editors render, or as a standalone SVG picture (SVG).
//
// Both draw a Lamport diagram. Every program of the run is a vertical
// lifeline; every message is an arrow from the moment it was sent on its
// sender's line to the moment it was received on its receiver's line. Time
// flows down, but it is not the wall-clock time of the machines: each event
// sits at the row of its Lamport clock, the number beside it here.
//
//	client         server-1       server-2
//	  |                |              |
//	1 |------put------>| 2            |
//	4 |<----put_ok-----| 3            |
//	5 |------get------>| 6            |
//	  |                | 7 ---get---->| 8    server-1 asks server-2
//	  |                | 10 <-get_ok--| 9
//	12|<----get_ok-----| 11           |
//
// Why clocks and not wall time: the clocks of machines never quite agree,
// and the order in which trace events reach the collector is the order of
// the network, not of the run, so by either a receive could appear above
// its own send. The Lamport clock (tick before each send; on a receive,
// jump past the clock stamped on the message) makes every receive later
// than its send, and everything a program does because of a message later
// than that message. Ordering by clock therefore draws causes above their
// effects, always, and every arrow points down.
//
// The converse does not hold: a smaller clock does not prove a cause. Two
// events are ordered only if a chain of arrows and lifelines leads from one
// to the other; otherwise they are concurrent, whatever their clocks. Events
// of different programs with the same clock are always concurrent: the SVG
// draws them on one row, and Mermaid, which needs one order, lists them by
// node name.
//
// Both exporters see the run through history.Store, as the live view does,
// so the diagrams show the same arrows: a lost message (dropped, cut off by
// a partition, or abandoned by its sender) ends in a cross, the second copy
// of a duplicated message is marked, and a message still held in step mode,
// or never received, stops short of its receiver.
package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// diagram is a run as a sequence diagram: who takes part, and the messages
// between them in Lamport order.
type diagram struct {
	nodes  []string // participants in the order they first appeared
	arrows []history.Arrow
	labels []string // the label of each arrow
}

// newDiagram pairs the events into arrows. Besides the programs that sent
// events, a receiver that was never traced (an address nobody said hello
// with) is a participant too, so that every arrow has two ends.
func newDiagram(events []trace.Event) diagram {
	store := history.FromEvents(events)
	d := diagram{arrows: store.Arrows()}
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			d.nodes = append(d.nodes, name)
		}
	}
	for _, n := range store.Nodes() {
		add(n.Name)
	}
	for i := range d.arrows {
		add(d.arrows[i].From)
		add(d.arrows[i].To)
		d.labels = append(d.labels, label(&d.arrows[i]))
	}
	return d
}

// label is the text on a message's arrow: its type, a summary of its body,
// and, in brackets, what became of it if it did not simply arrive.
func label(a *history.Arrow) string {
	text := a.Type
	if text == "" {
		text = "message"
	}
	if s := summary(a.Body); s != "" {
		text += " " + s
	}
	if f := fate(a); f != "" {
		text += " (" + f + ")"
	}
	return text
}

// fate says what became of a message that did not simply arrive once, or ""
// if it did.
func fate(a *history.Arrow) string {
	var parts []string
	if a.Fault == "duplicate" {
		parts = append(parts, "duplicate")
	}
	switch {
	case a.Lost():
		parts = append(parts, "lost: "+a.Fault)
	case a.Held:
		parts = append(parts, "held")
	case !a.Delivered():
		parts = append(parts, "no recv")
	}
	return strings.Join(parts, ", ")
}

// maxSummary is the longest body summary, in characters, a label shows.
const maxSummary = 24

// summary is a short text for a message body: the plain values of its
// top-level fields, "a 1" for {"key":"a","value":"1"}, cut to maxSummary
// characters. Nested objects and arrays are left out; a body that is not a
// JSON object or a plain value gives "".
func summary(body json.RawMessage) string {
	if len(body) == 0 {
		return ""
	}
	if s, ok := plainValue(body); ok {
		return shorten(s, maxSummary)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	var parts []string
	for dec.More() {
		var value json.RawMessage
		if _, err := dec.Token(); err != nil { // the field's name
			return ""
		}
		if err := dec.Decode(&value); err != nil {
			return ""
		}
		if s, ok := plainValue(value); ok {
			parts = append(parts, s)
		}
	}
	return shorten(strings.Join(parts, " "), maxSummary)
}

// plainValue returns a JSON string, number or boolean as text; ok is false
// for null, an object or an array.
func plainValue(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		var s string
		return s, json.Unmarshal(v, &s) == nil
	case '{', '[', 'n':
		return "", false
	}
	return string(v), true
}

// shorten cuts s to at most n characters, the last one an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
