package ntier

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// AppConfig is how an app tier instance runs: the flags of the program app.
type AppConfig struct {
	// DB is the data tier's address: the only tier the app tier asks.
	DB string
	// Timeout is how long the app tier waits for the data tier's answer.
	Timeout time.Duration
}

// RunApp runs an app tier instance on env's listener until ctx ends.
// Start several on different ports and give the web tier all of them:
// they keep no state of their own, so any of them can answer any request.
func RunApp(ctx context.Context, env *program.Env, cfg AppConfig) error {
	if cfg.DB == "" {
		return program.Usagef("--db needs the data tier's address")
	}
	if cfg.Timeout <= 0 {
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	}
	return newAppTier(env.Node, cfg.DB, cfg.Timeout).serve(ctx, env.Listener)
}

// appTier is the application tier: it checks every request against the
// business rules and asks the data tier for what it needs. It keeps no
// state of its own, so any number of app instances can serve the same web
// tier side by side.
type appTier struct {
	node    *wire.Node
	db      *wire.Pool    // the only way to the data
	timeout time.Duration // how long to wait for the data tier
}

// newAppTier returns the app tier of node n, which reaches the data tier at
// dbAddr and gives it timeout to answer (0 means 3 seconds).
func newAppTier(n *wire.Node, dbAddr string, timeout time.Duration) *appTier {
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	return &appTier{node: n, db: wire.NewPool(n, dbAddr), timeout: timeout}
}

// serve answers the web tier on ln until ctx is done.
func (a *appTier) serve(ctx context.Context, ln net.Listener) error {
	defer a.db.Close()
	return wire.Serve(ctx, a.node, ln, a.handle)
}

func (a *appTier) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case TypeSearch:
		var q FlightQuery
		if err := req.UnmarshalBody(&q); err != nil {
			return nil, err
		}
		return a.search(ctx, q)
	case TypeFlight:
		var r Ref
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return a.flight(ctx, r.ID)
	case TypeBook:
		var b BookingRequest
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		return a.book(ctx, b)
	case TypeBooking:
		var r BookingRef
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return a.booking(ctx, r)
	case TypeCancel:
		var r BookingRef
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return a.cancel(ctx, r)
	}
	return nil, fmt.Errorf("unknown operation %q (want search, flight, book, booking or cancel)", req.Type)
}

// search finds flights; cities and date are checked first.
func (a *appTier) search(ctx context.Context, q FlightQuery) (Answer, error) {
	q = q.normalize()
	if err := checkQuery(q); err != nil {
		return Refuse(Invalid, "%v", err), nil
	}
	return a.ask(ctx, TypeSearchFlights, q, false)
}

// flight returns one flight.
func (a *appTier) flight(ctx context.Context, id int64) (Answer, error) {
	if id <= 0 {
		return Refuse(NotFound, "there is no flight %d", id), nil
	}
	return a.ask(ctx, TypeGetFlight, Ref{ID: id}, false)
}

// book books a seat. The rules: the name is a passenger's name, the
// request has a request id, the flight exists and has not left yet.
// Whether a seat is free is for the data tier to decide, inside its
// transaction: asked here, the answer could be stale by the time the seat
// is taken.
func (a *appTier) book(ctx context.Context, b BookingRequest) (Answer, error) {
	b.Passenger = strings.TrimSpace(b.Passenger)
	if err := checkPassenger(b.Passenger); err != nil {
		return Refuse(Invalid, "%v", err), nil
	}
	if err := checkRequestID(b.Request); err != nil {
		return Refuse(Invalid, "%v", err), nil
	}
	f, err := a.flight(ctx, b.Flight)
	if err != nil || f.Refused != "" {
		return f, err
	}
	if f.Flight == nil {
		return Answer{}, errors.New("the data tier answered get_flight without a flight")
	}
	if a.departed(*f.Flight) {
		return Refuse(Invalid, "flight %s left at %s; it can no longer be booked", f.Flight.Number, f.Flight.Departs), nil
	}
	return a.ask(ctx, TypeBookSeat, b, true)
}

