package ntier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// The fuzz targets of the tiers' message bodies: what arrives from the
// network is decoded the way the tiers decode it, and whatever a tier
// accepts passes its rules.

// requestTypes are the types the app tier answers, in the order a fuzz
// input's first byte picks them (one more picks an unknown type).
var requestTypes = []string{TypeSearch, TypeFlight, TypeBook, TypeBooking, TypeCancel}

// dataTierStub stands in for the data tier: it answers every data
// operation as if the flight and the booking existed, and notes each
// operation the app tier sent without checking it first.
type dataTierStub struct {
	mu       sync.Mutex // guards problems
	problems []string
}

func (d *dataTierStub) handle(_ context.Context, req wire.Envelope) (any, error) {
	departs := time.Now().Add(48 * time.Hour).Format(timeLayout)
	var problem string
	switch req.Type {
	case TypeSearchFlights:
		var q FlightQuery
		if err := req.UnmarshalBody(&q); err != nil || checkQuery(q) != nil {
			problem = fmt.Sprintf("search_flights with %s", req.Body)
		}
		return Answer{}, d.note(problem)
	case TypeGetFlight:
		var r Ref
		if err := req.UnmarshalBody(&r); err != nil || r.ID <= 0 {
			problem = fmt.Sprintf("get_flight with %s", req.Body)
		}
		return Answer{Flight: &Flight{ID: r.ID, Number: "DS 1", Departs: departs, Seats: 2, Free: 1}}, d.note(problem)
	case TypeBookSeat:
		var b BookingRequest
		if err := req.UnmarshalBody(&b); err != nil || b.Flight <= 0 || checkPassenger(b.Passenger) != nil || checkRequestID(b.Request) != nil {
			problem = fmt.Sprintf("book_seat with %s", req.Body)
		}
		return Answer{Booking: &Booking{ID: 1, Flight: b.Flight, Passenger: b.Passenger, Departs: departs}}, d.note(problem)
	case TypeGetBooking, TypeCancelBooking:
		var r BookingRef
		if err := req.UnmarshalBody(&r); err != nil || r.ID <= 0 || len(r.Reference) != ReferenceLen {
			problem = fmt.Sprintf("%s with %s", req.Type, req.Body)
		}
		return Answer{Booking: &Booking{ID: r.ID, Reference: r.Reference, Departs: departs}}, d.note(problem)
	}
	return nil, d.note("unknown data operation " + req.Type)
}

func (d *dataTierStub) note(problem string) error {
	if problem != "" {
		d.mu.Lock()
		d.problems = append(d.problems, problem)
		d.mu.Unlock()
	}
	return nil
}

func (d *dataTierStub) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.problems
	d.problems = nil
	return p
}

// FuzzAppTierMessages sends the app tier a request of each type with any
// body, as the web tier's line arrives on the network (through
// wire.Decode), against a data tier that answers everything. The app tier
// answers with an Answer or an error, never a panic, and passes on to the
// data tier only what its rules accept.
func FuzzAppTierMessages(f *testing.F) {
	for _, seed := range []struct {
		typ  byte
		body string
	}{
		{0, `{"from":"Berlin","to":"Paris","date":"2026-12-24"}`},
		{1, `{"id":7}`},
		{2, `{"flight":7,"passenger":"Ada Lovelace","request":"0123456789abcdefABCDEF"}`},
		{3, `{"id":1,"reference":"K7QZM4XW2A"}`},
		{4, `{"id":1,"reference":" k7qzm4xw2a "}`},
		{2, `{"flight":-9223372036854775808,"passenger":"A","request":""}`},
		{1, `{"id":1e400}`},
		{0, `{"from":` + strings.Repeat(`[`, 2000) + `}`},
		{5, `null`},
	} {
		f.Add(seed.typ, []byte(seed.body))
	}
	stub := &dataTierStub{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(f, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- wire.Serve(ctx, wire.NewNode("db"), ln, stub.handle) }()
	f.Cleanup(func() {
		cancel()
		<-served
	})
	app := newAppTier(wire.NewNode("app"), ln.Addr().String(), 5*time.Second)
	f.Cleanup(app.db.Close)

	f.Fuzz(func(t *testing.T, pick byte, body []byte) {
		typ := "unknown"
		if int(pick) < len(requestTypes) {
			typ = requestTypes[pick]
		}
		line := fmt.Appendf(nil, `{"from":"web","to":"app","type":%q,"id":1,"clock":1,"body":%s}`, typ, body)
		req, err := wire.Decode(line)
		if err != nil {
			require.ErrorAs(t, err, new(*wire.DecodeError), "the wire refuses a line with a *DecodeError")
			return
		}
		ans, err := app.handle(context.Background(), req)
		require.Empty(t, stub.take(), "the app tier passed on a request its rules refuse")
		if err != nil {
			require.NotEmpty(t, err.Error(), "an error says why")
			require.False(t, errors.As(err, new(*wire.RemoteError)), "the app tier's errors are its own")
			return
		}
		a, ok := ans.(Answer)
		require.True(t, ok, "the app tier answers an Answer, not %T", ans)
		if a.Refused != "" {
			require.NotEmpty(t, a.Reason, "a refusal says why")
		}
		out, err := json.Marshal(a)
		require.NoError(t, err, "an answer must be sendable")
		require.LessOrEqual(t, len(out), wire.MaxFrame, "an answer fits in one frame")
	})
}

// FuzzDecodeBooking reads the body of POST /api/bookings as the web tier
// does: it reads at most MaxBody bytes, and a booking it accepts names a
// flight, has no request id of its own, and its passenger is valid UTF-8.
func FuzzDecodeBooking(f *testing.F) {
	for _, seed := range []string{
		`{"flight":7,"passenger":"Ada Lovelace"}`,
		`{"flight":7,"passenger":"Ada Lovelace","request":"0123456789abcdef"}`,
		`{"flight":7,"passenger":"Ada"}{"flight":8,"passenger":"Bob"}`,
		`{"flight":7,"passenger":"Ada","seat":"1A"}`,
		`{"flight":1e30,"passenger":"Ada"}`,
		"{\"flight\":7,\"passenger\":\"\xff\xfe\"}",
		`{"passenger":"` + strings.Repeat("x", MaxBody) + `"}`,
		strings.Repeat(`[`, 5000),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		src := &countingReader{r: bytes.NewReader(body)}
		b, err := decodeBooking(http.MaxBytesReader(httptest.NewRecorder(), src, MaxBody))
		require.LessOrEqual(t, src.n, MaxBody+1, "the web tier reads at most MaxBody bytes (and one to see there are more)")
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		require.NotZero(t, b.Flight, "an accepted booking names a flight")
		require.Empty(t, b.Request, "the request id comes from the header")
		require.True(t, utf8.ValidString(b.Passenger), "encoding/json turns invalid UTF-8 into U+FFFD")
	})
}

// countingReader counts the bytes read from r.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *countingReader) Close() error { return nil }
