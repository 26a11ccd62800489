package ntier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// APIError is an answer of the web tier's JSON API with an error status.
type APIError struct {
	Status int
	Reason string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Reason)
}

// Booker is the client of the n-tier model: it uses the web tier's JSON
// API, as a travel agent's program or a phone app would, and its requests
// carry the trace headers, so the launcher draws them. It is safe for
// concurrent use.
type Booker struct {
	base   string
	client *http.Client
}

// NewBooker returns a booker of node n for the web tier at base
// (http://HOST:PORT) that waits at most timeout for an answer.
func NewBooker(n *wire.Node, base string, timeout time.Duration) *Booker {
	// Room for many idle connections, so a race of many bookings at once
	// does not open and close a connection for each.
	transport := &http.Transport{MaxIdleConnsPerHost: 256}
	return &Booker{base: strings.TrimSuffix(base, "/"), client: &http.Client{
		Timeout:   timeout,
		Transport: &httpwire.Transport{Node: n, Base: transport},
	}}
}

// call sends one API request and decodes a 2xx answer into out; any other
// status comes back as an *APIError.
func (b *Booker) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("the web tier cannot be reached: %s", Cause(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("the answer broke off: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var e apiError
		if json.Unmarshal(raw, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(raw))
		}
		return &APIError{Status: resp.StatusCode, Reason: e.Error}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("the web tier answered %s with nonsense: %w", path, err)
	}
	return nil
}

// Search returns the flights matching q.
func (b *Booker) Search(ctx context.Context, q FlightQuery) ([]Flight, error) {
	v := url.Values{}
	for k, s := range map[string]string{"from": q.From, "to": q.To, "date": q.Date} {
		if s != "" {
			v.Set(k, s)
		}
	}
	path := "/api/flights"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var flights []Flight
	err := b.call(ctx, "GET", path, nil, &flights)
	return flights, err
}

// Book books a seat; a full flight is an *APIError with status 409.
func (b *Booker) Book(ctx context.Context, flight int64, passenger string) (Booking, error) {
	var bk Booking
	err := b.call(ctx, "POST", "/api/bookings", BookingRequest{Flight: flight, Passenger: passenger}, &bk)
	return bk, err
}

// Cancel cancels a booking and returns it as it was.
func (b *Booker) Cancel(ctx context.Context, id int64) (Booking, error) {
	var bk Booking
	err := b.call(ctx, "DELETE", "/api/bookings/"+strconv.FormatInt(id, 10), nil, &bk)
	return bk, err
}

// Bookings returns a passenger's bookings.
func (b *Booker) Bookings(ctx context.Context, passenger string) ([]Booking, error) {
	var bookings []Booking
	err := b.call(ctx, "GET", "/api/bookings?"+url.Values{"passenger": {passenger}}.Encode(), nil, &bookings)
	return bookings, err
}

// RaceResult counts the answers of a race.
type RaceResult struct {
	Booked, Full, Failed int
}

// Race sends n bookings for one flight at the same moment, each for
// another passenger, and counts the answers: however many race, no more
// are booked than there were free seats.
func (b *Booker) Race(ctx context.Context, flight int64, n int) RaceResult {
	var (
		mu  sync.Mutex // guards res
		res RaceResult
		wg  sync.WaitGroup
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := b.Book(ctx, flight, RacerName(i))
			mu.Lock()
			defer mu.Unlock()
			var api *APIError
			switch {
			case err == nil:
				res.Booked++
			case errors.As(err, &api) && api.Status == http.StatusConflict:
				res.Full++
			default:
				res.Failed++
			}
		})
	}
	close(start)
	wg.Wait()
	return res
}

// RacerName is the name of the i-th passenger of a race: "Racer A",
// "Racer B", ... "Racer AA", valid names without digits.
func RacerName(i int) string {
	var s []byte
	for i++; i > 0; i = (i - 1) / 26 {
		s = append([]byte{byte('A' + (i-1)%26)}, s...)
	}
	return "Racer " + string(s)
}

// BookerHelp lists the booker's commands.
const BookerHelp = "commands: search [FROM [TO [DATE]]] | book FLIGHT NAME | cancel BOOKING | bookings NAME | race FLIGHT N | help | quit"

// Command runs one command line and returns what to print.
func (b *Booker) Command(ctx context.Context, line string) (string, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return "", program.Usagef("no command; %s", BookerHelp)
	}
	verb, args := fields[0], fields[1:]
	switch {
	case verb == "search" && len(args) <= 3:
		var q FlightQuery
		args = append(args, "", "", "") // the fields not given match any flight
		q.From, q.To, q.Date = args[0], args[1], args[2]
		flights, err := b.Search(ctx, q)
		if err != nil {
			return "", err
		}
		if len(flights) == 0 {
			return "no flights found", nil
		}
		lines := make([]string, len(flights))
		for i, f := range flights {
			lines[i] = fmt.Sprintf("flight %d: %s %s -> %s %s, %d of %d seats free", f.ID, f.Number, f.From, f.To, f.Departs, f.Free, f.Seats)
		}
		return strings.Join(lines, "\n"), nil
	case verb == "book" && len(args) >= 2:
		id, err := parseID(args[0], "flight")
		if err != nil {
			return "", err
		}
		bk, err := b.Book(ctx, id, strings.Join(args[1:], " "))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("booked: booking %d, %s on %s %s -> %s %s", bk.ID, bk.Passenger, bk.Number, bk.From, bk.To, bk.Departs), nil
	case verb == "cancel" && len(args) == 1:
		id, err := parseID(args[0], "booking")
		if err != nil {
			return "", err
		}
		bk, err := b.Cancel(ctx, id)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("cancelled: booking %d, %s on %s", bk.ID, bk.Passenger, bk.Number), nil
	case verb == "bookings" && len(args) >= 1:
		name := strings.Join(args, " ")
		bookings, err := b.Bookings(ctx, name)
		if err != nil {
			return "", err
		}
		if len(bookings) == 0 {
			return name + " has no bookings", nil
		}
		lines := make([]string, len(bookings))
		for i, bk := range bookings {
			lines[i] = fmt.Sprintf("booking %d: %s %s -> %s %s", bk.ID, bk.Number, bk.From, bk.To, bk.Departs)
		}
		return strings.Join(lines, "\n"), nil
	case verb == "race" && len(args) == 2:
		id, err := parseID(args[0], "flight")
		if err != nil {
			return "", err
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 || n > 1000 {
			return "", program.Usagef("race needs 1 to 1000 passengers, not %q", args[1])
		}
		r := b.Race(ctx, id, n)
		return fmt.Sprintf("race for flight %d with %d passengers: %d booked, %d told the flight is full, %d failed", id, n, r.Booked, r.Full, r.Failed), nil
	}
	return "", program.Usagef("cannot do %q; %s", line, BookerHelp)
}

func parseID(s, what string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, program.Usagef("a %s is given by its number, not %q", what, s)
	}
	return id, nil
}

// Session is the booker's interactive session, which the launcher drives
// with "do" lines.
func (b *Booker) Session(ctx context.Context, env *program.Env) error {
	s := program.Session{Prompt: "book> ", Help: BookerHelp, Run: b.Command}
	return s.Loop(ctx, env)
}
