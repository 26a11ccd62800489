package ntier

import (
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
type Booking struct {
	ID        int64  `json:"id"`
	Flight    int64  `json:"flight"`
	Number    string `json:"number"`
	From      string `json:"from"`
	To        string `json:"to"`
	Departs   string `json:"departs"`
	Passenger string `json:"passenger"`
	BookedAt  string `json:"booked_at"` // UTC, RFC 3339
}

// FlightQuery is the body of search and search_flights. An empty field
// matches every flight.
type FlightQuery struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	Date string `json:"date,omitempty"` // 2006-01-02
}

// Ref names one flight or booking by id: the body of flight, get_flight,
// booking, get_booking, cancel and cancel_booking.
type Ref struct {
	ID int64 `json:"id"`
}

// BookingRequest is the body of book and book_seat, and of POST /api/bookings.
type BookingRequest struct {
	Flight    int64  `json:"flight"`
	Passenger string `json:"passenger"`
}

// PassengerRef is the body of bookings and list_bookings.
type PassengerRef struct {
	Passenger string `json:"passenger"`
}

// Refusal says why a tier said no to a request it understood.
type Refusal string

// The refusals. The web tier answers them with 409, 400 and 404.
const (
	Full     Refusal = "full"      // no seat left
	Invalid  Refusal = "invalid"   // the request breaks a rule (a name, a date, a departed flight)
	NotFound Refusal = "not_found" // no such flight or booking
)

// Answer is the body of every TYPE_ok reply between the tiers. Only the
// fields of the operation are set; Refused and Reason are set when the
// answer is no.
type Answer struct {
	Flights  []Flight  `json:"flights,omitempty"`
	Flight   *Flight   `json:"flight,omitempty"`
	Booking  *Booking  `json:"booking,omitempty"`
	Bookings []Booking `json:"bookings,omitempty"`
	Refused  Refusal   `json:"refused,omitempty"`
	Reason   string    `json:"reason,omitempty"`
}

// Refuse returns a refusal answer.
func Refuse(why Refusal, format string, args ...any) Answer {
	return Answer{Refused: why, Reason: fmt.Sprintf(format, args...)}
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
