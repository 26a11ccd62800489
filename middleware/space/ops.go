package space

import (
	"container/list"
	"context"
	"fmt"
	"time"
)

// entry is one entry in the space. Entries stay in the space's list in
// the order they were written, also while a transaction holds them, so a
// taken entry that comes back keeps its place.
type entry struct {
	lease     *lease
	e         Entry
	size      int
	elem      *list.Element
	writtenBy *txn // written under this transaction, not yet committed: only it sees the entry
	takenBy   *txn // taken under this transaction, not yet committed: nobody sees the entry
	expired   bool // its lease ran out while a transaction held it: gone when that ends
}

// visibleTo reports whether transaction t (nil: none) can read or take e.
func (e *entry) visibleTo(t *txn) bool {
	return e.takenBy == nil && !e.expired && (e.writtenBy == nil || e.writtenBy == t)
}

// heldFrom reports whether another transaction than t holds e: the entry
// exists, but t cannot see it until that transaction ends.
func (e *entry) heldFrom(t *txn) bool {
	return !e.expired && (e.takenBy != nil && e.takenBy != t || e.writtenBy != nil && e.writtenBy != t)
}

// waiter is a read or take waiting for a matching entry. Waiters are
// served in the order they came: the one that has waited longest gets
// the next matching entry.
type waiter struct {
	tmpl     Entry
	take     bool
	ifExists bool
	txn      *txn
	elem     *list.Element // nil once answered
	answer   chan waited   // buffered 1
}

type waited struct {
	res MatchResult
	err error
}

