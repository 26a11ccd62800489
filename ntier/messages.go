package ntier

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Flight is one flight as every tier sees it. Departs is local time in the
// form 2006-01-02T15:04, as a timetable prints it.
type Flight struct {
	ID      int64  `json:"id"`
	Number  string `json:"number"` // e.g. "DS 440"
	From    string `json:"from"`
	To      string `json:"to"`
	Departs string `json:"departs"`
	Seats   int    `json:"seats"`
	Free    int    `json:"free"`
}

// Booking is one seat on one flight for one passenger, with the flight's
// details so a confirmation needs no second question.
//
// The ID is a plain counter and no secret: anyone can guess booking 17.
// The Reference is the secret: it is drawn at random when the booking is
// made, told only to the one who booked, and needed to read or cancel the
// booking. A booking is never deleted; a cancelled one keeps its row with
// the time it was cancelled, so cancelling it again answers the same.
type Booking struct {
	ID        int64  `json:"id"`
	Reference string `json:"reference"` // ReferenceLen characters of base32, e.g. "K7QZM4XW2A"
	Flight    int64  `json:"flight"`
	Number    string `json:"number"`
	From      string `json:"from"`
	To        string `json:"to"`
	Departs   string `json:"departs"`
	Passenger string `json:"passenger"`
	BookedAt  string `json:"booked_at"`           // UTC, RFC 3339
	Cancelled string `json:"cancelled,omitempty"` // UTC, RFC 3339; empty while the booking stands
}

// FlightQuery is the body of search and search_flights. An empty field
// matches every flight.
type FlightQuery struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	Date string `json:"date,omitempty"` // 2006-01-02
}

// Ref names one flight by id: the body of flight and get_flight.
type Ref struct {
	ID int64 `json:"id"`
}

// BookingRef names one booking by its id and proves the right to it with
// its reference: the body of booking, get_booking, cancel and
// cancel_booking. A wrong reference is answered exactly as a booking that
// does not exist (NotFound), so guessing ids learns nothing.
type BookingRef struct {
	ID        int64  `json:"id"`
	Reference string `json:"reference"`
}

// BookingRequest is the body of book and book_seat, and (without Request)
// of POST /api/bookings.
//
// Request is the request id: drawn at random once per booking the user
// means to make (a form shown, an API call), and sent unchanged with every
// attempt to make it. The data tier keeps it with the booking, and a
// book_seat with an id it has seen answers the booking made then instead
// of making another: so a tier that lost an answer may ask again, and a
// booking is made at most once however often it is sent (idempotence).
type BookingRequest struct {
	Flight    int64  `json:"flight"`
	Passenger string `json:"passenger"`
	Request   string `json:"request,omitempty"`
}

// Refusal says why a tier said no to a request it understood.
type Refusal string

// The refusals. The web tier answers them with 409, 400, 404 and 502.
const (
	Full     Refusal = "full"      // no seat left
	Invalid  Refusal = "invalid"   // the request breaks a rule (a name, a date, a departed flight)
	NotFound Refusal = "not_found" // no such flight, or no booking with this id and reference

	// Unknown is not a no but an "I do not know": the request went out to
	// the next tier, and no answer came back. It may have been done. Only
	// a write can be Unknown; asking again with the same request id (or
	// reference, for a cancellation) finds out without doing it twice.
	Unknown Refusal = "unknown"
)

// Answer is the body of every TYPE_ok reply between the tiers. Only the
// fields of the operation are set; Refused and Reason are set when the
// answer is no. Replayed says that the booking was made by an earlier
// attempt with the same request id, and this answer repeats it.
type Answer struct {
	Flights  []Flight `json:"flights,omitempty"`
	Flight   *Flight  `json:"flight,omitempty"`
	Booking  *Booking `json:"booking,omitempty"`
	Replayed bool     `json:"replayed,omitempty"`
	Refused  Refusal  `json:"refused,omitempty"`
	Reason   string   `json:"reason,omitempty"`
}

// Refuse returns a refusal answer.
func Refuse(why Refusal, format string, args ...any) Answer {
	return Answer{Refused: why, Reason: fmt.Sprintf(format, args...)}
}

// NoBooking is the answer to a booking asked for with an id and a
// reference that do not belong together, whether the id exists or not.
func NoBooking(id int64) Answer {
	return Refuse(NotFound, "there is no booking %d with this reference", id)
}

// TimeLayout is the form of Flight.Departs.
const TimeLayout = "2006-01-02T15:04"

// MaxNameLen is the longest passenger name, in characters.
const MaxNameLen = 60

