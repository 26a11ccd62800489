package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// ShiViz writes the run as a log that ShiViz (https://distributedclocks.github.io/shiviz/)
// opens: the established tool for studying a run as a space-time diagram,
// with its own searches for patterns such as request/response or
// broadcast. ShiViz needs no messages, only a vector clock on every event:
//
//	(?<event>.*)\n(?<host>\S*) (?<clock>{.*})      the parsing expression
//	                                              (no delimiter: one run)
//	send put → server [client-1#1]
//	client-1 {"client-1":1}
//	recv put ← client-1 [client-1#1]
//	server {"client-1":1,"server":1}
//
// The first line is the regular expression ShiViz parses the log with, the
// second its delimiter between runs (empty: the file holds one run), as
// ShiViz reads a file it is given. Then each event is two lines: what
// happened, and the host with its vector clock as JSON.
//
// The vector clocks are computed here from the recorded send/recv pairs,
// as the lecture defines them: each node ticks its own entry on every
// event, and on a receive first takes the larger of each entry of its own
// clock and the clock the sender had at the send. So an event's clock is
// below another's in every entry exactly when a chain of messages and
// steps on one node leads from the first to the second: happened-before,
// which a Lamport clock alone cannot show. A lost message is a send
// without a receive; what the launcher did to a node (a kill, a partition)
// is an event of that node ("⚡ kill server"), of every node when it acted
// on all of them. The bracket [sender#id] names the message in both its
// send and its receive. Of opts, the window of time and the language
// count; background traffic stays, as its messages carry the clocks.
func ShiViz(w io.Writer, events []trace.Event, opts Options) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(ShiVizRegexp + "\n\n")
	if !opts.From.IsZero() || !opts.To.IsZero() {
		// The events of the window: a receive whose send was before it
		// merges nothing, as one from a node that was not traced.
		var in []trace.Event
		for _, ev := range events {
			t := time.UnixMicro(ev.Time)
			if ev.Kind == trace.KindHello || (opts.From.IsZero() || !t.Before(opts.From)) && (opts.To.IsZero() || t.Before(opts.To)) {
				in = append(in, ev)
			}
		}
		events = in
	}
	for _, e := range vectorClocks(events, opts.Lang) {
		clock, err := json.Marshal(e.clock)
		if err != nil {
			return fmt.Errorf("write the ShiViz log: %w", err)
		}
		fmt.Fprintf(bw, "%s\n%s %s\n", e.text, e.host, clock)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the ShiViz log: %w", err)
	}
	return nil
}

// ShiVizRegexp is the parsing expression the log's first line holds, the
// one ShiViz proposes itself: an event's text on one line, its host and
// vector clock on the next.
const ShiVizRegexp = `(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`

// vcEvent is one event of the ShiViz log.
type vcEvent struct {
	host  string
	text  string
	clock map[string]int
}

// item is an event of one host waiting to be given its clock.
type item struct {
	ev   trace.Event
	host string
	msg  msgKey // of a send or receive
}

// msgKey names a message: its sender, the sender's run (a restarted
// program counts its ids from 1 again) and its id.
type msgKey struct {
	from string
	run  int
	id   uint64
}

// clocks runs the vector clock algorithm over a recorded run. The
// recording holds each node's events in the order the node had them, but
// the nodes' streams interleave as they reached the collector, so a
// receive may come before its own send. The events are therefore taken
// node by node, each node as far as it can go: a receive waits until its
// send has been taken. (A receive whose send never comes, from a sender
// that was not traced, merges nothing.) A message belongs to the run of
// its sender whose hello the recording had last before it.
type clocks struct {
	lang    string
	hosts   []string                    // in the order of their first event
	queue   map[string][]item           // each host's events not yet taken, in its own order
	vc      map[string]map[string]int   // each host's clock
	sent    map[msgKey][]map[string]int // the clocks of sends not yet received, per message
	waiting map[msgKey]int              // sends still in the queues, per message
	address map[string]string           // listen address to node, from the hellos
	runs    map[string]int              // the hellos of each node so far, as the queues fill
	out     []vcEvent
}

