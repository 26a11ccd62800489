package space

import (
	"context"
	"encoding/json"
	"fmt"

	"dsdemo/models/wire"
)

// registration is a notify: events for the entries matching its template
// that are written from now on, while its lease runs and its connection
// lives. Events are sent in the background; when the listener does not
// take them fast enough the space drops them, and the gap in Seq says so.
type registration struct {
	lease *lease
	tmpl  Entry
	cl    *client
	seq   uint64
}

func (s *Space) notify(cl *client, r NotifyRequest) (NotifyResult, error) {
	if err := checkTemplate(r.Template); err != nil {
		return NotifyResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cl.regs) >= MaxRegsPerConn {
		return NotifyResult{}, fmt.Errorf("a connection has at most %d notify registrations", MaxRegsPerConn)
	}
	d, err := s.grant(r.LeaseMS, s.cfg.MaxLease)
	if err != nil {
		return NotifyResult{}, err
	}
	reg := &registration{tmpl: r.Template.clone(), cl: cl}
	reg.lease = s.newLeaseLocked(d)
	reg.lease.reg = reg
	s.regs[reg.lease.id] = reg
	cl.regs[reg.lease.id] = reg
	s.report.markReg(reg, "")
	return NotifyResult{Reg: reg.lease.id, LeaseMS: d.Milliseconds()}, nil
}

// fireLocked sends an event to every registration whose template matches
// e, an entry everybody can now see.
func (s *Space) fireLocked(e *entry) {
	for _, reg := range s.regs {
		if !Matches(reg.tmpl, e.e) {
			continue
		}
		reg.seq++
		select {
		case reg.cl.events <- Event{Reg: reg.lease.id, Seq: reg.seq, Lease: e.lease.id, Entry: e.e.clone()}:
		default: // the listener is behind: this event is lost
		}
	}
}

// sendEvents sends a connection's events until it ends.
func (s *Space) sendEvents(ctx context.Context, cl *client) {
	for {
		select {
		case ev := <-cl.events:
			body, err := json.Marshal(ev)
			if err != nil {
				continue
			}
			if _, err := cl.conn.Send(ctx, wire.Envelope{Type: TypeEvent, Body: body}); err != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}
