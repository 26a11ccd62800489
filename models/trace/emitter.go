package trace

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// QueueSize is how many events an Emitter buffers for a slow collector before
// it starts counting them as lost.
const QueueSize = 8192

// Emitter sends one program's events to a collector and receives its control
// lines. All methods are safe on a nil *Emitter and do nothing: a program
// without a collector pays one nil check per event.
//
// The collector learns who a program is from its hello, so the hello is
// the first line an Emitter writes: events emitted before Hello wait in the
// queue until it comes. A program says hello when it is ready (a server
// when it starts to accept connections); one that stops before then says
// nothing at all, not even bye.
type Emitter struct {
	node      string
	conn      net.Conn
	onControl func(Control) // called on the reader goroutine; must not block

	queue   chan Event
	dropped atomic.Uint64 // events lost to a full queue or a gone collector
	gone    atomic.Bool   // the collector stopped reading or closed

	helloOnce sync.Once
	hello     Event         // set by Hello before it closes helloed
	helloed   chan struct{} // closed by Hello: the writer may begin

	closeOnce sync.Once
	byeReason string        // set by Close before it closes closing
	closing   chan struct{} // closed by Close: the writer drains, says bye and stops
	written   chan struct{} // closed when the writer has stopped
	hungUp    chan struct{} // closed when the collector's side is closed

	// Token goes with the hello, for a collector that asks for one (a
	// class's demo). Set it before Hello.
	Token   string
	refused atomic.Pointer[string] // why the collector refused this program; nil if it did not
}

// Dial connects to the collector at addr on behalf of node. Each control line
// the collector sends is passed to onControl (which may be nil); a line that
// is not a valid control line is answered with a log event.
func Dial(ctx context.Context, addr, node string, onControl func(Control)) (*Emitter, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot reach trace collector at %s: %w", addr, err)
	}
	e := &Emitter{
		node:      node,
		conn:      conn,
		onControl: onControl,
		queue:     make(chan Event, QueueSize),
		helloed:   make(chan struct{}),
		closing:   make(chan struct{}),
		written:   make(chan struct{}),
		hungUp:    make(chan struct{}),
	}
	go e.write()
	go e.read()
	return e, nil
}

// Emit queues ev, filling in version, node and time (the sequence number is
// given when it is written). It never blocks: when the queue is full the
// event is counted as lost instead.
func (e *Emitter) Emit(ev Event) {
	if e == nil {
		return
	}
	if e.gone.Load() {
		e.dropped.Add(1)
		return
	}
	ev.V = Version
	ev.Node = e.node
	ev.Time = time.Now().UnixMicro()
	select {
	case e.queue <- ev:
	default:
		e.dropped.Add(1)
	}
}

// Hello reports that the program has started: a server gives the
// address it accepts connections on. It is written before every other
// event, and only the first call counts.
func (e *Emitter) Hello(role, model string, pid int, listen string) {
	if e == nil {
		return
	}
	e.helloOnce.Do(func() {
		e.hello = Event{V: Version, Kind: KindHello, Node: e.node, Time: time.Now().UnixMicro(),
			Role: role, Model: model, PID: pid, Listen: listen, Token: e.Token}
		close(e.helloed)
	})
}

// State reports a key/value pair the program wants a viewer to show, such as
// the number of keys a server holds.
func (e *Emitter) State(key, value string) {
	e.Emit(Event{Kind: KindState, Key: key, Value: value})
}

// Logf reports a line of text for the event log.
func (e *Emitter) Logf(format string, args ...any) {
	if e == nil {
		return
	}
	e.Emit(Event{Kind: KindLog, Text: fmt.Sprintf(format, args...)})
}

// Dropped returns how many events were lost so far.
func (e *Emitter) Dropped() uint64 {
	if e == nil {
		return 0
	}
	return e.dropped.Load()
}

// HungUp is closed when the collector closes its side of the connection. A
// program started with --exit-with-collector stops then. For a nil Emitter it
// returns nil, a channel that is never ready.
func (e *Emitter) HungUp() <-chan struct{} {
	if e == nil {
		return nil
	}
	return e.hungUp
}

