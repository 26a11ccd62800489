package ntier_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/ntier"
)

// The hostile-input suite of the n-tier model (issue 13, items 15 and 16):
// lost answers must not book twice or be reported as "cannot be reached",
// and nobody but a booking's holder may read or cancel it.

// post sends a JSON body to url with an Idempotency-Key (none when key is
// "") and returns the status, the body and the answer's header.
func post(url, key string, body any) (int, string, http.Header, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, "", nil, err
	}
	req, err := http.NewRequest("POST", url, strings.NewReader(string(raw)))
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(ntier.HeaderIdempotencyKey, key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer), resp.Header, err
}

// stepDB puts the data tier in step mode: from now on each answer it sends
// waits until the recorder releases it. It returns once the data tier has
// said (its "faults" state) that step mode is on.
func stepDB(t *testing.T, rec *programtest.Recorder) {
	t.Helper()
	faults := func(ev trace.Event) bool { return ev.Node == "db" && ev.Kind == trace.KindState && ev.Key == "faults" }
	before := len(rec.Matching(faults))
	require.NoError(t, rec.Send("db", trace.Control{Op: trace.OpHold, On: true}))
	now := rec.WaitN(t, before+1, faults)
	require.Equal(t, "hold", now[before].Value)
}

// crashAfterCommit books a seat for Ada Lovelace with the Idempotency-Key
// key, and when the data tier has committed the booking and its answer
// waits to go back, kills victim: "db", or "app" for the app instance that
// asked. It returns the client's answer.
func crashAfterCommit(t *testing.T, rec *programtest.Recorder, s *tiers, flight int64, key, victim string) (int, string, http.Header) {
	t.Helper()
	return crashDuring(t, rec, s, victim, func() (int, string, http.Header, error) {
		return post(s.url+"/api/bookings", key, ntier.BookingRequest{Flight: flight, Passenger: "Ada Lovelace"})
	})
}

// crashDuring sends a booking with send, and when the data tier has
// committed it and its answer waits to go back, kills victim: "db", or
// "app" for the app instance that asked. It returns send's answer.
func crashDuring(t *testing.T, rec *programtest.Recorder, s *tiers, victim string, send func() (int, string, http.Header, error)) (int, string, http.Header) {
	t.Helper()
	t.Cleanup(func() {
		if t.Failed() {
			for _, ev := range rec.All() {
				t.Log(programtest.String(ev))
			}
		}
	})
	stepDB(t, rec)
	type answer struct {
		code   int
		body   string
		header http.Header
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		code, body, header, err := send()
		answered <- answer{code, body, header, err}
	}()
	held := rec.WaitN(t, 1, programtest.Msg(trace.KindHold, "db", "get_flight_ok"))
	require.NoError(t, rec.Send("db", trace.Control{Op: trace.OpRelease, ID: held[0].Msg.ID}))
	committed := rec.WaitN(t, 1, programtest.Msg(trace.KindHold, "db", "book_seat_ok"))[0]
	if victim == "db" {
		kill(t, s.db)
	} else {
		killed := false
		for i, app := range s.apps {
			if committed.Msg.To == fmt.Sprintf("app-%d", i+1) {
				kill(t, app)
				killed = true
			}
		}
		require.True(t, killed, "the answer goes to %q, which is none of the app instances", committed.Msg.To)
		// The held answer goes to a dead connection; what the other
		// instance asks goes through.
		require.NoError(t, rec.Send("db", trace.Control{Op: trace.OpHold}))
	}
	a := <-answered
	require.NoError(t, a.err)
	return a.code, a.body, a.header
}

// TestHostileAppCrashAfterCommitBooksOnce is item 15 with two app
// instances: the one that carried a booking dies after the data tier
// committed it. The web tier asks the other instance with the same request
// id, and the data tier answers the booking it already made: one booking,
// one 201, and the client's answer is that booking.
func TestHostileAppCrashAfterCommitBooksOnce(t *testing.T) {
	rec := programtest.NewRecorder(t)
	s := startTiers(t, build(t), 2, "--trace", rec.Addr())
	f := flightByNumber(t, s.url, "DS 101")

	code, body, header := crashAfterCommit(t, rec, s, f.ID, "crash-after-commit-two-apps", "app")
	require.Equal(t, http.StatusCreated, code, body)
	assert.Equal(t, "true", header.Get(ntier.HeaderReplayed), "the second instance's answer is the first booking")
	var b ntier.Booking
	require.NoError(t, json.Unmarshal([]byte(body), &b))
	assert.Equal(t, "Ada Lovelace", b.Passenger)
	assert.Equal(t, b, readBooking(t, s.url, b.ID, b.Reference), "the answer is the booking that exists")
	assert.Equal(t, f.Free-1, flightFree(t, s.url, f.ID), "exactly one seat taken")
	asked := rec.Matching(programtest.Msg(trace.KindRecv, "db", "book_seat"))
	assert.Len(t, asked, 2, "the booking reached the data tier twice, once from each instance")
}

