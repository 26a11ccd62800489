package catalog

import (
	"dsdemo/models/trace"

	"dsdemo/models/i18n"
)

func init() { register(70, multiTier) }

// multiTier is the lecture's multi-tier model as a flight-booking system:
// the client asks the web tier, which asks an app instance, which asks the
// data tier.
//
//	client-1 --POST /api/bookings--> web --book--> app-1 --book_seat--> db
//	                                     \-------> app-2 -----------/
//
// The timetable is the same on every start (the data tier seeds it into a
// fresh file), so the experiments can name flights by id: flight 1 is
// DS 101 Berlin → München with many free seats, flight 2 DS 102 back,
// flight 5 DS 330 Köln → Wien with a single free seat.
func multiTier() Model {
	return Model{
		ID:    "ntier",
		Title: i18n.Text{DE: "Mehrschichtige Architektur: Flugbuchung", EN: "Multi-tier architecture: flight booking"},
		Summary: i18n.Text{
			DE: "Ein Server beantwortet die Anfrage seines Clients, indem er selbst einen anderen Server fragt: Die Webschicht zeigt Seiten, die Anwendungsschicht prüft die Regeln, die Datenschicht hält Flüge und Buchungen in SQLite. " +
				"Jede Schicht ist ein eigener Prozess; eine zweite Instanz der Anwendungsschicht kann hinzukommen (die vierschichtige Variante).",
			EN: "A server answers its client by asking another server in turn: the web tier shows pages, the application tier checks the rules, the data tier keeps flights and bookings in SQLite. " +
				"Each tier is a process of its own; a second instance of the application tier can join (the four-tier variant).",
		},
		Roles: []Role{
			{Name: "client", Does: i18n.Text{
				DE: "Ein Buchungsprogramm (oder ein Browser): sucht Flüge, bucht und storniert über die JSON-Schnittstelle der Webschicht.",
				EN: "A booking program (or a browser): searches flights, books and cancels through the web tier's JSON interface.",
			}},
			{Name: "web", Does: i18n.Text{
				DE: "Präsentationsschicht: macht aus den Antworten der Anwendungsschicht HTML-Seiten und JSON; verteilt die Anfragen reihum auf die App-Instanzen.",
				EN: "Presentation tier: turns the application tier's answers into HTML pages and JSON; spreads the requests over the app instances in turn.",
			}},
			{Name: "app", Does: i18n.Text{
				DE: "Anwendungsschicht: prüft Namen, Flug und Abflugzeit und ist die einzige Schicht, die mit der Datenschicht spricht.",
				EN: "Application tier: checks names, flights and departure times, and is the only tier that talks to the data tier.",
			}},
			{Name: "db", Does: i18n.Text{
				DE: "Datenschicht: Flüge und Buchungen in einer SQLite-Datei; jede Buchung ist eine Transaktion, kein Platz wird zweimal verkauft.",
				EN: "Data tier: flights and bookings in a SQLite file; each booking is one transaction, and no seat is sold twice.",
			}},
		},
		Programs: []Program{
			{Node: "db", Role: "db", Binary: "db", Listen: ListenAny},
			{Node: "app-1", Role: "app", Binary: "app", Listen: ListenAny, Args: []string{"--db", "{addr:db}"}},
			{Node: "app-2", Role: "app", Binary: "app", Listen: ListenReserved, Later: true, Args: []string{"--db", "{addr:db}"}},
			{Node: "web", Role: "web", Binary: "web", Listen: ListenAny, Args: []string{"--app", "{addr:app-1},{addr:app-2}"}},
			{Node: "client-1", Role: "client", Binary: "booker", Args: []string{"--web", "http://{addr:web}"}},
		},
		Layout: LayoutRow,
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Der Client kennt nur die Webschicht; wo die Daten liegen und wer die Regeln prüft, sieht er nicht.",
				EN: "The client knows only the web tier; where the data lives and who checks the rules it cannot see.",
			}},
			{Transparency: ConcurrencyTransparency, How: i18n.Text{
				DE: "Viele Clients buchen gleichzeitig denselben Flug; die Transaktionen der Datenschicht sorgen dafür, dass jeder freie Platz genau einmal verkauft wird.",
				EN: "Many clients book the same flight at once; the data tier's transactions make sure each free seat is sold exactly once.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Fällt eine App-Instanz aus, schickt die Webschicht die Anfragen an die andere; der Client merkt nichts. Auch eine Buchung, deren Antwort verloren ging, darf sie noch einmal schicken: Die Buchung trägt eine Anfrage-ID, und die Datenschicht bucht jede ID nur einmal.",
				EN: "When an app instance fails, the web tier sends the requests to the other one; the client notices nothing. Even a booking whose answer was lost may be sent again: it carries a request id, and the data tier books each id only once.",
			}},
			{Transparency: ScalingTransparency, How: i18n.Text{
				DE: "Eine zweite App-Instanz übernimmt ihren Teil der Anfragen, ohne dass Client oder Datenschicht geändert werden.",
				EN: "A second app instance takes its share of the requests without any change to the client or the data tier.",
			}},
		},
		Experiments: []Experiment{bookingTraced(), lastSeat(), dataTierRestart(), secondApp(), onlyTheHolder(), predictMultiTier()},
	}
}

