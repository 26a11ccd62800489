package space

import (
	"fmt"
	"time"

	"dsdemo/models/wire"
)

// A lease is how long something lives in the space unless its holder
// renews it: an entry, a notify registration, a transaction. The space
// never waits for a client to say it is done: a client that dies stops
// renewing, and the lease ends by itself. Leases count protocol time.
type lease struct {
	id       uint64
	deadline time.Duration // protocol time at which it ends
	length   time.Duration // as last granted, for the live view's timer

	entry *entry        // one of these three is set
	reg   *registration //
	txn   *txn          //

	wire.DeadlineSlot // its place in the space's lease queue until it ends
}

// Deadline is when l ends, in protocol time.
func (l *lease) Deadline() time.Duration { return l.deadline }

// grant turns a requested lease into the one the space grants: 0 is the
// longest it grants, anything longer is cut to that.
func (s *Space) grant(ms int64, zero time.Duration) (time.Duration, error) {
	if ms < 0 {
		return 0, fmt.Errorf("lease_ms must not be negative, not %d", ms)
	}
	d := time.Duration(min(ms, s.cfg.MaxLease.Milliseconds())) * time.Millisecond
	if ms == 0 {
		d = zero
	}
	return min(d, s.cfg.MaxLease), nil
}

// newLeaseLocked starts a lease of d with a new id.
func (s *Space) newLeaseLocked(d time.Duration) *lease {
	s.lastID++
	l := &lease{id: s.lastID, length: d, deadline: s.clock.Now() + d}
	s.byLease[l.id] = l
	s.leases.Push(l)
	return l
}

// Renew lets a lease run LeaseMS more from now.
func (s *Space) Renew(r RenewRequest) (LeaseResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.byLease[r.Lease]
	if l == nil {
		return LeaseResult{}, fmt.Errorf("lease #%d is unknown or over: it may have run out", r.Lease)
	}
	zero := s.cfg.MaxLease
	if l.txn != nil {
		zero = min(DefaultTxnLease, s.cfg.MaxLease)
	}
	d, err := s.grant(r.LeaseMS, zero)
	if err != nil {
		return LeaseResult{}, err
	}
	l.length, l.deadline = d, s.clock.Now()+d
	s.leases.Fix(l)
	s.report.markLease(l)
	return LeaseResult{LeaseMS: d.Milliseconds()}, nil
}

// Cancel ends a lease now.
func (s *Space) Cancel(id uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.byLease[id]
	if l == nil {
		return fmt.Errorf("lease #%d is unknown or over: it may have run out", id)
	}
	if e := l.entry; e != nil && e.takenBy != nil {
		return fmt.Errorf("entry #%d is taken under transaction #%d: cancel it once that ends", id, e.takenBy.lease.id)
	}
	s.endLeaseLocked(l, "cancelled")
	return nil
}

// endLeaseLocked ends lease l: an entry is removed (one that a
// transaction has taken is only marked, and is gone when the transaction
// ends either way), a registration sends no more events, a transaction
// aborts.
func (s *Space) endLeaseLocked(l *lease, why string) {
	if !l.Queued() && s.byLease[l.id] == nil {
		return
	}
	s.leases.Remove(l)
	delete(s.byLease, l.id)
	switch {
	case l.entry != nil:
		e := l.entry
		if e.takenBy != nil {
			e.expired = true
			return
		}
		if t := e.writtenBy; t != nil {
			t.written = removeEntry(t.written, e)
		}
		s.removeEntryLocked(e)
	case l.reg != nil:
		delete(s.regs, l.id)
		delete(l.reg.cl.regs, l.id)
		s.report.markReg(l.reg, why)
	case l.txn != nil:
		s.finishLocked(l.txn, false, why)
	}
}

func removeEntry(list []*entry, e *entry) []*entry {
	for i, x := range list {
		if x == e {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}
