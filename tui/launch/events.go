package launch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// watch waits for one event: the first one its Match describes that arrives
// after the watch was set, other than the event that ended the watch it
// follows. Following lets a player set the watches for two waits in a row
// at once, so no event slips through between them, while one event never
// ends both: watches are served in the order they were set.
type watch struct {
	match catalog.Match
	also  func(trace.Event) bool // a further condition; nil: none
	after *watch                 // the watch this one follows; nil: none

	// Set once by the events hub, under its lock; matched is closed after.
	// When it ends, after is let go: a watch that is over is never asked
	// whether an event counts, so a chain of waits set one after another
	// does not keep every watch before it alive.
	over    bool        // it matched or was given up
	end     uint64      // the number of the event that ended it
	event   trace.Event // the event that matched
	matched chan struct{}
}

// events numbers the events the collector receives and hands each to the
// watches that wait for it and the feeds that follow them.
type events struct {
	mu      sync.Mutex // guards count, watches, feeds, the ending fields of each watch and each feed's queue
	count   uint64     // events received so far; the latest has this number
	watches []*watch   // waiting, in the order they were set
	feeds   []*feed
}

// feed hands its reader every event its Match describes, in order, from
// the moment it was set until it is dropped. A holder reads one: a node in
// step mode may hold a burst of messages, and a chain of watches, each set
// only after the one before it has matched, would miss the third of three
// that come at once, leaving that message held with nobody to let it go.
type feed struct {
	match catalog.Match
	queue []trace.Event // not yet read; guarded by the hub's mu
	ready chan struct{} // has a value when queue may have grown
}

// follow sets a feed of the events m describes from now on.
func (h *events) follow(m catalog.Match) *feed {
	f := &feed{match: m, ready: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.feeds = append(h.feeds, f)
	return f
}

// unfollow drops f: it gets no more events.
func (h *events) unfollow(f *feed) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i := slices.Index(h.feeds, f); i >= 0 {
		h.feeds = slices.Delete(h.feeds, i, i+1)
	}
	f.queue = nil
}

// next returns f's next event, waiting for it until ctx is done or closed
// is closed.
func (h *events) next(ctx context.Context, closed <-chan struct{}, f *feed) (trace.Event, error) {
	for {
		h.mu.Lock()
		if len(f.queue) > 0 {
			e := f.queue[0]
			f.queue[0] = trace.Event{} // the body goes with it
			f.queue = f.queue[1:]
			h.mu.Unlock()
			return e, nil
		}
		h.mu.Unlock()
		select {
		case <-f.ready:
		case <-ctx.Done():
			return trace.Event{}, ctx.Err()
		case <-closed:
			return trace.Event{}, errClosed
		}
	}
}

// watch sets a watch for the first event m describes from now on, other
// than the one that ends after (when after is not nil).
func (h *events) watch(m catalog.Match, after *watch) *watch {
	w := &watch{match: m, after: after, matched: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.watches = append(h.watches, w)
	return w
}

// watchMessage is watch for an event about one message: the one with the
// given sender and id.
func (h *events) watchMessage(m catalog.Match, from string, id uint64) *watch {
	w := &watch{match: m, matched: make(chan struct{}),
		also: func(e trace.Event) bool { return e.Msg != nil && e.Msg.From == from && e.Msg.ID == id }}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.watches = append(h.watches, w)
	return w
}

// drop gives up w.
func (h *events) drop(w *watch) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if w.over {
		return
	}
	w.over, w.end, w.after = true, h.count, nil
	for i, x := range h.watches {
		if x == w {
			h.watches = append(h.watches[:i], h.watches[i+1:]...)
			break
		}
	}
}

// publish numbers e and ends every watch that was waiting for it.
func (h *events) publish(e trace.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.count++
	waiting := h.watches[:0]
	for _, w := range h.watches {
		if w.counts(h.count) && w.match.Matches(e) && (w.also == nil || w.also(e)) {
			w.over, w.end, w.event, w.after = true, h.count, e, nil
			close(w.matched)
			continue
		}
		waiting = append(waiting, w)
	}
	clear(h.watches[len(waiting):])
	h.watches = waiting
	for _, f := range h.feeds {
		if f.match.Matches(e) {
			f.queue = append(f.queue, e)
			select {
			case f.ready <- struct{}{}:
			default:
			}
		}
	}
}

// counts reports whether event number n counts for w: any event but the
// one that ended the watch w follows. The caller holds the hub's lock.
func (w *watch) counts(n uint64) bool {
	return w.after == nil || !w.after.over || w.after.end != n
}

// errClosed is returned by waits that the launcher's Close cut short.
var errClosed = errors.New("the launcher was closed")

// wait waits until w matches, ctx is done, closed is closed or limit has
// passed, and returns the event that matched.
func (w *watch) wait(ctx context.Context, closed <-chan struct{}, limit time.Duration) (trace.Event, error) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-w.matched:
		return w.event, nil
	case <-ctx.Done():
		return trace.Event{}, ctx.Err()
	case <-closed:
		return trace.Event{}, errClosed
	case <-timer.C:
		return trace.Event{}, fmt.Errorf("waited %s for %s, but it did not come", limit, describe(w.match))
	}
}

// describe says in words which event m describes, for error messages:
// "a recv of put_ok from server at client-1", "a send of put_ok (drop) at server".
func describe(m catalog.Match) string {
	s := "a " + string(m.Kind)
	if m.Type != "" {
		s += " of " + m.Type
	}
	if m.Fault != "" {
		s += " (" + m.Fault + ")"
	}
	if m.From != "" {
		s += " from " + m.From
	}
	if m.Field != "" {
		s += fmt.Sprintf(" with %s %s", m.Field, m.Is)
	}
	if m.Key != "" {
		s += " of " + m.Key
	}
	if m.Value != "" {
		s += " = " + m.Value
	}
	if m.Text != "" {
		s += fmt.Sprintf(" saying %q", m.Text)
	}
	if m.Node != "" {
		s += " at " + m.Node
	}
	return s
}