// TestHostileCrashAfterCommitIsNotUnreachable is item 15 with a single
// app instance: when the app instance, or the data tier behind it, dies
// after the booking was committed, the user must not be told that the
// service cannot be reached, because the seat was sold. The answer is that
// the outcome is unknown, with the request id; sending the booking again
// with it once the tier is back answers that booking, without booking
// twice; in a browser, the page has a button for that.
func TestHostileCrashAfterCommitIsNotUnreachable(t *testing.T) {
	bin := build(t)
	for _, victim := range []string{"app", "db"} {
		t.Run(victim, func(t *testing.T) {
			rec := programtest.NewRecorder(t)
			s := startTiers(t, bin, 1, "--trace", rec.Addr())
			f := flightByNumber(t, s.url, "DS 101")

			key := "crash-after-commit-of-" + victim
			code, body, _ := crashAfterCommit(t, rec, s, f.ID, key, victim)
			assert.Equal(t, http.StatusBadGateway, code, body)
			assert.NotContains(t, body, "cannot be reached")
			var e struct{ Error, Request string }
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Contains(t, e.Error, "The outcome is unknown")
			assert.Contains(t, e.Error, "Check your bookings: send the same booking again with request id "+key)
			assert.Equal(t, key, e.Request)
			if victim == "db" {
				assert.Contains(t, e.Error, "the data tier ("+s.db.Addr+") did not answer book_seat")
				s.db = s.startDB(t, s.db.Addr)
			} else {
				s.apps[0] = programtest.StartServer(t, filepath.Join(bin, "app"), "--listen", s.apps[0].Addr, "--db", s.db.Addr, "--name", "app-1")
			}

			code, body, header, err := post(s.url+"/api/bookings", key, ntier.BookingRequest{Flight: f.ID, Passenger: "Ada Lovelace"})
			require.NoError(t, err)
			assert.Equal(t, http.StatusCreated, code, body)
			assert.Equal(t, "true", header.Get(ntier.HeaderReplayed), "booked before the crash")
			assert.Equal(t, f.Free-1, flightFree(t, s.url, f.ID), "exactly one seat taken")
		})
	}
	t.Run("app, booked with the form", func(t *testing.T) { crashDuringForm(t, bin) })
}

// crashDuringForm is the crash of the app instance for the booking form:
// the page says that the outcome is unknown, and its button sends the same
// form (the same request id) again, which answers the booking made before
// the crash.
func crashDuringForm(t *testing.T, bin string) {
	rec := programtest.NewRecorder(t)
	s := startTiers(t, bin, 1, "--trace", rec.Addr())
	f := flightByNumber(t, s.url, "DS 101")
	br := newBrowser(t)
	form := br.bookingForm(s.url, f.ID, "Ada Lovelace")

	code, page, _ := crashDuring(t, rec, s, "app", func() (int, string, http.Header, error) {
		resp, err := br.http.PostForm(s.url+"/bookings", form)
		if err != nil {
			return 0, "", nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw), resp.Header, err
	})
	assert.Equal(t, http.StatusBadGateway, code, page)
	assert.NotContains(t, page, "cannot be reached")
	assert.Contains(t, page, "The outcome is unknown")
	assert.Contains(t, page, `id="retry"`)
	assert.Equal(t, form.Get("request"), hiddenField(t, page, "request"), "the button sends the same request id")
	again := url.Values{}
	for _, name := range []string{"flight", "passenger", "request", "csrf"} {
		again.Set(name, hiddenField(t, page, name))
	}

	s.apps[0] = programtest.StartServer(t, filepath.Join(bin, "app"), "--listen", s.apps[0].Addr, "--db", s.db.Addr, "--name", "app-1")
	code, page = br.post(s.url+"/bookings", again)
	assert.Equal(t, http.StatusOK, code, page)
	assert.Contains(t, page, `id="replayed"`)
	assert.Equal(t, f.Free-1, flightFree(t, s.url, f.ID), "exactly one seat taken")
}