// CheckPassenger says what is wrong with a passenger's name, or returns
// nil: 2 to 60 characters, letters, spaces, hyphens, apostrophes and dots
// only, beginning with a letter. O'Brien and Jean-Luc are names; a line of
// SQL or HTML is not. The rule is a business rule of the app tier: the data
// tier would store any text safely, because its SQL is parameterised.
func CheckPassenger(name string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("a passenger name is needed")
	case n < 2 || n > MaxNameLen:
		return fmt.Errorf("a passenger name has 2 to %d characters, not %d", MaxNameLen, n)
	case !unicode.IsLetter([]rune(name)[0]):
		return fmt.Errorf("a passenger name begins with a letter: %q", name)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && r != ' ' && r != '-' && r != '\'' && r != '.' {
			return fmt.Errorf("a passenger name has only letters, spaces, hyphens, apostrophes and dots, not %q in %q", r, name)
		}
	}
	return nil
}

// CheckQuery says what is wrong with a search, or returns nil.
func CheckQuery(q FlightQuery) error {
	for _, city := range []string{q.From, q.To} {
		if utf8.RuneCountInString(city) > MaxNameLen {
			return fmt.Errorf("a city name has at most %d characters", MaxNameLen)
		}
	}
	if q.Date != "" {
		if _, err := time.Parse("2006-01-02", q.Date); err != nil {
			return fmt.Errorf("a date is written YYYY-MM-DD, not %q", q.Date)
		}
	}
	return nil
}

// Normalize trims the spaces a form leaves around names.
func (q FlightQuery) Normalize() FlightQuery {
	return FlightQuery{From: strings.TrimSpace(q.From), To: strings.TrimSpace(q.To), Date: strings.TrimSpace(q.Date)}
}

// ReferenceLen is the length of a booking reference: 10 characters of the
// base32 alphabet (A to Z, 2 to 7) are 50 random bits. Someone who tries a
// thousand references a second on one booking needs some 18,000 years on
// average, and a reference is only ever checked against the booking whose
// id comes with it, so many bookings do not make the search easier.
const ReferenceLen = 10

// NewReference draws a booking reference from the operating system's
// cryptographic random source: unguessable, unlike a counter or a
// math/rand number, whose next value follows from the last ones.
func NewReference() string { return rand.Text()[:ReferenceLen] }

// NormalizeReference makes a reference as typed comparable: without the
// spaces around it, in upper case (K7qz... is K7QZ...).
func NormalizeReference(ref string) string { return strings.ToUpper(strings.TrimSpace(ref)) }

// NewRequestID draws a request id: 26 characters, 128 random bits.
func NewRequestID() string { return rand.Text() }

// The bounds of a request id.
const (
	MinRequestLen = 16
	MaxRequestLen = 64
)

// CheckRequestID says what is wrong with a request id, or returns nil: 16
// to 64 letters, digits, hyphens and underscores (a UUID is one). It must
// be long because it is as secret as a reference: whoever repeats a
// booking's request id gets that booking back.
func CheckRequestID(id string) error {
	if len(id) < MinRequestLen || len(id) > MaxRequestLen {
		return fmt.Errorf("a request id has %d to %d characters, not %d", MinRequestLen, MaxRequestLen, len(id))
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("a request id has only letters, digits, hyphens and underscores, not %q", r)
		}
	}
	return nil
}

// The message types between the tiers (on the wire; between browser or
// booker and the web tier it is HTTP, whose messages are named by method
// and path, and answered by a status code such as "201"). Each request of
// type T is answered by T+"_ok", whose body is an Answer, or by an error
// envelope.
const (
	// web tier -> app tier: the use cases.
	TypeSearch  = "search"  // FlightQuery
	TypeFlight  = "flight"  // Ref
	TypeBook    = "book"    // BookingRequest
	TypeBooking = "booking" // BookingRef
	TypeCancel  = "cancel"  // BookingRef
	// app tier -> data tier: the data operations.
	TypeSearchFlights = "search_flights" // FlightQuery
	TypeGetFlight     = "get_flight"     // Ref
	TypeBookSeat      = "book_seat"      // BookingRequest
	TypeGetBooking    = "get_booking"    // BookingRef
	TypeCancelBooking = "cancel_booking" // BookingRef
)

// Messages maps each wire message type to the type of its body, for tools
// that check names against the protocol: the catalogue's tests check that
// every type and body field a guided experiment waits for is one of these.
var Messages = map[string]any{
	TypeSearch: FlightQuery{}, TypeFlight: Ref{}, TypeBook: BookingRequest{}, TypeBooking: BookingRef{}, TypeCancel: BookingRef{},
	TypeSearchFlights: FlightQuery{}, TypeGetFlight: Ref{}, TypeBookSeat: BookingRequest{}, TypeGetBooking: BookingRef{}, TypeCancelBooking: BookingRef{},
	TypeSearch + "_ok": Answer{}, TypeFlight + "_ok": Answer{}, TypeBook + "_ok": Answer{}, TypeBooking + "_ok": Answer{}, TypeCancel + "_ok": Answer{},
	TypeSearchFlights + "_ok": Answer{}, TypeGetFlight + "_ok": Answer{}, TypeBookSeat + "_ok": Answer{}, TypeGetBooking + "_ok": Answer{}, TypeCancelBooking + "_ok": Answer{},
}
