package ntier_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/ntier"
)

// build compiles the four programs once per test.
func build(t testing.TB) string {
	t.Helper()
	return programtest.Build(t, "dsdemo/ntier/db", "dsdemo/ntier/app", "dsdemo/ntier/web", "dsdemo/ntier/booker")
}

// tiers is a running system: one db, its apps and one web tier.
type tiers struct {
	bin, data string
	db        *programtest.Proc
	apps      []*programtest.Proc
	web       *programtest.Proc
	url       string // the web tier, http://HOST:PORT
}

// startTiers starts the three tiers with n app instances; extra arguments
// (e.g. --trace) go to every program.
func startTiers(t testing.TB, bin string, n int, extra ...string) *tiers {
	t.Helper()
	s := &tiers{bin: bin, data: t.TempDir()}
	s.db = s.startDB(t, "127.0.0.1:0", extra...)
	var addrs []string
	for i := range n {
		app := programtest.StartServer(t, filepath.Join(bin, "app"), append([]string{"--listen", "127.0.0.1:0",
			"--db", s.db.Addr, "--name", fmt.Sprintf("app-%d", i+1)}, extra...)...)
		s.apps = append(s.apps, app)
		addrs = append(addrs, app.Addr)
	}
	s.web = programtest.StartServer(t, filepath.Join(bin, "web"), append([]string{"--listen", "127.0.0.1:0",
		"--app", strings.Join(addrs, ",")}, extra...)...)
	s.url = "http://" + s.web.Addr
	return s
}

func (s *tiers) startDB(t testing.TB, addr string, extra ...string) *programtest.Proc {
	t.Helper()
	return programtest.StartServer(t, filepath.Join(s.bin, "db"), append([]string{"--listen", addr, "--data", s.data}, extra...)...)
}

// kill ends a program at once, as a crash would, and waits until it is gone.
func kill(t testing.TB, p *programtest.Proc) {
	t.Helper()
	require.NoError(t, p.Cmd.Process.Kill())
	p.Wait(t)
}

// client is shared by the tests; it keeps enough idle connections for the
// race of 200 bookings.
var client = &http.Client{Timeout: programtest.Patience, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

// call sends one request and returns the status and the body.
func call(t testing.TB, method, url, contentType, body string) (int, string) {
	t.Helper()
	code, answer, err := try(method, url, contentType, body)
	require.NoError(t, err)
	return code, answer
}

// try is call for other goroutines than the test's own, which must not
// stop the test (require) but report (assert).
func try(method, url, contentType, body string) (int, string, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), err
}

// getJSON fetches url, wants status 200 and decodes the body into out.
func getJSON(t testing.TB, url string, out any) {
	t.Helper()
	code, body := call(t, "GET", url, "", "")
	require.Equal(t, http.StatusOK, code, "GET %s: %s", url, body)
	require.NoError(t, json.Unmarshal([]byte(body), out), body)
}

// book posts a booking and returns the status and the body.
func book(t testing.TB, base string, flight int64, passenger string) (int, string) {
	t.Helper()
	raw, err := json.Marshal(ntier.BookingRequest{Flight: flight, Passenger: passenger})
	require.NoError(t, err)
	return call(t, "POST", base+"/api/bookings", "application/json", string(raw))
}

// flightByNumber finds a flight of the timetable.
func flightByNumber(t testing.TB, base, number string) ntier.Flight {
	t.Helper()
	var flights []ntier.Flight
	getJSON(t, base+"/api/flights", &flights)
	for _, f := range flights {
		if f.Number == number {
			return f
		}
	}
	t.Fatalf("no flight %s among %d", number, len(flights))
	return ntier.Flight{}
}

// bookOK books a seat through the JSON API, wants 201 and returns the booking.
func bookOK(t testing.TB, base string, flight int64, passenger string) ntier.Booking {
	t.Helper()
	code, body := book(t, base, flight, passenger)
	require.Equal(t, http.StatusCreated, code, body)
	var b ntier.Booking
	require.NoError(t, json.Unmarshal([]byte(body), &b), body)
	require.Len(t, b.Reference, ntier.ReferenceLen, "the booking's reference")
	return b
}

// withRef sends a request about booking id with a Booking-Reference header
// (none when ref is "") and returns the status and the body.
func withRef(t testing.TB, method, base string, id int64, ref string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, fmt.Sprintf("%s/api/bookings/%d", base, id), nil)
	require.NoError(t, err)
	if ref != "" {
		req.Header.Set(ntier.HeaderReference, ref)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(raw)
}

