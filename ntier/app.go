package ntier

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"dsdemo/models/wire"
)

// AppTier is the application tier: it checks every request against the
// business rules and asks the data tier for what it needs. It keeps no
// state of its own, so any number of app instances can serve the same web
// tier side by side.
type AppTier struct {
	node    *wire.Node
	db      *wire.Pool    // the only way to the data
	timeout time.Duration // how long to wait for the data tier
	now     func() time.Time
}

// NewAppTier returns the app tier of node n, which reaches the data tier at
// dbAddr and gives it timeout to answer (0 means 3 seconds).
func NewAppTier(n *wire.Node, dbAddr string, timeout time.Duration) *AppTier {
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	return &AppTier{node: n, db: wire.NewPool(n, dbAddr), timeout: timeout, now: time.Now}
}

// Serve answers the web tier on ln until ctx is done.
func (a *AppTier) Serve(ctx context.Context, ln net.Listener) error {
	defer a.db.Close()
	return wire.Serve(ctx, a.node, ln, a.handle)
}

func (a *AppTier) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case "search":
		var q FlightQuery
		if err := req.UnmarshalBody(&q); err != nil {
			return nil, err
		}
		return a.Search(ctx, q)
	case "flight":
		var r Ref
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return a.Flight(ctx, r.ID)
	case "book":
		var b BookingRequest
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		return a.Book(ctx, b)
	case "booking":
		var r Ref
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return a.Booking(ctx, r.ID)
	case "cancel":
		var r Ref
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return a.Cancel(ctx, r.ID)
	case "bookings":
		var p PassengerRef
		if err := req.UnmarshalBody(&p); err != nil {
			return nil, err
		}
		return a.Bookings(ctx, p.Passenger)
	}
	return nil, fmt.Errorf("unknown operation %q (want search, flight, book, booking, cancel or bookings)", req.Type)
}

// Search finds flights; cities and date are checked first.
func (a *AppTier) Search(ctx context.Context, q FlightQuery) (Answer, error) {
	q = q.Normalize()
	if err := CheckQuery(q); err != nil {
		return Refuse(Invalid, "%v", err), nil
	}
	return a.ask(ctx, "search_flights", q)
}

// Flight returns one flight.
func (a *AppTier) Flight(ctx context.Context, id int64) (Answer, error) {
	if id <= 0 {
		return Refuse(NotFound, "there is no flight %d", id), nil
	}
	return a.ask(ctx, "get_flight", Ref{ID: id})
}

// Book books a seat. The rules: the name is a passenger's name, the flight
// exists and has not left yet. Whether a seat is free is for the data tier
// to decide, inside its transaction: asked here, the answer could be stale
// by the time the seat is taken.
func (a *AppTier) Book(ctx context.Context, b BookingRequest) (Answer, error) {
	b.Passenger = strings.TrimSpace(b.Passenger)
	if err := CheckPassenger(b.Passenger); err != nil {
		return Refuse(Invalid, "%v", err), nil
	}
	f, err := a.Flight(ctx, b.Flight)
	if err != nil || f.Refused != "" {
		return f, err
	}
	if f.Flight == nil {
		return Answer{}, errors.New("the data tier answered get_flight without a flight")
	}
	if a.departed(*f.Flight) {
		return Refuse(Invalid, "flight %s left at %s; it can no longer be booked", f.Flight.Number, f.Flight.Departs), nil
	}
	return a.ask(ctx, "book_seat", b)
}

// Booking returns one booking.
func (a *AppTier) Booking(ctx context.Context, id int64) (Answer, error) {
	if id <= 0 {
		return Refuse(NotFound, "there is no booking %d", id), nil
	}
	return a.ask(ctx, "get_booking", Ref{ID: id})
}

// Cancel cancels a booking whose flight has not left yet.
func (a *AppTier) Cancel(ctx context.Context, id int64) (Answer, error) {
	b, err := a.Booking(ctx, id)
	if err != nil || b.Refused != "" {
		return b, err
	}
	if b.Booking == nil {
		return Answer{}, errors.New("the data tier answered get_booking without a booking")
	}
	if a.departed(Flight{Departs: b.Booking.Departs}) {
		return Refuse(Invalid, "flight %s has left; booking %d can no longer be cancelled", b.Booking.Number, id), nil
	}
	return a.ask(ctx, "cancel_booking", Ref{ID: id})
}

// Bookings lists a passenger's bookings.
func (a *AppTier) Bookings(ctx context.Context, passenger string) (Answer, error) {
	passenger = strings.TrimSpace(passenger)
	if err := CheckPassenger(passenger); err != nil {
		return Refuse(Invalid, "%v", err), nil
	}
	return a.ask(ctx, "list_bookings", PassengerRef{Passenger: passenger})
}

// departed reports whether a flight has left, in the app's local time.
func (a *AppTier) departed(f Flight) bool {
	t, err := time.ParseInLocation(TimeLayout, f.Departs, time.Local)
	return err == nil && t.Before(a.now())
}

// ask sends one operation to the data tier and waits at most the timeout.
// When the data tier cannot be reached the error says so in one sentence,
// which the web tier shows to the user with 503.
func (a *AppTier) ask(ctx context.Context, typ string, body any) (Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	reply, err := a.db.Call(ctx, "", typ, body)
	var remote *wire.RemoteError
	switch {
	case errors.As(err, &remote):
		return Answer{}, fmt.Errorf("the data tier could not %s: %s", typ, remote.Reason)
	case errors.Is(err, context.DeadlineExceeded):
		return Answer{}, fmt.Errorf("the data tier (%s) did not answer %s within %s", a.db.Addr(), typ, a.timeout)
	case err != nil:
		return Answer{}, fmt.Errorf("the data tier (%s) cannot be reached: %s", a.db.Addr(), Cause(err))
	}
	var ans Answer
	err = reply.UnmarshalBody(&ans)
	return ans, err
}

// Cause is the last part of a network error, the part a student can act
// on: "connection refused" rather than "dial tcp 127.0.0.1:7520: connect:
// connection refused".
func Cause(err error) string {
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
