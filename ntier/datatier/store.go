// Package datatier is the data tier of the n-tier model: the flights and
// bookings in one SQLite file, and the server that answers the application
// tier's named operations on them over the wire.
//
//	app --search_flights--> +--------+  SELECT ... WHERE origin = ?
//	app --book_seat-------> | Server | -------------------------------> flights.db
//	app <--book_seat_ok---- +--------+  BEGIN IMMEDIATE; UPDATE ...;     (WAL)
//	                                     INSERT ...; COMMIT
//
// Only this package imports the SQLite engine (modernc.org/sqlite, SQLite
// compiled to Go), so the other tiers' programs do not pay for building it.
//
// Every statement takes its values as parameters (the ? in the SQL), never
// pasted into the SQL text: a passenger called "Robert'); DROP TABLE
// bookings;--" is stored as that text, and a search for the city
// "x' OR '1'='1" finds no flight.
//
// A booking is one transaction that first takes a seat and then writes the
// booking, and the seat is only taken when one is free:
//
//	UPDATE flights SET free = free - 1 WHERE id = ? AND free > 0
//	-- no row changed: the flight is full (or does not exist); roll back
//	INSERT INTO bookings (flight, passenger, booked_at) VALUES (?, ?, ?)
//
// Two bookings for the last seat cannot both see it free: the writes go one
// after the other through a single writer connection, each transaction
// begun with BEGIN IMMEDIATE (it takes the write lock at once, not at its
// first write), and a busy timeout lets a second process wait for the lock
// instead of failing. The table itself forbids a negative count (CHECK).
package datatier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"dsdemo/ntier"
)

// FileName is the database file's name in the data directory.
const FileName = "flights.db"

// schema creates the tables on first start; IF NOT EXISTS leaves an
// existing database as it is.
const schema = `
CREATE TABLE IF NOT EXISTS flights (
	id          INTEGER PRIMARY KEY,
	number      TEXT NOT NULL UNIQUE,
	origin      TEXT NOT NULL,
	destination TEXT NOT NULL,
	departs     TEXT NOT NULL,
	seats       INTEGER NOT NULL CHECK (seats > 0),
	free        INTEGER NOT NULL CHECK (free >= 0 AND free <= seats)
);
CREATE TABLE IF NOT EXISTS bookings (
	id        INTEGER PRIMARY KEY,
	flight    INTEGER NOT NULL REFERENCES flights(id),
	passenger TEXT NOT NULL,
	booked_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bookings_by_passenger ON bookings (passenger);
`

// Store is the flights database. Reads may run side by side (WAL lets
// readers go on while one writer writes); writes take turns.
type Store struct {
	path   string
	reader *sql.DB // a few connections for queries
	writer *sql.DB // exactly one connection: the single writer

	writeMu sync.Mutex // guards the write transactions and OnChange calls, so reported counts never go backwards

	// OnChange, if set, is called after each committed booking or
	// cancellation with the flight as it is now (the server reports it to
	// the trace). It is called with writeMu held, in commit order.
	OnChange func(ntier.Flight)
}