// readBooking reads a booking with its reference and wants 200.
func readBooking(t testing.TB, base string, id int64, ref string) ntier.Booking {
	t.Helper()
	code, body := withRef(t, "GET", base, id, ref)
	require.Equal(t, http.StatusOK, code, body)
	var b ntier.Booking
	require.NoError(t, json.Unmarshal([]byte(body), &b), body)
	return b
}

// browser is an HTML client with its own cookies, as one browser is.
type browser struct {
	t    testing.TB
	http *http.Client
}

func newBrowser(t testing.TB) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, http: &http.Client{Timeout: programtest.Patience, Jar: jar}}
}

// get fetches a page and returns the status and the body.
func (b *browser) get(url string) (int, string) {
	b.t.Helper()
	resp, err := b.http.Get(url)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp.StatusCode, string(raw)
}

// post sends a form and returns the status and the body.
func (b *browser) post(url string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.http.PostForm(url, form)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp.StatusCode, string(raw)
}

// hiddenField is the value of the hidden input name in a page's first form
// that has one.
func hiddenField(t testing.TB, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<input type="hidden" name="` + name + `" value="([^"]*)">`).FindStringSubmatch(page)
	require.NotNil(t, m, "no hidden field %q in the page:\n%s", name, page)
	return html.UnescapeString(m[1])
}

// bookingForm opens flight id's page in b and returns its booking form, filled in for passenger.
func (b *browser) bookingForm(base string, id int64, passenger string) url.Values {
	b.t.Helper()
	code, page := b.get(fmt.Sprintf("%s/flights/%d", base, id))
	require.Equal(b.t, http.StatusOK, code, page)
	return url.Values{"flight": {fmt.Sprint(id)}, "passenger": {passenger},
		"request": {hiddenField(b.t, page, "request")}, "csrf": {hiddenField(b.t, page, "csrf")}}
}

// flightFree is the number of free seats of a flight now.
func flightFree(t testing.TB, base string, id int64) int {
	t.Helper()
	var f ntier.Flight
	getJSON(t, fmt.Sprintf("%s/api/flights/%d", base, id), &f)
	return f.Free
}

func TestBookingThroughAllTiers(t *testing.T) {
	s := startTiers(t, build(t), 1)

	var flights []ntier.Flight
	getJSON(t, s.url+"/api/flights", &flights)
	require.Len(t, flights, 12, "the timetable")
	for _, f := range flights {
		assert.GreaterOrEqual(t, f.Free, 0, f.Number)
		assert.LessOrEqual(t, f.Free, f.Seats, f.Number)
	}
	var berlin []ntier.Flight
	getJSON(t, s.url+"/api/flights?from=berlin", &berlin)
	require.Len(t, berlin, 1, "cities compare without case")
	f := berlin[0]

	t.Run("JSON: book, read, cancel", func(t *testing.T) {
		b := bookOK(t, s.url, f.ID, "Ada Lovelace")
		assert.Equal(t, "Ada Lovelace", b.Passenger)
		assert.Equal(t, f.Number, b.Number)
		assert.Equal(t, f.Free-1, flightByNumber(t, s.url, f.Number).Free, "one seat fewer")
		assert.Equal(t, b, readBooking(t, s.url, b.ID, b.Reference))
		assert.Equal(t, b, readBooking(t, s.url, b.ID, strings.ToLower(b.Reference)), "a reference is read without regard to case")

		code, body := withRef(t, "DELETE", s.url, b.ID, b.Reference)
		require.Equal(t, http.StatusOK, code, body)
		var cancelled ntier.Booking
		require.NoError(t, json.Unmarshal([]byte(body), &cancelled))
		assert.NotEmpty(t, cancelled.Cancelled)
		assert.Equal(t, f.Free, flightByNumber(t, s.url, f.Number).Free, "the seat is back")

		code, body = withRef(t, "DELETE", s.url, b.ID, b.Reference)
		assert.Equal(t, http.StatusOK, code, "cancelled twice: the same answer, %s", body)
		assert.JSONEq(t, mustJSON(t, cancelled), body)
		assert.Equal(t, f.Free, flightByNumber(t, s.url, f.Number).Free, "the seat is given back once")
	})

	t.Run("HTML: search, book, find, cancel", func(t *testing.T) {
		br := newBrowser(t)
		code, body := br.get(s.url + "/")
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, `<form class="search"`)
		code, body = br.get(s.url + "/flights?from=Berlin")
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, fmt.Sprintf(`href="/flights/%d"`, f.ID))

		code, body = br.post(s.url+"/bookings", br.bookingForm(s.url, f.ID, "Grace Hopper"))
		require.Equal(t, http.StatusOK, code, body)
		assert.Contains(t, body, "Booking confirmed")
		assert.Contains(t, body, "Grace Hopper")
		ref, num := hiddenField(t, body, "reference"), regexp.MustCompile(`id="booking-id">(\d+)<`).FindStringSubmatch(body)
		require.NotNil(t, num, body)
		id := num[1]
		form := url.Values{"id": {id}, "reference": {ref}, "csrf": {hiddenField(t, body, "csrf")}}

		code, body = br.post(s.url+"/bookings/find", form)
		require.Equal(t, http.StatusOK, code, body)
		assert.Contains(t, body, "Grace Hopper")
		assert.Contains(t, body, `id="cancel"`)

		code, body = br.post(s.url+"/bookings/"+id+"/cancel", url.Values{"reference": {ref}, "csrf": {form.Get("csrf")}})
		require.Equal(t, http.StatusOK, code, body)
		assert.Contains(t, body, "is cancelled")
		code, body = br.post(s.url+"/bookings/find", form)
		require.Equal(t, http.StatusOK, code, body)
		assert.Contains(t, body, "Cancelled at")
		assert.NotContains(t, body, `id="cancel"`)
	})

	t.Run("the data survives a restart", func(t *testing.T) {
		b := bookOK(t, s.url, f.ID, "Grace Hopper")
		require.NoError(t, s.db.Cmd.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, 0, s.db.Wait(t), "graceful stop")
		s.db = s.startDB(t, s.db.Addr)
		assert.Equal(t, b, readBooking(t, s.url, b.ID, b.Reference))
		assert.Equal(t, f.Free-1, flightByNumber(t, s.url, f.Number).Free, "not seeded again")
	})
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

