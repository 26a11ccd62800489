package datatier

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
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

// fileName is the database file's name in the data directory.
const fileName = "flights.db"

// migrations bring a database file to the schema of this program, one
// step per version; the file counts the steps it has had in SQLite's
// user_version. A new file gets them all, a file made by an older dsdemo
// the ones it lacks, so a data directory survives an upgrade. (The first
// step says IF NOT EXISTS because files from before the counting have its
// tables but version 0.)
var migrations = []string{
	// 1: flights and bookings.
	`CREATE TABLE IF NOT EXISTS flights (
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
	CREATE INDEX IF NOT EXISTS bookings_by_passenger ON bookings (passenger);`,

	// 2: each booking's secret reference, the request id that made it (one
	// booking per request id, however often it arrives), and cancelled
	// bookings kept with their time instead of deleted, so a cancellation
	// sent twice finds the first one's work. Nobody lists bookings by
	// name any more.
	`ALTER TABLE bookings ADD COLUMN reference TEXT;
	ALTER TABLE bookings ADD COLUMN request TEXT;
	ALTER TABLE bookings ADD COLUMN cancelled_at TEXT;
	CREATE UNIQUE INDEX bookings_by_reference ON bookings (reference);
	CREATE UNIQUE INDEX bookings_by_request ON bookings (request);
	DROP INDEX bookings_by_passenger;`,
}

// store is the flights database. Reads may run side by side (WAL lets
// readers go on while one writer writes); writes take turns.
type store struct {
	path   string
	reader *sql.DB // a few connections for queries
	writer *sql.DB // exactly one connection: the single writer

	writeMu sync.Mutex // guards the write transactions and onChange calls, so reported counts never go backwards

	// onChange, if set, is called after each committed booking or
	// cancellation with the flight as it is now (the server reports it to
	// the trace). It is called with writeMu held, in commit order.
	onChange func(ntier.Flight)
}

// open opens the database in dir, creating dir, the file, the tables and
// the timetable on first use. The timetable's days count from now.
func open(ctx context.Context, dir string, now time.Time) (*store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the data directory: %w", err)
	}
	path := filepath.Join(dir, fileName)
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
	s := &store{path: path, reader: reader, writer: writer}
	if err := s.prepare(ctx, now); err != nil {
		s.close()
		return nil, fmt.Errorf("cannot prepare %s: %w", path, err)
	}
	return s, nil
}

// close closes the database; WAL content is checkpointed into the file.
func (s *store) close() error {
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// prepare brings the schema up to date and, in an empty database, writes
// the timetable, all in one transaction: a crash half-way leaves the file
// as it was.
func (s *store) prepare(ctx context.Context, now time.Time) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("the file has schema version %d, newer than this program's %d", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("schema version %d: %w", v+1, err)
		}
	}
	if err := giveReferences(ctx, tx); err != nil {
		return err
	}
	// PRAGMA takes no parameters; the number is the program's own.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations))); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM flights`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		if err := seed(ctx, tx, now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// giveReferences draws a reference for each booking that has none: the
// bookings of a file from before references.
func giveReferences(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM bookings WHERE reference IS NULL`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		ref, err := freeReference(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET reference = ? WHERE id = ?`, ref, id); err != nil {
			return err
		}
	}
	return nil
}

// newReference draws a booking reference from the operating system's
// cryptographic random source: unguessable, unlike a counter or a
// math/rand number, whose next value follows from the last ones.
func newReference() string { return rand.Text()[:ntier.ReferenceLen] }

