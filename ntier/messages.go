package ntier

import "fmt"

// The message types between the tiers, on the wire (models/wire). Each
// request of type T is answered by T_ok, whose body is an Answer, or by an
// error envelope when the tier could not do its job at all. The web tier
// sends the use cases to an app tier instance; the app tier sends the data
// operations to the data tier. Between the booker (or a browser) and the
// web tier it is HTTP, whose messages are named by method and path and
// answered by a status code such as "201" (see the web tier's routes).
const (
	// web tier -> app tier: the use cases.
	TypeSearch  = "search"  // FlightQuery -> Answer.Flights
	TypeFlight  = "flight"  // Ref -> Answer.Flight
	TypeBook    = "book"    // BookingRequest -> Answer.Booking, or Refused full, invalid, not_found, unknown
	TypeBooking = "booking" // BookingRef -> Answer.Booking, or Refused not_found
	TypeCancel  = "cancel"  // BookingRef -> Answer.Booking (cancelled), or Refused

	// app tier -> data tier: the data operations.
	TypeSearchFlights = "search_flights" // FlightQuery -> Answer.Flights
	TypeGetFlight     = "get_flight"     // Ref -> Answer.Flight
	TypeBookSeat      = "book_seat"      // BookingRequest -> Answer.Booking (Replayed when its request id booked before), or Refused full
	TypeGetBooking    = "get_booking"    // BookingRef -> Answer.Booking, or Refused not_found
	TypeCancelBooking = "cancel_booking" // BookingRef -> Answer.Booking (cancelled)

	TypeSearchOK        = TypeSearch + "_ok"
	TypeFlightOK        = TypeFlight + "_ok"
	TypeBookOK          = TypeBook + "_ok"
	TypeBookingOK       = TypeBooking + "_ok"
	TypeCancelOK        = TypeCancel + "_ok"
	TypeSearchFlightsOK = TypeSearchFlights + "_ok"
	TypeGetFlightOK     = TypeGetFlight + "_ok"
	TypeBookSeatOK      = TypeBookSeat + "_ok"
	TypeGetBookingOK    = TypeGetBooking + "_ok"
	TypeCancelBookingOK = TypeCancelBooking + "_ok"
)

// Messages maps each wire message type to the type of its body, for tools
// that check names against the protocol: the catalogue's tests check that
// every type and body field a guided experiment waits for is one of these.
var Messages = map[string]any{
	TypeSearch: FlightQuery{}, TypeFlight: Ref{}, TypeBook: BookingRequest{}, TypeBooking: BookingRef{}, TypeCancel: BookingRef{},
	TypeSearchFlights: FlightQuery{}, TypeGetFlight: Ref{}, TypeBookSeat: BookingRequest{}, TypeGetBooking: BookingRef{}, TypeCancelBooking: BookingRef{},
	TypeSearchOK: Answer{}, TypeFlightOK: Answer{}, TypeBookOK: Answer{}, TypeBookingOK: Answer{}, TypeCancelOK: Answer{},
	TypeSearchFlightsOK: Answer{}, TypeGetFlightOK: Answer{}, TypeBookSeatOK: Answer{}, TypeGetBookingOK: Answer{}, TypeCancelBookingOK: Answer{},
}

// MaxBody is the largest request body the web tier reads, in bytes: a
// booking is a few dozen bytes, and a bigger body is refused with 413.
const MaxBody = 8 << 10

// The headers of the web tier's JSON API beyond HTTP's own.
const (
	// HeaderIdempotencyKey carries the request id of POST /api/bookings:
	// a client that sends the same booking again (its answer was lost)
	// sends the same key, and gets the booking the first one made. Without
	// it the web tier draws one for the request. Every answer to a booking
	// names the key, so a client learns the one drawn for it.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderReplayed is "true" on a 201 whose booking was made by an
	// earlier request with the same key.
	HeaderReplayed = "Idempotent-Replayed"
	// HeaderReference carries a booking's reference to GET and DELETE
	// /api/bookings/{id}. It is a header, not part of the URL, because URLs
	// end up in logs and browser histories.
	HeaderReference = "Booking-Reference"
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

// ReferenceLen is the length of a booking reference: 10 characters of the
// base32 alphabet (A to Z, 2 to 7) are 50 random bits. Someone who tries a
// thousand references a second on one booking needs some 18,000 years on
// average, and a reference is only ever checked against the booking whose
// id comes with it, so many bookings do not make the search easier.
const ReferenceLen = 10
