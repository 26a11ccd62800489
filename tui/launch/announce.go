package launch

import (
	"strconv"
	"time"

	"dsdemo/models/trace"
)

// What the launcher does to a run is part of the run. Every action of its
// keys and of an experiment's steps (kill, freeze, thaw, restart,
// partition, heal, a new drop rate or delay, step mode on or off) is
// announced as a trace event of kind trace.KindFault in the same stream as
// the programs' events: OnEvent gets it, so the recording keeps it and the
// diagrams draw it as a row of its own, and a watch can wait for it.
//
//	launcher --Kill("server")--> SIGKILL --> announce {"ev":"fault","node":"server","fault":"kill"}
//
// The event is stamped with the moment the action began, and announced
// once it has been carried out, outside every lock: OnEvent may call the
// launcher's methods.

// begin returns a fault event of action on node, stamped now.
func begin(action, node string) trace.Event {
	return trace.Event{V: trace.Version, Kind: trace.KindFault, Node: node, Fault: action, Time: time.Now().UnixMicro()}
}

// announce hands a fault event to OnEvent and the watches, as if a program
// had sent it, when the action it describes was carried out (err is nil).
func (l *Launcher) announce(e trace.Event, err error) error {
	if err == nil {
		l.handle(e)
	}
	return err
}

// faultOf is the fault event of a control line that changes a fault, and
// false for the lines that change none (do, release, still).
func faultOf(node string, c trace.Control) (trace.Event, bool) {
	e := begin("", node)
	switch c.Op {
	case trace.OpDelay:
		e.Fault, e.Value = trace.FaultDelay, strconv.FormatInt(c.Ms, 10)
	case trace.OpDrop, trace.OpDuplicate:
		e.Fault, e.Value = string(c.Op), strconv.FormatFloat(c.P, 'g', -1, 64)
	case trace.OpHold:
		e.Fault, e.Value = trace.FaultHold, onOff(c.On)
	default:
		return trace.Event{}, false
	}
	return e, true
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
