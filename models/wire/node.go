package wire

import (
	"context"
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
	held   heldBytes // bytes of received frames held for all connections, at most MaxHeld
}

// NewNode returns a node with the given name and neither trace nor faults.
func NewNode(name string) *Node { return &Node{Name: name} }

// NextID returns a message id never used before by this node.
func (n *Node) NextID() uint64 { return n.lastID.Add(1) }

// Report tells the node's trace about message e: an event of the given
// kind at the node's Lamport time clock. The size is that of the encoded
// message; bodies up to trace.MaxBody travel along.
func (n *Node) Report(kind trace.Kind, e *Envelope, clock uint64, size int, fault string) {
	if n.Trace == nil {
		return
	}
	m := &trace.Message{From: e.From, To: e.To, Type: e.Type, ID: e.ID, ReplyTo: e.ReplyTo, Clock: e.Clock, Size: size}
	if len(e.Body) <= trace.MaxBody {
		m.Body = json.RawMessage(e.Body)
	}
	n.Trace.Emit(trace.Event{Kind: kind, Clock: clock, Msg: m, Fault: fault})
}

// Pass takes the outgoing message e through the fault injector f and
// reports it, as every sender does just before it writes a message: a lost
// message (drop, partition) is reported as such and gets 0 copies, a held
// one waits for its release, a delayed one is reported as sent and then
// waits out the delay. It returns how many copies to write (2 when the
// network duplicates it), or an error when ctx ended while the message
// waited. names are the ways the receiver may be named in a partition.
func (n *Node) Pass(ctx context.Context, f *faults.Injector, e *Envelope, size int, names ...string) (copies int, err error) {
	v := f.Decide(names...)
	if v.Lost != "" {
		n.Report(trace.KindSend, e, e.Clock, size, v.Lost)
		return 0, nil
	}
	if f != nil {
		onHold := func() { n.Report(trace.KindHold, e, e.Clock, size, "") }
		if err := f.Hold(ctx, e.ID, onHold); err != nil {
			n.Report(trace.KindSend, e, e.Clock, size, "abandoned")
			return 0, err
		}
	}
	// The send is reported before the delay: a slow network is a message
	// that has left and takes its time to arrive, and a viewer shows it on
	// its way.
	n.Report(trace.KindSend, e, e.Clock, size, "")
	if err := f.Delay(ctx); err != nil {
		n.Report(trace.KindSend, e, e.Clock, size, "abandoned")
		return 0, err
	}
	return v.Copies, nil
}