// booking returns the booking r names. A reference that cannot be one is
// not worth a question to the data tier; its answer is the same as for a
// wrong one.
func (a *appTier) booking(ctx context.Context, r BookingRef) (Answer, error) {
	r.Reference = normalizeReference(r.Reference)
	if r.ID <= 0 || len(r.Reference) != ReferenceLen {
		return NoBooking(r.ID), nil
	}
	return a.ask(ctx, TypeGetBooking, r, false)
}

// cancel cancels a booking whose flight has not left yet. A booking that
// is cancelled already is answered as it is: the same cancellation sent
// twice (its first answer was lost) is not an error.
func (a *appTier) cancel(ctx context.Context, r BookingRef) (Answer, error) {
	r.Reference = normalizeReference(r.Reference)
	b, err := a.booking(ctx, r)
	if err != nil || b.Refused != "" {
		return b, err
	}
	if b.Booking == nil {
		return Answer{}, errors.New("the data tier answered get_booking without a booking")
	}
	if b.Booking.Cancelled != "" {
		return b, nil
	}
	if a.departed(Flight{Departs: b.Booking.Departs}) {
		return Refuse(Invalid, "flight %s has left; booking %d can no longer be cancelled", b.Booking.Number, r.ID), nil
	}
	return a.ask(ctx, TypeCancelBooking, r, true)
}

// departed reports whether a flight has left, in the app's local time.
func (a *appTier) departed(f Flight) bool {
	t, err := time.ParseInLocation(timeLayout, f.Departs, time.Local)
	return err == nil && t.Before(time.Now())
}

// ask sends one operation to the data tier and waits at most the timeout.
//
// Every operation of the data tier may be sent twice: the reads change
// nothing, book_seat carries its request id, and cancel_booking of a
// cancelled booking answers it again. So when the connection breaks, ask
// sends the operation once more on a new connection (a pooled connection
// may have died while it waited, when the data tier restarted). The pool
// never does that by itself, because only the caller knows what is safe
// to repeat.
//
// When no answer comes, a read fails with one sentence, which the web tier
// shows with 503. A write (book_seat, cancel_booking) that may have gone
// out may have been done: it is answered Unknown, never "cannot be
// reached", because the seat may be sold.
func (a *appTier) ask(ctx context.Context, typ string, body any, write bool) (Answer, error) {
	ctx, cancel := a.node.WithTimeout(ctx, a.timeout)
	defer cancel()
	var (
		reply     wire.Envelope
		err       error
		mayBeDone bool // an attempt failed after the request may have gone out
	)
	for attempt := range 2 {
		reply, err = a.db.Call(ctx, "", typ, body)
		if err == nil || ctx.Err() != nil || notSent(err) || errors.As(err, new(*wire.RemoteError)) {
			break
		}
		mayBeDone = true
		if attempt == 0 {
			a.node.Trace.Logf("the connection to the data tier broke during %s (%s); asking once more", typ, cause(err))
		}
	}
	var remote *wire.RemoteError
	switch {
	case err == nil:
		var ans Answer
		err = reply.UnmarshalBody(&ans)
		return ans, err
	case write && (mayBeDone || (!notSent(err) && !errors.As(err, &remote))):
		why := cause(err)
		if errors.Is(err, context.DeadlineExceeded) {
			why = "no answer within " + a.timeout.String()
		}
		return Refuse(Unknown, "the data tier (%s) did not answer %s (%s), so it may or may not have been done", a.db.Addr(), typ, why), nil
	case errors.As(err, &remote):
		return Answer{}, fmt.Errorf("the data tier could not %s: %s", typ, remote.Reason)
	case errors.Is(err, context.DeadlineExceeded):
		return Answer{}, fmt.Errorf("the data tier (%s) did not answer %s within %s", a.db.Addr(), typ, a.timeout)
	}
	return Answer{}, fmt.Errorf("the data tier (%s) cannot be reached: %s", a.db.Addr(), cause(err))
}

// cause is the last part of a network error, the part a student can act
// on: "connection refused" rather than "dial tcp 127.0.0.1:7520: connect:
// connection refused".
func cause(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}
