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
	store, err := Open(ctx, dir, time.Now())
	if err != nil {
		return err
	}
	defer store.Close()
	return NewServer(env.Node, store).Serve(ctx, env.Listener)
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// Server answers the application tier's operations on a Store over the
// wire. It knows no business rule: it stores what the app tier sends and
// keeps the rules the data itself needs: a seat is sold only once, a
// request id makes one booking, and a booking is shown only to whoever
// has its reference. It reports to the trace how many book_seat requests
// came again and were answered from their request id ("replayed").
type Server struct {
	node     *wire.Node
	store    *Store
	now      func() time.Time
	replayed atomic.Int64 // book_seat requests answered with the booking their request id made before
}

// NewServer returns the data tier's server of node n on store s, and lets
// the store report each flight's free seats to the trace as they change.
func NewServer(n *wire.Node, s *Store) *Server {
	srv := &Server{node: n, store: s, now: time.Now}
	s.OnChange = srv.report
	return srv
}

// Serve answers the app tier on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.node.Trace.State("file", s.store.Path())
	if flights, err := s.store.Search(ctx, ntier.FlightQuery{}); err == nil {
		s.node.Trace.State("flights", strconv.Itoa(len(flights)))
	}
	return wire.Serve(ctx, s.node, ln, s.handle)
}

// report shows a flight's free seats in the trace, keyed by its number.
func (s *Server) report(f ntier.Flight) {
	s.node.Trace.State(f.Number, fmt.Sprintf("%d free", f.Free))
}

func (s *Server) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case ntier.TypeSearchFlights:
		var q ntier.FlightQuery
		if err := req.UnmarshalBody(&q); err != nil {
			return nil, err
		}
		flights, err := s.store.Search(ctx, q)
		return ntier.Answer{Flights: flights}, err
	case ntier.TypeGetFlight:
		var r ntier.Ref
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		f, ok, err := s.store.Flight(ctx, r.ID)
		if err != nil || !ok {
			return ntier.Refuse(ntier.NotFound, "there is no flight %d", r.ID), err
		}
		return ntier.Answer{Flight: &f}, nil
	case ntier.TypeBookSeat:
		var b ntier.BookingRequest
		if err := req.UnmarshalBody(&b); err != nil {
			return nil, err
		}
		a, err := s.store.Book(ctx, b, s.now())
		if a.Replayed {
			s.node.Trace.State("replayed", strconv.FormatInt(s.replayed.Add(1), 10))
		}
		return a, err
	case ntier.TypeGetBooking:
		var r ntier.BookingRef
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		b, ok, err := s.store.Booking(ctx, r)
		if err != nil || !ok {
			return ntier.NoBooking(r.ID), err
		}
		return ntier.Answer{Booking: &b}, nil
	case ntier.TypeCancelBooking:
		var r ntier.BookingRef
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return s.store.Cancel(ctx, r, s.now())
	}
	return nil, fmt.Errorf("unknown operation %q (want search_flights, get_flight, book_seat, get_booking or cancel_booking)", req.Type)
}
