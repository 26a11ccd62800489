package broker

import (
	"context"
	"fmt"
	"sort"

	"dsdemo/models/trace"
)

// send takes a producer's message: it finds the buffers the message goes
// to (the queue, or each subscription of the topic), makes room in each,
// and, for a persistent message, writes it to the log before anyone can
// see it. The send_ok that follows is the broker's promise: the message
// is in its hands.
func (b *Broker) send(ctx context.Context, cl *client, r SendRequest) answer {
	kind, err := cl.parseDest(r.Dest)
	if err != nil {
		return now(nil, err)
	}
	if len(r.Text) > MaxText {
		return now(nil, fmt.Errorf("message of %d bytes is longer than the limit of %d", len(r.Text), MaxText))
	}
	id, err := b.ids.take()
	if err != nil {
		return now(nil, err)
	}
	msg := &message{id: id, text: r.Text, persistent: r.Persistent}
	targets, err := b.reserve(ctx, kind, r.Dest, msg)
	if err != nil {
		return now(nil, err)
	}
	res := SendResult{Msg: id, Copies: len(targets)}
	var logged []record
	for _, t := range targets {
		if msg.persistent && t.durable {
			logged = append(logged, record{Op: opPut, Buf: t.name, ID: id, Text: msg.text})
		}
	}
	if len(logged) == 0 {
		b.mu.Lock()
		b.admitLocked(targets, msg)
		b.mu.Unlock()
		return now(res, nil)
	}
	// Group commit: the log's writer puts every record that waits into one
	// write and one fsync, so many producers share the cost of the disk.
	// It admits the message right after the fsync, in the order the sends
	// came: a producer's persistent messages keep their order.
	written := b.journal.append(logged, true, func(err error) {
		b.mu.Lock()
		defer b.mu.Unlock()
		if err != nil {
			for _, t := range targets {
				t.reserved--
				b.releaseLocked(t, int64(len(msg.text)))
			}
			return
		}
		b.admitLocked(targets, msg)
	})
	return answer{wait: func(ctx context.Context) (any, error) {
		select {
		case err := <-written:
			if err != nil {
				return nil, fmt.Errorf("message not taken: the log could not write it: %w", err)
			}
			return res, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}}
}

// reserve makes room for msg in every buffer of dest. A full one refuses
// the send, or, with --when-full block, lets it wait for room, at most
// --block-timeout of protocol time.
func (b *Broker) reserve(ctx context.Context, kind, dest string, msg *message) ([]*buffer, error) {
	var cancel context.CancelFunc = func() {}
	defer func() { cancel() }()
	var waited <-chan struct{}
	size := int64(len(msg.text))
	for {
		b.mu.Lock()
		targets, err := b.targetsLocked(kind, dest)
		if err == nil {
			err = b.fitsLocked(targets, size)
		}
		if err == nil {
			for _, t := range targets {
				t.reserved++
				t.bytes += size
				b.bytes += size
				b.report.markBuf(t)
			}
			b.mu.Unlock()
			return targets, nil
		}
		if b.room == nil {
			b.room = make(chan struct{})
		}
		room := b.room
		b.mu.Unlock()
		if _, full := err.(*fullError); !full || b.cfg.WhenFull != "block" {
			return nil, err
		}
		if waited == nil {
			var wctx context.Context
			wctx, cancel = b.node.WithTimeout(ctx, b.cfg.BlockTimeout)
			waited = wctx.Done()
		}
		select {
		case <-room:
		case <-waited:
			return nil, fmt.Errorf("%w (waited %s for room)", err, b.cfg.BlockTimeout)
		}
	}
}

// targetsLocked returns the buffers a message to dest goes to.
func (b *Broker) targetsLocked(kind, dest string) ([]*buffer, error) {
	if kind == KindQueue {
		q, err := b.queueLocked(dest)
		if err != nil {
			return nil, err
		}
		return q.self, nil
	}
	t, err := b.topicLocked(dest)
	if err != nil {
		return nil, err
	}
	return t.targets(), nil
}

// fullError says that a destination, or the broker, has no room.
type fullError struct{ reason string }

func (e *fullError) Error() string { return e.reason }

// fitsLocked says whether one more message of size bytes fits into each
// of the buffers, and into the broker.
func (b *Broker) fitsLocked(targets []*buffer, size int64) error {
	for _, t := range targets {
		switch {
		case t.depth() >= b.cfg.MaxDepth:
			return &fullError{fmt.Sprintf("%s is full: it holds %d messages, the most it may (--max-depth)", t.name, t.depth())}
		case t.bytes+size > b.cfg.MaxBytes:
			return &fullError{fmt.Sprintf("%s is full: %s of %s (--max-bytes)", t.name, trace.Bytes(t.bytes), trace.Bytes(b.cfg.MaxBytes))}
		}
	}
	if b.bytes+size*int64(len(targets)) > b.cfg.MaxMemory {
		return &fullError{fmt.Sprintf("the broker is full: it holds %s of messages, the most it may (--max-memory)", trace.Bytes(b.bytes))}
	}
	return nil
}

// admitLocked turns the reservations of msg into ready messages.
func (b *Broker) admitLocked(targets []*buffer, msg *message) {
	for _, t := range targets {
		t.reserved--
		if t.gone {
			continue // a subscription that ended while the message was on its way to the disk
		}
		t.ready = append(t.ready, &entry{msg: msg})
		if n := len(t.ready); n > 1 && t.ready[n-2].msg.id > msg.id {
			// A send that waited for the log comes after a later one that did not.
			t.ready = t.ready[:n-1]
			t.putBack(&entry{msg: msg})
		}
		b.dispatchLocked(t)
	}
}

// buffersLocked returns every queue and topic subscription, by name.
func (b *Broker) buffersLocked() []*buffer {
	var all []*buffer
	for _, q := range b.queues {
		all = append(all, q)
	}
	for _, t := range b.topics {
		for _, buf := range t.subs {
			all = append(all, buf)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	return all
}
