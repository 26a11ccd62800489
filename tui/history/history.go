// Package history is what the launcher remembers of a run: the last events,
// the nodes that took part, and the messages between them as arrows, ready to
// be drawn. It does no I/O, so the live view, the replay and the exporters
// all see a run the same way.
//
//	trace events --Add--> Store --Events()--> event log, export
//	                        |----Nodes()----> topology, inspector
//	                        '----Arrows()---> sequence diagram, moving messages
//
// A message is one arrow: its send event and its recv event share the
// sender's name and the message id. An arrow whose recv has not come (yet) is
// in flight; one whose send says a fault lost it never arrives. Arrows are
// ordered by the Lamport clock of their send, so the diagram shows causes
// before effects whatever the order the events reached the collector in.
//
// Memory is bounded, whatever the programs send and however long a lecture
// runs: the store keeps the newest events and arrows in ring buffers of a
// fixed capacity, and counts the older ones it let go (Forgotten); it cuts
// what no program of dsdemo sends but a foreign one might (a body over
// trace.MaxBody, a log line or name of a megabyte), and it knows at most
// MaxNodes nodes with at most MaxStateKeys state keys each. A run of a
// million events costs no more than one of the capacity.
package history

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"dsdemo/models/program"
	"dsdemo/models/trace"
)

// DefaultCapacity is how many events and arrows a Store keeps: the newest,
// the older ones are counted (Forgotten) and let go. 20,000 events are the
// last 80 seconds of the busiest demo (a ring of seven peers and a client
// report about 250 a second), more than the sequence diagram or the event
// log can be scrolled back through in class. With the ring's events they
// cost 16 MiB after 5 minutes and 19 MiB from the first hour on (the same
// after four), and 26 MiB when every event is as big as the store keeps it
// (BenchmarkLongRun), so a lecture costs no more than its first hour, and
// little more than its first minutes. The recording keeps the whole run.
const DefaultCapacity = 20000

// Bounds on what a store keeps of each event and node. No program of
// dsdemo comes near them; they are there for a foreign or broken program,
// which may send any line up to the protocol's 1 MiB.
const (
	// MaxNodes is how many nodes a store knows. The largest model has a
	// dozen, and a screen cannot draw more than a few dozen; events of
	// further nodes are kept, their nodes are not.
	MaxNodes = 256
	// MaxStateKeys is how many state keys a node keeps. The programs of
	// dsdemo report a handful each (a peer: id, pred, succ, fingers, keys,
	// faults); a state event of a further key is counted in Node.LeftOut
	// and not shown.
	MaxStateKeys = 64
	// maxName is the longest node name, role, message type, key or fault a
	// store keeps, in bytes; maxText the longest log line or state value.
	maxName = 256
	maxText = 1024
	// maxAddresses is how many listen addresses a store remembers: each
	// hello of a restarted node may bring a new one.
	maxAddresses = 4 * MaxNodes
)

// Node is one program of the run as its events describe it.
type Node struct {
	Name     string
	Role     string
	Model    string
	Listen   string
	PID      int
	State    map[string]string      // the latest value of each state key
	Timers   map[string]Timer       // the state keys whose latest value is a timer
	Gauges   map[string]trace.Gauge // the state keys whose latest value is a gauge
	Pictures map[string]*Picture    // the state keys whose tiles fill a picture (typed.go); nil until one does
	Keys     []string               // State's keys in the order they first appeared
	Lost     uint64                 // trace events the program could not deliver (its latest overflow count)
	Bye      string                 // why it stopped, once it said bye
	Events   uint64                 // events received from it
	LeftOut  uint64                 // state events of keys beyond MaxStateKeys, not kept
	Clock    uint64                 // the Lamport time of its latest event that had one
}

