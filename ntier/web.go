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
	"net/http"
	"strconv"
)

// MaxBody is the largest request body the web tier reads, in bytes: a
// booking is a few dozen bytes, and a bigger body is refused with 413.
const MaxBody = 8 << 10

//go:embed templates/*.html
var templateFiles embed.FS

// WebTier is the presentation tier: HTML pages for a browser and the same
// as JSON for curl and the booker, both made from the app tier's answers.
// It holds no rules: whatever it shows, it was told by the app tier.
//
//	GET  /                       search form and every flight
//	GET  /flights?from=&to=&date search results
//	GET  /flights/{id}           a flight and its booking form
//	POST /bookings               book (form: flight, passenger), then 303 to the confirmation
//	GET  /bookings/{id}          the confirmation
//	GET  /bookings?passenger=    a passenger's bookings
//	POST /bookings/{id}/cancel   cancel
//
//	GET    /api/flights          [{"id":7,"number":"DS 440",...,"free":50}]
//	GET    /api/flights/{id}
//	POST   /api/bookings         {"flight":7,"passenger":"Ada Lovelace"} -> 201, or 409 when full
//	GET    /api/bookings?passenger=NAME
//	GET    /api/bookings/{id}
//	DELETE /api/bookings/{id}
//
// Errors are pages (or {"error": "..."} in the API) with the status: 400
// for a request against the rules, 404 for no such flight or booking, 409
// for a full flight, 413 for a body over MaxBody, 503 with the reason when
// the app tier (or, behind it, the data tier) cannot be reached.
type WebTier struct {
	apps  *AppTiers
	pages map[string]*template.Template // by file name, each with the layout
	mux   *http.ServeMux
}

// NewWebTier returns the web tier that asks apps.
func NewWebTier(apps *AppTiers) *WebTier {
	w := &WebTier{apps: apps, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
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
	m.HandleFunc("GET /bookings/{id}", w.confirmation)
	m.HandleFunc("GET /bookings", w.passengerBookings)
	m.HandleFunc("POST /bookings/{id}/cancel", w.cancel)

	m.HandleFunc("GET /api/flights", w.apiFlights)
	m.HandleFunc("GET /api/flights/{id}", w.apiFlight)
	m.HandleFunc("POST /api/bookings", w.apiBook)
	m.HandleFunc("GET /api/bookings", w.apiBookings)
	m.HandleFunc("GET /api/bookings/{id}", w.apiBooking)
	m.HandleFunc("DELETE /api/bookings/{id}", w.apiCancel)
	return w
}

func (w *WebTier) ServeHTTP(rw http.ResponseWriter, r *http.Request) { w.mux.ServeHTTP(rw, r) }

// The operations the web tier asks the app tier for. Only book and cancel
// change anything; the others may be retried on another instance.
func (w *WebTier) search(ctx context.Context, q FlightQuery) (Answer, error) {
	return w.apps.Ask(ctx, "search", q, true)
}

func (w *WebTier) getFlight(ctx context.Context, id int64) (Answer, error) {
	return w.apps.Ask(ctx, "flight", Ref{ID: id}, true)
}

func (w *WebTier) bookSeat(ctx context.Context, b BookingRequest) (Answer, error) {
	return w.apps.Ask(ctx, "book", b, false)
}

func (w *WebTier) getBooking(ctx context.Context, id int64) (Answer, error) {
	return w.apps.Ask(ctx, "booking", Ref{ID: id}, true)
}

func (w *WebTier) cancelBooking(ctx context.Context, id int64) (Answer, error) {
	return w.apps.Ask(ctx, "cancel", Ref{ID: id}, false)
}

func (w *WebTier) listBookings(ctx context.Context, passenger string) (Answer, error) {
	return w.apps.Ask(ctx, "bookings", PassengerRef{Passenger: passenger}, true)
}

// status is the HTTP status for an answer that is a refusal or a failure,
// with the sentence that explains it; 0 when the answer is a yes.
func status(a Answer, err error) (int, string) {
	var tier *TierError
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
	case a.Refused != "":
		return http.StatusInternalServerError, fmt.Sprintf("the app tier refused with %q: %s", a.Refused, a.Reason)
	}
	return 0, ""
}

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

// ---- HTML pages ----

// page is what every template gets; each page uses the fields it needs.
type page struct {
	Title     string
	Query     FlightQuery
	Flights   []Flight
	Flight    *Flight
	Booking   *Booking
	Bookings  []Booking
	Passenger string
	Status    int
	Error     string
}