func bookingTraced() Experiment {
	return Experiment{
		ID:    "booking",
		Title: i18n.Text{DE: "Eine Buchung durch alle Schichten", EN: "One booking through every tier"},
		Summary: i18n.Text{
			DE: "Eine Buchung wandert vom Client über Web- und Anwendungsschicht bis in die Datenbank und zurück.",
			EN: "One booking travels from the client through the web and application tiers into the database and back.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "book 1 Ada Lovelace", Caption: i18n.Text{
				DE: "client-1 bucht einen Platz auf Flug 1 (DS 101 Berlin → München) mit POST /api/bookings an die Webschicht. Die Webschicht gibt die Anfrage als book an eine App-Instanz weiter.",
				EN: "client-1 books a seat on flight 1 (DS 101 Berlin → München) with POST /api/bookings to the web tier. The web tier passes it on as book to an app instance.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "db", Type: "get_flight"}, Caption: i18n.Text{
				DE: "Die App-Instanz hat den Namen geprüft und fragt die Datenschicht nach dem Flug: Gibt es ihn, und ist er noch nicht abgeflogen?",
				EN: "The app instance has checked the name and asks the data tier about the flight: does it exist, and has it not left yet?",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "db", Type: "book_seat"}, Caption: i18n.Text{
				DE: "Die Regeln sind erfüllt: book_seat. Die Datenschicht nimmt in einer Transaktion einen Platz (UPDATE … WHERE free > 0) und schreibt die Buchung.",
				EN: "The rules are met: book_seat. In one transaction the data tier takes a seat (UPDATE … WHERE free > 0) and writes the booking.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "201"}, Caption: i18n.Text{
				DE: "201 Created kommt über App- und Webschicht zurück. Drei Prozesse haben an einer Anfrage gearbeitet; der Inspektor von db zeigt die freien Plätze von DS 101.",
				EN: "201 Created comes back through the app and web tiers. Three processes worked on one request; db's inspector shows the free seats of DS 101.",
			}},
		},
	}
}

