package ntier_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
	"dsdemo/ntier"
)

// BenchmarkBookings measures bookings per second end to end: real db, app
// and web processes on a fresh timetable, and 16 clients booking every free
// seat of every flight (768 bookings a round) through the JSON API. Run it
// with -benchtime 3x or so: each round starts the tiers anew.
//
// "traced" runs the same with every tier reporting to a trace collector in
// the benchmark process, and splits a booking's time by tier from the
// events' timestamps; "traced-1" does that with a single client, so that
// nobody waits for anybody and the split shows each tier's own cost. Each tier's own time is measured on that tier alone,
// so no two processes' clocks are compared:
//
//	served = reply sent - request received      (on the tier's node)
//	calls  = reply received - request sent      (its questions to the next tier)
//	own    = served - calls
//
// per booking: web serves 1 POST and asks 1 book; app serves 1 book and asks
// get_flight and book_seat; db serves those 2. What the client waits beyond
// the three tiers' own time (TCP on loopback, HTTP, JSON, waiting for a
// core) is "between".
func BenchmarkBookings(b *testing.B) {
	bin := build(b)
	for _, run := range []struct {
		name    string
		clients int
		traced  bool
	}{{"plain", 16, false}, {"traced", 16, true}, {"traced-1", 1, true}} {
		traced := run.traced
		b.Run(run.name, func(b *testing.B) {
			var (
				booked  int
				elapsed time.Duration
				latency []time.Duration
				split   tierSplit
			)
			b.StopTimer()
			for range b.N {
				var rec *programtest.Recorder
				var extra []string
				if traced {
					rec = programtest.NewRecorder(b)
					extra = []string{"--trace", rec.Addr()}
				}
				s := startTiers(b, bin, 1, extra...)
				seats := freeSeats(b, s.url)

				b.StartTimer()
				start := time.Now()
				lat := bookAll(b, s.url, seats, run.clients)
				elapsed += time.Since(start)
				b.StopTimer()

				booked += len(lat)
				latency = append(latency, lat...)
				if traced {
					split.add(tierTimes(b, rec, len(seats)))
				}
				s.stop(b)
			}
			slices.Sort(latency)
			b.ReportMetric(float64(booked)/elapsed.Seconds(), "bookings/s")
			b.ReportMetric(float64(latency[len(latency)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(latency[len(latency)*99/100].Microseconds())/1000, "p99-ms")
			if traced {
				var client time.Duration
				for _, l := range latency {
					client += l
				}
				split.report(b, client/time.Duration(len(latency)))
			}
		})
	}
}

// stop kills the tiers of one round, so the next starts on free ports and
// cores.
func (s *tiers) stop(b *testing.B) {
	for _, p := range append([]*programtest.Proc{s.web, s.db}, s.apps...) {
		kill(b, p)
	}
}

// freeSeats returns one flight id for every free seat of the timetable,
// the flights interleaved, so the clients book all flights at once.
func freeSeats(b *testing.B, base string) []int64 {
	var flights []ntier.Flight
	getJSON(b, base+"/api/flights", &flights)
	var seats []int64
	for more := true; more; {
		more = false
		for i := range flights {
			if flights[i].Free > 0 {
				seats = append(seats, flights[i].ID)
				flights[i].Free--
				more = true
			}
		}
	}
	return seats
}

// bookAll books one seat for each entry of seats with the given number of
// clients at once and returns each booking's latency. Every booking must
// succeed.
func bookAll(b *testing.B, base string, seats []int64, clients int) []time.Duration {
	// The client stamps its requests as node "bench", so that the web
	// tier's trace pairs each request with its response.
	node := wire.NewNode("bench")
	conns := &http.Transport{MaxIdleConnsPerHost: clients}
	defer conns.CloseIdleConnections()
	httpClient := &http.Client{Timeout: programtest.Patience, Transport: &httpwire.Transport{Node: node, Base: conns}}

	latency := make([]time.Duration, len(seats))
	var next atomic.Int64
	var failed atomic.Pointer[string]
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(seats); i = int(next.Add(1) - 1) {
				body := fmt.Sprintf(`{"flight":%d,"passenger":"%s"}`, seats[i], ntier.RacerName(i))
				t0 := time.Now()
				resp, err := httpClient.Post(base+"/api/bookings", "application/json", strings.NewReader(body))
				if err != nil {
					msg := err.Error()
					failed.Store(&msg)
					return
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				latency[i] = time.Since(t0)
				if resp.StatusCode != http.StatusCreated {
					msg := fmt.Sprintf("booking %d: %s %s", i, resp.Status, raw)
					failed.Store(&msg)
					return
				}
			}
		})
	}
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		b.Fatal(*msg)
	}
	return latency
}

// exchanges measures, on one node, how long its exchanges took: the time
// from receiving a request to sending its reply (served), and from sending
// a request to receiving its reply (calls), as means over the exchanges.
type exchanges struct {
	served, calls       time.Duration // sums
	nServed, nCalls     int
	requests, questions map[string]int64 // "from/id" -> time received; "id" -> time sent
}

