package catalog

import (
	"dsdemo/models/trace"

	"dsdemo/models/i18n"
)

// "Predict the flow": every model has an experiment of questions that
// stop a live run just before a message goes out and ask the class where
// it will go. The message waits in step mode until someone answers; then
// it goes on, and the diagram shows whether the prediction was right.

// predictTitle and predictSummary are the same for every model.
var (
	predictTitle   = i18n.Text{DE: "Vorhersage: Wohin geht die Nachricht?", EN: "Predict the flow: where does the message go?"}
	predictSummary = i18n.Text{
		DE: "Der Lauf hält kurz vor einer Nachricht an; die Klasse sagt mit 1–9 voraus, wohin sie geht, dann läuft sie weiter und das Diagramm zeigt, ob es stimmte.",
		EN: "The run stops just before a message goes out; the class predicts with 1–9 where it will go, then it goes on and the diagram shows whether that was right.",
	}
)

// question is one prediction: step mode at holder, the trigger that makes
// holder send, and the question about its first message of type typ.
func question(holder, typ string, trigger Step, ask i18n.Text, choices []string, answer string, why i18n.Text) []Step {
	return []Step{
		{Kind: StepFault, Node: holder, Fault: trace.Control{Op: trace.OpHold, On: true}, Caption: i18n.Text{
			DE: "Schrittmodus bei " + holder + ": Seine nächste Nachricht wartet, bis die Klasse geantwortet hat.",
			EN: "Step mode at " + holder + ": its next message waits until the class has answered.",
		}},
		trigger,
		{Kind: StepPredict, Node: holder, Until: Match{Kind: trace.KindHold, Node: holder, Type: typ},
			Caption: ask, Choices: choices, Answer: answer, Explain: why},
	}
}

func predictExperiment(steps ...[]Step) Experiment {
	var all []Step
	for _, s := range steps {
		all = append(all, s...)
	}
	return Experiment{ID: "predict", Title: predictTitle, Summary: predictSummary, Steps: all}
}

func predictClientServer() Experiment {
	return predictExperiment(
		question("client-1", "put",
			Step{Kind: StepDo, Node: "client-1", Cmd: "put a 1", Caption: i18n.Text{DE: "client-1 schreibt a = 1.", EN: "client-1 writes a = 1."}},
			i18n.Text{DE: "client-1 will a speichern. Wohin geht seine Nachricht?", EN: "client-1 wants to store a. Where does its message go?"},
			[]string{"server", "client-2", "client-3"}, "server",
			i18n.Text{DE: "Ein Client spricht nur mit dem Server; die Clients kennen einander nicht einmal.", EN: "A client talks only to the server; the clients do not even know each other."}),
		question("server", "get_ok",
			Step{Kind: StepDo, Node: "client-1", Cmd: "get a", Caption: i18n.Text{DE: "client-1 liest a.", EN: "client-1 reads a."}},
			i18n.Text{DE: "Der Server hat die Antwort auf get a fertig. Wer bekommt sie?", EN: "The server has its answer to get a ready. Who receives it?"},
			[]string{"client-1", "client-2", "client-3"}, "client-1",
			i18n.Text{DE: "Die Antwort geht über dieselbe Verbindung zurück, auf der die Anfrage kam; reply_to nennt die id der Anfrage.", EN: "The reply goes back on the connection the request came in on; its reply_to names the request's id."}),
	)
}

func predictPartition() Experiment {
	return predictExperiment(
		question("client-1", "put",
			Step{Kind: StepDo, Node: "client-1", Cmd: "put a aa", Caption: i18n.Text{DE: "client-1 schreibt a.", EN: "client-1 writes a."}},
			i18n.Text{DE: "Jeder Schlüssel hat genau einen Besitzer. Wohin schickt client-1 sein put?", EN: "Every key has exactly one owner. Where does client-1 send its put?"},
			[]string{"server-1", "server-2", "server-3"}, "server-1",
			i18n.Text{DE: "Der Client kennt die Besitzer nicht: Er fragt immer den ersten Server seiner Liste, und der leitet weiter, wenn nötig.", EN: "The client does not know the owners: it always asks the first server on its list, which passes the request on if need be."}),
		[]Step{
			fetched("client-1", "put_ok", i18n.Text{DE: "Warten auf put_ok.", EN: "Waiting for put_ok."}),
			{Kind: StepKill, Node: "server-1", Caption: i18n.Text{DE: "server-1 fällt aus.", EN: "server-1 crashes."}},
		},
		question("client-1", "get",
			Step{Kind: StepDo, Node: "client-1", Cmd: "get a", Caption: i18n.Text{DE: "client-1 liest a.", EN: "client-1 reads a."}},
			i18n.Text{DE: "server-1 ist tot. Welcher Server erhält das get von client-1?", EN: "server-1 is dead. Which server receives client-1's get?"},
			[]string{"server-1", "server-2", "server-3"}, "server-2",
			i18n.Text{DE: "Der Client weicht auf den nächsten Server seiner Liste aus. Ob server-2 den Schlüssel hat, entscheidet der Hashwert; gehörte er server-1, ist er jetzt nicht erreichbar.", EN: "The client fails over to the next server on its list. Whether server-2 has the key depends on the hash; if it was server-1's, it is out of reach now."}),
	)
}