func lastSeat() Experiment {
	return Experiment{
		ID:    "last-seat",
		Title: i18n.Text{DE: "Wettlauf um den letzten Platz", EN: "A race for the last seat"},
		Summary: i18n.Text{
			DE: "Zwanzig Buchungen gleichzeitig für einen Flug mit einem freien Platz: Genau eine gewinnt.",
			EN: "Twenty bookings at once for a flight with one free seat: exactly one wins.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "search Köln Wien", Caption: i18n.Text{
				DE: "client-1 sucht Flüge von Köln nach Wien: DS 330 hat nur noch einen freien Platz.",
				EN: "client-1 searches flights from Köln to Wien: DS 330 has a single free seat left.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "Die Suche ging durch alle drei Schichten; gelesen wird ohne Transaktion, mehrere Leser dürfen gleichzeitig.",
				EN: "The search went through all three tiers; reading needs no transaction, and several readers may read at once.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "race 5 20", Caption: i18n.Text{
				DE: "Zwanzig Reisende buchen DS 330 im selben Augenblick. Die Webschicht reicht sie reihum an die App-Instanzen weiter, die laufen, und jede fragt die Datenschicht.",
				EN: "Twenty passengers book DS 330 at the same moment. The web tier hands them in turn to the app instances that are running, and each asks the data tier.",
			}},
			claiming(logged("client-1", "race for flight 5 with 20 passengers", i18n.Text{
				DE: "Eine Buchung bekommt den Platz, alle anderen hören 409: ausgebucht. Die Datenschicht schreibt nacheinander, und UPDATE … WHERE free > 0 nimmt nur einen Platz, der noch frei ist (Nebenläufigkeitstransparenz).",
				EN: "One booking gets the seat, all others hear 409: full. The data tier writes one transaction after the other, and UPDATE … WHERE free > 0 takes only a seat that is still free (concurrency transparency).",
			}), state("db", "DS 330", "0 free")),
		},
	}
}

func dataTierRestart() Experiment {
	return Experiment{
		ID:    "db-restart",
		Title: i18n.Text{DE: "Die Datenschicht fällt aus", EN: "The data tier fails"},
		Summary: i18n.Text{
			DE: "Ohne Datenschicht antwortet das System mit einem klaren Fehler statt zu hängen; nach dem Neustart sind alle Buchungen noch da.",
			EN: "Without its data tier the system answers with a clear error instead of hanging; after the restart every booking is still there.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "book 2 Grace Hopper", Caption: i18n.Text{
				DE: "client-1 bucht Flug 2 für Grace Hopper.",
				EN: "client-1 books flight 2 for Grace Hopper.",
			}},
			fetched("client-1", "201", i18n.Text{
				DE: "Gebucht: Die Transaktion ist in der Datei festgeschrieben (COMMIT).",
				EN: "Booked: the transaction is committed to the file.",
			}),
			{Kind: StepKill, Node: "db", Caption: i18n.Text{
				DE: "Die Datenschicht wird abgeschossen, ohne sich verabschieden zu können.",
				EN: "The data tier is killed, without a chance to say goodbye.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "search", Caption: i18n.Text{
				DE: "client-1 sucht Flüge.",
				EN: "client-1 searches flights.",
			}},
			fetched("client-1", "503", i18n.Text{
				DE: "503 Service Unavailable mit dem Grund: Die App-Instanz erreicht die Datenschicht nicht. Keine Schicht stürzt ab oder hängt.",
				EN: "503 Service Unavailable with the reason: the app instance cannot reach the data tier. No tier crashes or hangs.",
			}),
			{Kind: StepRestart, Node: "db", Caption: i18n.Text{
				DE: "Die Datenschicht startet wieder, an derselben Adresse und mit derselben Datei.",
				EN: "The data tier starts again, at the same address and with the same file.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "mine", Caption: i18n.Text{
				DE: "client-1 liest seine Buchung noch einmal, mit ihrer Nummer und ihrer Buchungsreferenz, die es sich gemerkt hat.",
				EN: "client-1 reads its booking again, with its number and the booking reference it kept.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "Die Buchung ist noch da: Was festgeschrieben war, übersteht den Absturz (Dauerhaftigkeit). Die App-Instanzen haben sich von selbst neu verbunden.",
				EN: "The booking is still there: what was committed survives the crash (durability). The app instances have reconnected by themselves.",
			}),
		},
	}
}