// Open opens the database in dir, creating dir, the file, the tables and
// the timetable on first use. The timetable's days count from now.
func Open(ctx context.Context, dir string, now time.Time) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// _pragma lines run on every new connection; _txlock=immediate makes
	// BeginTx send BEGIN IMMEDIATE.
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	writer, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	reader, err := sql.Open("sqlite", dsn)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	reader.SetMaxOpenConns(4)
	s := &Store{path: path, reader: reader, writer: writer}
	if err := s.prepare(ctx, now); err != nil {
		s.Close()
		return nil, fmt.Errorf("cannot prepare %s: %w", path, err)
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database; WAL content is checkpointed into the file.
func (s *Store) Close() error {
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// prepare creates the tables and, in an empty database, the timetable.
func (s *Store) prepare(ctx context.Context, now time.Time) error {
	if _, err := s.writer.ExecContext(ctx, schema); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM flights`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if err := seed(ctx, tx, now); err != nil {
		return err
	}
	return tx.Commit()
}

// flightColumns is what every flight query selects, in Flight's order.
const flightColumns = `id, number, origin, destination, departs, seats, free`

func scanFlight(row interface{ Scan(...any) error }) (ntier.Flight, error) {
	var f ntier.Flight
	err := row.Scan(&f.ID, &f.Number, &f.From, &f.To, &f.Departs, &f.Seats, &f.Free)
	return f, err
}

// Search returns the flights that match q, by departure. Cities compare
// without regard to ASCII case.
func (s *Store) Search(ctx context.Context, q ntier.FlightQuery) ([]ntier.Flight, error) {
	var where []string
	var args []any
	if q.From != "" {
		where, args = append(where, `origin = ? COLLATE NOCASE`), append(args, q.From)
	}
	if q.To != "" {
		where, args = append(where, `destination = ? COLLATE NOCASE`), append(args, q.To)
	}
	if q.Date != "" {
		where, args = append(where, `substr(departs, 1, 10) = ?`), append(args, q.Date)
	}
	query := `SELECT ` + flightColumns + ` FROM flights`
	if len(where) > 0 {
		// Only fixed SQL is joined here; the values stay parameters.
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := s.reader.QueryContext(ctx, query+` ORDER BY departs, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	flights := []ntier.Flight{}
	for rows.Next() {
		f, err := scanFlight(rows)
		if err != nil {
			return nil, err
		}
		flights = append(flights, f)
	}
	return flights, rows.Err()
}

// Flight returns the flight with the given id; ok is false when there is none.
func (s *Store) Flight(ctx context.Context, id int64) (f ntier.Flight, ok bool, err error) {
	f, err = scanFlight(s.reader.QueryRowContext(ctx, `SELECT `+flightColumns+` FROM flights WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	return f, err == nil, err
}

// bookingQuery selects bookings with their flights' details, in Booking's order.
const bookingQuery = `SELECT b.id, b.flight, f.number, f.origin, f.destination, f.departs, b.passenger, b.booked_at
	FROM bookings b JOIN flights f ON f.id = b.flight`

func scanBooking(row interface{ Scan(...any) error }) (ntier.Booking, error) {
	var b ntier.Booking
	err := row.Scan(&b.ID, &b.Flight, &b.Number, &b.From, &b.To, &b.Departs, &b.Passenger, &b.BookedAt)
	return b, err
}

// Booking returns the booking with the given id; ok is false when there is none.
func (s *Store) Booking(ctx context.Context, id int64) (b ntier.Booking, ok bool, err error) {
	b, err = scanBooking(s.reader.QueryRowContext(ctx, bookingQuery+` WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// Bookings returns a passenger's bookings, by departure.
func (s *Store) Bookings(ctx context.Context, passenger string) ([]ntier.Booking, error) {
	rows, err := s.reader.QueryContext(ctx, bookingQuery+` WHERE b.passenger = ? ORDER BY f.departs, b.id`, passenger)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bookings := []ntier.Booking{}
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		bookings = append(bookings, b)
	}
	return bookings, rows.Err()
}

// Book takes a seat on a flight for a passenger in one transaction and
// returns the booking, or a Full or NotFound refusal. It is the only place
// where a seat is taken.
func (s *Store) Book(ctx context.Context, flight int64, passenger string, now time.Time) (ntier.Answer, error) {
	return s.write(ctx, flight, func(tx *sql.Tx) (ntier.Answer, error) {
		res, err := tx.ExecContext(ctx, `UPDATE flights SET free = free - 1 WHERE id = ? AND free > 0`, flight)
		if err != nil {
			return ntier.Answer{}, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return s.noSeat(ctx, tx, flight, err)
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO bookings (flight, passenger, booked_at) VALUES (?, ?, ?)`,
			flight, passenger, now.UTC().Format(time.RFC3339))
		if err != nil {
			return ntier.Answer{}, err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return ntier.Answer{}, err
		}
		b, err := scanBooking(tx.QueryRowContext(ctx, bookingQuery+` WHERE b.id = ?`, id))
		return ntier.Answer{Booking: &b}, err
	})
}

// noSeat tells a full flight from one that does not exist.
func (s *Store) noSeat(ctx context.Context, tx *sql.Tx, flight int64, err error) (ntier.Answer, error) {
	if err != nil {
		return ntier.Answer{}, err
	}
	var number string
	err = tx.QueryRowContext(ctx, `SELECT number FROM flights WHERE id = ?`, flight).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return ntier.Refuse(ntier.NotFound, "there is no flight %d", flight), nil
	}
	if err != nil {
		return ntier.Answer{}, err
	}
	return ntier.Refuse(ntier.Full, "flight %s is full", number), nil
}

// Cancel deletes a booking and gives its seat back, in one transaction.
func (s *Store) Cancel(ctx context.Context, id int64) (ntier.Answer, error) {
	var b ntier.Booking
	err := s.reader.QueryRowContext(ctx, `SELECT flight FROM bookings WHERE id = ?`, id).Scan(&b.Flight)
	if errors.Is(err, sql.ErrNoRows) {
		return ntier.Refuse(ntier.NotFound, "there is no booking %d", id), nil
	}
	if err != nil {
		return ntier.Answer{}, err
	}
	return s.write(ctx, b.Flight, func(tx *sql.Tx) (ntier.Answer, error) {
		b, err := scanBooking(tx.QueryRowContext(ctx, bookingQuery+` WHERE b.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) { // cancelled a moment ago by someone else
			return ntier.Refuse(ntier.NotFound, "there is no booking %d", id), nil
		}
		if err != nil {
			return ntier.Answer{}, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM bookings WHERE id = ?`, id); err != nil {
			return ntier.Answer{}, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE flights SET free = free + 1 WHERE id = ?`, b.Flight)
		return ntier.Answer{Booking: &b}, err
	})
}

// write runs do in a write transaction on the single writer and commits
// it unless do refuses or fails. After a commit it reports the flight.
func (s *Store) write(ctx context.Context, flight int64, do func(tx *sql.Tx) (ntier.Answer, error)) (ntier.Answer, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return ntier.Answer{}, err
	}
	defer tx.Rollback() // does nothing after Commit
	a, err := do(tx)
	if err != nil || a.Refused != "" {
		return a, err
	}
	f, err := scanFlight(tx.QueryRowContext(ctx, `SELECT `+flightColumns+` FROM flights WHERE id = ?`, flight))
	if err != nil {
		return ntier.Answer{}, err
	}
	if err := tx.Commit(); err != nil {
		return ntier.Answer{}, err
	}
	if s.OnChange != nil {
		s.OnChange(f)
	}
	return a, nil
}
