package datatier

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
	"dsdemo/ntier"
)

// DBConfig is how the data tier runs: the flags of the program db.
type DBConfig struct {
	// Data is the directory of the database file. "" puts it in the
	// system's temporary directory, in a folder named after the listen
	// port (and the trace collector's port, when there is one): a restart
	// at the same address finds its data again, while a new demo in the
	// launcher, which has a new collector, starts with a fresh timetable.
	Data string
}

// RunDB runs the data tier on env's listener until ctx ends, on the
// database in cfg.Data, which it creates with the timetable on first use.
func RunDB(ctx context.Context, env *program.Env, cfg DBConfig) error {
	dir := cfg.Data
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "dsdemo-ntier-"+port(env.Listener.Addr().String()))
		if env.Trace != "" {
			dir += "-" + port(env.Trace)
		}
	}
	db, err := open(ctx, dir, time.Now())
	if err != nil {
		return err
	}
	defer db.close()
	return newServer(env.Node, db).serve(ctx, env.Listener)
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// server answers the application tier's operations on the store over the
// wire. It knows no business rule: it stores what the app tier sends and
// keeps the rules the data itself needs: a seat is sold only once, a
// request id makes one booking, and a booking is shown only to whoever
// has its reference. It reports to the trace how many book_seat requests
// came again and were answered from their request id ("replayed").
type server struct {
	node     *wire.Node
	db       *store
	replayed atomic.Int64 // book_seat requests answered with the booking their request id made before
}

// newServer returns the data tier's server of node n on db, and lets db
// report each flight's free seats to the trace as they change.
func newServer(n *wire.Node, db *store) *server {
	srv := &server{node: n, db: db}
	db.onChange = srv.report
	return srv
}

// serve answers the app tier on ln until ctx is done.
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	s.node.Trace.State("file", s.db.path)
	if flights, err := s.db.search(ctx, ntier.FlightQuery{}); err == nil {
		s.node.Trace.State("flights", strconv.Itoa(len(flights)))
	}
	return wire.Serve(ctx, s.node, ln, s.handle)
}

// report shows a flight's free seats in the trace, keyed by its number.
func (s *server) report(f ntier.Flight) {
	s.node.Trace.State(f.Number, fmt.Sprintf("%d free", f.Free))
}

func (s *server) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case ntier.TypeSearchFlights:
		var q ntier.FlightQuery
		if err := req.UnmarshalBody(&q); err != nil {
			return nil, err
		}
		flights, err := s.db.search(ctx, q)
		return ntier.Answer{Flights: flights}, err
	case ntier.TypeGetFlight:
		var r ntier.Ref
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		f, ok, err := s.db.flight(ctx, r.ID)
		if err != nil || !ok {
			return ntier.Refuse(ntier.NotFound, "there is no flight %d", r.ID), err
		}
		return ntier.Answer{Flight: &f}, nil
	case ntier.TypeBookSeat:
		var b ntier.BookingRequest
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		a, err := s.db.book(ctx, b, time.Now())
		if a.Replayed {
			s.node.Trace.State("replayed", strconv.FormatInt(s.replayed.Add(1), 10))
		}
		return a, err
	case ntier.TypeGetBooking:
		var r ntier.BookingRef
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		b, ok, err := s.db.booking(ctx, r)
		if err != nil || !ok {
			return ntier.NoBooking(r.ID), err
		}
		return ntier.Answer{Booking: &b}, nil
	case ntier.TypeCancelBooking:
		var r ntier.BookingRef
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return s.db.cancel(ctx, r, time.Now())
	}
	return nil, fmt.Errorf("unknown operation %q (want search_flights, get_flight, book_seat, get_booking or cancel_booking)", req.Type)
}
