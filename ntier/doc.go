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
// cannot be reached, so an app instance can fail or be added while the
// site goes on (failure and scaling transparency):
//
//	              +--> app-1 --+
//	browser --> web            +--> db
//	              +--> app-2 --+
//
// # The messages
//
// Between web and app and between app and db the tiers speak the wire's JSON
// lines (models/wire), one named operation per message, so every query is a
// visible arrow in the trace, and no tier ships SQL to another:
//
//	web -> app                         app -> db
//	search   {"from","to","date"}      search_flights {"from","to","date"}
//	flight   {"id"}                    get_flight     {"id"}
//	book     {"flight","passenger"}    get_flight, then book_seat {"flight","passenger"}
//	booking  {"id"}                    get_booking    {"id"}
//	cancel   {"id"}                    get_booking, then cancel_booking {"id"}
//	bookings {"passenger"}             list_bookings  {"passenger"}
//
// Each is answered by TYPE_ok with an [Answer]. A refusal the business
// expects (the flight is full, the name is not allowed, there is no such
// flight) is an answer too, with Refused and a Reason; an error envelope
// means the tier could not do its job at all, usually because the next tier
// cannot be reached, and the web tier shows it as 503 with the reason.
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
//	curl -d '{"flight":7,"passenger":"Ada Lovelace"}' http://127.0.0.1:7500/api/bookings
//	curl 'http://127.0.0.1:7500/api/bookings?passenger=Ada%20Lovelace'
//	curl -X DELETE http://127.0.0.1:7500/api/bookings/1
package ntier