// render writes a page. It renders into a buffer first, so a template
// error becomes a clean 500 rather than half a page.
func (w *WebTier) render(rw http.ResponseWriter, code int, name string, p page) {
	var buf bytes.Buffer
	if err := w.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		http.Error(rw, "the page "+name+" cannot be shown: "+err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(code)
	buf.WriteTo(rw)
}

func (w *WebTier) errorPage(rw http.ResponseWriter, code int, reason string) {
	w.render(rw, code, "error.html", page{Title: http.StatusText(code), Status: code, Error: reason})
}

// errEmpty is the failure of an answer that lacks what was asked for.
var errEmpty = errors.New("the app tier's answer lacks what was asked for")

// answered shows the error page for a refusal or failure and reports
// whether it did.
func (w *WebTier) answered(rw http.ResponseWriter, a Answer, err error) bool {
	code, reason := status(a, err)
	if code != 0 {
		w.errorPage(rw, code, reason)
	}
	return code != 0
}

func (w *WebTier) index(rw http.ResponseWriter, r *http.Request) {
	a, err := w.search(r.Context(), FlightQuery{})
	if w.answered(rw, a, err) {
		return
	}
	w.render(rw, http.StatusOK, "index.html", page{Title: "Flights", Flights: a.Flights})
}

func (w *WebTier) results(rw http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	a, err := w.search(r.Context(), q)
	if w.answered(rw, a, err) {
		return
	}
	w.render(rw, http.StatusOK, "results.html", page{Title: "Search results", Query: q, Flights: a.Flights})
}

func (w *WebTier) flight(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		w.errorPage(rw, http.StatusBadRequest, err.Error())
		return
	}
	a, err := w.getFlight(r.Context(), id)
	if err == nil && a.Refused == "" && a.Flight == nil {
		err = errEmpty
	}
	if w.answered(rw, a, err) {
		return
	}
	w.render(rw, http.StatusOK, "flight.html", page{Title: "Flight " + a.Flight.Number, Flight: a.Flight})
}

func (w *WebTier) book(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		code, reason := bodyError(err)
		w.errorPage(rw, code, reason)
		return
	}
	flight, err := strconv.ParseInt(r.PostForm.Get("flight"), 10, 64)
	if err != nil {
		w.errorPage(rw, http.StatusBadRequest, fmt.Sprintf("a flight is a number, not %q", r.PostForm.Get("flight")))
		return
	}
	a, err := w.bookSeat(r.Context(), BookingRequest{Flight: flight, Passenger: r.PostForm.Get("passenger")})
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if w.answered(rw, a, err) {
		return
	}
	// Post/Redirect/Get: reloading the confirmation does not book again.
	http.Redirect(rw, r, "/bookings/"+strconv.FormatInt(a.Booking.ID, 10), http.StatusSeeOther)
}

func (w *WebTier) confirmation(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		w.errorPage(rw, http.StatusBadRequest, err.Error())
		return
	}
	a, err := w.getBooking(r.Context(), id)
	if w.answered(rw, a, err) {
		return
	}
	w.render(rw, http.StatusOK, "booking.html", page{Title: "Booking confirmed", Booking: a.Booking})
}

func (w *WebTier) passengerBookings(rw http.ResponseWriter, r *http.Request) {
	passenger := r.URL.Query().Get("passenger")
	p := page{Title: "My bookings", Passenger: passenger}
	if passenger != "" {
		a, err := w.listBookings(r.Context(), passenger)
		if w.answered(rw, a, err) {
			return
		}
		p.Bookings = a.Bookings
	}
	w.render(rw, http.StatusOK, "bookings.html", p)
}

func (w *WebTier) cancel(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		w.errorPage(rw, http.StatusBadRequest, err.Error())
		return
	}
	a, err := w.cancelBooking(r.Context(), id)
	if w.answered(rw, a, err) {
		return
	}
	w.render(rw, http.StatusOK, "cancelled.html", page{Title: "Booking cancelled", Booking: a.Booking})
}

// ---- JSON API ----

func writeJSON(rw http.ResponseWriter, code int, v any) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	json.NewEncoder(rw).Encode(v)
}

// apiError is the body of every API error.
type apiError struct {
	Error string `json:"error"`
}

// apiAnswer writes the refusal or failure, if any, and reports whether it did.
func apiAnswer(rw http.ResponseWriter, a Answer, err error) bool {
	code, reason := status(a, err)
	if code != 0 {
		writeJSON(rw, code, apiError{reason})
	}
	return code != 0
}

func (w *WebTier) apiFlights(rw http.ResponseWriter, r *http.Request) {
	a, err := w.search(r.Context(), queryOf(r))
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, nonNil(a.Flights))
	}
}

func (w *WebTier) apiFlight(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	a, err := w.getFlight(r.Context(), id)
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, a.Flight)
	}
}

func (w *WebTier) apiBook(rw http.ResponseWriter, r *http.Request) {
	b, err := decodeBooking(http.MaxBytesReader(rw, r.Body, MaxBody))
	if err != nil {
		code, reason := bodyError(err)
		writeJSON(rw, code, apiError{reason})
		return
	}
	a, err := w.bookSeat(r.Context(), b)
	if err == nil && a.Refused == "" && a.Booking == nil {
		err = errEmpty
	}
	if apiAnswer(rw, a, err) {
		return
	}
	rw.Header().Set("Location", "/api/bookings/"+strconv.FormatInt(a.Booking.ID, 10))
	writeJSON(rw, http.StatusCreated, a.Booking)
}

// decodeBooking reads exactly one booking request: known fields only, and
// nothing after it.
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
	return b, nil
}

func (w *WebTier) apiBookings(rw http.ResponseWriter, r *http.Request) {
	a, err := w.listBookings(r.Context(), r.URL.Query().Get("passenger"))
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, nonNil(a.Bookings))
	}
}

func (w *WebTier) apiBooking(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	a, err := w.getBooking(r.Context(), id)
	if !apiAnswer(rw, a, err) {
		writeJSON(rw, http.StatusOK, a.Booking)
	}
}

func (w *WebTier) apiCancel(rw http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	a, err := w.cancelBooking(r.Context(), id)
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