// Close writes what is queued and a bye event with the given reason, waiting
// up to a second for a slow collector, and closes the connection.
func (e *Emitter) Close(reason string) {
	if e == nil {
		return
	}
	e.closeOnce.Do(func() {
		e.byeReason = reason
		close(e.closing)
		select {
		case <-e.written:
		case <-time.After(time.Second):
		}
		e.conn.Close()
	})
}

// overflowEvery is how often, at most, an overflow event interrupts the
// events while the collector falls behind; the final count is reported as
// soon as the queue is empty.
const overflowEvery = 100 * time.Millisecond

// write is the only goroutine that writes to the collector. It numbers the
// events in the order they go out, so a collector sees seq 1, 2, 3 ... with
// no gaps; lost events are reported by overflow events. It flushes whenever
// the queue is empty, so a quiet program's events arrive at once and a busy
// program's in batches.
func (e *Emitter) write() {
	defer close(e.written)
	w := bufio.NewWriterSize(e.conn, 32<<10)
	var (
		line          []byte
		seq, reported uint64
		reportedAt    time.Time
	)
	emit := func(ev *Event) bool {
		seq++
		ev.Seq = seq
		line = ev.AppendJSON(line[:0])
		_, err := w.Write(line)
		return err == nil
	}
	// report writes an overflow event if events were lost since the last one.
	report := func() bool {
		lost := e.dropped.Load()
		if lost == reported {
			return true
		}
		reported, reportedAt = lost, time.Now()
		return emit(&Event{V: Version, Kind: KindOverflow, Node: e.node, Time: reportedAt.UnixMicro(), Count: lost})
	}
	put := func(ev *Event) bool {
		if time.Since(reportedAt) >= overflowEvery && !report() {
			return false
		}
		return emit(ev)
	}
	if !e.awaitHello() {
		return // no hello, so nothing: the collector never knew this program
	}
	if !emit(&e.hello) || w.Flush() != nil {
		e.hangUp()
		return
	}
	for {
		select {
		case ev := <-e.queue:
			ok := put(&ev)
			if ok && len(e.queue) == 0 {
				ok = report() && w.Flush() == nil
			}
			if !ok {
				e.hangUp()
				return
			}
		case <-e.closing:
			for len(e.queue) > 0 { // only this goroutine receives, so this never blocks
				ev := <-e.queue
				if !put(&ev) {
					return
				}
			}
			bye := Event{V: Version, Kind: KindBye, Node: e.node, Time: time.Now().UnixMicro(), Text: e.byeReason}
			if report() && emit(&bye) {
				w.Flush()
			}
			return
		}
	}
}

// awaitHello waits until Hello or Close, and reports whether Hello came
// (also when Close came right after it).
func (e *Emitter) awaitHello() bool {
	select {
	case <-e.helloed:
		return true
	case <-e.closing:
		select {
		case <-e.helloed:
			return true
		default:
			return false
		}
	}
}

// read passes control lines to onControl until the collector hangs up.
func (e *Emitter) read() {
	defer e.hangUp()
	sc := bufio.NewScanner(e.conn)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		c, err := ParseControl(sc.Bytes())
		if err != nil {
			e.Logf("%v", err)
			continue
		}
		if c.Op == OpRefused {
			e.refused.Store(&c.Cmd)
			continue
		}
		if e.onControl != nil {
			e.onControl(c)
		}
	}
	if sc.Err() != nil {
		// Control lines are short; a longer one means a broken collector.
		e.Logf("trace connection closed: %v", sc.Err())
	}
}

// Refused returns why the collector refused this program's events, once
// it has hung up (HungUp); "" when it did not refuse it.
func (e *Emitter) Refused() string {
	if e == nil {
		return ""
	}
	if why := e.refused.Load(); why != nil {
		return *why
	}
	return ""
}

func (e *Emitter) hangUp() {
	if e.gone.CompareAndSwap(false, true) {
		close(e.hungUp)
	}
}
