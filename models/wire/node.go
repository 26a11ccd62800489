package wire

import (
	"encoding/json"
	"sync/atomic"

	"dsdemo/models/faults"
	"dsdemo/models/trace"
)

// Node is one process as the wire sees it: a name, a Lamport clock, a counter
// for message ids, and the optional observer and failure model every Conn of
// the process shares.
type Node struct {
	Name   string
	Clock  LamportClock
	Trace  *trace.Emitter   // nil: nobody watches
	Faults *faults.Injector // nil: a perfect network
	lastID atomic.Uint64
}

// NewNode returns a node with the given name and neither trace nor faults.
func NewNode(name string) *Node { return &Node{Name: name} }

// NextID returns a message id never used before by this node.
func (n *Node) NextID() uint64 { return n.lastID.Add(1) }

// traced reports e as a trace event of the given kind at the node's Lamport
// time clock. The size is that of the encoded line; bodies up to
// trace.MaxBody travel along.
func (n *Node) traced(kind trace.Kind, e *Envelope, clock uint64, size int, fault string) {
	if n.Trace == nil {
		return
	}
	m := &trace.Message{From: e.From, To: e.To, Type: e.Type, ID: e.ID, ReplyTo: e.ReplyTo, Clock: e.Clock, Size: size}
	if len(e.Body) <= trace.MaxBody {
		m.Body = json.RawMessage(e.Body)
	}
	n.Trace.Emit(trace.Event{Kind: kind, Clock: clock, Msg: m, Fault: fault})
}
