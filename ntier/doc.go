// Package ntier is the multi-tier model of the lecture, built as a small
// flight-booking system: the lecture's own example of a distributed
// information system.
//
// # The model
//
// In the client/server model one server does everything. In the multi-tier
// model a server answers its client by asking another server in turn, and
// each server (each tier) has one job:
//
//	presentation         application logic           data
//	+---------+  HTTP   +--------+  wire    +--------+  wire       +------------+
//	| browser | ------> |  web   | -------> |  app   | ----------> |     db     |
//	| booker  | <------ | (HTML, | <------- | (rules,| <---------- | (SQLite,   |
//	+---------+         |  JSON) |  search  | checks)|  book_seat  |  one file) |
//	  client            +--------+  book    +--------+  get_flight +------------+
//	                      tier 1             tier 2                   tier 3
//
// Each tier in a sentence:
//
//   - The presentation tier (web) turns requests into pages: HTML for a
//     browser, JSON for curl and the booker. It knows no rule of the
//     business and no table of the database.
//   - The application tier (app) holds the rules: what a passenger's name may
//     be, that a flight must exist and must not have left, what a refusal
//     says. It is the only tier that talks to the data tier.
//   - The data tier (db) keeps the flights and bookings in a SQLite file and
//     makes each booking one transaction, so a seat is never sold twice and
//     the seat count never goes below zero, however many bookings arrive at
//     once (concurrency transparency).
//
// Why may only the app tier reach the data tier? Because the rules live
// there. A web tier that wrote to the database itself could book a seat for
// a name the app would refuse, and every new client (a phone app, a travel
// agent's system) would have to repeat the rules. With one way in, the data
// stays as the rules say, and each tier can be changed, moved to another
// machine or multiplied without the others noticing.
//
// The four-tier variant puts several app instances behind the web tier:
// web --app A,B spreads the requests over them in turn and skips one that
// fails, so an app instance can fail or be added while the site goes on
// (failure and scaling transparency):
//
//	              +--> app-1 --+
//	browser --> web            +--> db
//	              +--> app-2 --+
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
// carries a CSRF token, and the JSON API takes bookings only as
// application/json (see webTier and csrfGuard).
//
// # The messages
//
// Between web and app and between app and db the tiers speak the wire's JSON
// lines (models/wire), one named operation per message, so every query is a
// visible arrow in the trace, and no tier ships SQL to another:
//
//	web -> app                               app -> db
//	search   {"from","to","date"}            search_flights {"from","to","date"}
//	flight   {"id"}                          get_flight     {"id"}
//	book     {"flight","passenger","request"} get_flight, then book_seat {"flight","passenger","request"}
//	booking  {"id","reference"}              get_booking    {"id","reference"}
//	cancel   {"id","reference"}              get_booking, then cancel_booking {"id","reference"}
//
// Each is answered by TYPE_ok with an [Answer]. A refusal the business
// expects (the flight is full, the name is not allowed, there is no such
// flight) is an answer too, with Refused and a Reason, and so is Unknown,
// the answer to a write that went out and got no answer. An error envelope
// means the tier could not do its job at all, usually because the next
// tier cannot be reached, and the web tier shows it as 503 with the reason.
//
// # Try it
//
// In four terminals (or in the launcher: dsdemo, model ntier):
//
//	go run ./ntier/db --data /tmp/flights
//	go run ./ntier/app
//	go run ./ntier/web
//	go run ./ntier/booker search Berlin
//
// then open http://127.0.0.1:7500 in a browser, or use the JSON API:
//
//	curl http://127.0.0.1:7500/api/flights
//	curl -i -H 'Content-Type: application/json' -H 'Idempotency-Key: my-first-booking-0001' \
//	     -d '{"flight":7,"passenger":"Ada Lovelace"}' http://127.0.0.1:7500/api/bookings
//	curl -H 'Booking-Reference: K7QZM4XW2A' http://127.0.0.1:7500/api/bookings/584
//	curl -X DELETE -H 'Booking-Reference: K7QZM4XW2A' http://127.0.0.1:7500/api/bookings/584
//
// (the id and reference are those of the 201's body; the same POST sent
// again answers the same booking).
package ntier
