package catalog

import "dsdemo/models/i18n"

func init() { register(75, remoteCall) }

// remoteCall is the lecture's first paradigm of middleware, the remote
// call: a server registers what it offers with a directory service, a
// client looks it up there, then calls the server directly through a stub
// and waits for the reply.
//
//	client-1 (json, at-most-once)   --lookup-->  +-----------+ <--register/renew-- server-1 (bank, EUR)
//	client-2 (json, at-least-once)  <-lookup_ok- | directory | <--register-------- server-2 (later: the bank moved)
//	client-3 (raw, little-endian)                +-----------+
//	client-4 (binary, little-endian) ------------------ call / call_ok ----------> server-1 or server-2
//
// The row layout draws its columns in the reverse order of Programs: the
// servers come first here, the directory next and the clients last, so on
// the screen the clients stand left, the directory in the middle and the
// servers right. The launcher starts the directory first all the same,
// since the others need its address.
//
// server-2 registers under the same name as server-1 (bank) and so takes
// its entry over: it is what server-1 looks like after it moved to another
// port. It is started only after server-1 was killed; while both run,
// each would take the entry back from the other at its next renewal.
// client-3 plays a little-endian machine without an external data format
// (the raw codec), client-4 the same machine with the binary codec; the
// rpcserver plays a big-endian machine. All clients are sessions for the
// experiments' do steps (balance, transfer, lookup, list, watch, where).
func remoteCall() Model {
	dir := []string{"--directory", "{addr:directory}"}
	args := func(more ...string) []string { return append(append([]string{}, dir...), more...) }
	return Model{
		ID:    "rpc",
		Title: i18n.Text{DE: "Entfernter Aufruf mit Verzeichnisdienst", EN: "Remote calls with a directory service"},
		Summary: i18n.Text{
			DE: "Der Server meldet beim Verzeichnisdienst an, was er anbietet, und erneuert diese Anmeldung regelmäßig (Lease). " +
				"Der Client kennt nur den Verzeichnisdienst: Er fragt dort nach der Adresse der Bank und ruft sie dann direkt auf, als wäre sie ein lokales Objekt. " +
				"Stub und Skeleton verpacken den Aufruf in ein externes Datenformat (JSON oder big-endian binär); der Client wartet, bis die Antwort kommt. " +
				"Verlorene Antworten, ein umgezogener Server und ein ausgefallenes Verzeichnis zeigen, was Aufrufsemantik und Ortstransparenz bedeuten.",
			EN: "The server tells the directory service what it offers and renews that registration regularly (a lease). " +
				"The client knows only the directory: it asks there for the bank's address and then calls the bank directly, as if it were a local object. " +
				"Stub and skeleton pack the call into an external data format (JSON or big-endian binary); the client waits until the reply comes. " +
				"Lost replies, a server that moved and a directory that failed show what call semantics and location transparency mean.",
		},
		Roles: []Role{
			{Name: "client", Does: i18n.Text{
				DE: "Ruft die Bank über einen Stub auf: sucht sie im Verzeichnis, merkt sich die Adresse, verpackt jeden Aufruf, wartet auf die Antwort und wiederholt ihn nach seiner Aufrufsemantik.",
				EN: "Calls the bank through a stub: looks it up in the directory, keeps its address, packs each call, waits for the reply and sends it again as its call semantics say.",
			}},
			{Name: "directory", Does: i18n.Text{
				DE: "Der Namens- und Verzeichnisdienst: nimmt Anmeldungen mit einer Lease entgegen, beantwortet Suchen nach Name oder Schnittstelle und Attributen und vergisst jede Anmeldung, deren Lease abläuft.",
				EN: "The naming and directory service: takes registrations under a lease, answers lookups by name or by interface and attributes, and forgets every registration whose lease runs out.",
			}},
			{Name: "server", Does: i18n.Text{
				DE: "Bietet die Bank über ein Skeleton an: meldet sie beim Verzeichnis an, erneuert die Lease, packt Aufrufe aus, führt sie aus und merkt sich bei höchstens-einmal die gesendeten Antworten.",
				EN: "Offers the bank through a skeleton: registers it with the directory, renews the lease, unpacks calls, runs them and, for at-most-once, remembers the replies it sent.",
			}},
		},
		Programs: []Program{
			{Node: "server-1", Role: "server", Binary: "rpcserver", Listen: ListenAny, Args: args("--attr", "currency=EUR")},
			{Node: "server-2", Role: "server", Binary: "rpcserver", Listen: ListenAny, Later: true, Args: args("--attr", "currency=EUR")},
			{Node: "directory", Role: "directory", Binary: "directory", Listen: ListenAny},
			{Node: "client-1", Role: "client", Binary: "rpcclient", Args: args()},
			{Node: "client-2", Role: "client", Binary: "rpcclient", Args: args("--semantics", "at-least-once")},
			{Node: "client-3", Role: "client", Binary: "rpcclient", Later: true, Args: args("--codec", "raw", "--byte-order", "little")},
			{Node: "client-4", Role: "client", Binary: "rpcclient", Later: true, Args: args("--codec", "binary", "--byte-order", "little")},
		},
		Layout:     LayoutRow,
		Background: []string{"renew"}, // the servers keep their leases alive on their own
		Shows: []Shown{
			{Transparency: AccessTransparency, How: i18n.Text{
				DE: "Der Client ruft Balance und Transfer auf wie Methoden eines lokalen Objekts; dass dahinter Nachrichten, ein Datenformat und Wiederholungen stecken, verbirgt der Stub.",
				EN: "The client calls Balance and Transfer like methods of a local object; the stub hides that messages, a data format and retries lie behind them.",
			}},
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Der Client kennt nur den Namen bank; wo die Bank läuft, erfährt er vom Verzeichnis, und zieht sie um, fragt er dort einfach noch einmal.",
				EN: "The client knows only the name bank; where the bank runs it learns from the directory, and when the bank moves it simply asks there again.",
			}},
			{Transparency: MigrationTransparency, How: i18n.Text{
				DE: "server-2 übernimmt den Namen von server-1 unter einer neuen Adresse; der Client ruft weiter auf, ohne dass der Benutzer etwas ändern muss.",
				EN: "server-2 takes server-1's name over at a new address; the client goes on calling without the user changing anything.",
			}},
		},
	}
}