func vectorClocks(events []trace.Event, lang string) []vcEvent {
	c := &clocks{lang: lang, queue: map[string][]item{}, vc: map[string]map[string]int{},
		sent: map[msgKey][]map[string]int{}, waiting: map[msgKey]int{}, address: map[string]string{}, runs: map[string]int{}}
	for _, ev := range events {
		switch {
		case ev.Kind == trace.KindHello:
			c.runs[ev.Node]++
			if ev.Listen != "" {
				c.address[ev.Listen] = ev.Node
			}
		case ev.Kind == trace.KindFault && ev.Node == "":
			for _, h := range c.hosts { // every node the run has so far
				c.enqueue(h, item{ev: ev})
			}
		case ev.Kind == trace.KindFault:
			c.enqueue(hostName(ev.Node), item{ev: ev})
		case (ev.Kind == trace.KindSend || ev.Kind == trace.KindRecv) && ev.Msg != nil && ev.Node != "":
			it := item{ev: ev, msg: msgKey{ev.Msg.From, c.runs[ev.Msg.From], ev.Msg.ID}}
			c.enqueue(hostName(ev.Node), it)
			if ev.Kind == trace.KindSend && !lost(ev.Fault) {
				c.waiting[it.msg]++
			}
		}
	}
	for c.remaining() > 0 {
		if !c.step(false) {
			c.step(true) // nothing could go on: let one receive go without its send
		}
	}
	return c.out
}

func (c *clocks) enqueue(host string, it item) {
	if _, known := c.queue[host]; !known {
		c.hosts = append(c.hosts, host)
		c.vc[host] = map[string]int{}
	}
	it.host = host
	c.queue[host] = append(c.queue[host], it)
}

func (c *clocks) remaining() int {
	n := 0
	for _, q := range c.queue {
		n += len(q)
	}
	return n
}

// step takes as many events of each host as it can and reports whether it
// took any; with force, it takes the first event of the first host that
// has one, a receive without its send.
func (c *clocks) step(force bool) bool {
	progress := false
	for _, h := range c.hosts {
		for len(c.queue[h]) > 0 {
			if !c.take(c.queue[h][0], force) {
				break
			}
			c.queue[h] = c.queue[h][1:]
			progress = true
			if force {
				return true
			}
		}
	}
	return progress
}

// take gives it its clock, or reports false when it is a receive whose
// send has not been taken yet (and force is false).
func (c *clocks) take(it item, force bool) bool {
	ev, vc, k := it.ev, c.vc[it.host], it.msg
	if ev.Kind == trace.KindRecv {
		switch {
		case len(c.sent[k]) > 0:
			for h, t := range c.sent[k][0] {
				vc[h] = max(vc[h], t)
			}
			c.sent[k] = c.sent[k][1:]
			if len(c.sent[k]) == 0 {
				delete(c.sent, k)
			}
		case c.waiting[k] > 0 && !force:
			return false
		}
	}
	vc[it.host]++
	snapshot := make(map[string]int, len(vc))
	for h, t := range vc {
		snapshot[h] = t
	}
	if ev.Kind == trace.KindSend && !lost(ev.Fault) {
		c.sent[k] = append(c.sent[k], snapshot)
		c.waiting[k]--
	}
	c.out = append(c.out, vcEvent{host: it.host, text: c.describe(ev), clock: snapshot})
	return true
}

// lost reports whether a send's fault means the message never arrives.
func lost(fault string) bool {
	return fault == "drop" || fault == "partition" || fault == "abandoned"
}

// describe is the event's line in the log.
func (c *clocks) describe(ev trace.Event) string {
	var s string
	switch ev.Kind {
	case trace.KindFault:
		f := history.Fault{Action: ev.Fault, Node: ev.Node, Peers: ev.Peers, Value: ev.Value}
		s = history.FaultMark + " " + f.Label(c.lang)
	case trace.KindSend:
		to := ev.Msg.To
		if name, ok := c.address[to]; ok {
			to = name
		}
		s = fmt.Sprintf("send %s → %s [%s#%d]", ev.Msg.Type, to, ev.Msg.From, ev.Msg.ID)
		if ev.Fault != "" {
			s += " ✗ " + ev.Fault
		}
	case trace.KindRecv:
		s = fmt.Sprintf("recv %s ← %s [%s#%d]", ev.Msg.Type, ev.Msg.From, ev.Msg.From, ev.Msg.ID)
	}
	return oneLine(s)
}

// oneLine keeps a text on its line and out of the clock's way: no control
// characters, and no braces, which the parsing expression takes for the
// start of a clock.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case r == '{':
			return '('
		case r == '}':
			return ')'
		}
		return r
	}, s)
}

// hostName is a node's name as a ShiViz host: the expression reads a host
// up to the first space, so spaces become underscores.
func hostName(node string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, node)
}
