package datatier

import (
	"context"
	"crypto/rand"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/ntier"
)

// A data directory made by a dsdemo from before references and request ids
// is upgraded when it is opened: its bookings get references and stay
// where they were, and it books and cancels as a new one does.
func TestOpenUpgradesAnOldFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := sql.Open("sqlite", "file:"+filepath.Join(dir, fileName))
	require.NoError(t, err)
	_, err = old.ExecContext(ctx, migrations[0]+`
		INSERT INTO flights (number, origin, destination, departs, seats, free) VALUES ('DS 999', 'Bonn', 'Rom', '2999-01-01T10:00', 10, 9);
		INSERT INTO bookings (flight, passenger, booked_at) VALUES (1, 'Old Timer', '2020-01-01T00:00:00Z');`)
	require.NoError(t, err)
	require.NoError(t, old.Close())

	s, err := open(ctx, dir, time.Now())
	require.NoError(t, err)
	defer s.close()
	var ref string
	require.NoError(t, s.reader.QueryRowContext(ctx, `SELECT reference FROM bookings WHERE id = 1`).Scan(&ref))
	b, ok, err := s.booking(ctx, ntier.BookingRef{ID: 1, Reference: ref})
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "Old Timer", b.Passenger)
	assert.Len(t, b.Reference, ntier.ReferenceLen)
	flights, err := s.search(ctx, ntier.FlightQuery{})
	require.NoError(t, err)
	assert.Len(t, flights, 1, "an old file is not seeded again")

	checkRules(t, s)
	require.NoError(t, s.close())
	s, err = open(ctx, dir, time.Now())
	require.NoError(t, err, "opened again: nothing left to upgrade")
	require.NoError(t, s.close())
}

func TestStoreRules(t *testing.T) {
	s, err := open(context.Background(), t.TempDir(), time.Now())
	require.NoError(t, err)
	defer s.close()
	checkRules(t, s)
}

// checkRules books and cancels on flight 1 of s, which has free seats.
func checkRules(t *testing.T, s *store) {
	ctx := context.Background()
	free := func() int {
		f, ok, err := s.flight(ctx, 1)
		require.NoError(t, err)
		require.True(t, ok)
		return f.Free
	}
	before := free()
	req := ntier.BookingRequest{Flight: 1, Passenger: "Ada Lovelace", Request: rand.Text()}

	first, err := s.book(ctx, req, time.Now())
	require.NoError(t, err)
	require.NotNil(t, first.Booking, "%+v", first)
	assert.False(t, first.Replayed)
	again, err := s.book(ctx, req, time.Now())
	require.NoError(t, err)
	assert.True(t, again.Replayed, "the same request id")
	assert.Equal(t, first.Booking, again.Booking)
	assert.Equal(t, before-1, free(), "booked once")

	other := req
	other.Passenger = "Alan Turing"
	a, err := s.book(ctx, other, time.Now())
	require.NoError(t, err)
	assert.Equal(t, ntier.Invalid, a.Refused, "a request id used for another booking")
	a, err = s.book(ctx, ntier.BookingRequest{Flight: 1, Passenger: "Ada Lovelace"}, time.Now())
	require.NoError(t, err)
	assert.Equal(t, ntier.Invalid, a.Refused, "no request id")

	b := first.Booking
	for _, wrong := range []string{"", "AAAAAAAAAA", b.Reference + "A", b.Reference[:ntier.ReferenceLen-1]} {
		_, ok, err := s.booking(ctx, ntier.BookingRef{ID: b.ID, Reference: wrong})
		require.NoError(t, err)
		assert.False(t, ok, "reference %q", wrong)
		a, err := s.cancel(ctx, ntier.BookingRef{ID: b.ID, Reference: wrong}, time.Now())
		require.NoError(t, err)
		assert.Equal(t, ntier.NoBooking(b.ID), a, "reference %q", wrong)
	}
	assert.Equal(t, before-1, free(), "not cancelled")

	ref := ntier.BookingRef{ID: b.ID, Reference: b.Reference}
	c1, err := s.cancel(ctx, ref, time.Now())
	require.NoError(t, err)
	require.NotNil(t, c1.Booking)
	assert.NotEmpty(t, c1.Booking.Cancelled)
	c2, err := s.cancel(ctx, ref, time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, c1, c2, "cancelled twice: the first answer again")
	assert.Equal(t, before, free(), "the seat is given back once")

	replayed, err := s.book(ctx, req, time.Now())
	require.NoError(t, err)
	assert.True(t, replayed.Replayed, "a late copy of the booking after its cancellation books nothing")
	assert.Equal(t, before, free())
}