// freeReference draws a reference that no booking has yet. With 2^50
// references a clash is as good as impossible, but the UNIQUE index would
// turn one into a failed booking, and looking costs one indexed read.
func freeReference(ctx context.Context, tx *sql.Tx) (string, error) {
	for range 8 {
		ref := newReference()
		var taken int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE reference = ?`, ref).Scan(&taken)
		if err != nil || taken == 0 {
			return ref, err
		}
	}
	return "", errors.New("eight random references in a row were taken: the random source is broken")
}

// insertBooking writes one booking with a fresh reference and returns its
// id. request is the request id that asks for it; "" (the seeded bookings
// of earlier passengers) is stored as NULL, which UNIQUE lets repeat.
func insertBooking(ctx context.Context, tx *sql.Tx, flight int64, passenger, request string, now time.Time) (int64, error) {
	ref, err := freeReference(ctx, tx)
	if err != nil {
		return 0, err
	}
	var req any
	if request != "" {
		req = request
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO bookings (flight, passenger, booked_at, reference, request) VALUES (?, ?, ?, ?, ?)`,
		flight, passenger, now.UTC().Format(time.RFC3339), ref, req)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// flightColumns is what every flight query selects, in Flight's order.
const flightColumns = `id, number, origin, destination, departs, seats, free`

func scanFlight(row interface{ Scan(...any) error }) (ntier.Flight, error) {
	var f ntier.Flight
	err := row.Scan(&f.ID, &f.Number, &f.From, &f.To, &f.Departs, &f.Seats, &f.Free)
	return f, err
}

// search returns the flights that match q, by departure. Cities compare
// without regard to ASCII case.
func (s *store) search(ctx context.Context, q ntier.FlightQuery) ([]ntier.Flight, error) {
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

// flight returns the flight with the given id; ok is false when there is none.
func (s *store) flight(ctx context.Context, id int64) (f ntier.Flight, ok bool, err error) {
	f, err = scanFlight(s.reader.QueryRowContext(ctx, `SELECT `+flightColumns+` FROM flights WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	return f, err == nil, err
}

// bookingQuery selects bookings with their flights' details, in Booking's order.
const bookingQuery = `SELECT b.id, b.reference, b.flight, f.number, f.origin, f.destination, f.departs,
	b.passenger, b.booked_at, coalesce(b.cancelled_at, '')
	FROM bookings b JOIN flights f ON f.id = b.flight`

func scanBooking(row interface{ Scan(...any) error }) (ntier.Booking, error) {
	var b ntier.Booking
	err := row.Scan(&b.ID, &b.Reference, &b.Flight, &b.Number, &b.From, &b.To, &b.Departs, &b.Passenger, &b.BookedAt, &b.Cancelled)
	return b, err
}

// booking returns the booking ref names; ok is false when there is none
// with that id and that reference. Which of the two was wrong is not told:
// a caller who tries ids must not learn which of them exist.
func (s *store) booking(ctx context.Context, ref ntier.BookingRef) (b ntier.Booking, ok bool, err error) {
	b, err = scanBooking(s.reader.QueryRowContext(ctx, bookingQuery+` WHERE b.id = ?`, ref.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return ntier.Booking{}, false, nil
	}
	if err != nil {
		return ntier.Booking{}, false, err
	}
	// In constant time: a comparison that stops at the first wrong
	// character would tell, by how long it takes, how many were right.
	if ref.Reference == "" || subtle.ConstantTimeCompare([]byte(b.Reference), []byte(ref.Reference)) != 1 {
		return ntier.Booking{}, false, nil
	}
	return b, true, nil
}

// book takes a seat on a flight for a passenger in one transaction and
// returns the booking, or a Full or NotFound refusal. It is the only place
// where a seat is taken. A request id that made a booking before is
// answered with that booking (Replayed), and nothing changes.
func (s *store) book(ctx context.Context, req ntier.BookingRequest, now time.Time) (ntier.Answer, error) {
	if req.Request == "" {
		return ntier.Refuse(ntier.Invalid, "book_seat needs a request id"), nil
	}
	return s.write(ctx, req.Flight, func(tx *sql.Tx) (ntier.Answer, error) {
		before, err := scanBooking(tx.QueryRowContext(ctx, bookingQuery+` WHERE b.request = ?`, req.Request))
		switch {
		case err == nil && (before.Flight != req.Flight || before.Passenger != req.Passenger):
			return ntier.Refuse(ntier.Invalid, "request id %s was used for another booking; a new booking needs a new request id", req.Request), nil
		case err == nil:
			return ntier.Answer{Booking: &before, Replayed: true}, nil
		case !errors.Is(err, sql.ErrNoRows):
			return ntier.Answer{}, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE flights SET free = free - 1 WHERE id = ? AND free > 0`, req.Flight)
		if err != nil {
			return ntier.Answer{}, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return s.noSeat(ctx, tx, req.Flight, err)
		}
		id, err := insertBooking(ctx, tx, req.Flight, req.Passenger, req.Request, now)
		if err != nil {
			return ntier.Answer{}, err
		}
		b, err := scanBooking(tx.QueryRowContext(ctx, bookingQuery+` WHERE b.id = ?`, id))
		return ntier.Answer{Booking: &b}, err
	})
}

// noSeat tells a full flight from one that does not exist.
func (s *store) noSeat(ctx context.Context, tx *sql.Tx, flight int64, err error) (ntier.Answer, error) {
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

// cancel marks the booking ref names as cancelled and gives its seat back,
// in one transaction, and returns the booking as it is now. A booking
// cancelled before is returned as it is, and no seat is given back twice:
// so a cancellation may be sent again when its answer was lost.
func (s *store) cancel(ctx context.Context, ref ntier.BookingRef, now time.Time) (ntier.Answer, error) {
	// The reference is checked before the transaction, so a wrong one
	// costs no write lock; a booking is never deleted, so it is still
	// there inside.
	b, ok, err := s.booking(ctx, ref)
	if err != nil || !ok {
		return ntier.NoBooking(ref.ID), err
	}
	return s.write(ctx, b.Flight, func(tx *sql.Tx) (ntier.Answer, error) {
		res, err := tx.ExecContext(ctx, `UPDATE bookings SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL`,
			now.UTC().Format(time.RFC3339), b.ID)
		if err != nil {
			return ntier.Answer{}, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return ntier.Answer{}, err
		} else if n == 1 {
			if _, err := tx.ExecContext(ctx, `UPDATE flights SET free = free + 1 WHERE id = ?`, b.Flight); err != nil {
				return ntier.Answer{}, err
			}
		}
		b, err := scanBooking(tx.QueryRowContext(ctx, bookingQuery+` WHERE b.id = ?`, b.ID))
		return ntier.Answer{Booking: &b}, err
	})
}

// write runs do in a write transaction on the single writer and commits
// it unless do refuses or fails. After a commit it reports the flight.
func (s *store) write(ctx context.Context, flight int64, do func(tx *sql.Tx) (ntier.Answer, error)) (ntier.Answer, error) {
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
	if s.onChange != nil {
		s.onChange(f)
	}
	return a, nil
}