// TestHostileResentBookingBooksOnce sends one booking twice, as a double
// click or the reload of a confirmation does: the same form (its hidden
// request id) or the same Idempotency-Key makes one booking. A request id
// used again for another booking is refused.
func TestHostileResentBookingBooksOnce(t *testing.T) {
	s := startTiers(t, build(t), 2)
	f := flightByNumber(t, s.url, "DS 211")

	t.Run("a form sent twice", func(t *testing.T) {
		br := newBrowser(t)
		form := br.bookingForm(s.url, f.ID, "Grace Hopper")
		code, first := br.post(s.url+"/bookings", form)
		require.Equal(t, http.StatusOK, code, first)
		code, second := br.post(s.url+"/bookings", form)
		require.Equal(t, http.StatusOK, code, second)
		assert.Equal(t, hiddenField(t, first, "reference"), hiddenField(t, second, "reference"), "the same booking")
		assert.Contains(t, second, `id="replayed"`)
		assert.Equal(t, f.Free-1, flightFree(t, s.url, f.ID))

		code, third := br.post(s.url+"/bookings", br.bookingForm(s.url, f.ID, "Grace Hopper"))
		require.Equal(t, http.StatusOK, code, third)
		assert.NotEqual(t, hiddenField(t, first, "reference"), hiddenField(t, third, "reference"), "a form shown again is a new booking")
		assert.Equal(t, f.Free-2, flightFree(t, s.url, f.ID))
	})
	t.Run("an API request sent twice", func(t *testing.T) {
		free := flightFree(t, s.url, f.ID)
		const key = "0f8fad5b-d9cb-469f-a165-70867728950e"
		req := ntier.BookingRequest{Flight: f.ID, Passenger: "Alan Turing"}
		code, first, header, err := post(s.url+"/api/bookings", key, req)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code, first)
		assert.Empty(t, header.Get(ntier.HeaderReplayed))
		assert.Equal(t, key, header.Get(ntier.HeaderIdempotencyKey))
		code, second, header, err := post(s.url+"/api/bookings", key, req)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code, second)
		assert.Equal(t, "true", header.Get(ntier.HeaderReplayed))
		assert.JSONEq(t, first, second)
		assert.Equal(t, free-1, flightFree(t, s.url, f.ID))

		code, body, _, err := post(s.url+"/api/bookings", key, ntier.BookingRequest{Flight: f.ID, Passenger: "Mallory Evil"})
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, code, body)
		assert.Contains(t, body, "was used for another booking")
		assert.NotContains(t, body, "Alan Turing", "nothing about the other booking")
		assert.Equal(t, free-1, flightFree(t, s.url, f.ID))
	})
	t.Run("without a key every request is a booking", func(t *testing.T) {
		free := flightFree(t, s.url, f.ID)
		code, first, header, err := post(s.url+"/api/bookings", "", ntier.BookingRequest{Flight: f.ID, Passenger: "Alan Turing"})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code, first)
		assert.NoError(t, ntier.CheckRequestID(header.Get(ntier.HeaderIdempotencyKey)), "the key drawn for it is told")
		code, _, _, err = post(s.url+"/api/bookings", "", ntier.BookingRequest{Flight: f.ID, Passenger: "Alan Turing"})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code)
		assert.Equal(t, free-2, flightFree(t, s.url, f.ID))
	})
}

