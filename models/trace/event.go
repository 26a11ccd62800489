// Package trace is the observation model: what a running program tells a
// watcher about itself, and how the watcher steers it back.
//
// A program started with --trace ADDR (or DSDEMO_TRACE=ADDR) opens one TCP
// connection to a collector, usually the dsdemo launcher, and writes events
// as JSON lines. The same connection carries control lines the other way:
//
//	 program (Emitter)                       collector (Collector)
//	+------------------+  hello, send, recv, +--------------------+
//	| wire.Conn ------>|  hold, state, log,  |  draws arrows,     |
//	| demo code ------>| ------------------> |  records the run   |
//	|                  |  overflow, bye      |                    |
//	| faults, commands | <------------------ |  delay, drop, hold,|
//	+------------------+   control lines     |  partition, do ... |
//	                                         +--------------------+
//
// A send event and its recv event carry the same message (from, id), so a
// viewer can pair them into one arrow, and the Lamport clocks in them give the
// order of the arrows. Observation must never change what it observes, so the
// Emitter never blocks its program: events go into a bounded queue, and when
// the collector is too slow the queue overflows, the events are counted and
// the count itself is reported as an overflow event.
//
// The protocol is written down, with examples for every line, in PROTOCOL.md.
package trace

import "encoding/json"

// Version is the protocol version carried in every event and control line.
const Version = 1

// Kind names what an event reports.
type Kind string

// The event kinds. PROTOCOL.md has an example of each.
const (
	KindHello    Kind = "hello"    // a program started: node, role, model, pid, listen
	KindSend     Kind = "send"     // a message left (or was lost, see Fault)
	KindRecv     Kind = "recv"     // a message arrived
	KindHold     Kind = "hold"     // a message waits for the collector to release it
	KindState    Kind = "state"    // a key/value the program wants shown, maybe a timer or gauge
	KindLog      Kind = "log"      // a line of text for the event log
	KindOverflow Kind = "overflow" // the emitter's queue was full: Count events lost so far
	KindBye      Kind = "bye"      // the program is stopping; Text says why

	// KindFault is the one kind no program sends: the collector writes it
	// into its own stream when it does something to the run (kills a node,
	// cuts it off, slows it down), so a recording says why the arrows
	// changed. Fault names the action (the Fault... constants), Node the
	// node it was done to ("" for every node), Peers the nodes a partition
	// cuts Node off from, Value the new setting. Its Seq is 0.
	KindFault Kind = "fault"

	// KindAnswer is written by the launcher too, never by a program: one
	// viewer's answer to a "predict the flow" question of the class
	// (dsdemo serve --ssh), kept with the run for dsdemo report. Node is
	// the viewer, Key the question ("model/experiment#step"), Value the
	// node the viewer chose, Text the node the message really went to.
	// Its Seq is 0.
	KindAnswer Kind = "answer"
)

// WrittenByCollector reports whether only a collector may write events
// of kind k; a program's line of such a kind is forged, and skipped.
func WrittenByCollector(k Kind) bool { return k == KindFault || k == KindAnswer }

// The actions a fault event names in its Fault field.
const (
	FaultKill      = "kill"      // the node's process was killed (SIGKILL)
	FaultFreeze    = "freeze"    // the node was stopped (SIGSTOP)
	FaultThaw      = "thaw"      // the frozen node goes on (SIGCONT)
	FaultRestart   = "restart"   // the node was started again
	FaultPartition = "partition" // Node cannot reach Peers (Value "one-way": they still reach Node)
	FaultHeal      = "heal"      // Node reaches every node again, and they it
	FaultDrop      = "drop"      // Value: the new probability of losing a message, "0.3"
	FaultDuplicate = "duplicate" // Value: the new probability of a second copy
	FaultDelay     = "delay"     // Value: the new delay per message in milliseconds, "200"
	FaultHold      = "hold"      // Value: "on" or "off", step mode
)

// Event is one line a program writes to its collector. Only the fields of its
// kind are set; the others are left out of the JSON.
type Event struct {
	V    int    `json:"v"`
	Kind Kind   `json:"ev"`
	Node string `json:"node"`
	Seq  uint64 `json:"seq"` // per program, from 1, in the order written to the collector (no gaps)
	Time int64  `json:"t"`   // wall clock, microseconds since 1970, for replay pacing only

	// Clock is the node's Lamport time at the event: for a send the clock
	// stamped on the message, for a recv the time after merging the
	// message's clock, so a recv's Clock is always greater than its send's.
	Clock uint64 `json:"clock,omitempty"`

	Role   string `json:"role,omitempty"`   // hello
	Model  string `json:"model,omitempty"`  // hello
	PID    int    `json:"pid,omitempty"`    // hello
	Listen string `json:"listen,omitempty"` // hello: host:port, empty for a client
	// Token is the join token a collector may ask for in a hello (a
	// class's demo, dsdemo --class). A collector never passes it on.
	Token string `json:"token,omitempty"`

	Msg   *Message `json:"msg,omitempty"`   // send, recv, hold
	Fault string   `json:"fault,omitempty"` // send: "drop", "partition", "abandoned" (never arrived) or "duplicate" (a second copy); fault: the action
	Peers []string `json:"peers,omitempty"` // fault: the nodes a partition cuts Node off from

	Key   string `json:"key,omitempty"`   // state
	Value string `json:"value,omitempty"` // state
	Timer *Timer `json:"timer,omitempty"` // state: a countdown to draw as a bar (state.go)
	Gauge *Gauge `json:"gauge,omitempty"` // state: an amount of a most to draw as a bar (state.go)
	Tile  *Tile  `json:"tile,omitempty"`  // state: one cell of a picture that fills in (state.go)

	Text  string `json:"text,omitempty"`  // log, bye
	Count uint64 `json:"count,omitempty"` // overflow
}

// Message is an envelope as a trace reports it: its header, its size on the
// wire and, when it is small, its body.
type Message struct {
	From    string          `json:"from"`
	To      string          `json:"to"`
	Type    string          `json:"type"`
	ID      uint64          `json:"id"`
	ReplyTo uint64          `json:"reply_to"`
	Clock   uint64          `json:"clock"`
	Size    int             `json:"size"`
	Body    json.RawMessage `json:"body,omitempty"`
}

// MaxBody is the largest body, in bytes, a send or recv event carries; larger
// bodies are reported by size only, so tracing a big transfer stays cheap.
const MaxBody = 512
