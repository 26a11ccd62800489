package ntier

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
)

// WebConfig is how the web tier runs: the flags of the program web.
type WebConfig struct {
	// Apps are the app tier instances, asked in turn; one that fails is
	// skipped for the next.
	Apps []string
	// Timeout is how long the web tier waits for one app instance.
	Timeout time.Duration
}

// RunWeb runs the web tier on env's listener until ctx ends: HTML pages
// for a browser and a JSON API for curl and the booker, made from what the
// app tier instances answer.
func RunWeb(ctx context.Context, env *program.Env, cfg WebConfig) error {
	if len(cfg.Apps) == 0 {
		return program.Usagef("--app needs at least one address")
	}
	if cfg.Timeout <= 0 {
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	}
	apps := newBalancer(env.Node, cfg.Apps, cfg.Timeout)
	defer apps.close()
	return httpwire.Serve(ctx, env.Node, env.Listener, newWebTier(apps))
}

//go:embed templates/*.html
var templateFiles embed.FS

// webTier is the presentation tier: HTML pages for a browser and the same
// as JSON for curl and the booker, both made from the app tier's answers.
// It holds no rules: whatever it shows, it was told by the app tier.
//
//	GET  /                        search form and every flight
//	GET  /flights?from=&to=&date  search results
//	GET  /flights/{id}            a flight and its booking form (with a new request id)
//	POST /bookings                book (form: flight, passenger, request): the booking and its reference
//	GET  /bookings                the form to look up a booking by number and reference
//	POST /bookings/find           a booking (form: id, reference) and its cancel form
//	POST /bookings/{id}/cancel    cancel (form: reference)
//
//	GET    /api/flights           [{"id":7,"number":"DS 440",...,"free":50}]
//	GET    /api/flights/{id}
//	POST   /api/bookings          {"flight":7,"passenger":"Ada Lovelace"} -> 201 with the booking and its reference, 409 when full
//	GET    /api/bookings/{id}     with Booking-Reference: REF
//	DELETE /api/bookings/{id}     with Booking-Reference: REF -> 200 with the booking, cancelled
//
// Who may do what. A booking is read and cancelled with its id and its
// reference, which only the one who booked was told; an id with a wrong or
// no reference is 404, exactly as an id that does not exist. Nobody lists
// bookings: a passenger's name is no secret, so a list by name would show
// anybody's references. Every form that POSTs carries a CSRF token (see
// csrfGuard), and a form without the right one is 403. POST /api/bookings
// needs Content-Type: application/json (415 otherwise): a page on another
// site can make a browser send a form, or text/plain, here without asking,
// but to send JSON, DELETE or a Booking-Reference header its script must
// first ask with a CORS preflight, which this web tier never allows.
//
// Errors are pages (or {"error": "..."} in the API) with the status: 400
// for a request against the rules, 403 for a form without its token, 404
// for no such flight or booking, 409 for a full flight, 413 for a body
// over MaxBody, 415 for API bodies that are not JSON, 503 with the reason
// when the app tier (or, behind it, the data tier) cannot be reached.
// A booking or cancellation that went out and got no answer is 502
// "the outcome is unknown", with the request id to send it again with:
// never 503, because the seat may have been sold.
type webTier struct {
	apps  *balancer
	csrf  *csrfGuard
	pages map[string]*template.Template // by file name, each with the layout
	mux   *http.ServeMux
}

// newWebTier returns the web tier that asks apps.
func newWebTier(apps *balancer) *webTier {
	w := &webTier{apps: apps, csrf: newCSRFGuard(), pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	layout := template.Must(template.ParseFS(templateFiles, "templates/layout.html"))
	names, _ := templateFiles.ReadDir("templates")
	for _, f := range names {
		if f.Name() != "layout.html" {
			w.pages[f.Name()] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, "templates/"+f.Name()))
		}
	}
	m := w.mux
	m.HandleFunc("GET /{$}", w.index)
	m.HandleFunc("GET /flights", w.results)
	m.HandleFunc("GET /flights/{id}", w.flight)
	m.HandleFunc("POST /bookings", w.book)
	m.HandleFunc("GET /bookings", w.lookup)
	m.HandleFunc("POST /bookings/find", w.find)
	m.HandleFunc("POST /bookings/{id}/cancel", w.cancel)

	m.HandleFunc("GET /api/flights", w.apiFlights)
	m.HandleFunc("GET /api/flights/{id}", w.apiFlight)
	m.HandleFunc("POST /api/bookings", w.apiBook)
	m.HandleFunc("GET /api/bookings", w.apiNoList)
	m.HandleFunc("GET /api/bookings/{id}", w.apiBooking)
	m.HandleFunc("DELETE /api/bookings/{id}", w.apiCancel)
	return w
}