// Arrow is one message from its sender to its receiver.
type Arrow struct {
	From, To  string // node names; To is resolved from an address when a hello names it
	Type      string
	ID        uint64
	ReplyTo   uint64
	Size      int
	Body      json.RawMessage
	SendClock uint64    // the sender's Lamport time at the send
	RecvClock uint64    // the receiver's Lamport time at the recv; 0 until it arrives
	Sent      time.Time // wall clock of the send (or of the hold)
	Received  time.Time // wall clock of the recv; zero until it arrives
	Fault     string    // "drop", "partition", "abandoned" (lost) or "duplicate" (a second copy)
	Held      bool      // waiting in step mode for a release

	unsent bool // made from a recv whose send has not been seen (yet)
}

// Lost reports whether the network (or the sender) lost the message.
func (a *Arrow) Lost() bool {
	return a.Fault == "drop" || a.Fault == "partition" || a.Fault == "abandoned"
}

// Delivered reports whether the message arrived.
func (a *Arrow) Delivered() bool { return a.RecvClock != 0 }

// msgKey names a message: its sender and its id.
type msgKey struct {
	from string
	id   uint64
}

// Store is the history of one run. It is not safe for concurrent use: the
// UI owns it and feeds it events one at a time.
type Store struct {
	capacity int
	events   ring[trace.Event]
	arrows   ring[Arrow]
	faults   ring[Fault]         // what the launcher did to the run
	open     map[msgKey][]uint64 // message to the positions (see ring) of its arrows: two for a duplicated one
	// retired holds the open arrows of a program's earlier life: a
	// restarted program counts its ids from 1 again, so its new messages
	// must not be taken for the old ones, but an old message that was on
	// its way when the program died may still arrive.
	retired map[msgKey][]uint64

	nodes    map[string]*Node  // at most MaxNodes
	order    []string          // node names in the order of their first event
	address  map[string]string // listen address to node name, at most maxAddresses
	total    uint64            // events ever added
	messages uint64            // arrows ever made
}

// New returns an empty store that keeps the last capacity events and arrows.
func New(capacity int) *Store {
	if capacity < 1 {
		capacity = DefaultCapacity
	}
	return &Store{
		capacity: capacity,
		events:   newRing[trace.Event](capacity),
		arrows:   newRing[Arrow](capacity),
		faults:   newRing[Fault](capacity),
		open:     map[msgKey][]uint64{},
		retired:  map[msgKey][]uint64{},
		nodes:    map[string]*Node{},
		address:  map[string]string{},
	}
}

// Add takes one event into the history. It keeps a copy cut to the
// store's bounds; ev itself is not changed.
func (s *Store) Add(ev trace.Event) {
	ev, _ = trace.Bound(ev) // a recording may come from anywhere, not only from a collector
	ev = trimmed(ev)
	s.total++
	s.events.push(ev)
	if ev.Kind == trace.KindFault {
		s.fault(ev) // the launcher's, not a node's
		return
	}
	n := s.node(ev.Node)
	n.Events++
	if ev.Clock != 0 {
		n.Clock = ev.Clock // a restarted program counts from 0 again
	}
	switch ev.Kind {
	case trace.KindHello:
		n.Role, n.Model, n.Listen, n.PID, n.Bye = ev.Role, ev.Model, ev.Listen, ev.PID, ""
		if ev.Listen != "" {
			s.learnAddress(ev.Listen, ev.Node)
		}
		// A restarted program counts its message ids from 1 again.
		s.retire(ev.Node)
	case trace.KindState:
		if _, ok := n.State[ev.Key]; !ok {
			if len(n.Keys) >= MaxStateKeys {
				n.LeftOut++
				break
			}
			n.Keys = append(n.Keys, ev.Key)
		}
		n.State[ev.Key] = ev.Value
		n.typed(ev)
	case trace.KindOverflow:
		n.Lost = ev.Count
	case trace.KindBye:
		n.Bye = ev.Text
	case trace.KindSend, trace.KindHold:
		if ev.Msg != nil {
			s.send(ev)
		}
	case trace.KindRecv:
		if ev.Msg != nil {
			s.recv(ev)
		}
	}
}