func predictReplicate() Experiment {
	return predictExperiment(
		[]Step{{Kind: StepStart, Node: "client-2", Caption: i18n.Text{DE: "client-2 startet; seine Serverliste beginnt mit server-3.", EN: "client-2 starts; its list of servers begins with server-3."}}},
		question("client-2", "put",
			Step{Kind: StepDo, Node: "client-2", Cmd: "put x 1", Caption: i18n.Text{DE: "client-2 schreibt x.", EN: "client-2 writes x."}},
			i18n.Text{DE: "Wohin schickt client-2 seinen Schreibauftrag?", EN: "Where does client-2 send its write?"},
			[]string{"server-1", "server-2", "server-3"}, "server-3",
			i18n.Text{DE: "Jeder Replikat-Server nimmt Schreibaufträge an; client-2 fragt den ersten seiner Liste, server-3, der die anderen beiden mit replicate auf Stand bringt.", EN: "Every replica takes writes; client-2 asks the first on its list, server-3, which brings the other two up to date with replicate."}),
		[]Step{fetched("client-2", "put_ok", i18n.Text{DE: "Warten auf put_ok: Erst jetzt haben alle drei Server x.", EN: "Waiting for put_ok: only now do all three servers have x."})},
		question("client-1", "get",
			Step{Kind: StepDo, Node: "client-1", Cmd: "get x", Caption: i18n.Text{DE: "client-1 liest x.", EN: "client-1 reads x."}},
			i18n.Text{DE: "x wurde bei server-3 geschrieben. Wen fragt client-1?", EN: "x was written at server-3. Whom does client-1 ask?"},
			[]string{"server-1", "server-2", "server-3"}, "server-1",
			i18n.Text{DE: "Seinen ersten Server, server-1: Jede Kopie hat jeden Schlüssel, also muss der Client nicht wissen, wo geschrieben wurde (Replikationstransparenz).", EN: "Its first server, server-1: every copy has every key, so the client need not know where the write happened (replication transparency)."}),
	)
}

func predictProxy() Experiment {
	return predictExperiment(
		question("cacheproxy", "GET /static/a",
			Step{Kind: StepDo, Node: "client-1", Cmd: "get /static/a", Caption: i18n.Text{DE: "client-1 holt /static/a, zum ersten Mal.", EN: "client-1 fetches /static/a, for the first time."}},
			i18n.Text{DE: "Der Cache ist leer. Wohin schickt der Proxy seine nächste Nachricht?", EN: "The cache is empty. Where does the proxy send its next message?"},
			[]string{"origin", "client-1"}, "origin",
			i18n.Text{DE: "Ein Fehlschlag (MISS): Der Proxy fragt den Ursprungsserver und hebt die Antwort auf, weil sie max-age trägt.", EN: "A miss: the proxy asks the origin and keeps the answer, since it carries max-age."}),
		[]Step{fetched("client-1", "200", i18n.Text{DE: "client-1 bekommt die Seite, nach der Verzögerung des Ursprungsservers.", EN: "client-1 gets the page, after the origin's delay."})},
		question("cacheproxy", "200",
			Step{Kind: StepDo, Node: "client-1", Cmd: "get /static/a", Caption: i18n.Text{DE: "Dieselbe Ressource noch einmal.", EN: "The same resource again."}},
			i18n.Text{DE: "Wohin geht die nächste Nachricht des Proxys jetzt?", EN: "Where does the proxy's next message go now?"},
			[]string{"origin", "client-1"}, "client-1",
			i18n.Text{DE: "Ein Treffer (HIT): Die Kopie ist noch frisch, der Proxy antwortet sofort aus dem Cache, der Ursprungsserver erfährt nichts.", EN: "A hit: the copy is still fresh, so the proxy answers from its cache at once, and the origin hears nothing of it."}),
	)
}

func predictMobileCode() Experiment {
	return predictExperiment(
		question("client-1", "fetch",
			Step{Kind: StepDo, Node: "client-1", Cmd: "run aggregate", Caption: i18n.Text{DE: "client-1 soll das Skript aggregate ausführen.", EN: "client-1 is to run the script aggregate."}},
			i18n.Text{DE: "Das Skript liegt noch nicht beim Client. Wohin geht seine erste Nachricht?", EN: "The client does not have the script yet. Where does its first message go?"},
			[]string{"codeserver", "client-1"}, "codeserver",
			i18n.Text{DE: "Der Code kommt vom Server, signiert; erst nach der Prüfung der Signatur läuft er in der Sandbox des Clients.", EN: "The code comes from the server, signed; only after the signature is checked does it run in the client's sandbox."}),
		[]Step{logged("client-1", "aggregate", i18n.Text{DE: "Das Skript ist gelaufen.", EN: "The script has run."})},
		question("client-1", "call",
			Step{Kind: StepDo, Node: "client-1", Cmd: "run aggregate", Caption: i18n.Text{DE: "Noch einmal aggregate.", EN: "aggregate once more."}},
			i18n.Text{DE: "Das Skript läuft beim Client und braucht Produktdaten (origin.call). Wer beantwortet den Aufruf?", EN: "The script runs on the client and needs product data (origin.call). Who answers the call?"},
			[]string{"codeserver", "client-1"}, "codeserver",
			i18n.Text{DE: "Die Sandbox verbindet das Skript nur mit seiner Herkunft: Gerechnet wird beim Client, die Rohdaten liefert der Server.", EN: "The sandbox connects the script only with where it came from: the computing happens on the client, the raw data comes from the server."}),
	)
}

