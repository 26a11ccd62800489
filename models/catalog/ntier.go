package catalog

import "dsdemo/models/i18n"

func init() { register(70, multiTier) }

// multiTier is the lecture's multi-tier model as a flight-booking system:
// the client asks the web tier, which asks an app instance, which asks the
// data tier.
//
//	client-1 --POST /api/bookings--> web --book--> app-1 --book_seat--> db
//	                                     \-------> app-2 -----------/
//
// app-2 is a replica of the application tier, not a tier of its own. The
// four tiers of the lecture's DMZ figure are client-1 (web client), web
// (web server in the DMZ), app-1 (application server) and db (database);
// the experiment four-tiers draws the two firewalls as one-way partitions,
// and intruder, a booker that an experiment starts, stands for an
// attacker on a machine in the DMZ.
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
				"Jede Schicht ist ein eigener Prozess. Mit dem Webclient gezählt sind es vier Schichten wie im DMZ-Bild der Vorlesung: Webclient, Webserver, Anwendungsserver, Datenbank; ein Experiment zieht die beiden Firewalls ein. Eine zweite App-Instanz dagegen ist keine weitere Schicht, sondern Replikation innerhalb der Anwendungsschicht.",
			EN: "A server answers its client by asking another server in turn: the web tier shows pages, the application tier checks the rules, the data tier keeps flights and bookings in SQLite. " +
				"Each tier is a process of its own. Counting the web client, these are the four tiers of the lecture's DMZ figure: web client, web server, application server, database; one experiment puts up the two firewalls. A second app instance, by contrast, adds no tier: it is replication within the application tier.",
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
			{Name: "intruder", Does: i18n.Text{
				DE: "Nur im DMZ-Experiment: ein Angreifer auf einem Rechner in der DMZ, der die Schichten hinter dem Webserver direkt zu fragen versucht (direct app, direct db).",
				EN: "Only in the DMZ experiment: an attacker on a machine in the DMZ who tries to ask the tiers behind the web server directly (direct app, direct db).",
			}},
		},
		Programs: []Program{
			{Node: "db", Role: "db", Binary: "db", Listen: ListenAny},
			{Node: "app-1", Role: "app", Binary: "app", Listen: ListenAny, Args: []string{"--db", "{addr:db}"}},
			{Node: "app-2", Role: "app", Binary: "app", Listen: ListenReserved, Later: true, Args: []string{"--db", "{addr:db}"}},
			// Listed before web, so that the row of tiers shows it beside
			// the web server, in the DMZ.
			{Node: "intruder", Role: "intruder", Binary: "booker", Later: true,
				Args: []string{"--web", "http://{addr:web}", "--app", "{addr:app-1}", "--db", "{addr:db}"}},
			{Node: "web", Role: "web", Binary: "web", Listen: ListenAny, Args: []string{"--app", "{addr:app-1},{addr:app-2}"}},
			// --app and --db serve only the booker's "direct" command, with
			// which the four-tiers experiment tries to get past the web tier.
			{Node: "client-1", Role: "client", Binary: "booker", Args: []string{"--web", "http://{addr:web}", "--app", "{addr:app-1}", "--db", "{addr:db}"}},
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
	}
}