func (w *webTier) ServeHTTP(rw http.ResponseWriter, r *http.Request) { w.mux.ServeHTTP(rw, r) }

// The operations the web tier asks the app tier for. Only book and cancel
// change anything; all of them may be sent to another instance when one
// fails (see balancer.ask).
func (w *webTier) search(ctx context.Context, q FlightQuery) (Answer, error) {
	return w.apps.ask(ctx, TypeSearch, q, false)
}

func (w *webTier) getFlight(ctx context.Context, id int64) (Answer, error) {
	return w.apps.ask(ctx, TypeFlight, Ref{ID: id}, false)
}

func (w *webTier) bookSeat(ctx context.Context, b BookingRequest) (Answer, error) {
	return w.apps.ask(ctx, TypeBook, b, true)
}

func (w *webTier) getBooking(ctx context.Context, r BookingRef) (Answer, error) {
	return w.apps.ask(ctx, TypeBooking, r, false)
}

func (w *webTier) cancelBooking(ctx context.Context, r BookingRef) (Answer, error) {
	return w.apps.ask(ctx, TypeCancel, r, true)
}

// status is the HTTP status for an answer that is a refusal or a failure,
// with the sentence that explains it; 0 when the answer is a yes.
func status(a Answer, err error) (int, string) {
	var tier *tierError
	switch {
	case errors.As(err, &tier):
		return http.StatusServiceUnavailable, tier.Reason
	case err != nil:
		return http.StatusInternalServerError, err.Error()
	case a.Refused == Full:
		return http.StatusConflict, a.Reason
	case a.Refused == Invalid:
		return http.StatusBadRequest, a.Reason
	case a.Refused == NotFound:
		return http.StatusNotFound, a.Reason
	case a.Refused == Unknown:
		return http.StatusBadGateway, "The outcome is unknown: " + a.Reason + "."
	case a.Refused != "":
		return http.StatusInternalServerError, fmt.Sprintf("the app tier refused with %q: %s", a.Refused, a.Reason)
	}
	return 0, ""
}

// The second sentence of an unknown outcome: how to learn it.
const (
	bookAgain   = " Check your bookings: send the same booking again with request id %s (it is never booked twice, and the answer is the booking if there is one)."
	cancelAgain = " Check your booking: cancel it again with its reference (cancelling twice is harmless)."
)

// pathID reads the {id} of the path.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("an id is a number from 1 up, not %q", r.PathValue("id"))
	}
	return id, nil
}

func queryOf(r *http.Request) FlightQuery {
	v := r.URL.Query()
	return FlightQuery{From: v.Get("from"), To: v.Get("to"), Date: v.Get("date")}
}

// bodyError is the status and sentence for a body that could not be read.
func bodyError(err error) (int, string) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit)
	}
	return http.StatusBadRequest, err.Error()
}

// requestID is the request id a client gave (in a form field or the
// Idempotency-Key header), checked, or a new one when it gave none.
func requestID(given string) (string, error) {
	if given == "" {
		return newRequestID(), nil
	}
	return given, checkRequestID(given)
}

// ---- HTML pages ----

// page is what every template gets; each page uses the fields it needs.
type page struct {
	Title    string
	Query    FlightQuery
	Flights  []Flight
	Flight   *Flight
	Booking  *Booking
	Replayed bool            // the booking was made by an earlier sending of the same form
	Request  string          // the request id of the booking form
	Retry    *BookingRequest // a booking whose outcome is unknown, to send again
	CSRF     string          // the token of every form that POSTs
	Status   int
	Error    string
}

