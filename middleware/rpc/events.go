package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"dsdemo/models/wire"
)

// A subscription is a listener's standing question "tell me when a
// registration like this changes" (Jini's distributed events). The
// directory sends each change as an event message on the connection the
// subscription came from, numbered from 1 up. A subscriber that does not
// read its events does not hold the directory up: after eventQueue
// waiting events, new ones are dropped, and the gap in the numbers tells
// the subscriber that it missed some.
type subscription struct {
	id       string
	template LookupRequest
	kinds    map[string]bool // the kinds of change it wants; nil: every kind
	lease    *lease
	seq      uint64        // the last event's number; guarded by the directory's mu
	queue    chan Event    // events for the writer
	done     chan struct{} // closed when the subscription ends
	ended    bool          // guarded by the directory's mu
	dropped  uint64        // events the queue had no room for; guarded by the directory's mu
}

// subscribe makes a subscription for the client on c and starts the
// writer that sends it its events.
func (d *Directory) subscribe(ctx context.Context, c *wire.Conn, req wire.Envelope) (Grant, *subscription, error) {
	var r SubscribeRequest
	if err := json.Unmarshal(orEmpty(req.Body), &r); err != nil {
		return Grant{}, nil, fmt.Errorf("subscribe: the body is not a SubscribeRequest: %v", err)
	}
	if err := checkTemplate(r.LookupRequest); err != nil {
		return Grant{}, nil, err
	}
	kinds, err := eventKinds(r.Kinds)
	if err != nil {
		return Grant{}, nil, err
	}
	dur, err := d.grantable(r.LeaseMS)
	if err != nil {
		return Grant{}, nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.subs) >= d.cfg.MaxSubscribers {
		return Grant{}, nil, fmt.Errorf("too many subscriptions: already %d", len(d.subs))
	}
	d.lastSub++
	r.Attributes = copyAttrs(r.Attributes)
	s := &subscription{id: "S" + strconv.FormatUint(d.lastSub, 10), template: r.LookupRequest, kinds: kinds,
		queue: make(chan Event, eventQueue), done: make(chan struct{})}
	s.lease = d.newLeaseLocked(dur)
	s.lease.sub = s
	d.subs[s.id] = s
	d.reportLeaseLocked(s.lease)
	d.running.Go(func() { d.writeEvents(ctx, c, s) })
	return Grant{Lease: s.lease.id, Key: s.lease.key, DurationMS: dur.Milliseconds()}, s, nil
}

// writeEvents sends s's events to its subscriber until s ends. It runs
// apart from the directory's lock, so a slow subscriber slows nobody else.
func (d *Directory) writeEvents(ctx context.Context, c *wire.Conn, s *subscription) {
	for {
		select {
		case ev := <-s.queue:
			sctx, cancel := context.WithTimeout(ctx, wire.WriteTimeout)
			_, err := c.Send(sctx, wire.Envelope{Type: TypeEvent, Body: mustJSON(ev)})
			cancel()
			if err != nil {
				return
			}
		case <-s.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

// notifyLocked gives every subscription whose template e matches an event
// of the given kind.
func (d *Directory) notifyLocked(kind string, e *entry) {
	if len(d.subs) == 0 {
		return
	}
	reg := e.view(d.clock.Now())
	if kind == Expired || kind == Cancelled {
		reg.LeftMS = 0
	}
	for _, s := range d.subs {
		if !matches(s.template, e.req) || s.kinds != nil && !s.kinds[kind] {
			continue
		}
		s.seq++
		select {
		case s.queue <- Event{Subscription: s.id, Seq: s.seq, Kind: kind, Registration: reg}:
		default:
			s.dropped++
			d.node.Trace.Logf("subscription %s reads too slowly: event %d dropped (%d so far)", s.id, s.seq, s.dropped)
		}
	}
}

// dropSubLocked ends a subscription: its lease, its writer.
func (d *Directory) dropSubLocked(s *subscription) {
	if s.ended {
		return
	}
	s.ended = true
	delete(d.subs, s.id)
	if s.lease.Queued() {
		d.dropLeaseLocked(s.lease)
	}
	close(s.done)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own bodies, which always marshal
	}
	return b
}

// eventKinds checks the kinds a subscription asks for; nil is every kind.
func eventKinds(kinds []string) (map[string]bool, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	out := map[string]bool{}
	for _, k := range kinds {
		switch k {
		case Registered, Renewed, Expired, Cancelled:
			out[k] = true
		default:
			return nil, fmt.Errorf("kinds: %q is no kind of event; want registered, renewed, expired or cancelled", clip(k))
		}
	}
	return out, nil
}