// TestHostileBookingNeedsItsReference is item 16: a booking is read and
// cancelled only with its reference. Without it, with a wrong one, or with
// a guessed id the answer is 404, the same as for an id that does not
// exist, and nothing changes. Nobody lists bookings.
func TestHostileBookingNeedsItsReference(t *testing.T) {
	s := startTiers(t, build(t), 1)
	f := flightByNumber(t, s.url, "DS 441")
	mine := bookOK(t, s.url, f.ID, "Ada Lovelace")
	free := flightFree(t, s.url, f.ID)
	const guess = "ABCDEFGHJK"

	notFound := func(t *testing.T, code int, body string, id int64) {
		t.Helper()
		assert.Equal(t, http.StatusNotFound, code, body)
		assert.JSONEq(t, fmt.Sprintf(`{"error":"there is no booking %d with this reference"}`, id), body)
	}
	t.Run("JSON API", func(t *testing.T) {
		for _, method := range []string{"GET", "DELETE"} {
			for name, ref := range map[string]string{"no reference": "", "a wrong reference": guess, "someone's reference of another length": mine.Reference + "A"} {
				t.Run(method+" with "+name, func(t *testing.T) {
					code, body := withRef(t, method, s.url, mine.ID, ref)
					notFound(t, code, body, mine.ID)
				})
			}
			t.Run(method+" a guessed id", func(t *testing.T) {
				// Booking 1 is a seeded passenger's; booking 999999 does not exist.
				code, body := withRef(t, method, s.url, 1, guess)
				notFound(t, code, body, 1)
				code, body = withRef(t, method, s.url, 999999, guess)
				notFound(t, code, body, 999999)
				code, body = withRef(t, method, s.url, mine.ID+1, mine.Reference)
				notFound(t, code, body, mine.ID+1)
			})
		}
		assert.Equal(t, free, flightFree(t, s.url, f.ID), "nothing was cancelled")
		assert.Empty(t, readBooking(t, s.url, mine.ID, mine.Reference).Cancelled)
	})
	t.Run("no list by name", func(t *testing.T) {
		code, body := call(t, "GET", s.url+"/api/bookings?"+url.Values{"passenger": {"Ada Lovelace"}}.Encode(), "", "")
		assert.Equal(t, http.StatusMethodNotAllowed, code, body)
		assert.NotContains(t, body, mine.Reference)
		code, body = call(t, "GET", s.url+"/bookings?"+url.Values{"passenger": {"Ada Lovelace"}}.Encode(), "", "")
		assert.Equal(t, http.StatusOK, code, body)
		assert.NotContains(t, body, mine.Reference)
	})
	t.Run("HTML forms", func(t *testing.T) {
		br := newBrowser(t)
		_, page := br.get(s.url + "/bookings")
		token := hiddenField(t, page, "csrf")
		code, body := br.post(s.url+"/bookings/find", url.Values{"id": {fmt.Sprint(mine.ID)}, "reference": {guess}, "csrf": {token}})
		assert.Equal(t, http.StatusNotFound, code, body)
		assert.Contains(t, body, fmt.Sprintf("there is no booking %d with this reference", mine.ID))
		assert.NotContains(t, body, "Ada Lovelace")
		code, body = br.post(fmt.Sprintf("%s/bookings/%d/cancel", s.url, mine.ID), url.Values{"reference": {guess}, "csrf": {token}})
		assert.Equal(t, http.StatusNotFound, code, body)
		code, body = br.post(fmt.Sprintf("%s/bookings/%d/cancel", s.url, mine.ID), url.Values{"csrf": {token}})
		assert.Equal(t, http.StatusNotFound, code, body)
		assert.Equal(t, free, flightFree(t, s.url, f.ID), "nothing was cancelled")
	})
	t.Run("the holder may", func(t *testing.T) {
		code, body := withRef(t, "DELETE", s.url, mine.ID, mine.Reference)
		assert.Equal(t, http.StatusOK, code, body)
		assert.Equal(t, free+1, flightFree(t, s.url, f.ID))
	})
}

// TestHostileFormWithoutCSRFTokenIsRefused is item 16's cross-site request
// forgery: a form that POSTs is taken only with the token of the cookie of
// the browser that sends it. Without the token, with another browser's
// token or without the cookie it is 403, and nothing is done.
func TestHostileFormWithoutCSRFTokenIsRefused(t *testing.T) {
	s := startTiers(t, build(t), 1)
	f := flightByNumber(t, s.url, "DS 441")
	mine := bookOK(t, s.url, f.ID, "Ada Lovelace")
	free := flightFree(t, s.url, f.ID)

	victim, attacker := newBrowser(t), newBrowser(t)
	form := victim.bookingForm(s.url, f.ID, "Grace Hopper")
	stolen := attacker.bookingForm(s.url, f.ID, "Grace Hopper").Get("csrf")
	forms := map[string]url.Values{
		"/bookings":      form,
		"/bookings/find": {"id": {fmt.Sprint(mine.ID)}, "reference": {mine.Reference}},
		fmt.Sprintf("/bookings/%d/cancel", mine.ID): {"reference": {mine.Reference}},
	}
	for path, form := range forms {
		t.Run(path, func(t *testing.T) {
			with := func(token string) url.Values {
				v := url.Values{}
				for k, vs := range form {
					v[k] = vs
				}
				v.Set("csrf", token)
				if token == "" {
					v.Del("csrf")
				}
				return v
			}
			code, body := victim.post(s.url+path, with(""))
			assert.Equal(t, http.StatusForbidden, code, "no token: %s", body)
			assert.Contains(t, body, "cross-site request forgery")
			code, body = victim.post(s.url+path, with(stolen))
			assert.Equal(t, http.StatusForbidden, code, "another browser's token: %s", body)
			code, body = call(t, "POST", s.url+path, "application/x-www-form-urlencoded", with(form.Get("csrf")).Encode())
			assert.Equal(t, http.StatusForbidden, code, "a token without its cookie: %s", body)
		})
	}
	assert.Equal(t, free, flightFree(t, s.url, f.ID), "nothing was booked or cancelled")

	t.Run("with the token", func(t *testing.T) {
		for _, path := range []string{"/bookings", "/bookings/find", fmt.Sprintf("/bookings/%d/cancel", mine.ID)} {
			v := forms[path]
			v.Set("csrf", form.Get("csrf"))
			code, body := victim.post(s.url+path, v)
			assert.Equal(t, http.StatusOK, code, "%s: %s", path, body)
		}
		assert.Equal(t, free, flightFree(t, s.url, f.ID), "one booked, one cancelled")
	})
}