// node returns the node of that name, new on its first event. Past
// MaxNodes a new name gets a node that is not kept, so its event is
// counted nowhere but in Total.
func (s *Store) node(name string) *Node {
	n := s.nodes[name]
	if n == nil {
		n = &Node{Name: name, State: map[string]string{}, Timers: map[string]Timer{}, Gauges: map[string]trace.Gauge{}}
		if len(s.nodes) < MaxNodes {
			s.nodes[name] = n
			s.order = append(s.order, name)
		}
	}
	return n
}

// learnAddress notes that node listens on addr. When the store remembers
// maxAddresses already, it first forgets the addresses no node listens on
// any more: those of nodes restarted elsewhere, whose old messages then
// show the address instead of the name.
func (s *Store) learnAddress(addr, node string) {
	if _, known := s.address[addr]; !known && len(s.address) >= maxAddresses {
		for a, name := range s.address {
			if n := s.nodes[name]; n == nil || n.Listen != a {
				delete(s.address, a)
			}
		}
	}
	s.address[addr] = node
}

// send records a send or hold. A send after a hold of the same message
// completes that arrow; a duplicate copy is an arrow of its own.
func (s *Store) send(ev trace.Event) {
	m := ev.Msg
	key := msgKey{m.From, m.ID}
	if ev.Kind == trace.KindSend && ev.Fault == "abandoned" {
		// The sender gave up on a message that was held or on its way.
		if a := s.find(key, func(a *Arrow) bool { return a.Held || (!a.Delivered() && !a.Lost()) }); a != nil {
			a.Held, a.Fault = false, ev.Fault
			return
		}
	}
	if ev.Kind == trace.KindSend {
		// The send of one whose recv came first, or of a held message (whose
		// duplicate copy is a new arrow).
		same := func(a *Arrow) bool { return a.Type == m.Type && a.SendClock == m.Clock }
		if a := s.find(key, func(a *Arrow) bool { return same(a) && (a.unsent || (a.Held && ev.Fault != "duplicate")) }); a != nil {
			a.Held, a.unsent = false, false
			a.Fault = ev.Fault
			a.Sent = time.UnixMicro(ev.Time)
			return
		}
	}
	s.push(key, Arrow{
		From: m.From, To: m.To, Type: m.Type, ID: m.ID, ReplyTo: m.ReplyTo,
		Size: m.Size, Body: m.Body, SendClock: m.Clock, Sent: time.UnixMicro(ev.Time),
		Fault: ev.Fault, Held: ev.Kind == trace.KindHold,
	})
}

// recv completes the oldest arrow of the message still in flight, or, when
// its send is not known (the sender is not traced, or the recv came first),
// records an arrow of its own.
func (s *Store) recv(ev trace.Event) {
	m := ev.Msg
	key := msgKey{m.From, m.ID}
	open := func(a *Arrow) bool { return !a.Delivered() && !a.Lost() && a.Type == m.Type }
	same := func(a *Arrow) bool { return open(a) && a.SendClock == m.Clock }
	a := s.find(key, same)
	if a == nil {
		a = s.findIn(s.retired, key, same) // sent before its sender restarted
	}
	if a == nil {
		a = s.find(key, open)
	}
	if a != nil {
		a.To = ev.Node
		a.RecvClock = ev.Clock
		a.Received = time.UnixMicro(ev.Time)
		return
	}
	s.push(key, Arrow{
		From: m.From, To: ev.Node, Type: m.Type, ID: m.ID, ReplyTo: m.ReplyTo, Size: m.Size, Body: m.Body,
		SendClock: m.Clock, RecvClock: ev.Clock, Sent: time.UnixMicro(ev.Time), Received: time.UnixMicro(ev.Time),
		unsent: true,
	})
}

// retire moves the open arrows node sent in an earlier life out of the
// way of its new messages (those of a life before that are forgotten).
// An arrow known only from its recv stays: that recv may have reached the
// collector before the new life's hello, and the send that completes it
// is still to come.
func (s *Store) retire(node string) {
	for k, positions := range s.open {
		if k.from != node {
			continue
		}
		var keep, old []uint64
		for _, pos := range positions {
			if a := s.arrows.at(pos); a != nil && a.unsent {
				keep = append(keep, pos)
			} else {
				old = append(old, pos)
			}
		}
		if len(old) > 0 {
			s.retired[k] = old
		} else {
			delete(s.retired, k)
		}
		if len(keep) > 0 {
			s.open[k] = keep
		} else {
			delete(s.open, k)
		}
	}
}

