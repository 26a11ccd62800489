package broker

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// What the broker shows the live view, as state events (keys of the trace):
//
//	depth DEST           a gauge: the messages a queue or subscription holds, of --max-depth;
//	                     its text says "3 ready, 2 unacked"; "gone" for a subscription that ended
//	redelivered DEST     how many deliveries were given back so far (consumer died, deadline, nack)
//	dead-lettered DEST   how many messages went to the dead-letter queue so far
//	unacked CONSUMER     a timer: the ack deadline of the consumer's oldest unacknowledged
//	                     message, in protocol time; "none unacked" when it holds none
//
// DEST is a queue ("queue:orders") or a topic's subscription
// ("topic:news#audit" for a durable one, "topic:news#~3" for another);
// CONSUMER is the consumer's node name, with "#N" after it for its
// subscription N beyond the first. Reports are gathered and sent at most
// every reportEvery, so a busy broker sends a few events a second, not
// one per message.
const reportEvery = 25 * time.Millisecond

// reportBoard gathers what changed since the last report. Its maps are
// guarded by the broker's mu.
type reportBoard struct {
	on   bool // someone watches: without a collector nothing is gathered
	bufs map[*buffer]bool
	subs map[*subscription]bool
	wake chan struct{} // buffered 1
}

// last reported counts, to send a count only when it changed
type reportedCounts struct{ redelivered, deadLettered int64 }

func (r *reportBoard) init(n *wire.Node) {
	r.on = n.Trace != nil
	r.bufs = map[*buffer]bool{}
	r.subs = map[*subscription]bool{}
	r.wake = make(chan struct{}, 1)
}

func (r *reportBoard) markBuf(buf *buffer) {
	if r.on {
		r.bufs[buf] = true
		wakeUp(r.wake)
	}
}

func (r *reportBoard) markSub(s *subscription) {
	if r.on && s.ack != AckAuto {
		r.subs[s] = true
		wakeUp(r.wake)
	}
}

// markAllSubs re-reports every timer (the pace changed).
func (r *reportBoard) markAllSubs(b *Broker) {
	for _, buf := range b.buffersLocked() {
		for _, s := range buf.consumers {
			if len(s.held) > 0 {
				r.markSub(s)
			}
		}
	}
}

// reportAllLocked marks every destination, as the broker starts serving.
func (b *Broker) reportAllLocked() {
	for _, buf := range b.buffersLocked() {
		b.report.markBuf(buf)
	}
}

// run sends what changed, at most every reportEvery.
func (r *reportBoard) run(ctx context.Context, b *Broker) {
	if !r.on {
		return
	}
	counts := map[*buffer]reportedCounts{}
	for {
		select {
		case <-r.wake:
		case <-ctx.Done():
			return
		}
		b.mu.Lock()
		var events []trace.Event
		for buf := range r.bufs {
			events = append(events, bufferEvents(buf, b.cfg.MaxDepth, counts)...)
		}
		for s := range r.subs {
			events = append(events, b.timerEvent(s))
		}
		clear(r.bufs)
		clear(r.subs)
		b.mu.Unlock()
		for _, ev := range events {
			b.node.Trace.Emit(ev)
		}
		select {
		case <-time.After(reportEvery):
		case <-ctx.Done():
			return
		}
	}
}

func bufferEvents(buf *buffer, maxDepth int, counts map[*buffer]reportedCounts) []trace.Event {
	key := "depth " + buf.name
	if buf.gone {
		delete(counts, buf)
		return []trace.Event{{Kind: trace.KindState, Key: key, Value: "gone"}}
	}
	ready, unacked := len(buf.ready), buf.unacked+buf.reserved
	evs := []trace.Event{{Kind: trace.KindState, Key: key,
		Value: fmt.Sprintf("%d ready, %d unacked of %d", ready, unacked, maxDepth),
		Gauge: &trace.Gauge{Value: int64(ready + unacked), Max: int64(maxDepth)}}}
	last := counts[buf]
	if buf.redelivered != last.redelivered {
		evs = append(evs, trace.Event{Kind: trace.KindState, Key: "redelivered " + buf.name, Value: strconv.FormatInt(buf.redelivered, 10)})
	}
	if buf.deadLettered != last.deadLettered {
		evs = append(evs, trace.Event{Kind: trace.KindState, Key: "dead-lettered " + buf.name, Value: strconv.FormatInt(buf.deadLettered, 10)})
	}
	counts[buf] = reportedCounts{buf.redelivered, buf.deadLettered}
	return evs
}

// timerEvent is the ack-deadline timer of subscription s: that of its
// oldest unacknowledged message, with the time that has passed of it.
func (b *Broker) timerEvent(s *subscription) trace.Event {
	key := "unacked " + s.consumer
	if s.id > 1 {
		key += "#" + strconv.FormatUint(s.id, 10)
	}
	var oldest *delivery
	for _, d := range s.held {
		if oldest == nil || d.seq < oldest.seq {
			oldest = d
		}
	}
	if oldest == nil {
		return trace.Event{Kind: trace.KindState, Key: key, Value: "none unacked"}
	}
	t := trace.TimerFor(fmt.Sprintf("ack of #%d due (%d unacked)", oldest.e.msg.id, len(s.held)), s.ackTimeout)
	t.ElapsedMS = min(max(b.clock.Now()-oldest.started, 0).Milliseconds(), t.MS)
	switch sh := b.clock.Rate(); {
	case sh == 0:
		t.Still = true
	case sh < 1:
		t.Speed = sh
	}
	value := fmt.Sprintf("%s: %s", t.Label, s.ackTimeout)
	return trace.Event{Kind: trace.KindState, Key: key, Value: value, Timer: &t}
}
