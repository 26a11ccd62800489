package space

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// What the space shows the live view, as state events (keys of the trace):
//
//	entries        a gauge: the entries the space holds, of --max-entries;
//	               its text counts them by type, and those a transaction holds
//	waiting        a gauge: the reads and takes waiting for an entry, of --max-waiting
//	transactions   a gauge: the open transactions, of --max-txns
//	txn NODE       a timer: the lease of the transaction NODE began last; when it
//	               ends, a text: "committed", "aborted", "expired: 1 taken entry back"
//	notify NODE    a timer: the lease of NODE's notify registration
//	next lease     a timer: the entry whose lease runs out first
//
// Timers count protocol time, as the leases do. Reports are gathered and
// sent at most every reportEvery.
const reportEvery = 25 * time.Millisecond

// reportBoard gathers what changed since the last report; it is guarded
// by the space's mu.
type reportBoard struct {
	on      bool
	entries bool
	counts  bool // the waiting and transactions gauges
	txns    map[*txn]bool
	regs    map[*registration]string // why it ended, "" while it runs
	ended   []trace.Event
	wake    chan struct{}
}

func (r *reportBoard) init(n *wire.Node) {
	r.on = n.Trace != nil
	r.txns = map[*txn]bool{}
	r.regs = map[*registration]string{}
	r.wake = make(chan struct{}, 1)
}

func (r *reportBoard) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *reportBoard) markAll() {
	r.entries, r.counts = true, true
	r.poke()
}

func (r *reportBoard) markEntries() {
	if r.on {
		r.entries = true
		r.poke()
	}
}

func (r *reportBoard) markCounts() {
	if r.on {
		r.counts = true
		r.poke()
	}
}

func (r *reportBoard) markTxn(t *txn) {
	if r.on {
		r.txns[t] = true
		r.counts = true
		r.poke()
	}
}

func (r *reportBoard) markReg(reg *registration, why string) {
	if r.on {
		r.regs[reg] = why
		r.poke()
	}
}

func (r *reportBoard) markLease(l *lease) {
	switch {
	case l.txn != nil:
		r.markTxn(l.txn)
	case l.reg != nil:
		r.markReg(l.reg, "")
	default:
		r.markEntries()
	}
}

// markTimers re-reports every timer: the pace changed.
func (r *reportBoard) markTimers(s *Space) {
	for _, t := range s.txns {
		r.markTxn(t)
	}
	for _, reg := range s.regs {
		r.markReg(reg, "")
	}
	r.markEntries()
}

// endTxn reports how transaction t ended.
func (r *reportBoard) endTxn(t *txn, why string, taken int) {
	if !r.on {
		return
	}
	delete(r.txns, t)
	v := why
	if why != "committed" && taken > 0 {
		v += fmt.Sprintf(": %d taken %s back", taken, plural(taken, "entry", "entries"))
	}
	r.ended = append(r.ended, trace.Event{Kind: trace.KindState, Key: "txn " + t.owner, Value: v})
	r.counts = true
	r.poke()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// run sends what changed, at most every reportEvery.
func (r *reportBoard) run(ctx context.Context, s *Space) {
	if !r.on {
		return
	}
	for {
		select {
		case <-r.wake:
		case <-ctx.Done():
			return
		}
		s.mu.Lock()
		events := r.gatherLocked(s)
		s.mu.Unlock()
		for _, ev := range events {
			s.node.Trace.Emit(ev)
		}
		select {
		case <-time.After(reportEvery):
		case <-ctx.Done():
			return
		}
	}
}

func (r *reportBoard) gatherLocked(s *Space) []trace.Event {
	var evs []trace.Event
	evs = append(evs, r.ended...)
	r.ended = r.ended[:0]
	if r.entries {
		evs = append(evs, s.entriesEvent(), s.nextLeaseEvent())
	}
	if r.counts {
		evs = append(evs,
			gauge("waiting", fmt.Sprintf("%d reads and takes waiting", s.waiting.Len()), s.waiting.Len(), s.cfg.MaxWaiting),
			gauge("transactions", fmt.Sprintf("%d open", len(s.txns)), len(s.txns), s.cfg.MaxTxns))
	}
	for t := range r.txns {
		label := fmt.Sprintf("txn #%d: %d taken, %d written", t.lease.id, len(t.taken), len(t.written))
		evs = append(evs, s.leaseTimer("txn "+t.owner, label, t.lease))
	}
	for reg, why := range r.regs {
		key := "notify " + reg.cl.name
		if why != "" {
			evs = append(evs, trace.Event{Kind: trace.KindState, Key: key, Value: fmt.Sprintf("#%d %s", reg.lease.id, why)})
			continue
		}
		evs = append(evs, s.leaseTimer(key, fmt.Sprintf("notify #%d: %s", reg.lease.id, reg.tmpl), reg.lease))
	}
	r.entries, r.counts = false, false
	clear(r.txns)
	clear(r.regs)
	return evs
}

func gauge(key, value string, n, most int) trace.Event {
	return trace.Event{Kind: trace.KindState, Key: key, Value: fmt.Sprintf("%s of %d", value, most),
		Gauge: &trace.Gauge{Value: int64(n), Max: int64(most)}}
}

func (s *Space) entriesEvent() trace.Event {
	held := 0
	for el := s.entries.Front(); el != nil; el = el.Next() {
		if e := el.Value.(*entry); e.takenBy != nil || e.writtenBy != nil {
			held++
		}
	}
	var parts []string
	for _, t := range slices.Sorted(maps.Keys(s.types)) {
		parts = append(parts, fmt.Sprintf("%d %s", s.types[t], t))
	}
	v := fmt.Sprintf("%d %s", s.entries.Len(), plural(s.entries.Len(), "entry", "entries"))
	if len(parts) > 0 {
		v += ": " + strings.Join(parts, ", ")
	}
	if held > 0 {
		v += fmt.Sprintf(" (%d in transactions)", held)
	}
	return gauge("entries", v, s.entries.Len(), s.cfg.MaxEntries)
}

// nextLeaseEvent is the timer of the entry whose lease runs out first.
func (s *Space) nextLeaseEvent() trace.Event {
	var first *entry
	for el := s.entries.Front(); el != nil; el = el.Next() {
		e := el.Value.(*entry)
		if e.lease.Queued() && (first == nil || e.lease.deadline < first.lease.deadline) {
			first = e
		}
	}
	if first == nil {
		return trace.Event{Kind: trace.KindState, Key: "next lease", Value: "no entries"}
	}
	return s.leaseTimer("next lease", fmt.Sprintf("entry #%d %s", first.lease.id, first.e.Type), first.lease)
}

// leaseTimer is a lease as a timer of the live view, in protocol time.
func (s *Space) leaseTimer(key, label string, l *lease) trace.Event {
	t := trace.TimerFor(label, l.length)
	t.ElapsedMS = min(max(l.length-(l.deadline-s.clock.Now()), 0).Milliseconds(), t.MS)
	switch r := s.clock.Rate(); {
	case r == 0:
		t.Still = true
	case r < 1:
		t.Speed = r
	}
	return trace.Event{Kind: trace.KindState, Key: key, Value: fmt.Sprintf("%s: %s", t.Label, l.length), Timer: &t}
}