// TestLastSeats is the concurrency test: 200 bookings at once for
// the 50 free seats of DS 440, spread over two app instances.
func TestLastSeats(t *testing.T) {
	rec := programtest.NewRecorder(t)
	s := startTiers(t, build(t), 2, "--trace", rec.Addr())
	f := flightByNumber(t, s.url, "DS 440")
	require.Equal(t, 50, f.Free)

	// While the race runs, watch the seat count.
	stop := make(chan struct{})
	var watching sync.WaitGroup
	var lowest = f.Free
	watching.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			var now ntier.Flight
			code, body, err := try("GET", fmt.Sprintf("%s/api/flights/%d", s.url, f.ID), "", "")
			if assert.NoError(t, err) && assert.Equal(t, http.StatusOK, code, body) &&
				assert.NoError(t, json.Unmarshal([]byte(body), &now)) {
				lowest = min(lowest, now.Free)
			}
		}
	})

	const racers = 200
	codes := make([]int, racers)
	bookings := make([]ntier.Booking, racers)
	start := make(chan struct{})
	var race sync.WaitGroup
	for i := range racers {
		race.Go(func() {
			<-start
			raw, _ := json.Marshal(ntier.BookingRequest{Flight: f.ID, Passenger: ntier.RacerName(i)})
			code, body, err := try("POST", s.url+"/api/bookings", "application/json", string(raw))
			assert.NoError(t, err)
			codes[i] = code
			if code == http.StatusCreated {
				assert.NoError(t, json.Unmarshal([]byte(body), &bookings[i]))
			}
		})
	}
	close(start)
	race.Wait()
	close(stop)
	watching.Wait()

	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	assert.Equal(t, map[int]int{http.StatusCreated: 50, http.StatusConflict: 150}, count, "answers by status")
	assert.GreaterOrEqual(t, lowest, 0, "free seats seen during the race")
	assert.Equal(t, 0, flightByNumber(t, s.url, f.Number).Free)

	t.Run("no booking is lost", func(t *testing.T) {
		ids := map[int64]bool{}
		for i, c := range codes {
			if c != http.StatusCreated {
				continue
			}
			assert.Equal(t, bookings[i], readBooking(t, s.url, bookings[i].ID, bookings[i].Reference), ntier.RacerName(i))
			ids[bookings[i].ID] = true
		}
		assert.Len(t, ids, 50, "distinct bookings, as many as seats were taken")
	})
	t.Run("both app instances booked", func(t *testing.T) {
		for _, app := range []string{"app-1", "app-2"} {
			got := rec.Matching(programtest.Msg(trace.KindRecv, app, "book"))
			assert.NotEmpty(t, got, "%s received book requests", app)
		}
	})
}

