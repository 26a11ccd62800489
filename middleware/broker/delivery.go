package broker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"dsdemo/models/wire"
)

// subscription is one consumer attached to one buffer. Every field but
// the constant ones is guarded by the broker's mu.
type subscription struct {
	id         uint64
	cl         *client
	consumer   string // the consumer's node name, for its state key
	buf        *buffer
	topicSub   string // its name among its topic's subscriptions; "" on a queue
	push       bool
	ack        string
	window     int
	batch      int // push: messages per deliver_batch at most; 1: a deliver each
	ackTimeout time.Duration

	held    map[uint64]*delivery // handed over, not acknowledged, by message id
	seq     uint64               // deliveries so far: the order client acknowledgement follows
	outbox  []*delivery          // push: handed over, not yet written to the connection
	sending int                  // push with auto ack: taken from the outbox, being written
	puller  *pullWait            // pull: the pull waiting for messages, if any
	wake    chan struct{}        // buffered 1: the pusher has work
	gone    chan struct{}        // closed when the subscription ends
}

// delivery is one handing-over of an entry to a subscription.
type delivery struct {
	e        *entry
	sub      *subscription
	seq      uint64        // the subscription's delivery number
	started  time.Duration // protocol time it was handed over
	deadline time.Duration // protocol time its ack is due
	body     Delivery

	wire.DeadlineSlot // its place in the broker's deadline queue while its ack is due
}

// Deadline is when d's ack is due, in protocol time.
func (d *delivery) Deadline() time.Duration { return d.deadline }

// pullWait is a pull waiting for messages.
type pullWait struct {
	max   int
	got   []Delivery
	bytes int
	done  chan struct{} // closed when got is complete
}

func (s *subscription) hasRoom() bool {
	if !s.push {
		return s.puller != nil && len(s.puller.got) < s.puller.max && s.puller.bytes < pullReplyBytes
	}
	if s.ack == AckAuto {
		return len(s.outbox)+s.sending < s.window
	}
	return len(s.held) < s.window
}