// tierExchanges reads node's exchanges out of the events: the requests of
// the types in serves it answered, and its questions of the types in asks.
// Other messages (the benchmark's own search for the free seats) are left
// out.
func tierExchanges(events []trace.Event, node string, serves, asks []string) exchanges {
	x := exchanges{requests: map[string]int64{}, questions: map[string]int64{}}
	for _, ev := range events {
		if ev.Node != node || ev.Msg == nil || ev.Fault != "" {
			continue
		}
		m := ev.Msg
		switch {
		case ev.Kind == trace.KindRecv && m.ReplyTo == 0 && slices.Contains(serves, m.Type): // a request to this tier
			x.requests[fmt.Sprintf("%s/%d", m.From, m.ID)] = ev.Time
		case ev.Kind == trace.KindSend && m.ReplyTo != 0: // a reply
			if t, ok := x.requests[fmt.Sprintf("%s/%d", m.To, m.ReplyTo)]; ok {
				x.served += time.Duration(ev.Time-t) * time.Microsecond
				x.nServed++
			}
		case ev.Kind == trace.KindSend && slices.Contains(asks, m.Type): // a question to the next tier
			x.questions[fmt.Sprint(m.ID)] = ev.Time
		case ev.Kind == trace.KindRecv && m.ReplyTo != 0: // an answer
			if t, ok := x.questions[fmt.Sprint(m.ReplyTo)]; ok {
				x.calls += time.Duration(ev.Time-t) * time.Microsecond
				x.nCalls++
			}
		}
	}
	return x
}

func mean(sum time.Duration, n int) time.Duration {
	if n == 0 {
		return 0
	}
	return sum / time.Duration(n)
}

// tierSplit is a booking's own time in each tier and the time its
// messages spent between the tiers (hops: on loopback TCP, in the other
// side's reader, waiting for a core), summed over rounds.
type tierSplit struct {
	web, app, db  time.Duration
	webApp, appDB time.Duration // two of the hops; the client's hop to web is what remains of its wait
	rounds        int
}

// tierTimes waits for the events of n bookings and returns one booking's
// own time in each tier.
func tierTimes(b *testing.B, rec *programtest.Recorder, n int) tierSplit {
	sent := func(node, typ string) func(trace.Event) bool {
		return func(ev trace.Event) bool {
			return ev.Kind == trace.KindSend && ev.Node == node && ev.Msg != nil && ev.Msg.Type == typ
		}
	}
	rec.WaitN(b, n, sent("web", "201"))
	rec.WaitN(b, n, sent("app-1", "book_ok"))
	rec.WaitN(b, 2*n, func(ev trace.Event) bool { return sent("db", "get_flight_ok")(ev) || sent("db", "book_seat_ok")(ev) })
	events := rec.All()
	if lost := slices.IndexFunc(events, func(ev trace.Event) bool { return ev.Kind == trace.KindOverflow }); lost >= 0 {
		b.Logf("the trace lost events (%s): the means are over the exchanges that arrived", programtest.String(events[lost]))
	}
	web := tierExchanges(events, "web", []string{"POST /api/bookings"}, []string{"book"})
	app := tierExchanges(events, "app-1", []string{"book"}, []string{"get_flight", "book_seat"})
	db := tierExchanges(events, "db", []string{"get_flight", "book_seat"}, nil)
	return tierSplit{
		web:    mean(web.served, web.nServed) - mean(web.calls, web.nCalls),
		app:    mean(app.served, app.nServed) - 2*mean(app.calls, app.nCalls),
		db:     2 * mean(db.served, db.nServed),
		webApp: mean(web.calls, web.nCalls) - mean(app.served, app.nServed),
		appDB:  2 * (mean(app.calls, app.nCalls) - mean(db.served, db.nServed)),
		rounds: 1,
	}
}

func round(d time.Duration) time.Duration { return d.Round(time.Microsecond) }

func (s *tierSplit) add(o tierSplit) {
	s.web += o.web
	s.app += o.app
	s.db += o.db
	s.webApp += o.webApp
	s.appDB += o.appDB
	s.rounds += o.rounds
}

// report gives each tier's share of the client's mean latency.
func (s tierSplit) report(b *testing.B, client time.Duration) {
	n := time.Duration(s.rounds)
	web, app, db, webApp, appDB := s.web/n, s.app/n, s.db/n, s.webApp/n, s.appDB/n
	clientWeb := client - web - app - db - webApp - appDB
	share := func(d time.Duration) float64 { return 100 * float64(d) / float64(client) }
	b.ReportMetric(share(web), "web-%")
	b.ReportMetric(share(app), "app-%")
	b.ReportMetric(share(db), "db-%")
	b.ReportMetric(share(clientWeb+webApp+appDB), "between-%")
	b.Logf("per booking (mean): the client waits %s = web %s + app %s + db %s + between the tiers %s (client-web %s, web-app %s, app-db %s)",
		round(client), round(web), round(app), round(db), round(clientWeb+webApp+appDB), round(clientWeb), round(webApp), round(appDB))
}