func TestInjectionIsPlainText(t *testing.T) {
	s := startTiers(t, build(t), 1)
	f := flightByNumber(t, s.url, "DS 101")

	t.Run("names with quotes are stored as they are", func(t *testing.T) {
		for _, name := range []string{"O'Brien", "Robert' --", "Bobby' OR 'a'-'a"} {
			b := bookOK(t, s.url, f.ID, name)
			assert.Equal(t, name, readBooking(t, s.url, b.ID, b.Reference).Passenger)
		}
	})
	t.Run("names that are SQL or HTML are refused", func(t *testing.T) {
		for _, name := range []string{"'; DROP TABLE flights; --", "Robert'); DROP TABLE bookings;--", "<script>alert(1)</script>", `" OR ""="`} {
			code, body := book(t, s.url, f.ID, name)
			assert.Equal(t, http.StatusBadRequest, code, "%s: %s", name, body)
			assert.Contains(t, body, "passenger name")
		}
	})
	t.Run("a search with SQL finds nothing", func(t *testing.T) {
		for _, city := range []string{"x' OR '1'='1", "Berlin' --", "Berlin'; DROP TABLE flights; --"} {
			var found []ntier.Flight
			getJSON(t, s.url+"/api/flights?"+url.Values{"from": {city}}.Encode(), &found)
			assert.Empty(t, found, city)
		}
	})
	t.Run("pages escape what they show", func(t *testing.T) {
		code, body := call(t, "GET", s.url+"/flights?"+url.Values{"from": {"<script>alert(1)</script>"}}.Encode(), "", "")
		assert.Equal(t, http.StatusOK, code)
		assert.NotContains(t, body, "<script>alert(1)")
		assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")

		br := newBrowser(t)
		code, body = br.post(s.url+"/bookings", br.bookingForm(s.url, f.ID, "<script>alert(1)</script>"))
		assert.Equal(t, http.StatusBadRequest, code)
		assert.NotContains(t, body, "<script>alert(1)")
		assert.Contains(t, body, "passenger name")

		code, body = br.post(s.url+"/bookings", br.bookingForm(s.url, f.ID, "O'Brien"))
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "O&#39;Brien")
	})
	t.Run("the tables are intact", func(t *testing.T) {
		var flights []ntier.Flight
		getJSON(t, s.url+"/api/flights", &flights)
		assert.Len(t, flights, 12)
		assert.Equal(t, f.Free-4, flightByNumber(t, s.url, f.Number).Free, "four bookings, no more")
	})
}

