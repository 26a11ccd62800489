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
//
// A label reads as a person would say it (label.go): "put a=1 ✓" for a put
// that arrived, "get b → not found ✓" for the reply to a get, with the
// live view's outcome marks (✓ ⚠ ✗ ⊘ ⏸). A slide rarely wants a whole run:
// Options take the messages sent in a window of time (a step range of a
// recorded experiment is one, see record.Run.StepWindow) and can leave out
// the model's background traffic, as the live view's b key hides it.
package export

import (
	"slices"
	"time"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// Options choose the part of a run a diagram shows. The zero Options draw
// the whole run, with English words.
type Options struct {
	// From and To keep the messages sent at From or later and before To;
	// a zero time leaves that side open.
	From, To time.Time
	// Background lists the request types that are background traffic
	// (catalog.Model.Background); they and their replies are left out.
	Background []string
	// Lang is the language of the words a label adds about a message's
	// fate ("dropped", "verworfen"): "de" or "en"; "" is English.
	Lang string
}

// diagram is a run as a sequence diagram: who takes part, and the messages
// between them in Lamport order.
type diagram struct {
	nodes  []string // participants in the order they first appeared
	arrows []history.Arrow
	labels []string        // the label of each arrow
	faults []history.Fault // what the launcher did to the run, in the window
	rows   []history.Row   // the arrows and the faults, each fault at its place (history.Rows)
	lang   string
}

// faultLabel is the text of a fault's row: the mark, then what happened.
func (d *diagram) faultLabel(f *history.Fault) string {
	return history.FaultMark + " " + f.Label(d.lang)
}

// newDiagram pairs the events into arrows and keeps those opts choose.
// Besides the programs that sent events, a receiver that was never traced
// (an address nobody said hello with) is a participant too, so that every
// arrow has two ends. When opts leave messages out, only the nodes that
// sent or received one of the rest take part, so a window of a big run
// draws no empty lifelines.
func newDiagram(events []trace.Event, opts Options) diagram {
	store := history.FromEvents(events)
	all := store.Arrows()
	requests := requestsOf(all)
	var isBackground func(string) bool
	if len(opts.Background) > 0 {
		isBackground = func(typ string) bool { return slices.Contains(opts.Background, typ) }
	}
	background := history.BackgroundRequests(all, isBackground)

	d := diagram{lang: opts.Lang}
	for i := range all {
		a := &all[i]
		if !opts.window(a) || history.IsBackground(a, isBackground, background) {
			continue
		}
		d.arrows = append(d.arrows, *a)
		d.labels = append(d.labels, label(a, requests.of(all, a), opts.Lang))
	}
	for _, f := range store.Faults() {
		if (opts.From.IsZero() || !f.Time.Before(opts.From)) && (opts.To.IsZero() || f.Time.Before(opts.To)) {
			d.faults = append(d.faults, f)
		}
	}
	d.rows = history.Rows(d.arrows, d.faults)
	used := map[string]bool{}
	for i := range d.arrows {
		used[d.arrows[i].From], used[d.arrows[i].To] = true, true
	}
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			d.nodes = append(d.nodes, name)
		}
	}
	for _, n := range store.Nodes() {
		if opts.whole() || used[n.Name] {
			add(n.Name)
		}
	}
	for i := range d.arrows {
		add(d.arrows[i].From)
		add(d.arrows[i].To)
	}
	return d
}

// window reports whether a was sent in the window of time opts keep.
func (o Options) window(a *history.Arrow) bool {
	return (o.From.IsZero() || !a.Sent.Before(o.From)) && (o.To.IsZero() || a.Sent.Before(o.To))
}

// whole reports whether opts keep every message.
func (o Options) whole() bool { return o.From.IsZero() && o.To.IsZero() && len(o.Background) == 0 }

// requests finds the request a reply answers: the index of each request
// among the run's arrows, by its key. Of a duplicated request, the first
// copy is the one.
type requests map[history.RequestKey]int

func requestsOf(arrows []history.Arrow) requests {
	r := requests{}
	for i := range arrows {
		if a := &arrows[i]; a.ReplyTo == 0 {
			key := history.RequestKey{From: a.From, ID: a.ID}
			if _, ok := r[key]; !ok {
				r[key] = i
			}
		}
	}
	return r
}

// of returns the request reply answers, or nil when it is a request or its
// request is not in the run.
func (r requests) of(arrows []history.Arrow, reply *history.Arrow) *history.Arrow {
	key, ok := reply.Answers()
	if !ok {
		return nil
	}
	if i, ok := r[key]; ok {
		return &arrows[i]
	}
	return nil
}
