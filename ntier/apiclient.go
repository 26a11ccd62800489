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
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// BookerConfig is how the booker runs: the flags of the program booker.
type BookerConfig struct {
	// Web is the web tier's URL, http://HOST:PORT.
	Web string
	// Timeout bounds each request to the web tier.
	Timeout time.Duration
	// App and DB are the addresses (HOST:PORT) of the tiers behind the
	// web tier, for "direct app" and "direct db" only (direct.go); empty
	// when the booker is not to try them.
	App, DB string
}

// RunBooker runs the booker: the one command of env.Args, or without one
// an interactive session that the launcher can drive with "do" lines.
func RunBooker(ctx context.Context, env *program.Env, cfg BookerConfig) error {
	if !strings.HasPrefix(cfg.Web, "http://") {
		return program.Usagef("--web must be an http:// URL, not %q", cfg.Web)
	}
	if err := checkDirect(cfg); err != nil {
		return err
	}
	b := newBooker(env.Node, cfg.Web, cfg.Timeout)
	b.node, b.app, b.db = env.Node, cfg.App, cfg.DB
	if len(env.Args) == 0 {
		s := program.Session{Prompt: "book> ", Help: bookerHelp, Run: b.command}
		return s.Loop(ctx, env)
	}
	out, err := b.command(ctx, strings.Join(env.Args, " "))
	if err == nil {
		fmt.Fprintln(env.Stdout, out)
	}
	return err
}

// httpError is an answer of the web tier's JSON API with an error status.
type httpError struct {
	Status int
	Reason string
}

func (e *httpError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Reason)
}

// booker is the client of the n-tier model: it uses the web tier's JSON
// API, as a travel agent's program or a phone app would, and its requests
// carry the trace headers, so the launcher draws them. It keeps the
// references of the bookings it made (its "wallet"), because nobody else
// will tell them. It is safe for concurrent use.
type booker struct {
	base   string
	client *http.Client
	node   *wire.Node // for direct: the booker as the wire sees it
	app    string     // for direct: the app tier's address, or ""
	db     string     // for direct: the data tier's address, or ""

	mu   sync.Mutex // guards kept
	kept []Booking  // the bookings this booker made, at most walletSize, oldest first
}

// walletSize is how many of its bookings a booker remembers.
const walletSize = 50

// bookAttempts is how often Book sends one booking at most, with the same
// request id, while the outcome stays unknown.
const bookAttempts = 3

// newBooker returns a booker of node n for the web tier at base
// (http://HOST:PORT) that waits at most timeout for an answer.
func newBooker(n *wire.Node, base string, timeout time.Duration) *booker {
	// Room for many idle connections, so a race of many bookings at once
	// does not open and close a connection for each.
	transport := &http.Transport{MaxIdleConnsPerHost: 256}
	// The timeout is the transport's, in protocol time, not the client's
	// wall-clock one: a booking watched in slow motion is not given up.
	return &booker{base: strings.TrimSuffix(base, "/"), client: &http.Client{
		Transport: &httpwire.Transport{Node: n, Base: transport, Timeout: timeout},
	}}
}

// call sends one API request with the given headers and decodes a 2xx
// answer into out; any other status comes back as an *httpError. It
// returns the answer's header.
func (b *booker) call(ctx context.Context, method, path string, header http.Header, in, out any) (http.Header, error) {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		if notSent(err) {
			return nil, fmt.Errorf("the web tier cannot be reached: %s", cause(err))
		}
		return nil, &lostAnswer{why: cause(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &lostAnswer{why: "the answer broke off: " + cause(err)}
	}
	if resp.StatusCode/100 != 2 {
		var e apiError
		if json.Unmarshal(raw, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(raw))
		}
		return resp.Header, &httpError{Status: resp.StatusCode, Reason: e.Error}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return resp.Header, fmt.Errorf("the web tier answered %s with nonsense: %w", path, err)
	}
	return resp.Header, nil
}

// lostAnswer is the failure of a request that went out to the web tier
// and got no answer: it may have been done.
type lostAnswer struct{ why string }

func (e *lostAnswer) Error() string {
	return "the web tier did not answer (" + e.why + "); the request may or may not have been done"
}

// unknownOutcome reports whether err leaves open whether a write was done:
// the web tier did not answer, or answered that it does not know (502).
func unknownOutcome(err error) bool {
	var lost *lostAnswer
	var api *httpError
	return errors.As(err, &lost) || errors.As(err, &api) && api.Status == http.StatusBadGateway
}