func TestBadInput(t *testing.T) {
	s := startTiers(t, build(t), 1)
	f := flightByNumber(t, s.url, "DS 101")
	api := s.url + "/api/bookings"
	for _, tc := range []struct {
		name, method, url, body string
		code                    int
		reason                  string
	}{
		{"malformed JSON", "POST", api, `{"flight": 1, "passenger": `, 400, "not a booking"},
		{"not an object", "POST", api, `[1, 2]`, 400, "not a booking"},
		{"unknown field", "POST", api, `{"flight": 1, "passenger": "Ada Lovelace", "seat": "1A"}`, 400, "unknown field"},
		{"flight as text", "POST", api, `{"flight": "one", "passenger": "Ada Lovelace"}`, 400, "not a booking"},
		{"no flight", "POST", api, `{"passenger": "Ada Lovelace"}`, 400, `needs "flight"`},
		{"unknown flight", "POST", api, `{"flight": 9999, "passenger": "Ada Lovelace"}`, 404, "no flight 9999"},
		{"no passenger", "POST", api, fmt.Sprintf(`{"flight": %d}`, f.ID), 400, "passenger name is needed"},
		{"a name too long", "POST", api, fmt.Sprintf(`{"flight": %d, "passenger": "%s"}`, f.ID, strings.Repeat("a", 61)), 400, "2 to 60 characters"},
		{"two bookings in one body", "POST", api, `{"flight": 1, "passenger": "Ada Lovelace"} {}`, 400, "more than one"},
		{"oversized body", "POST", api, `{"flight": 1, "passenger": "` + strings.Repeat("a", ntier.MaxBody) + `"}`, 413, "larger than"},
		{"request id in the body", "POST", api, fmt.Sprintf(`{"flight": %d, "passenger": "Ada Lovelace", "request": "abcdefghijklmnopq"}`, f.ID), 400, "Idempotency-Key header"},
		{"cancel a word", "DELETE", api + "/abc", "", 400, "a number"},
		{"cancel nothing", "DELETE", api + "/999999", "", 404, "no booking 999999"},
		{"bookings are not listed", "GET", api + "?passenger=Ada", "", 405, "not listed"},
		{"search with a bad date", "GET", s.url + "/api/flights?date=tomorrow", "", 400, "YYYY-MM-DD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := call(t, tc.method, tc.url, "application/json", tc.body)
			assert.Equal(t, tc.code, code, body)
			var e struct{ Error string }
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Contains(t, e.Error, tc.reason)
		})
	}
	t.Run("bad request ids", func(t *testing.T) {
		for _, key := range []string{"short", strings.Repeat("a", 65), "with space and more than 16", "ümlautümlautümlaut"} {
			code, body, _, err := post(api, key, ntier.BookingRequest{Flight: f.ID, Passenger: "Ada Lovelace"})
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, code, "%q: %s", key, body)
			assert.Contains(t, body, "Idempotency-Key: a request id has")
		}
	})
	t.Run("HTML errors are pages", func(t *testing.T) {
		br := newBrowser(t)
		code, body := br.get(s.url + "/flights/9999")
		assert.Equal(t, http.StatusNotFound, code)
		assert.Contains(t, body, "there is no flight 9999")
		form := br.bookingForm(s.url, f.ID, "Ada Lovelace")
		form.Set("flight", "x")
		code, body = br.post(s.url+"/bookings", form)
		assert.Equal(t, http.StatusBadRequest, code)
		assert.Contains(t, body, "a flight is a number")
		form.Set("flight", fmt.Sprint(f.ID))
		form.Set("request", "no")
		code, body = br.post(s.url+"/bookings", form)
		assert.Equal(t, http.StatusBadRequest, code)
		assert.Contains(t, body, "a request id has")
		code, _ = call(t, "POST", s.url+"/bookings", "application/x-www-form-urlencoded", "passenger="+strings.Repeat("a", ntier.MaxBody))
		assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	})
	t.Run("a full flight is 409", func(t *testing.T) {
		full := flightByNumber(t, s.url, "DS 330")
		require.Equal(t, 1, full.Free)
		code, body := book(t, s.url, full.ID, "Ada Lovelace")
		require.Equal(t, http.StatusCreated, code, body)
		code, body = book(t, s.url, full.ID, "Alan Turing")
		assert.Equal(t, http.StatusConflict, code)
		assert.JSONEq(t, `{"error":"flight DS 330 is full"}`, body)
	})
}

func TestTierFailures(t *testing.T) {
	bin := build(t)

	t.Run("data tier killed and restarted", func(t *testing.T) {
		s := startTiers(t, bin, 1)
		f := flightByNumber(t, s.url, "DS 102")
		b := bookOK(t, s.url, f.ID, "Ada Lovelace")

		kill(t, s.db)
		code, body := call(t, "GET", s.url+"/api/flights", "", "")
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, "the data tier ("+s.db.Addr+") cannot be reached: connection refused")
		code, body = call(t, "GET", s.url+"/", "", "")
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, "the data tier ("+s.db.Addr+") cannot be reached")
		code, body = book(t, s.url, f.ID, "Alan Turing")
		assert.Equal(t, http.StatusServiceUnavailable, code, "nothing went out to the data tier, so nothing was done: %s", body)

		s.db = s.startDB(t, s.db.Addr)
		assert.Equal(t, b, readBooking(t, s.url, b.ID, b.Reference), "the booking made before the crash")
		assert.Equal(t, f.Free-1, flightByNumber(t, s.url, f.Number).Free)
		code, body = book(t, s.url, f.ID, "Alan Turing")
		assert.Equal(t, http.StatusCreated, code, body)
	})

	t.Run("a frozen data tier costs a timeout, not a hang", func(t *testing.T) {
		s := &tiers{bin: bin, data: t.TempDir()}
		s.db = s.startDB(t, "127.0.0.1:0")
		app := programtest.StartServer(t, filepath.Join(bin, "app"), "--listen", "127.0.0.1:0", "--db", s.db.Addr, "--timeout", "300ms")
		web := programtest.StartServer(t, filepath.Join(bin, "web"), "--listen", "127.0.0.1:0", "--app", app.Addr)
		require.NoError(t, s.db.Cmd.Process.Signal(syscall.SIGSTOP))
		code, body := call(t, "GET", "http://"+web.Addr+"/api/flights", "", "")
		require.NoError(t, s.db.Cmd.Process.Signal(syscall.SIGCONT))
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, "did not answer search_flights within 300ms")
		code, _ = call(t, "GET", "http://"+web.Addr+"/api/flights", "", "")
		assert.Equal(t, http.StatusOK, code, "thawed")
	})

	t.Run("an app instance killed, the other serves", func(t *testing.T) {
		s := startTiers(t, bin, 2)
		f := flightByNumber(t, s.url, "DS 211")
		kill(t, s.apps[0])
		for i := range 6 {
			var flights []ntier.Flight
			getJSON(t, s.url+"/api/flights", &flights)
			code, body := book(t, s.url, f.ID, ntier.RacerName(i))
			assert.Equal(t, http.StatusCreated, code, body)
		}
		kill(t, s.apps[1])
		code, body := call(t, "GET", s.url+"/api/flights", "", "")
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, "no app tier instance can be reached")
	})
}