// TestHostileCrossSiteJSONIsRefused: a page on another site can make a
// browser POST a body as text/plain or as a form without asking first, so
// the JSON API takes a booking only as application/json.
func TestHostileCrossSiteJSONIsRefused(t *testing.T) {
	s := startTiers(t, build(t), 1)
	f := flightByNumber(t, s.url, "DS 441")
	body := fmt.Sprintf(`{"flight": %d, "passenger": "Ada Lovelace"}`, f.ID)
	for _, contentType := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		code, answer := call(t, "POST", s.url+"/api/bookings", contentType, body)
		assert.Equal(t, http.StatusUnsupportedMediaType, code, "%q: %s", contentType, answer)
		assert.Contains(t, answer, "Content-Type: application/json")
	}
	assert.Equal(t, f.Free, flightFree(t, s.url, f.ID), "nothing was booked")
	code, answer := call(t, "POST", s.url+"/api/bookings", "application/json; charset=utf-8", body)
	assert.Equal(t, http.StatusCreated, code, answer)
}

// TestHostileTossedCSRFCookieIsNotTrusted is cookie tossing: an attacker
// who can set a cookie for this host (any other program on 127.0.0.1, on
// any port, can: cookies do not keep ports apart) plants a CSRF cookie of
// their own in the victim's browser and sends the token that goes with it.
// A value the web tier did not mint is replaced, not signed; a genuine
// pair the attacker fetched for themselves is refused when the browser
// says the form came from another origin.
func TestHostileTossedCSRFCookieIsNotTrusted(t *testing.T) {
	s := startTiers(t, build(t), 1)
	f := flightByNumber(t, s.url, "DS 441")
	free := flightFree(t, s.url, f.ID)
	page := fmt.Sprintf("%s/flights/%d", s.url, f.ID)

	// fetch GETs the flight's page with cookie and returns the CSRF cookie
	// it was given (nil when none) and the page's token.
	fetch := func(cookie string) (*http.Cookie, string, string) {
		req, err := http.NewRequest("GET", page, nil)
		require.NoError(t, err)
		if cookie != "" {
			req.Header.Set("Cookie", "dsdemo_csrf="+cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
		var given *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "dsdemo_csrf" {
				given = c
			}
		}
		return given, hiddenField(t, string(raw), "csrf"), hiddenField(t, string(raw), "request")
	}
	// send POSTs a booking form with cookie, token and extra headers.
	send := func(cookie, token, request string, header map[string]string) (int, string) {
		form := url.Values{"flight": {fmt.Sprint(f.ID)}, "passenger": {"Grace Hopper"}, "request": {request}, "csrf": {token}}
		req, err := http.NewRequest("POST", s.url+"/bookings", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "dsdemo_csrf="+cookie)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(raw)
	}

	chosen := "ATTACKERCHOSEATTACKERCHOSE" // 26 characters, as a secret is
	given, token, request := fetch(chosen)
	require.NotNil(t, given, "a cookie the web tier did not mint is replaced")
	assert.NotContains(t, given.Value, chosen)
	code, body := send(chosen, token, request, nil)
	assert.Equal(t, http.StatusForbidden, code, "the attacker's own cookie with the page's token: %s", body)

	// A genuine pair, fetched by the attacker for themselves and planted in
	// the victim's browser: the browser names the page the form came from.
	genuine, token, request := fetch("")
	require.NotNil(t, genuine)
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"},
		{"Origin": "http://127.0.0.1:1"},
	} {
		code, body = send(genuine.Value, token, request, h)
		assert.Equal(t, http.StatusForbidden, code, "a tossed genuine pair sent from another origin %v: %s", h, body)
	}
	assert.Equal(t, free, flightFree(t, s.url, f.ID), "nothing was booked")

	// From the web tier's own page the same pair is taken: the token alone
	// cannot tell whose browser holds a genuine cookie.
	u, err := url.Parse(s.url)
	require.NoError(t, err)
	code, body = send(genuine.Value, token, request, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://" + u.Host})
	assert.Equal(t, http.StatusOK, code, body)
}