// search returns the flights matching q.
func (b *booker) search(ctx context.Context, q FlightQuery) ([]Flight, error) {
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
	_, err := b.call(ctx, "GET", path, nil, nil, &flights)
	return flights, err
}

// receipt is what Book learned about one booking.
type receipt struct {
	Booking  Booking
	Request  string // the request id every attempt carried
	Attempts int    // how often it was sent
	Replayed bool   // the booking was made by an earlier attempt
}

// book books a seat; a full flight is an *httpError with status 409. It
// draws a request id and sends the booking with it; while the outcome is
// unknown (no answer, or 502) it sends the same booking with the same id
// again, at most bookAttempts times in all, a moment apart: the data tier
// books a request id once, so asking again is how a client finds out. The
// booking goes into the wallet.
func (b *booker) book(ctx context.Context, flight int64, passenger string) (receipt, error) {
	r := receipt{Request: newRequestID()}
	header := http.Header{HeaderIdempotencyKey: {r.Request}}
	var err error
	for r.Attempts < bookAttempts {
		if r.Attempts > 0 {
			select {
			case <-time.After(time.Duration(r.Attempts) * 500 * time.Millisecond):
			case <-ctx.Done():
				return r, err
			}
		}
		r.Attempts++
		var h http.Header
		h, err = b.call(ctx, "POST", "/api/bookings", header, BookingRequest{Flight: flight, Passenger: passenger}, &r.Booking)
		if !unknownOutcome(err) {
			if err == nil {
				r.Replayed = h.Get(HeaderReplayed) == "true"
			}
			break
		}
	}
	if err != nil {
		return r, err
	}
	b.remember(r.Booking)
	return r, nil
}

// booking reads one booking with its reference.
func (b *booker) booking(ctx context.Context, id int64, reference string) (Booking, error) {
	var bk Booking
	_, err := b.call(ctx, "GET", "/api/bookings/"+strconv.FormatInt(id, 10), http.Header{HeaderReference: {reference}}, nil, &bk)
	return bk, err
}

// cancel cancels a booking and returns it, cancelled. Cancelling twice is
// harmless, so a cancellation whose answer was lost is simply sent again.
func (b *booker) cancel(ctx context.Context, id int64, reference string) (Booking, error) {
	var bk Booking
	var err error
	for attempt := range bookAttempts {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
			case <-ctx.Done():
				return bk, err
			}
		}
		_, err = b.call(ctx, "DELETE", "/api/bookings/"+strconv.FormatInt(id, 10), http.Header{HeaderReference: {reference}}, nil, &bk)
		if !unknownOutcome(err) {
			break
		}
	}
	return bk, err
}

// remember puts a booking into the wallet, forgetting the oldest when it
// is full.
func (b *booker) remember(bk Booking) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.kept) == walletSize {
		b.kept = slices.Delete(b.kept, 0, 1)
	}
	b.kept = append(b.kept, bk)
}

// wallet returns the bookings this booker made, oldest first, as they
// were made.
func (b *booker) wallet() []Booking {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.kept)
}

// reference is the reference of booking id for the command verb: the one
// given, or the one in the wallet.
func (b *booker) reference(verb string, id int64, given []string) (string, error) {
	if len(given) == 1 {
		return given[0], nil
	}
	for _, bk := range b.wallet() {
		if bk.ID == id {
			return bk.Reference, nil
		}
	}
	return "", program.Usagef("booking %d was not made here; give its reference too (%s %d REFERENCE)", id, verb, id)
}

// raceResult counts the answers of a race.
type raceResult struct {
	Booked, Full, Failed int
	// FirstFailure is the first failure to arrive; nil when none failed.
	FirstFailure error
}

// race sends n bookings for one flight at the same moment, each for
// another passenger, and counts the answers: however many race, no more
// are booked than there were free seats.
func (b *booker) race(ctx context.Context, flight int64, n int) raceResult {
	var (
		mu  sync.Mutex // guards res
		res raceResult
		wg  sync.WaitGroup
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := b.raceOnce(ctx, flight, racerName(i))
			mu.Lock()
			defer mu.Unlock()
			var api *httpError
			switch {
			case err == nil:
				res.Booked++
			case errors.As(err, &api) && api.Status == http.StatusConflict:
				res.Full++
			default:
				res.Failed++
				if res.FirstFailure == nil {
					res.FirstFailure = err
				}
			}
		})
	}
	close(start)
	wg.Wait()
	return res
}

// racerName is the name of the i-th passenger of a race: "Racer A",
// "Racer B", ... "Racer AA", valid names without digits.
func racerName(i int) string {
	var s []byte
	for i++; i > 0; i = (i - 1) / 26 {
		s = append([]byte{byte('A' + (i-1)%26)}, s...)
	}
	return "Racer " + string(s)
}