// find returns the oldest kept arrow of the message that satisfies ok.
func (s *Store) find(key msgKey, ok func(*Arrow) bool) *Arrow {
	return s.findIn(s.open, key, ok)
}

// findIn is find in an index of its own.
func (s *Store) findIn(index map[msgKey][]uint64, key msgKey, ok func(*Arrow) bool) *Arrow {
	for _, pos := range index[key] {
		if a := s.arrows.at(pos); a != nil && ok(a) {
			return a
		}
	}
	return nil
}

func (s *Store) push(key msgKey, a Arrow) {
	s.messages++
	s.arrows.push(a)
	positions := s.open[key]
	for len(positions) > 0 && s.arrows.at(positions[0]) == nil {
		positions = positions[1:] // overwritten by the ring
	}
	s.open[key] = append(positions, s.arrows.last())
	if len(s.open)+len(s.retired) > 2*s.capacity {
		s.forgetOld()
	}
}

// forgetOld drops the index entries of messages whose arrows the ring has
// overwritten, so the index stays as bounded as the ring.
func (s *Store) forgetOld() {
	for _, index := range []map[msgKey][]uint64{s.open, s.retired} {
		for k, positions := range index {
			if len(positions) == 0 || s.arrows.at(positions[len(positions)-1]) == nil {
				delete(index, k)
			}
		}
	}
}

// resolve turns an address into the node name that said hello with it.
func (s *Store) resolve(to string) string {
	if name, ok := s.address[to]; ok {
		return name
	}
	return to
}

// Total is the number of events ever added, including those no longer kept.
func (s *Store) Total() uint64 { return s.total }

// Forgotten is the number of events the store has let go to stay within
// its capacity: the oldest ones. A view says so, since what it shows is
// then not the whole run.
func (s *Store) Forgotten() uint64 { return s.total - uint64(len(s.events.buf)) }

// Messages is the number of arrows ever made, including those no longer
// kept: counting Arrows() stops growing once the store is full.
func (s *Store) Messages() uint64 { return s.messages }

// Capacity is how many events, and how many arrows, the store keeps.
func (s *Store) Capacity() int { return s.capacity }

// Events returns the kept events, oldest first.
func (s *Store) Events() []trace.Event { return s.events.all() }

// Nodes returns the nodes in the order they first appeared.
func (s *Store) Nodes() []*Node {
	out := make([]*Node, 0, len(s.order))
	for _, name := range s.order {
		out = append(out, s.nodes[name])
	}
	return out
}

// Node returns the node of that name, or nil.
func (s *Store) Node(name string) *Node { return s.nodes[name] }

// Lost is the number of trace events all programs together could not deliver.
func (s *Store) Lost() uint64 {
	var lost uint64
	for _, n := range s.nodes {
		lost += n.Lost
	}
	return lost
}

// Arrows returns the kept arrows in Lamport order: by the clock of their
// send, then by sender name, then by id, so that equal clocks of different
// nodes (concurrent events) still come out in the same order every time.
func (s *Store) Arrows() []Arrow {
	out := s.arrows.all()
	s.resolveAll(out)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.SendClock != b.SendClock {
			return a.SendClock < b.SendClock
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.ID < b.ID
	})
	return out
}

// InFlight returns the arrows that were sent and have neither arrived nor
// been lost, oldest first: the messages a topology view shows moving.
func (s *Store) InFlight() []Arrow {
	var out []Arrow
	for _, a := range s.arrows.all() {
		if !a.Delivered() && !a.Lost() {
			out = append(out, a)
		}
	}
	s.resolveAll(out)
	return out
}

// resolveAll names the receivers that were only an address when their
// message was sent, now that a hello may have named them.
func (s *Store) resolveAll(arrows []Arrow) {
	for i := range arrows {
		arrows[i].To = s.resolve(arrows[i].To)
	}
}