// Write puts a new entry into the space.
func (s *Space) Write(r WriteRequest) (WriteResult, error) {
	size, err := checkEntry(r.Entry)
	if err != nil {
		return WriteResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.txnLocked(r.Txn)
	if err != nil {
		return WriteResult{}, err
	}
	switch {
	case s.entries.Len() >= s.cfg.MaxEntries:
		return WriteResult{}, fmt.Errorf("space full: it holds %d entries, its most (--max-entries)", s.cfg.MaxEntries)
	case s.bytes+int64(size) > s.cfg.MaxBytes:
		return WriteResult{}, fmt.Errorf("space full: %d bytes of entries and %d more would pass its most of %d (--max-bytes)", s.bytes, size, s.cfg.MaxBytes)
	}
	d, err := s.grant(r.LeaseMS, s.cfg.MaxLease)
	if err != nil {
		return WriteResult{}, err
	}
	e := &entry{e: r.Entry.clone(), size: size, writtenBy: t}
	e.lease = s.newLeaseLocked(d)
	e.lease.entry = e
	e.elem = s.entries.PushBack(e)
	s.bytes += int64(size)
	s.types[e.e.Type]++
	if t != nil {
		t.written = append(t.written, e)
		s.report.markTxn(t)
	}
	s.report.markEntries()
	s.offerLocked(e)
	if t == nil && e.elem != nil {
		s.fireLocked(e)
	}
	return WriteResult{Lease: e.lease.id, LeaseMS: d.Milliseconds()}, nil
}

// removeEntryLocked takes e out of the space for good.
func (s *Space) removeEntryLocked(e *entry) {
	if e.elem == nil {
		return
	}
	s.entries.Remove(e.elem)
	e.elem = nil
	s.bytes -= int64(e.size)
	if s.types[e.e.Type]--; s.types[e.e.Type] == 0 {
		delete(s.types, e.e.Type)
	}
	s.leases.Remove(e.lease)
	delete(s.byLease, e.lease.id)
	s.report.markEntries()
}

// takeLocked takes e for transaction t (nil: for good).
func (s *Space) takeLocked(e *entry, t *txn) {
	switch {
	case t == nil:
		s.removeEntryLocked(e)
	case e.writtenBy == t: // written and taken by one transaction: nobody else ever sees it
		t.written = removeEntry(t.written, e)
		s.removeEntryLocked(e)
	default:
		e.takenBy = t
		t.taken = append(t.taken, e)
		s.report.markTxn(t)
		s.report.markEntries()
	}
}

// offerLocked gives entry e, which has just become visible (written,
// committed, or given back by an ended transaction), to the waiters that
// can see it, oldest first: every matching read gets a copy, the first
// matching take gets the entry and ends the round.
func (s *Space) offerLocked(e *entry) {
	for el := s.waiting.Front(); el != nil && e.elem != nil; {
		w := el.Value.(*waiter)
		el = el.Next()
		if !e.visibleTo(w.txn) || !Matches(w.tmpl, e.e) {
			continue
		}
		if w.take {
			s.takeLocked(e, w.txn)
		}
		s.answerLocked(w, waited{res: found(e)})
		if w.take {
			return
		}
	}
}

func found(e *entry) MatchResult {
	c := e.e.clone()
	return MatchResult{Found: true, Lease: e.lease.id, Entry: &c}
}

func (s *Space) answerLocked(w *waiter, a waited) {
	if w.elem == nil {
		return
	}
	s.waiting.Remove(w.elem)
	w.elem = nil
	w.answer <- a
	s.report.markCounts()
}

// match is a read or take: at once when an entry matches, else a wait.
func (s *Space) match(r MatchRequest, take bool) answer {
	if err := checkTemplate(r.Template); err != nil {
		return now(nil, err)
	}
	if r.WaitMS < 0 || r.WaitMS > MaxWait.Milliseconds() {
		return now(nil, fmt.Errorf("wait_ms must be from 0 to %d, not %d", MaxWait.Milliseconds(), r.WaitMS))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.txnLocked(r.Txn)
	if err != nil {
		return now(nil, err)
	}
	held := false
	for el := s.entries.Front(); el != nil; el = el.Next() {
		e := el.Value.(*entry)
		if !Matches(r.Template, e.e) {
			continue
		}
		if e.visibleTo(t) {
			res := found(e)
			if take {
				s.takeLocked(e, t)
			}
			return now(res, nil)
		}
		held = held || e.heldFrom(t)
	}
	if r.WaitMS == 0 || r.IfExists && !held {
		return now(MatchResult{}, nil)
	}
	if s.waiting.Len() >= s.cfg.MaxWaiting {
		return now(nil, fmt.Errorf("busy: %d reads and takes already wait, the most (--max-waiting)", s.cfg.MaxWaiting))
	}
	w := &waiter{tmpl: r.Template.clone(), take: take, ifExists: r.IfExists, txn: t, answer: make(chan waited, 1)}
	w.elem = s.waiting.PushBack(w)
	s.report.markCounts()
	wait := time.Duration(r.WaitMS) * time.Millisecond
	return answer{wait: func(ctx context.Context) (any, error) { return s.await(ctx, w, wait) }}
}

// await waits for w's answer, at most wait of protocol time.
func (s *Space) await(ctx context.Context, w *waiter, wait time.Duration) (any, error) {
	wctx, cancel := s.node.WithTimeout(ctx, wait)
	defer cancel()
	select {
	case a := <-w.answer:
		return a.res, a.err
	case <-wctx.Done():
	}
	s.mu.Lock()
	if w.elem != nil {
		s.waiting.Remove(w.elem)
		w.elem = nil
		s.report.markCounts()
		s.mu.Unlock()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return MatchResult{}, nil
	}
	s.mu.Unlock()
	a := <-w.answer // answered just as the wait ran out
	return a.res, a.err
}

// wakeIfExistsLocked answers the IfExists waiters that no longer have a
// reason to wait: no matching entry is held by another transaction.
func (s *Space) wakeIfExistsLocked() {
	for el := s.waiting.Front(); el != nil; {
		w := el.Value.(*waiter)
		el = el.Next()
		if w.ifExists && !s.heldMatchLocked(w.tmpl, w.txn) {
			s.answerLocked(w, waited{})
		}
	}
}

func (s *Space) heldMatchLocked(tmpl Entry, t *txn) bool {
	for el := s.entries.Front(); el != nil; el = el.Next() {
		if e := el.Value.(*entry); e.heldFrom(t) && Matches(tmpl, e.e) {
			return true
		}
	}
	return false
}
