// Package datatier is the data tier of the n-tier model: the flights and
// bookings in one SQLite file, and the server that answers the application
// tier's named operations on them over the wire.
//
//	app --search_flights--> +--------+  SELECT ... WHERE origin = ?
//	app --book_seat-------> |   db   | -------------------------------> flights.db
//	app <--book_seat_ok---- +--------+  BEGIN IMMEDIATE; UPDATE ...;     (WAL)
//	                                     INSERT ...; COMMIT
//
// The operations it answers, each with an ntier.Answer (the message
// constants and bodies are package ntier's; only the app tier sends them):
//
//	type            body                  answer    in SQL
//	search_flights  ntier.FlightQuery     Flights   one SELECT
//	get_flight      ntier.Ref             Flight    one SELECT, or refused not_found
//	book_seat       ntier.BookingRequest  Booking   one transaction (below), or refused full
//	get_booking     ntier.BookingRef      Booking   one SELECT by id, the reference compared in constant time
//	cancel_booking  ntier.BookingRef      Booking   one transaction: mark it, give the seat back
//
// Only this package imports the SQLite engine (modernc.org/sqlite, SQLite
// compiled to Go), so the other tiers' programs do not pay for building it.
//
// Every statement takes its values as parameters (the ? in the SQL), never
// pasted into the SQL text: a passenger called "Robert'); DROP TABLE
// bookings;--" is stored as that text, and a search for the city
// "x' OR '1'='1" finds no flight.
//
// A booking is one transaction that first looks for its request id, then
// takes a seat and then writes the booking, and the seat is only taken
// when one is free:
//
//	SELECT ... WHERE b.request = ?
//	-- found: the same request came again; answer that booking, change nothing
//	UPDATE flights SET free = free - 1 WHERE id = ? AND free > 0
//	-- no row changed: the flight is full (or does not exist); roll back
//	INSERT INTO bookings (flight, passenger, booked_at, reference, request) VALUES (?, ?, ?, ?, ?)
//
// The request id is what makes booking idempotent. A tier that sent
// book_seat and lost the answer (its connection broke, the app instance
// died) cannot know whether the seat was taken; it may send the same
// request again, because the request id is UNIQUE in the bookings table and
// looked up in the same transaction that would write it. Asking twice books
// once.
//
// Two bookings for the last seat cannot both see it free: the writes go one
// after the other through a single writer connection, each transaction
// begun with BEGIN IMMEDIATE (it takes the write lock at once, not at its
// first write), and a busy timeout lets a second process wait for the lock
// instead of failing. The table itself forbids a negative count (CHECK).
//
// # Try it
//
// Start the data tier alone (bin/db after make build) and speak its
// protocol by hand, one JSON line per request:
//
//	bin/db --data /tmp/flights
//	echo '{"from":"me","type":"search_flights","id":1,"body":{"from":"Köln"}}' | nc 127.0.0.1 7520
//	echo '{"from":"me","type":"book_seat","id":2,"body":{"flight":5,"passenger":"Ada Lovelace","request":"my-request-id-0001"}}' | nc 127.0.0.1 7520
//
// Send the book_seat again: the same booking comes back, with
// "replayed":true, and DS 330 still has its seat count. A second request
// id for the same flight is refused: full.
//
// # Teacher notes
//
// Point at what the data tier does not check: book_seat for the passenger
// "R2D2" is stored, because names are the app tier's rule. That is why no
// tier but the app tier may reach this one. And at what it alone decides:
// whether a seat is free, inside the transaction that takes it. The usual
// wrong answer is that a lock in the app tier would do the same; it would
// not, once there are two app instances, or another program writing.
package datatier