func predictPeerToPeer() Experiment {
	peers := []string{"peer-1", "peer-2", "peer-3", "peer-4", "peer-5", "peer-6"}
	return predictExperiment(
		[]Step{
			{Kind: StepDo, Node: "peer-1", Cmd: "put warmup 1", Caption: i18n.Text{DE: "Zuerst ein Schlüssel zum Aufwärmen, bis der Ring geschlossen ist.", EN: "First a key to warm up, until the ring is closed."}},
			logged("peer-1", "put warmup", i18n.Text{DE: "Der Ring leitet richtig.", EN: "The ring routes correctly."}),
		},
		question("peer-1", "store",
			Step{Kind: StepDo, Node: "peer-1", Cmd: "put apple red", Caption: i18n.Text{DE: "peer-1 legt apple ab (Hashwert d0be2dc4).", EN: "peer-1 stores apple (hash d0be2dc4)."}},
			i18n.Text{DE: "Die Suche ist fertig. An welchen Peer geht das store für apple (d0be2dc4)?", EN: "The lookup is done. Which peer does the store for apple (d0be2dc4) go to?"},
			peers, "peer-5",
			i18n.Text{
				DE: "An den Nachfolger des Schlüssels: den ersten Peer im Uhrzeigersinn hinter d0be2dc4, peer-5 bei f2b3e93b. Hat die Nachricht länger als eine Sekunde gewartet, hat peer-1 inzwischen schon den nächsten Nachfolger gefragt: So umgeht der Ring einen Peer, der nicht antwortet.",
				EN: "To the key's successor: the first peer clockwise after d0be2dc4, peer-5 at f2b3e93b. If the message waited longer than a second, peer-1 has meanwhile asked the next successor: that is how the ring gets round a peer that does not answer.",
			}),
		[]Step{logged("peer-1", "put apple", i18n.Text{DE: "apple liegt bei peer-5 und seinen zwei Nachfolgern.", EN: "apple lives at peer-5 and its two successors."})},
		question("peer-2", "fetch",
			Step{Kind: StepDo, Node: "peer-2", Cmd: "get apple", Caption: i18n.Text{DE: "peer-2 liest apple.", EN: "peer-2 reads apple."}},
			i18n.Text{DE: "peer-2 ist einer der Nachfolger von peer-5 und hat selbst eine Kopie. Wen fragt es trotzdem?", EN: "peer-2 is one of peer-5's successors and holds a copy itself. Whom does it ask all the same?"},
			peers, "peer-5",
			i18n.Text{DE: "Den Nachfolger des Schlüssels: Er hat die neueste Version. Die Kopien springen nur ein, wenn er nicht antwortet.", EN: "The key's successor: it has the latest version. The copies step in only when it does not answer."}),
	)
}

func predictMultiTier() Experiment {
	return predictExperiment(
		question("web", "book",
			Step{Kind: StepDo, Node: "client-1", Cmd: "book 1 Ada Lovelace", Caption: i18n.Text{DE: "client-1 bucht Flug 1.", EN: "client-1 books flight 1."}},
			i18n.Text{DE: "Die Webschicht hat die Buchung angenommen. Wohin geht ihre nächste Nachricht?", EN: "The web tier has taken the booking. Where does its next message go?"},
			[]string{"app-1", "db", "client-1"}, "app-1",
			i18n.Text{DE: "Die Webschicht spricht nie mit der Datenschicht; die Regeln prüft die Anwendungsschicht.", EN: "The web tier never talks to the data tier; the application tier checks the rules."}),
		[]Step{fetched("client-1", "201", i18n.Text{DE: "Gebucht: 201 Created.", EN: "Booked: 201 Created."})},
		question("app-1", "book_seat",
			Step{Kind: StepDo, Node: "client-1", Cmd: "book 2 Grace Hopper", Caption: i18n.Text{DE: "client-1 bucht Flug 2.", EN: "client-1 books flight 2."}},
			i18n.Text{DE: "app-1 hat Name und Flug geprüft und will einen Platz nehmen. Wohin geht book_seat?", EN: "app-1 has checked the name and the flight and wants to take a seat. Where does book_seat go?"},
			[]string{"db", "web", "app-2"}, "db",
			i18n.Text{DE: "Zur Datenschicht: Nur sie hält die Plätze, und eine Transaktion dort sorgt dafür, dass kein Platz zweimal verkauft wird.", EN: "To the data tier: only it holds the seats, and a transaction there makes sure no seat is sold twice."}),
	)
}
