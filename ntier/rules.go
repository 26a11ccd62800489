package ntier

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The business rules: what the app tier checks before it asks the data
// tier, and the request id every booking carries through the tiers.

// timeLayout is the form of Flight.Departs.
const timeLayout = "2006-01-02T15:04"

// maxNameLen is the longest passenger name, in characters.
const maxNameLen = 60

// checkPassenger says what is wrong with a passenger's name, or returns
// nil: 2 to 60 characters, letters, spaces, hyphens, apostrophes and dots
// only, beginning with a letter. O'Brien and Jean-Luc are names; a line of
// SQL or HTML is not. The rule is a business rule of the app tier: the data
// tier would store any text safely, because its SQL is parameterised.
func checkPassenger(name string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("a passenger name is needed")
	case n < 2 || n > maxNameLen:
		return fmt.Errorf("a passenger name has 2 to %d characters, not %d", maxNameLen, n)
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

// checkQuery says what is wrong with a search, or returns nil.
func checkQuery(q FlightQuery) error {
	for _, city := range []string{q.From, q.To} {
		if utf8.RuneCountInString(city) > maxNameLen {
			return fmt.Errorf("a city name has at most %d characters", maxNameLen)
		}
	}
	if q.Date != "" {
		if _, err := time.Parse("2006-01-02", q.Date); err != nil {
			return fmt.Errorf("a date is written YYYY-MM-DD, not %q", q.Date)
		}
	}
	return nil
}

// normalize trims the spaces a form leaves around names.
func (q FlightQuery) normalize() FlightQuery {
	return FlightQuery{From: strings.TrimSpace(q.From), To: strings.TrimSpace(q.To), Date: strings.TrimSpace(q.Date)}
}

// normalizeReference makes a reference as typed comparable: without the
// spaces around it, in upper case (K7qz... is K7QZ...).
func normalizeReference(ref string) string { return strings.ToUpper(strings.TrimSpace(ref)) }

// newRequestID draws a request id: 26 characters, 128 random bits.
func newRequestID() string { return rand.Text() }

// The bounds of a request id.
const (
	minRequestLen = 16
	maxRequestLen = 64
)

// checkRequestID says what is wrong with a request id, or returns nil: 16
// to 64 letters, digits, hyphens and underscores (a UUID is one). It must
// be long because it is as secret as a reference: whoever repeats a
// booking's request id gets that booking back.
func checkRequestID(id string) error {
	if len(id) < minRequestLen || len(id) > maxRequestLen {
		return fmt.Errorf("a request id has %d to %d characters, not %d", minRequestLen, maxRequestLen, len(id))
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("a request id has only letters, digits, hyphens and underscores, not %q", r)
		}
	}
	return nil
}