// raceOnce books once for another passenger: one attempt, and nothing goes
// into the wallet, since the racers stand for many other clients.
func (b *booker) raceOnce(ctx context.Context, flight int64, passenger string) (Booking, error) {
	var bk Booking
	header := http.Header{HeaderIdempotencyKey: {newRequestID()}}
	_, err := b.call(ctx, "POST", "/api/bookings", header, BookingRequest{Flight: flight, Passenger: passenger}, &bk)
	return bk, err
}

// bookerHelp lists the booker's commands.
const bookerHelp = "commands: search [FROM [TO [DATE]]] | book FLIGHT NAME | booking ID [REF] | cancel ID [REF] | mine | race FLIGHT N | direct app|db | help | quit"

// command runs one command line and returns what to print.
func (b *booker) command(ctx context.Context, line string) (string, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return "", program.Usagef("no command; %s", bookerHelp)
	}
	verb, args := fields[0], fields[1:]
	switch {
	case verb == "search" && len(args) <= 3:
		var q FlightQuery
		args = append(args, "", "", "") // the fields not given match any flight
		q.From, q.To, q.Date = args[0], args[1], args[2]
		flights, err := b.search(ctx, q)
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
		r, err := b.book(ctx, id, strings.Join(args[1:], " "))
		if err != nil {
			if unknownOutcome(err) {
				return "", fmt.Errorf("%w (asked %d times with request id %s; asking again with it later tells)", err, r.Attempts, r.Request)
			}
			return "", err
		}
		bk := r.Booking
		out := fmt.Sprintf("booked: booking %d, reference %s, %s on %s %s -> %s %s", bk.ID, bk.Reference, bk.Passenger, bk.Number, bk.From, bk.To, bk.Departs)
		if r.Replayed {
			out += fmt.Sprintf(" (made by an earlier attempt: sent %d times with request id %s, booked once)", r.Attempts, r.Request)
		}
		return out, nil
	case (verb == "booking" || verb == "cancel") && (len(args) == 1 || len(args) == 2):
		id, err := parseID(args[0], "booking")
		if err != nil {
			return "", err
		}
		ref, err := b.reference(verb, id, args[1:])
		if err != nil {
			return "", err
		}
		if verb == "cancel" {
			bk, err := b.cancel(ctx, id, ref)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("cancelled: booking %d, %s on %s (at %s)", bk.ID, bk.Passenger, bk.Number, bk.Cancelled), nil
		}
		bk, err := b.booking(ctx, id, ref)
		if err != nil {
			return "", err
		}
		return describe(bk), nil
	case verb == "mine" && len(args) == 0:
		wallet := b.wallet()
		if len(wallet) == 0 {
			return "no bookings made here yet", nil
		}
		lines := make([]string, len(wallet))
		for i, kept := range wallet {
			bk, err := b.booking(ctx, kept.ID, kept.Reference)
			if err != nil {
				return "", err
			}
			lines[i] = describe(bk)
		}
		return strings.Join(lines, "\n"), nil
	case verb == "direct" && len(args) == 1:
		return b.direct(ctx, args[0])
	case verb == "race" && len(args) == 2:
		id, err := parseID(args[0], "flight")
		if err != nil {
			return "", err
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 || n > 1000 {
			return "", program.Usagef("race needs 1 to 1000 passengers, not %q", args[1])
		}
		r := b.race(ctx, id, n)
		out := fmt.Sprintf("race for flight %d with %d passengers: %d booked, %d told the flight is full, %d failed", id, n, r.Booked, r.Full, r.Failed)
		if r.Failed == n {
			// Not one answer from the system: a load run that only failed
			// is a failure, whatever it counted, and the exit code says so.
			return "", fmt.Errorf("%s; every booking failed, the first with: %w", out, r.FirstFailure)
		}
		return out, nil
	}
	return "", program.Usagef("cannot do %q; %s", line, bookerHelp)
}

// describe is one line about a booking.
func describe(bk Booking) string {
	s := fmt.Sprintf("booking %d, reference %s: %s on %s %s -> %s %s", bk.ID, bk.Reference, bk.Passenger, bk.Number, bk.From, bk.To, bk.Departs)
	if bk.Cancelled != "" {
		s += ", cancelled at " + bk.Cancelled
	}
	return s
}

func parseID(s, what string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, program.Usagef("a %s is given by its number, not %q", what, s)
	}
	return id, nil
}