// render writes a page. It renders into a buffer first, so a template
// error becomes a clean 500 rather than half a page. No page is stored by
// the browser (a booking page shows its reference), and no page may be
// shown inside another site's frame, where a hidden cancel button could
// be clicked by a visitor who thinks they click something else.
func (w *webTier) render(rw http.ResponseWriter, r *http.Request, code int, name string, p page) {
	p.CSRF = w.csrf.token(rw, r)
	var buf bytes.Buffer
	if err := w.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		http.Error(rw, "the page "+name+" cannot be shown: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	rw.WriteHeader(code)
	buf.WriteTo(rw)
}

func (w *webTier) errorPage(rw http.ResponseWriter, r *http.Request, code int, reason string) {
	w.render(rw, r, code, "error.html", page{Title: http.StatusText(code), Status: code, Error: reason})
}

// errEmpty is the failure of an answer that lacks what was asked for.
var errEmpty = errors.New("the app tier's answer lacks what was asked for")

// answered shows the error page for a refusal or failure and reports
// whether it did.
func (w *webTier) answered(rw http.ResponseWriter, r *http.Request, a Answer, err error) bool {
	code, reason := status(a, err)
	if code != 0 {
		w.errorPage(rw, r, code, reason)
	}
	return code != 0
}

// form reads a POSTed form, at most MaxBody, and checks its CSRF token.
// When either fails it shows the error page and returns false.
func (w *webTier) form(rw http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(rw, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		code, reason := bodyError(err)
		w.errorPage(rw, r, code, reason)
		return false
	}
	if !w.csrf.check(r) {
		w.errorPage(rw, r, http.StatusForbidden, "This form does not carry the token of this site's pages: it was sent from another site "+
			"(cross-site request forgery), or the page is older than the web tier's last start. Reload the page and send it again.")
		return false
	}
	return true
}

func (w *webTier) index(rw http.ResponseWriter, r *http.Request) {
	a, err := w.search(r.Context(), FlightQuery{})
	if w.answered(rw, r, a, err) {
		return
	}
	w.render(rw, r, http.StatusOK, "index.html", page{Title: "Flights", Flights: a.Flights})
}

func (w *webTier) results(rw http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	a, err := w.search(r.Context(), q)
	if w.answered(rw, r, a, err) {
		return
	}
	w.render(rw, r, http.StatusOK, "results.html", page{Title: "Search results", Query: q, Flights: a.Flights})
}

// flight shows a flight and its booking form. The form gets a new request
// id each time it is shown, so sending it twice (a double click, a reload
// of the answer) books once, while a booking form shown again books again.
func (w *webTier) flight(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		w.errorPage(rw, r, http.StatusBadRequest, err.Error())
		return
	}
	a, err := w.getFlight(r.Context(), id)
	if err == nil && a.Refused == "" && a.Flight == nil {
		err = errEmpty
	}
	if w.answered(rw, r, a, err) {
		return
	}
	w.render(rw, r, http.StatusOK, "flight.html", page{Title: "Flight " + a.Flight.Number, Flight: a.Flight, Request: newRequestID()})
}

// book shows the booking with its reference right in the answer to the
// POST: a reference must not travel in a URL, so there is no redirect to
// a page of the booking. Reloading the answer sends the same form again,
// which the request id makes harmless.
func (w *webTier) book(rw http.ResponseWriter, r *http.Request) {
	if !w.form(rw, r) {
		return
	}
	flight, err := strconv.ParseInt(r.PostForm.Get("flight"), 10, 64)
	if err != nil {
		w.errorPage(rw, r, http.StatusBadRequest, fmt.Sprintf("a flight is a number, not %q", r.PostForm.Get("flight")))
		return
	}
	req := BookingRequest{Flight: flight, Passenger: r.PostForm.Get("passenger")}
	if req.Request, err = requestID(r.PostForm.Get("request")); err != nil {
		w.errorPage(rw, r, http.StatusBadRequest, err.Error())
		return
	}
	a, err := w.bookSeat(r.Context(), req)
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if code, reason := status(a, err); a.Refused == Unknown {
		w.render(rw, r, code, "error.html", page{Title: "Outcome unknown", Status: code,
			Error: reason + fmt.Sprintf(bookAgain, req.Request), Retry: &req})
		return
	}
	if w.answered(rw, r, a, err) {
		return
	}
	w.render(rw, r, http.StatusOK, "booking.html", page{Title: "Booking confirmed", Booking: a.Booking, Replayed: a.Replayed})
}

func (w *webTier) lookup(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, http.StatusOK, "bookings.html", page{Title: "My booking"})
}

// formRef reads the booking a form names: id from the path or the form,
// and the reference.
func formRef(r *http.Request) (BookingRef, error) {
	s := r.PathValue("id")
	if s == "" {
		s = r.PostForm.Get("id")
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return BookingRef{}, fmt.Errorf("a booking number is a number from 1 up, not %q", s)
	}
	return BookingRef{ID: id, Reference: r.PostForm.Get("reference")}, nil
}

func (w *webTier) find(rw http.ResponseWriter, r *http.Request) {
	if !w.form(rw, r) {
		return
	}
	ref, err := formRef(r)
	if err != nil {
		w.errorPage(rw, r, http.StatusBadRequest, err.Error())
		return
	}
	a, err := w.getBooking(r.Context(), ref)
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if w.answered(rw, r, a, err) {
		return
	}
	w.render(rw, r, http.StatusOK, "booking.html", page{Title: "Booking " + strconv.FormatInt(a.Booking.ID, 10), Booking: a.Booking})
}

func (w *webTier) cancel(rw http.ResponseWriter, r *http.Request) {
	if !w.form(rw, r) {
		return
	}
	ref, err := formRef(r)
	if err != nil {
		w.errorPage(rw, r, http.StatusBadRequest, err.Error())
		return
	}
	a, err := w.cancelBooking(r.Context(), ref)
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if code, reason := status(a, err); a.Refused == Unknown {
		w.errorPage(rw, r, code, reason+cancelAgain)
		return
	}
	if w.answered(rw, r, a, err) {
		return
	}
	w.render(rw, r, http.StatusOK, "cancelled.html", page{Title: "Booking cancelled", Booking: a.Booking})
}

