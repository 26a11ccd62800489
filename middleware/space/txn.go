package space

import "fmt"

// txn is an open transaction. What it writes only it sees; what it takes
// nobody else sees; both until it ends. A commit makes its writes
// visible and its takes final; an abort, or its lease running out,
// removes its writes and gives back what it took, so that nothing is
// lost and nothing is taken twice.
type txn struct {
	lease   *lease
	owner   string // the node that began it, for the live view
	written []*entry
	taken   []*entry
}

// Begin opens a transaction for node owner.
func (s *Space) Begin(owner string, r BeginRequest) (BeginResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.txns) >= s.cfg.MaxTxns {
		return BeginResult{}, fmt.Errorf("busy: %d transactions are open, the most (--max-txns)", s.cfg.MaxTxns)
	}
	d, err := s.grant(r.LeaseMS, min(DefaultTxnLease, s.cfg.MaxLease))
	if err != nil {
		return BeginResult{}, err
	}
	t := &txn{owner: owner}
	t.lease = s.newLeaseLocked(d)
	t.lease.txn = t
	s.txns[t.lease.id] = t
	s.report.markTxn(t)
	return BeginResult{Txn: t.lease.id, LeaseMS: d.Milliseconds()}, nil
}

// txnLocked looks up transaction id; 0 is none.
func (s *Space) txnLocked(id uint64) (*txn, error) {
	if id == 0 {
		return nil, nil
	}
	t := s.txns[id]
	if t == nil {
		return nil, fmt.Errorf("transaction #%d is unknown or over: its lease may have run out, and then it was aborted", id)
	}
	return t, nil
}

// End commits or aborts transaction id.
func (s *Space) End(id uint64, commit bool) (TxnResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.txnLocked(id)
	if err == nil && t == nil {
		err = fmt.Errorf("a transaction's number starts at 1")
	}
	if err != nil {
		return TxnResult{}, err
	}
	res := TxnResult{Written: len(t.written), Taken: len(t.taken)}
	why := "aborted"
	if commit {
		why = "committed"
	}
	s.finishLocked(t, commit, why)
	return res, nil
}

// finishLocked ends transaction t: commit, or abort (also when its lease
// ran out). Its waiting reads and takes get an error.
func (s *Space) finishLocked(t *txn, commit bool, why string) {
	delete(s.txns, t.lease.id)
	s.leases.Remove(t.lease)
	delete(s.byLease, t.lease.id)
	var back []*entry // visible again: offer them once the transaction is gone
	for _, e := range t.written {
		e.writtenBy = nil
		if commit {
			back = append(back, e)
		} else {
			s.removeEntryLocked(e)
		}
	}
	for _, e := range t.taken {
		e.takenBy = nil
		if commit || e.expired {
			s.removeEntryLocked(e)
		} else {
			back = append(back, e)
		}
	}
	for el := s.waiting.Front(); el != nil; {
		w := el.Value.(*waiter)
		el = el.Next()
		if w.txn == t {
			s.answerLocked(w, waited{err: fmt.Errorf("transaction #%d ended (%s) while this waited", t.lease.id, why)})
		}
	}
	for _, e := range back {
		s.offerLocked(e)
		if commit && e.elem != nil {
			s.fireLocked(e)
		}
	}
	s.wakeIfExistsLocked()
	s.report.endTxn(t, why, len(t.taken))
	s.report.markEntries()
}