func TestCommandLine(t *testing.T) {
	bin := build(t)
	t.Run("bad flag is one line naming it, exit 2", func(t *testing.T) {
		for _, prog := range []string{"db", "app", "web", "booker"} {
			_, errOut, code := programtest.Run(t, filepath.Join(bin, prog), "--no-such-flag")
			assert.Equal(t, 2, code, prog)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "%s: %q", prog, errOut)
			assert.Contains(t, errOut, "-no-such-flag")
		}
	})
	t.Run("usage errors, exit 2", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, filepath.Join(bin, "web"), "--listen", "127.0.0.1:0", "--app", " , ")
		assert.Equal(t, 2, code)
		assert.Equal(t, "web: --app needs at least one address\n", errOut)
		_, errOut, code = programtest.Run(t, filepath.Join(bin, "booker"), "--web", "http://127.0.0.1:1", "fly", "away")
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, `booker: cannot do "fly away"`)
	})
	t.Run("a data directory that cannot be made, exit 1", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, filepath.Join(bin, "db"), "--listen", "127.0.0.1:0", "--data", "/proc/no/such/dir")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "db: cannot create the data directory")
	})
	t.Run("the booker without a web tier, exit 1", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, filepath.Join(bin, "booker"), "--web", "http://127.0.0.1:1", "search")
		assert.Equal(t, 1, code)
		assert.Equal(t, "booker: the web tier cannot be reached: connection refused\n", errOut)
	})
	t.Run("a race in which every booking fails, exit 1", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, filepath.Join(bin, "booker"), "--web", "http://127.0.0.1:1", "race", "5", "3")
		assert.Equal(t, 1, code)
		assert.Equal(t, "booker: race for flight 5 with 3 passengers: 0 booked, 0 told the flight is full, 3 failed; "+
			"every booking failed, the first with: the web tier cannot be reached: connection refused\n", errOut)
	})
	t.Run("the booker books", func(t *testing.T) {
		s := startTiers(t, bin, 1)
		out, errOut, code := programtest.Run(t, filepath.Join(bin, "booker"), "--web", s.url, "book", "7", "Ada", "Lovelace")
		assert.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "booked: booking ")
		assert.Contains(t, out, "Ada Lovelace on DS 440")
		out, errOut, code = programtest.Run(t, filepath.Join(bin, "booker"), "--web", s.url, "race", "5", "4")
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, "race for flight 5 with 4 passengers: 1 booked, 3 told the flight is full, 0 failed\n", out)
		_, errOut, code = programtest.Run(t, filepath.Join(bin, "booker"), "--web", s.url, "race", "999", "2")
		assert.Equal(t, 1, code, "a race for a flight that does not exist")
		assert.Contains(t, errOut, "2 failed; every booking failed, the first with: 404 Not Found: ")
	})
}

// A booking request's JSON is what the issue asks for.
func TestBookingRequestJSON(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(&buf).Encode(ntier.BookingRequest{Flight: 7, Passenger: "Ada"}))
	assert.JSONEq(t, `{"flight":7,"passenger":"Ada"}`, buf.String())
}