func secondApp() Experiment {
	return Experiment{
		ID:    "second-app",
		Title: i18n.Text{DE: "Eine zweite App-Instanz", EN: "A second app instance"},
		Summary: i18n.Text{
			DE: "Erst trägt app-1 alles allein, dann kommt app-2 hinzu und übernimmt ihren Teil, ohne dass sonst etwas neu startet.",
			EN: "First app-1 carries everything alone, then app-2 joins and takes its share, without anything else restarting.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "race 1 4", Caption: i18n.Text{
				DE: "Bisher gibt es eine einzige App-Instanz. Vier Buchungen für Flug 1 auf einmal …",
				EN: "So far there is a single app instance. Four bookings for flight 1 at once …",
			}},
			logged("client-1", "race for flight 1 with 4 passengers", i18n.Text{
				DE: "Alle vier gehen an app-1. Die Webschicht kennt schon eine zweite Adresse, aber dort hört noch niemand zu: Die Verbindung wird abgelehnt, und sie nimmt sofort die nächste Instanz.",
				EN: "All four go to app-1. The web tier already knows a second address, but nobody answers there: the connection is refused, and it takes the next instance at once.",
			}),
			{Kind: StepStart, Node: "app-2", Caption: i18n.Text{
				DE: "Eine zweite App-Instanz startet an genau dieser Adresse.",
				EN: "A second app instance starts at exactly that address.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "race 1 4", Caption: i18n.Text{
				DE: "Noch einmal vier Buchungen auf einmal.",
				EN: "Four more bookings at once.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "app-2", Type: "book"}, Caption: i18n.Text{
				DE: "Die Webschicht verteilt reihum, und app-2 bekommt sofort ihren Teil: Die Anwendungsschicht ist gewachsen, ohne dass Client, Webschicht oder Datenschicht es merken (Skalierungstransparenz).",
				EN: "The web tier takes turns, and app-2 gets its share at once: the application tier has grown without the client, the web tier or the data tier noticing (scaling transparency).",
			}},
		},
	}
}

func onlyTheHolder() Experiment {
	return Experiment{
		ID:    "reference",
		Title: i18n.Text{DE: "Nur wer die Referenz kennt", EN: "Only the holder of the reference"},
		Summary: i18n.Text{
			DE: "Buchungsnummern sind leicht zu raten; lesen und stornieren darf nur, wer die geheime Buchungsreferenz kennt.",
			EN: "Booking numbers are easy to guess; only whoever knows the secret booking reference may read or cancel a booking.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "book 1 Ada Lovelace", Caption: i18n.Text{
				DE: "client-1 bucht Flug 1.",
				EN: "client-1 books flight 1.",
			}},
			fetched("client-1", "201", i18n.Text{
				DE: "Die Antwort nennt die Buchungsnummer und eine Buchungsreferenz: zehn Zeichen, die die Datenschicht mit crypto/rand gezogen hat. Nur client-1 hat sie erfahren.",
				EN: "The answer names the booking number and a booking reference: ten characters the data tier drew with crypto/rand. Only client-1 has been told it.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "cancel 1 ABCDEFGHJK", Caption: i18n.Text{
				DE: "Jetzt spielt client-1 den Angreifer: Es versucht, Buchung 1 eines anderen Fahrgasts mit einer geratenen Referenz zu stornieren.",
				EN: "Now client-1 plays the attacker: it tries to cancel booking 1, another passenger's, with a guessed reference.",
			}},
			fetched("client-1", "404", i18n.Text{
				DE: "404: Es gibt keine Buchung 1 mit dieser Referenz. Dieselbe Antwort wie für eine Nummer, die es nicht gibt, damit Raten nicht einmal verrät, welche Buchungen existieren. Bei 2^50 möglichen Referenzen dauert Raten Jahrtausende.",
				EN: "404: there is no booking 1 with this reference. The same answer as for a number that does not exist, so that guessing does not even tell which bookings exist. With 2^50 possible references, guessing takes millennia.",
			}),
			{Kind: StepDo, Node: "client-1", Cmd: "mine", Caption: i18n.Text{
				DE: "client-1 liest seine eigene Buchung, mit der Referenz, die es sich gemerkt hat.",
				EN: "client-1 reads its own booking, with the reference it kept.",
			}},
			fetched("client-1", "200", i18n.Text{
				DE: "200: Wer die Referenz hat, darf. Eine Liste aller Buchungen eines Namens gibt es nicht mehr: Ein Name ist kein Geheimnis.",
				EN: "200: whoever has the reference may. There is no list of a name's bookings any more: a name is no secret.",
			}),
		},
	}
}