// subscribe attaches the client to a queue, or to a subscription of a
// topic, and returns what to answer; a push subscription's pusher starts
// after the answer has gone, so subscribe_ok comes before the first deliver.
func (b *Broker) subscribe(cl *client, consumer string, r SubscribeRequest) answer {
	kind, _, err := ParseDest(r.Dest)
	if err != nil {
		return now(nil, err)
	}
	if r.Mode == "" {
		r.Mode = Push
	}
	if r.Ack == "" {
		r.Ack = AckExplicit
	}
	if r.Window == 0 {
		r.Window = DefaultWindow
	}
	ackTimeout := b.cfg.AckTimeout
	if r.AckTimeoutMS != 0 {
		ackTimeout = time.Duration(r.AckTimeoutMS) * time.Millisecond
	}
	switch {
	case r.Mode != Push && r.Mode != Pull:
		return now(nil, fmt.Errorf("mode must be push or pull, not %q", cut(r.Mode)))
	case r.Ack != AckAuto && r.Ack != AckExplicit && r.Ack != AckClient:
		return now(nil, fmt.Errorf("ack must be auto, explicit or client, not %q", cut(r.Ack)))
	case r.Window < 1 || r.Window > MaxWindow:
		return now(nil, fmt.Errorf("window must be from 1 to %d, not %d", MaxWindow, r.Window))
	case r.Batch < 0 || r.Batch > MaxWindow:
		return now(nil, fmt.Errorf("batch must be from 0 to %d, not %d", MaxWindow, r.Batch))
	case r.Batch > 1 && r.Mode != Push:
		return now(nil, errors.New("batch applies to push: a pull gets its messages together anyway"))
	case r.AckTimeoutMS < 0 || r.AckTimeoutMS > int64(time.Hour/time.Millisecond):
		return now(nil, fmt.Errorf("ack_timeout_ms must be from 1 to 3600000, not %d", r.AckTimeoutMS))
	case r.Durable != "" && kind != KindTopic:
		return now(nil, errors.New("durable applies to topics: a queue keeps its messages for any consumer anyway"))
	}
	if r.Durable != "" {
		if err := checkName("durable subscription", r.Durable, MaxName); err != nil {
			return now(nil, err)
		}
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if len(cl.subs) >= MaxSubsPerConn {
		return now(nil, fmt.Errorf("a connection has at most %d subscriptions", MaxSubsPerConn))
	}
	var buf *buffer
	topicSub := ""
	if kind == KindQueue {
		if buf, err = b.queueLocked(r.Dest); err != nil {
			return now(nil, err)
		}
	} else {
		if buf, topicSub, err = b.topicSubLocked(r.Dest, r.Durable); err != nil {
			return now(nil, err)
		}
	}
	cl.lastSub++
	s := &subscription{id: cl.lastSub, cl: cl, consumer: consumer, buf: buf, topicSub: topicSub,
		push: r.Mode == Push, ack: r.Ack, window: r.Window, batch: max(r.Batch, 1), ackTimeout: ackTimeout,
		held: map[uint64]*delivery{}, wake: make(chan struct{}, 1), gone: make(chan struct{})}
	cl.subs[s.id] = s
	buf.consumers = append(buf.consumers, s)
	res := SubscribeResult{Sub: s.id, Dest: r.Dest, Mode: r.Mode, Ack: r.Ack, Window: r.Window}
	return answer{body: res, after: func() {
		if s.push {
			cl.spawn(func(ctx context.Context) { b.push(ctx, s) })
		}
		b.mu.Lock()
		b.dispatchLocked(buf)
		b.mu.Unlock()
	}}
}

// queueLocked returns the queue named dest, created on first use.
func (b *Broker) queueLocked(dest string) (*buffer, error) {
	if q := b.queues[dest]; q != nil {
		return q, nil
	}
	if err := b.roomForDestinationLocked(); err != nil {
		return nil, err
	}
	q := &buffer{name: dest, dest: dest, durable: true, deadEnd: strings.HasSuffix(dest, DeadLetterSuffix)}
	q.self = []*buffer{q}
	b.queues[dest] = q
	b.report.markBuf(q)
	return q, nil
}

func (b *Broker) topicLocked(dest string) (*topic, error) {
	if t := b.topics[dest]; t != nil {
		return t, nil
	}
	if err := b.roomForDestinationLocked(); err != nil {
		return nil, err
	}
	t := &topic{name: dest, subs: map[string]*buffer{}}
	b.topics[dest] = t
	return t, nil
}

func (b *Broker) roomForDestinationLocked() error {
	if len(b.queues)+len(b.topics) >= MaxDestinations {
		return fmt.Errorf("the broker keeps at most %d destinations, and has them all", MaxDestinations)
	}
	return nil
}

// topicSubLocked returns the buffer of a new subscription of topic dest:
// the durable one named durable (created, and logged, on first use), or
// one of its own for a consumer that is not durable.
func (b *Broker) topicSubLocked(dest, durable string) (*buffer, string, error) {
	t, err := b.topicLocked(dest)
	if err != nil {
		return nil, "", err
	}
	if durable != "" {
		if buf := t.subs[durable]; buf != nil {
			if len(buf.consumers) > 0 {
				return nil, "", fmt.Errorf("durable subscription %s of %s already has a consumer", durable, dest)
			}
			return buf, durable, nil
		}
	}
	if len(t.subs) >= MaxTopicSubs {
		return nil, "", fmt.Errorf("%s has %d subscriptions, the most a topic keeps", dest, MaxTopicSubs)
	}
	name := durable
	if name == "" {
		b.lastTopicSub++
		name = "~" + strconv.FormatUint(b.lastTopicSub, 10)
	}
	buf := &buffer{name: dest + "#" + name, dest: dest, durable: durable != ""}
	t.subs[name] = buf
	t.sorted = nil
	if buf.durable && b.journal != nil { // nil while the log is read: the record is there already
		b.journal.append([]record{{Op: opSub, Buf: buf.name}}, false, nil)
	}
	b.report.markBuf(buf)
	return buf, name, nil
}

// dispatchLocked hands the buffer's ready messages to its consumers, in
// turns, as long as one has room, and answers the pulls that got some.
func (b *Broker) dispatchLocked(buf *buffer) {
	for len(buf.ready) > 0 {
		s := buf.nextConsumer()
		if s == nil {
			break
		}
		e := buf.ready[0]
		buf.ready[0] = nil
		buf.ready = buf.ready[1:]
		b.giveLocked(s, e)
	}
	for _, s := range buf.consumers {
		if s.puller != nil && len(s.puller.got) > 0 {
			close(s.puller.done)
			s.puller = nil
		}
	}
	b.report.markBuf(buf)
}

// giveLocked hands entry e to subscription s.
func (b *Broker) giveLocked(s *subscription, e *entry) {
	e.count++
	d := &delivery{e: e, sub: s, body: Delivery{Sub: s.id, Msg: e.msg.id, Dest: s.buf.dest, Text: e.msg.text,
		Persistent: e.msg.persistent, Redelivered: e.redelivered || e.count > 1, Count: e.count}}
	if s.ack == AckAuto {
		// At most once: the broker forgets the message now. Should the
		// consumer die before it has processed it, nobody gets it again.
		b.removeLocked(s.buf, e)
	} else {
		s.seq++
		d.seq = s.seq
		d.started = b.clock.Now()
		d.deadline = d.started + s.ackTimeout
		s.held[e.msg.id] = d
		s.buf.unacked++
		b.deadlines.Push(d)
		b.report.markSub(s)
	}
	if s.push {
		s.outbox = append(s.outbox, d)
		wakeUp(s.wake)
		return
	}
	s.puller.got = append(s.puller.got, d.body)
	s.puller.bytes += len(e.msg.text) + 128
}

func wakeUp(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// removeLocked lets entry e leave buffer buf for good (acknowledged, or
// handed over with auto ack, or moved to the dead-letter queue). For a
// persistent message of a durable buffer the log learns it too; the
// returned channel tells when that is written (nil: nothing to write).
func (b *Broker) removeLocked(buf *buffer, e *entry) <-chan error {
	b.releaseLocked(buf, e.size())
	if !e.msg.persistent || !buf.durable || buf.gone {
		return nil
	}
	return b.journal.append([]record{{Op: opAck, Buf: buf.name, ID: e.msg.id}}, false, nil)
}

// releaseLocked gives back the room size bytes of one message took.
func (b *Broker) releaseLocked(buf *buffer, size int64) {
	if !buf.gone {
		buf.bytes -= size
		b.bytes -= size
	}
	b.roomLocked()
}

// roomLocked wakes the sends that wait for room, if any.
func (b *Broker) roomLocked() {
	if b.room != nil {
		close(b.room)
		b.room = nil
	}
}

// settleLocked ends delivery d: it is no longer held by its consumer.
func (b *Broker) settleLocked(d *delivery) {
	s := d.sub
	delete(s.held, d.e.msg.id)
	s.buf.unacked--
	b.deadlines.Remove(d)
	b.report.markSub(s)
}

// requeueLocked puts an entry that was handed over and not acknowledged
// back into its buffer, marked redelivered, or, when it has been
// delivered MaxDeliveries times, into the dead-letter queue, whose name
// it returns.
func (b *Broker) requeueLocked(buf *buffer, e *entry) string {
	e.redelivered = true
	if buf.gone {
		return ""
	}
	if b.cfg.MaxDeliveries > 0 && e.count >= b.cfg.MaxDeliveries && !buf.deadEnd {
		return b.deadLetterLocked(buf, e)
	}
	buf.redelivered++
	buf.putBack(e)
	b.dispatchLocked(buf)
	return ""
}

// deadLetterLocked moves a message that keeps failing to the dead-letter
// queue, so a poison message does not go round for ever. The log learns
// the new place before it forgets the old one: a broker that dies in
// between keeps the message twice rather than not at all.
func (b *Broker) deadLetterLocked(buf *buffer, e *entry) string {
	name := deadLetterOf(buf)
	buf.deadLettered++
	dlq, err := b.queueLocked(name)
	if err == nil {
		err = b.fitsLocked([]*buffer{dlq}, e.size())
	}
	if err != nil {
		b.node.Trace.Logf("message #%d dropped after %d deliveries: no room in %s: %v", e.msg.id, e.count, name, err)
		b.removeLocked(buf, e)
		b.dispatchLocked(buf)
		return ""
	}
	b.node.Trace.Logf("message #%d delivered %d times without an ack: moved to %s", e.msg.id, e.count, name)
	if e.msg.persistent && buf.durable {
		b.journal.append([]record{{Op: opPut, Buf: dlq.name, ID: e.msg.id, Text: e.msg.text}}, false, nil)
	}
	b.removeLocked(buf, e)
	dlq.bytes += e.size()
	b.bytes += e.size()
	dlq.putBack(&entry{msg: e.msg})
	b.dispatchLocked(dlq)
	b.dispatchLocked(buf) // the consumer that gave it back has room again
	return name
}

// push writes the deliveries of a push subscription to its connection,
// in order, until the subscription or the connection ends. It takes
// what the outbox holds in one go, and the connection's writer sends the
// lines it writes meanwhile together (flushConn): a busy consumer gets
// many deliver messages per system call.
func (b *Broker) push(ctx context.Context, s *subscription) {
	var spare []*delivery
	var scratch []byte // the body being written, reused while nobody watches (the trace keeps bodies)
	for {
		select {
		case <-s.wake:
		case <-s.gone:
			return
		case <-ctx.Done():
			return
		}
		for {
			b.mu.Lock()
			batch := s.outbox
			s.outbox, spare = spare[:0], nil // the two slices take turns
			if s.ack == AckAuto {
				s.sending = len(batch)
			}
			b.mu.Unlock()
			if len(batch) == 0 {
				spare = batch
				break
			}
			for rest := batch; len(rest) > 0; {
				if b.node.Trace != nil {
					scratch = nil
				}
				var typ string
				typ, scratch, rest = b.nextDeliver(s, scratch[:0], rest)
				if typ == "" {
					continue // every one's ack deadline passed while it waited here
				}
				if _, err := s.cl.conn.Send(ctx, wire.Envelope{Type: typ, Body: scratch}); err != nil {
					s.cl.conn.Close()
					return
				}
			}
			clear(batch)
			spare = batch
			if s.ack == AckAuto {
				b.mu.Lock()
				s.sending = 0
				b.dispatchLocked(s.buf)
				b.mu.Unlock()
			}
		}
	}
}

func (b *Broker) stillHeld(d *delivery) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return d.sub.held[d.e.msg.id] == d
}

// nextDeliver writes the body of the next message for a push consumer
// into buf: a deliver with the first of the deliveries, or, when the
// consumer asked for batches, a deliver_batch with as many as its batch
// (and half a frame) allows. It returns the message type ("" when none
// was still held), the body, and the deliveries left.
func (b *Broker) nextDeliver(s *subscription, buf []byte, ds []*delivery) (string, []byte, []*delivery) {
	if s.batch == 1 {
		d := ds[0]
		if s.ack != AckAuto && !b.stillHeld(d) {
			return "", buf, ds[1:]
		}
		return TypeDeliver, appendDelivery(buf, &d.body), ds[1:]
	}
	buf = append(buf, `{"messages":[`...)
	n, i := 0, 0
	for ; i < len(ds) && n < s.batch && len(buf) < pullReplyBytes; i++ {
		if s.ack != AckAuto && !b.stillHeld(ds[i]) {
			continue
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = appendDelivery(buf, &ds[i].body)
		n++
	}
	if n == 0 {
		return "", buf, ds[i:]
	}
	return TypeDeliverMany, append(buf, ']', '}'), ds[i:]
}

// appendDelivery appends d as JSON, as encoding/json writes it, without
// its reflection: a deliver body is written for every message pushed.
func appendDelivery(buf []byte, d *Delivery) []byte {
	buf = append(buf, `{"sub":`...)
	buf = strconv.AppendUint(buf, d.Sub, 10)
	buf = append(buf, `,"msg":`...)
	buf = strconv.AppendUint(buf, d.Msg, 10)
	buf = append(buf, `,"dest":`...)
	buf = wire.AppendText(buf, d.Dest)
	buf = append(buf, `,"text":`...)
	buf = wire.AppendText(buf, d.Text)
	if d.Persistent {
		buf = append(buf, `,"persistent":true`...)
	}
	if d.Redelivered {
		buf = append(buf, `,"redelivered":true`...)
	}
	buf = append(buf, `,"count":`...)
	buf = strconv.AppendInt(buf, int64(d.Count), 10)
	return append(buf, '}')
}

// subOf returns the client's subscription number id.
func subOf(cl *client, id uint64) (*subscription, error) {
	s := cl.subs[id]
	if s == nil {
		return nil, fmt.Errorf("no subscription %d on this connection (subscribe first)", id)
	}
	return s, nil
}

// pull answers a pull: what is there at once, or else the first messages
// to arrive within the wait, or none.
func (b *Broker) pull(cl *client, r PullRequest) answer {
	wait := time.Duration(r.WaitMS) * time.Millisecond
	if r.WaitMS < 0 || wait > MaxWait {
		return now(nil, fmt.Errorf("wait_ms must be from 0 to %d, not %d", MaxWait.Milliseconds(), r.WaitMS))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := subOf(cl, r.Sub)
	if err != nil {
		return now(nil, err)
	}
	max := r.Max
	if max == 0 {
		max = s.window
	}
	switch {
	case s.push:
		return now(nil, fmt.Errorf("subscription %d is a push subscription: the broker sends its messages by itself", s.id))
	case s.puller != nil:
		return now(nil, fmt.Errorf("subscription %d already has a pull waiting", s.id))
	case max < 1 || max > MaxWindow:
		return now(nil, fmt.Errorf("max must be from 1 to %d, not %d", MaxWindow, max))
	}
	w := &pullWait{max: max, done: make(chan struct{})}
	s.puller = w
	b.dispatchLocked(s.buf)
	if s.puller != w {
		return now(PullResult{Messages: w.got}, nil)
	}
	if wait == 0 {
		s.puller = nil
		return now(PullResult{Messages: []Delivery{}}, nil)
	}
	return answer{wait: func(ctx context.Context) (any, error) {
		wctx, cancel := b.node.WithTimeout(ctx, wait)
		defer cancel()
		select {
		case <-w.done:
		case <-wctx.Done():
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if s.puller == w {
			s.puller = nil
		}
		return PullResult{Messages: append([]Delivery{}, w.got...)}, nil
	}}
}

// ack takes the acknowledged messages out of the broker. In client mode
// an ack also takes every message the subscription received before.
func (b *Broker) ack(cl *client, r AckRequest) answer {
	ids := slices.Clone(r.Msgs)
	if r.Msg != 0 {
		ids = append(ids, r.Msg)
	}
	if len(ids) == 0 || len(ids) > MaxWindow {
		return now(nil, fmt.Errorf("ack needs msg, or from 1 to %d msgs", MaxWindow))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := subOf(cl, r.Sub)
	if err != nil {
		return now(nil, err)
	}
	if s.ack == AckAuto {
		return now(nil, fmt.Errorf("subscription %d acknowledges automatically: the broker forgot its messages when it handed them over", s.id))
	}
	var take []*delivery
	for _, id := range ids {
		d := s.held[id]
		if d == nil {
			return now(nil, notHeld(s, id))
		}
		if !slices.Contains(take, d) {
			take = append(take, d)
		}
	}
	if s.ack == AckClient {
		last := uint64(0)
		for _, d := range take {
			last = max(last, d.seq)
		}
		take = take[:0]
		for _, d := range s.held {
			if d.seq <= last {
				take = append(take, d)
			}
		}
	}
	slices.SortFunc(take, func(x, y *delivery) int { return cmpID(x.seq, y.seq) })
	res := AckResult{Acked: make([]uint64, 0, len(take))}
	var written <-chan error
	for _, d := range take {
		b.settleLocked(d)
		if w := b.removeLocked(s.buf, d.e); w != nil {
			written = w
		}
		res.Acked = append(res.Acked, d.e.msg.id)
	}
	b.dispatchLocked(s.buf)
	if written == nil {
		return now(res, nil)
	}
	// An ack waits until the log has it, not for the disk: should the
	// broker die before, the message comes back marked redelivered, which
	// a consumer has to expect anyway.
	return answer{wait: func(ctx context.Context) (any, error) {
		select {
		case err := <-written:
			if err != nil {
				return nil, fmt.Errorf("acknowledged, but the log could not record it: %w", err)
			}
			return res, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}}
}

func notHeld(s *subscription, id uint64) error {
	return fmt.Errorf("message #%d is not held by subscription %d: it was never delivered to it, is acknowledged already, or went to another consumer after its ack deadline", id, s.id)
}

// nack gives a message back: it goes to another delivery, or to the
// dead-letter queue.
func (b *Broker) nack(cl *client, r NackRequest) (any, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := subOf(cl, r.Sub)
	if err != nil {
		return nil, err
	}
	if s.ack == AckAuto {
		return nil, fmt.Errorf("subscription %d acknowledges automatically: there is nothing to give back", s.id)
	}
	d := s.held[r.Msg]
	if d == nil {
		return nil, notHeld(s, r.Msg)
	}
	b.settleLocked(d)
	return NackResult{DeadLetter: b.requeueLocked(s.buf, d.e)}, nil
}

// unsubscribe ends a subscription; Forget also ends a durable one.
func (b *Broker) unsubscribe(cl *client, r UnsubscribeRequest) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := subOf(cl, r.Sub)
	if err != nil {
		return err
	}
	if r.Forget && !s.buf.durable || r.Forget && s.topicSub == "" {
		return fmt.Errorf("forget ends a durable subscription, and subscription %d is none", s.id)
	}
	b.detachLocked(s)
	if r.Forget {
		b.journal.append([]record{{Op: opUnsub, Buf: s.buf.name}}, false, nil)
		b.dropLocked(s.buf, s.topicSub)
	}
	return nil
}

// disconnect ends every subscription of a client whose connection closed.
func (b *Broker) disconnect(cl *client) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range cl.subs {
		b.detachLocked(s)
	}
}

// detachLocked ends subscription s: what it held goes back to its buffer,
// marked redelivered, and a topic subscription that is not durable ends
// with it, with the messages it had.
func (b *Broker) detachLocked(s *subscription) {
	close(s.gone)
	delete(s.cl.subs, s.id)
	s.buf.removeConsumer(s)
	if s.puller != nil {
		close(s.puller.done)
		s.puller = nil
	}
	held := make([]*delivery, 0, len(s.held))
	for _, d := range s.held {
		held = append(held, d)
	}
	slices.SortFunc(held, func(x, y *delivery) int { return cmpID(x.seq, y.seq) })
	for _, d := range held {
		b.settleLocked(d)
		b.requeueLocked(s.buf, d.e)
	}
	s.outbox = nil
	if s.topicSub != "" && !s.buf.durable {
		b.dropLocked(s.buf, s.topicSub)
	}
	b.report.markSub(s)
	b.dispatchLocked(s.buf)
}

// dropLocked removes a topic's subscription buffer and what it holds.
func (b *Broker) dropLocked(buf *buffer, name string) {
	if t := b.topics[buf.dest]; t != nil && t.subs[name] == buf {
		delete(t.subs, name)
		t.sorted = nil
	}
	b.bytes -= buf.bytes
	buf.gone = true
	buf.ready = nil
	b.roomLocked()
	b.report.markBuf(buf)
}

// expireLocked gives back delivery d, whose ack deadline has passed.
func (b *Broker) expireLocked(d *delivery) {
	b.settleLocked(d)
	b.node.Trace.Logf("ack deadline of message #%d passed: %s did not acknowledge it within %s", d.e.msg.id, d.sub.consumer, d.sub.ackTimeout)
	b.requeueLocked(d.sub.buf, d.e)
}