// ---- JSON API ----

func writeJSON(rw http.ResponseWriter, code int, v any) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	json.NewEncoder(rw).Encode(v)
}

// apiError is the body of every API error. Request is set when the
// outcome of a booking is unknown: the request id to send it again with.
type apiError struct {
	Error   string `json:"error"`
	Request string `json:"request,omitempty"`
}

// apiAnswer writes the refusal or failure, if any, and reports whether it did.
func apiAnswer(rw http.ResponseWriter, a Answer, err error) bool {
	code, reason := status(a, err)
	if code != 0 {
		writeJSON(rw, code, apiError{Error: reason})
	}
	return code != 0
}

func (w *webTier) apiFlights(rw http.ResponseWriter, r *http.Request) {
	a, err := w.search(r.Context(), queryOf(r))
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, nonNil(a.Flights))
	}
}

func (w *webTier) apiFlight(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	a, err := w.getFlight(r.Context(), id)
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, a.Flight)
	}
}

// isJSON reports whether r's body is declared as JSON.
func isJSON(r *http.Request) bool {
	t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && t == "application/json"
}

func (w *webTier) apiBook(rw http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		writeJSON(rw, http.StatusUnsupportedMediaType, apiError{Error: "a booking is sent as JSON, with Content-Type: application/json"})
		return
	}
	b, err := decodeBooking(http.MaxBytesReader(rw, r.Body, MaxBody))
	if err != nil {
		code, reason := bodyError(err)
		writeJSON(rw, code, apiError{Error: reason})
		return
	}
	if b.Request, err = requestID(r.Header.Get(HeaderIdempotencyKey)); err != nil {
		writeJSON(rw, http.StatusBadRequest, apiError{Error: HeaderIdempotencyKey + ": " + err.Error()})
		return
	}
	rw.Header().Set(HeaderIdempotencyKey, b.Request)
	a, err := w.bookSeat(r.Context(), b)
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if code, reason := status(a, err); a.Refused == Unknown {
		writeJSON(rw, code, apiError{Error: reason + fmt.Sprintf(bookAgain, b.Request), Request: b.Request})
		return
	}
	if apiAnswer(rw, a, err) {
		return
	}
	if a.Replayed {
		rw.Header().Set(HeaderReplayed, "true")
	}
	rw.Header().Set("Location", "/api/bookings/"+strconv.FormatInt(a.Booking.ID, 10))
	writeJSON(rw, http.StatusCreated, a.Booking)
}

// decodeBooking reads exactly one booking request: known fields only, and
// nothing after it. The request id is not one of them: it travels in the
// Idempotency-Key header.
func decodeBooking(body io.Reader) (BookingRequest, error) {
	var b BookingRequest
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return b, err
		}
		return b, fmt.Errorf(`the body is not a booking such as {"flight": 7, "passenger": "Ada Lovelace"}: %v`, err)
	}
	if dec.More() {
		return b, errors.New("the body has more than one booking")
	}
	if b.Flight == 0 {
		return b, errors.New(`a booking needs "flight", the flight's id`)
	}
	if b.Request != "" {
		return b, fmt.Errorf(`a booking's request id goes in the %s header, not in the body`, HeaderIdempotencyKey)
	}
	return b, nil
}

// apiNoList answers the question for every booking, or a passenger's.
func (w *webTier) apiNoList(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Allow", "POST")
	writeJSON(rw, http.StatusMethodNotAllowed, apiError{Error: "bookings are not listed, not even by name: a name is no secret. " +
		"Read a booking with GET /api/bookings/{id} and its reference in the " + HeaderReference + " header"})
}

// apiRef reads the booking a request names: the id from the path, the
// reference from its header.
func apiRef(r *http.Request) (BookingRef, error) {
	id, err := pathID(r)
	return BookingRef{ID: id, Reference: r.Header.Get(HeaderReference)}, err
}

func (w *webTier) apiBooking(rw http.ResponseWriter, r *http.Request) {
	ref, err := apiRef(r)
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	a, err := w.getBooking(r.Context(), ref)
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, a.Booking)
	}
}

func (w *webTier) apiCancel(rw http.ResponseWriter, r *http.Request) {
	ref, err := apiRef(r)
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	a, err := w.cancelBooking(r.Context(), ref)
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if code, reason := status(a, err); a.Refused == Unknown {
		writeJSON(rw, code, apiError{Error: reason + cancelAgain})
		return
	}
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, a.Booking)
	}
}

// nonNil makes an empty list [] in JSON rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
