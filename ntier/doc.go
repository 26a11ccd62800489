// Package ntier is the multi-tier model of the lecture, built as a small
// flight-booking system: a distributed information system in which a
// server answers its client by asking another server in turn.
//
// # The picture
//
// Each tier is a program of its own with one job, and each talks only to
// its neighbour:
//
//	presentation         application logic           data
//	+---------+  HTTP   +--------+  wire    +--------+  wire       +------------+
//	| browser | ------> |  web   | -------> |  app   | ----------> |     db     |
//	| booker  | <------ | (HTML, | <------- | (rules,| <---------- | (SQLite,   |
//	+---------+  GET,   |  JSON) |  search  | checks)|  get_flight |  one file) |
//	  client     POST   +--------+  book    +--------+  book_seat  +------------+
//	                      tier 1              tier 2                  tier 3
//
// One booking, message by message:
//
//	booker -> web   POST /api/bookings {"flight":7,"passenger":"Ada Lovelace"}   Idempotency-Key: K
//	web -> app      book {flight, passenger, request: K}
//	app -> db       get_flight {id: 7}              does it exist, has it left?
//	db -> app       get_flight_ok {flight}
//	app -> db       book_seat {flight, passenger, request: K}   one transaction
//	db -> app       book_seat_ok {booking}
//	app -> web      book_ok {booking}
//	web -> booker   201 Created {"id":583,"reference":"G24GJ654ED",...}
//
// Each tier in a sentence:
//
//   - The presentation tier (web) turns requests into pages: HTML for a
//     browser, JSON for curl and the booker. It knows no rule of the
//     business and no table of the database.
//   - The application tier (app) holds the rules: what a passenger's name may
//     be, that a flight must exist and must not have left, what a refusal
//     says (rules.go). It is the only tier that talks to the data tier.
//   - The data tier (db, package ntier/datatier) keeps the flights and
//     bookings in a SQLite file and makes each booking one transaction, so
//     a seat is never sold twice and the seat count never goes below zero,
//     however many bookings arrive at once (concurrency transparency).
//
// Why may only the app tier reach the data tier? Because the rules live
// there. A web tier that wrote to the database itself could book a seat for
// a name the app would refuse, and every new client (a phone app, a travel
// agent's system) would have to repeat the rules. With one way in, the data
// stays as the rules say, and each tier can be changed, moved to another
// machine or multiplied without the others noticing.
//
// Several app instances behind the web tier are replication within the
// application tier, not another tier: web --app A,B spreads the requests
// over them in turn and skips one that fails (balancer.go), so an app
// instance can fail or be added while the site goes on (failure and
// scaling transparency):
//
//	              +--> app-1 --+
//	browser --> web            +--> db
//	              +--> app-2 --+
//
// # Four tiers and the DMZ
//
// Four tiers come from splitting the application tier, not from copying
// it. Counted as in the lecture's figure of company data on the Internet,
// the same programs are four tiers in three zones: the web client (the
// booker, a browser) on the Internet, the web server in the DMZ between
// two firewalls, the application server and the database in the intranet:
//
//	Internet     |      DMZ      |          intranet
//	web client --|-> web server -|-> app server --> database
//	(booker)     |   (web)       |   (app)          (db)
//	tier 1       |   tier 2      |   tier 3         tier 4
//	      outer firewall   inner firewall
//
// The outer firewall lets the Internet reach the web server only; the
// inner one lets the DMZ reach the application server only. So the data
// is reached from outside only through the app tier's rules, and whoever
// takes over a machine in the DMZ is still a firewall away from the
// database. The experiment four-tiers puts up both firewalls as one-way
// partitions and tries them with the booker's "direct app" and "direct
// db" (direct.go), which ask a tier past the web tier.
//
// # Asking twice, booking once
//
// Skipping a failed instance is easy for a search. For a booking it is
// not: when app-1 dies after the data tier committed the booking but
// before its answer came back, the web tier cannot tell whether the seat
// was sold. Sending the booking to app-2 as a new one would sell a second
// seat; telling the user that the service cannot be reached would be a
// lie.
//
// So every booking carries a request id, drawn at random once per booking
// the user means to make (the booking form has it in a hidden field; an
// API client sends it as Idempotency-Key, or the web tier draws one). It
// travels web -> app -> db with every attempt, and the data tier keeps it
// with the booking, UNIQUE, in the same transaction. A book_seat whose
// request id made a booking before gets that booking again (Replayed)
// instead of a new one: booking is idempotent, and any tier that lost an
// answer may ask again. Cancelling is idempotent too (a cancelled booking
// stays, marked). When no attempt gets an answer, the user is told the
// truth: 502, the outcome is unknown, send the same request again to find
// out.
//
//	web --book r=K--> app-1 --book_seat r=K--> db  COMMIT; answer lost, app-1 dies
//	web --book r=K--> app-2 --book_seat r=K--> db  K is known: the same booking, Replayed
//	web <--201, booking 584-- (one seat sold)
//
// # Who may see a booking
//
// A booking's id is a counter and no secret. Each booking also gets a
// reference, 10 random characters drawn from crypto/rand, told only to the
// one who booked; reading or cancelling needs the id and the reference, and
// an id with a wrong reference is answered 404 exactly like an id that does
// not exist, so trying ids learns nothing. Bookings are not listed by
// passenger name, because a name is no secret. Every HTML form that POSTs
// carries a CSRF token (csrf.go), and the JSON API takes bookings only as
// application/json (webtier.go says why).
//
// # The messages
//
// Between web and app and between app and db the tiers speak the wire's
// JSON lines (models/wire), one named operation per message, so every
// query is a visible arrow in the trace, and no tier ships SQL to another.
// Each request T is answered by T_ok with an Answer; the constants and
// bodies are in messages.go.
//
//	type            body            answer          sent by
//	search          FlightQuery     Flights         web to app: a search
//	flight          Ref             Flight          web to app: one flight, for its booking form
//	book            BookingRequest  Booking         web to app: a booking, with its request id
//	booking         BookingRef      Booking         web to app: a booking, shown to whoever has its reference
//	cancel          BookingRef      Booking         web to app: a cancellation
//	search_flights  FlightQuery     Flights         app to db, for search
//	get_flight      Ref             Flight          app to db, for flight, and before book_seat
//	book_seat       BookingRequest  Booking         app to db, for book: one transaction
//	get_booking     BookingRef      Booking         app to db, for booking, and before cancel_booking
//	cancel_booking  BookingRef      Booking         app to db, for cancel
//
// A refusal the business expects (the flight is full, the name is not
// allowed, there is no such flight) is an answer too, with Refused and a
// Reason, and so is Unknown, the answer to a write that went out and got
// no answer. An error envelope means the tier could not do its job at
// all, usually because the next tier cannot be reached.
//
// The booker, curl and a browser's script speak HTTP to the web tier
// (its JSON API; the HTML pages are listed in webtier.go):
//
//	GET    /api/flights?from=&to=&date=                 200 [Flight]
//	GET    /api/flights/{id}                            200 Flight, 404
//	POST   /api/bookings, Idempotency-Key: K            201 Booking (Idempotent-Replayed: true when K booked before),
//	       {"flight":7,"passenger":"Ada Lovelace"}      400 against the rules, 409 full, 502 outcome unknown
//	GET    /api/bookings/{id}, Booking-Reference: REF   200 Booking, 404
//	DELETE /api/bookings/{id}, Booking-Reference: REF   200 Booking (cancelled), 404
//
// Any of them is 503 with the reason when the app tier, or behind it the
// data tier, cannot be reached.
//
// # Try it
//
// Build the programs (make build puts them in bin/), then start each tier
// in a terminal of its own, data tier first:
//
//	bin/db --data /tmp/flights
//	bin/app
//	bin/web
//
// and ask from a fourth, with the booker, curl or a browser at
// http://127.0.0.1:7500:
//
//	curl http://127.0.0.1:7500/api/flights
//	curl -i -H 'Content-Type: application/json' -H 'Idempotency-Key: my-first-booking-0001' \
//	     -d '{"flight":7,"passenger":"Ada Lovelace"}' http://127.0.0.1:7500/api/bookings
//	curl -H 'Booking-Reference: G24GJ654ED' http://127.0.0.1:7500/api/bookings/583
//	curl -X DELETE -H 'Booking-Reference: G24GJ654ED' http://127.0.0.1:7500/api/bookings/583
//	bin/booker search Berlin
//	bin/booker book 2 Grace Hopper
//	bin/booker race 5 20                # twenty at once for the last seat of DS 330
//
// (the id and reference are those of your 201's body; the same POST sent
// again answers the same booking, with Idempotent-Replayed: true). To
// replicate the application tier, start a second app instance and give
// the web tier both:
//
//	bin/app --name app-2 --listen 127.0.0.1:7511
//	bin/web --app 127.0.0.1:7510,127.0.0.1:7511
//
// The tiers behind the web tier read JSON lines, so nc can ask them too,
// past the web tier but not past the rules:
//
//	echo '{"from":"me","type":"book","id":1,"body":{"flight":7,"passenger":"R2D2","request":"abcdefghijklmnop"}}' | nc 127.0.0.1 7510
//	echo '{"from":"me","type":"get_flight","id":1,"body":{"id":7}}' | nc 127.0.0.1 7520
//
// # Teacher notes
//
// What to point at:
//   - One booking is a chain of requests: the web tier is a server to the
//     booker and a client of the app tier, the app tier a server to the
//     web tier and a client of the data tier. Only the first arrow is HTTP.
//   - The rules live in one place. Ask the app tier directly for R2D2: it
//     refuses, and the web tier never had to know why.
//   - The race: twenty bookings for one seat, one 201 and nineteen 409s,
//     and the data tier's count for DS 330 stops at 0 free. The app tier
//     never asks whether a seat is free; the transaction decides.
//   - Kill one of two app instances during a booking: the web tier asks the
//     other with the same request id, and one seat is sold. Kill the data
//     tier: a clear 503 with the reason, then the bookings are still there
//     after its restart.
//
// The usual wrong answers:
//   - "Three tiers are three machines." A tier is a share of the
//     responsibility; here all three run on one laptop, and any of them
//     could move to another machine without the others changing.
//   - "Let the web tier read the database directly, it is faster." Then it
//     must repeat every rule, and every other client too; one missed rule
//     and the data no longer says what the rules say.
//   - "The app tier checks for a free seat, then books it." Between the
//     check and the booking another booking can take the seat; only the
//     data tier's transaction (UPDATE ... WHERE free > 0) can decide.
//   - "When an app instance does not answer, send the booking to the other
//     one." Only with the same request id, or a second seat is sold; and
//     when nobody answers, the truth is "outcome unknown", not "failed".
//   - "More app instances make booking faster." They add room for the
//     rules; every booking is still one write at the single data tier,
//     which is where the time goes (BENCHMARKS.md).
package ntier