// FromEvents builds a store from a recorded run.
func FromEvents(events []trace.Event) *Store {
	s := New(max(len(events), 1))
	for _, ev := range events {
		s.Add(ev)
	}
	return s
}

// trimmed returns ev cut to the store's bounds: a body over trace.MaxBody
// is left out (its size stays), as an emitter of dsdemo would have done, and
// over-long names and texts are cut. What is cut is copied, so nothing of
// the long original stays reachable; an event within the bounds is
// returned as it is, sharing its message with the caller's.
func trimmed(ev trace.Event) trace.Event {
	ev.Node, ev.Role, ev.Model, ev.Listen = cut(ev.Node, maxName), cut(ev.Role, maxName), cut(ev.Model, maxName), cut(ev.Listen, maxName)
	ev.Fault, ev.Key = cut(ev.Fault, maxName), cut(ev.Key, maxName)
	if len(ev.Peers) > 0 {
		peers := make([]string, 0, min(len(ev.Peers), maxPeers))
		for _, p := range ev.Peers[:min(len(ev.Peers), maxPeers)] {
			peers = append(peers, cut(p, maxName))
		}
		ev.Peers = peers
	}
	ev.Value, ev.Text = cut(ev.Value, maxText), cut(ev.Text, maxText)
	if t := ev.Timer; t != nil && strings.ContainsFunc(t.Label, unicode.IsControl) {
		c := *t
		c.Label = cut(c.Label, trace.MaxLabel)
		ev.Timer = &c
	}
	if g := ev.Gauge; g != nil && strings.ContainsFunc(g.Unit, unicode.IsControl) {
		c := *g
		c.Unit = cut(c.Unit, trace.MaxUnit)
		ev.Gauge = &c
	}
	if m := ev.Msg; m != nil && (len(m.Body) > trace.MaxBody || len(m.From) > maxName || len(m.To) > maxName || len(m.Type) > maxName) {
		c := *m
		c.From, c.To, c.Type = cut(c.From, maxName), cut(c.To, maxName), cut(c.Type, maxName)
		if len(c.Body) > trace.MaxBody {
			c.Body = nil
		}
		ev.Msg = &c
	}
	return ev
}

// cut returns s if it has at most limit bytes, else a copy of its start
// (whole characters only) followed by "…". Either way control characters
// are written out (\x1b): the text comes from the network, and a program
// may not steer the terminal it is shown on; a newline or tab becomes a
// space, as every field is shown on one line.
func cut(s string, limit int) string {
	if strings.ContainsFunc(s, unicode.IsControl) {
		s = string(program.Escape([]byte(strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' || r == '\r' {
				return ' '
			}
			return r
		}, s))))
	}
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…" // a new string: the long one is not kept
}

// ring is a fixed-size ring buffer that overwrites its oldest element.
// Positions count every element ever pushed, so a position stays valid, and
// at returns nil once the element has been overwritten.
type ring[T any] struct {
	buf  []T
	next uint64 // position of the next push
}

func newRing[T any](capacity int) ring[T] { return ring[T]{buf: make([]T, 0, capacity)} }

func (r *ring[T]) push(v T) {
	if len(r.buf) < cap(r.buf) {
		r.buf = append(r.buf, v)
	} else {
		r.buf[r.next%uint64(cap(r.buf))] = v
	}
	r.next++
}

// last is the position of the newest element.
func (r *ring[T]) last() uint64 { return r.next - 1 }

// at returns the element at position pos, or nil if it is gone or not there yet.
func (r *ring[T]) at(pos uint64) *T {
	if pos >= r.next || r.next-pos > uint64(len(r.buf)) {
		return nil
	}
	return &r.buf[pos%uint64(cap(r.buf))]
}

// all returns the elements, oldest first.
func (r *ring[T]) all() []T {
	if len(r.buf) < cap(r.buf) {
		return slices.Clone(r.buf)
	}
	i := int(r.next % uint64(cap(r.buf)))
	return append(slices.Clone(r.buf[i:]), r.buf[:i]...)
}
