package catalog

import (
	"dsdemo/models/trace"

	"dsdemo/models/i18n"
)

func init() { register(10, clientServer) }

// clientServer is the lecture's first architecture model: one server offers
// a service, clients ask for it.
//
//	client-1 --get a--> +--------+
//	client-2 --put b--> | server |
//	client-3 <--ok----- +--------+
//
// client-2 and client-3 start only in the experiment with many clients; they
// send a request of their own every two seconds (--every), so the diagram
// fills with a steady flow.
func clientServer() Model {
	return Model{
		ID:    "clientserver",
		Title: i18n.Text{DE: "Client/Server", EN: "Client/server"},
		Summary: i18n.Text{
			DE: "Ein Server bietet einen Dienst an – hier einen Schlüssel-Wert-Speicher – und wartet. " +
				"Clients ergreifen die Initiative: Sie schicken eine Anfrage und warten auf genau eine Antwort. " +
				"Einfach und übersichtlich, aber der Server ist eine einzelne Stelle, an der alles hängt.",
			EN: "A server offers a service – here a key-value store – and waits. " +
				"Clients take the initiative: they send a request and wait for exactly one reply. " +
				"Simple and easy to follow, but everything depends on the one server.",
		},
		Roles: []Role{
			{Name: "server", Does: i18n.Text{
				DE: "Wartet auf Anfragen, beantwortet viele Clients zugleich und lebt länger als jede ihrer Sitzungen.",
				EN: "Waits for requests, answers many clients at once and outlives each of their sessions.",
			}},
			{Name: "client", Does: i18n.Text{
				DE: "Wird für eine Sitzung gestartet, stellt Anfragen (get, put, del) und wartet jeweils auf die Antwort.",
				EN: "Is started for one session, sends requests (get, put, del) and waits for each reply.",
			}},
		},
		Programs: []Program{
			{Node: "server", Role: "server", Binary: "server", Listen: ListenAny},
			{Node: "client-1", Role: "client", Binary: "client", Args: []string{"--server", "{addr:server}"}},
			{Node: "client-2", Role: "client", Binary: "client", Later: true,
				Args: []string{"--server", "{addr:server}", "--every", "2s"}},
			{Node: "client-3", Role: "client", Binary: "client", Later: true,
				Args: []string{"--server", "{addr:server}", "--every", "2s"}},
		},
		Layout: LayoutStar,
		Shows: []Shown{
			{Transparency: AccessTransparency, How: i18n.Text{
				DE: "Der Client liest und schreibt mit get und put, als wäre der Speicher bei ihm; dass jede Operation eine Nachricht über das Netz ist, zeigt erst das Diagramm.",
				EN: "The client reads and writes with get and put as if the store were its own; only the diagram shows that each operation is a message across the network.",
			}},
			{Transparency: ConcurrencyTransparency, How: i18n.Text{
				DE: "Mehrere Clients schreiben gleichzeitig in denselben Speicher; der Server bedient jede Verbindung für sich und schützt seine Daten mit einer Sperre, sodass keiner vom anderen etwas merkt.",
				EN: "Several clients write to the same store at once; the server serves each connection on its own and guards its data with a lock, so none of them notices the others.",
			}},
		},
		Experiments: []Experiment{
			firstRequest(), serverCrash(), manyClients(), slowNetwork(), predictClientServer(),
		},
	}
}

func firstRequest() Experiment {
	return Experiment{
		ID:    "first-request",
		Title: i18n.Text{DE: "Die erste Anfrage", EN: "A first request"},
		Summary: i18n.Text{
			DE: "Ein Client schreibt und liest einen Schlüssel: Anfrage und Antwort als Paar, und die Lamport-Uhren in jeder Nachricht.",
			EN: "A client writes and reads a key: request and reply as a pair, and the Lamport clocks in every message.",
		},
		Steps: []Step{
			{Kind: StepCaption, Caption: i18n.Text{
				DE: "Der Server läuft und wartet. client-1 ist gestartet, hat aber noch nichts gesendet: Beim Client/Server-Modell geht die Initiative immer vom Client aus.",
				EN: "The server is running and waiting. client-1 has started but sent nothing yet: in the client/server model the client always takes the initiative.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "put a 1", Caption: i18n.Text{
				DE: "client-1 schickt die Anfrage put a 1. Auf dem Pfeil steht ihr Typ; die Zahl ist die Lamport-Uhr des Absenders, die er vor jedem Senden um eins erhöht.",
				EN: "client-1 sends the request put a 1. The arrow is labelled with its type; the number is the sender's Lamport clock, which it advances by one before each send.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "Warten auf die Antwort put_ok. Beim Empfang stellt jeder Knoten seine Uhr auf das Maximum aus eigener Uhr und Uhr der Nachricht, plus eins – darum trägt die Antwort eine größere Zahl als die Anfrage.",
				EN: "Waiting for the reply put_ok. On receiving, each node sets its clock to the larger of its own clock and the message's, plus one – which is why the reply carries a larger number than the request.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get a", Caption: i18n.Text{
				DE: "Jetzt liest client-1 den Schlüssel a. Jede Nachricht hat eine Nummer (id); die Antwort nennt sie in reply_to, so findet der Client zu jeder Anfrage ihre Antwort.",
				EN: "Now client-1 reads the key a. Every message has a number (id); the reply names it in reply_to, which is how the client pairs each request with its reply.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok"}, Caption: i18n.Text{
				DE: "Warten auf get_ok mit dem Wert 1.",
				EN: "Waiting for get_ok with the value 1.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get b", Caption: i18n.Text{
				DE: "client-1 fragt nach b, das niemand geschrieben hat.",
				EN: "client-1 asks for b, which nobody has written.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok", Field: "found", Is: "false"}, Caption: i18n.Text{
				DE: "Auch „nicht gefunden“ ist eine ganz normale Antwort (found:false): Der Dienst hat geantwortet, das Netz hat funktioniert.",
				EN: "“Not found” is an ordinary reply too (found:false): the service did answer, and the network worked.",
			}},
		},
	}
}

func serverCrash() Experiment {
	return Experiment{
		ID:    "server-crash",
		Title: i18n.Text{DE: "Der Server stürzt ab", EN: "The server crashes"},
		Summary: i18n.Text{
			DE: "Ohne Server keine Antwort: Der Client bekommt einen Fehler, und nach dem Neustart sind die Daten weg, weil sie nur im Speicher lagen.",
			EN: "No server, no reply: the client gets an error, and after the restart the data is gone, because it lived only in memory.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "put a 1", Caption: i18n.Text{
				DE: "client-1 speichert a = 1 auf dem Server.",
				EN: "client-1 stores a = 1 on the server.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "Warten, bis der Server den Schreibauftrag bestätigt.",
				EN: "Waiting for the server to confirm the write.",
			}},
			{Kind: StepKill, Node: "server", Caption: i18n.Text{
				DE: "Der Server wird hart beendet (SIGKILL): kein Abschied, kein Aufräumen, kein Speichern – wie bei einem Stromausfall.",
				EN: "The server is killed (SIGKILL): no goodbye, no cleaning up, no saving – like a power cut.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get a", Caption: i18n.Text{
				DE: "client-1 fragt nach a. Niemand nimmt die Verbindung an, und der Client meldet „no server answered“. Es gibt nur diesen einen Server: Fällt er aus, steht der ganze Dienst.",
				EN: "client-1 asks for a. Nobody accepts the connection, and the client reports “no server answered”. There is only this one server: when it fails, the whole service stops.",
			}},
			{Kind: StepRestart, Node: "server", Caption: i18n.Text{
				DE: "Der Server startet neu, unter derselben Adresse, damit der Client ihn wiederfindet.",
				EN: "The server starts again, at the same address, so the client finds it again.",
			}, Claims: []Match{state("server", "keys", "0")}},
			{Kind: StepDo, Node: "client-1", Cmd: "get a", Caption: i18n.Text{
				DE: "client-1 fragt noch einmal nach a.",
				EN: "client-1 asks for a once more.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok", Field: "found", Is: "false"}, Caption: i18n.Text{
				DE: "Der Server antwortet wieder, aber a ist verschwunden (found:false): Seine Daten lagen nur im Arbeitsspeicher. Der Client hat ein „ok“ bekommen und trotzdem ist der Wert verloren.",
				EN: "The server answers again, but a has vanished (found:false): its data lived only in memory. The client was told “ok”, and still the value is lost.",
			}},
			{Kind: StepCaption, Caption: i18n.Text{
				DE: "Hier fehlt Fehlertransparenz: Der Ausfall eines Teils trifft jeden Benutzer. Abhilfe schaffen mehrere Server, die ihre Daten replizieren – das zeigt das Modell „Kooperierende Server: Replikation“.",
				EN: "Failure transparency is missing here: the failure of one part hits every user. Several servers that replicate their data are a remedy – see the model “Cooperating servers: replication”.",
			}},
		},
	}
}

func manyClients() Experiment {
	return Experiment{
		ID:    "many-clients",
		Title: i18n.Text{DE: "Viele Clients, ein Server", EN: "Many clients, one server"},
		Summary: i18n.Text{
			DE: "Zwei weitere Clients senden von selbst alle zwei Sekunden; der Server bedient alle zugleich, und alle sehen dieselben Daten.",
			EN: "Two more clients send on their own every two seconds; the server serves them all at once, and all see the same data.",
		},
		Steps: []Step{
			{Kind: StepStart, Node: "client-2", Caption: i18n.Text{
				DE: "client-2 kommt dazu. Er schreibt und liest alle zwei Sekunden von selbst (--every 2s).",
				EN: "client-2 joins. It writes and reads on its own every two seconds (--every 2s).",
			}},
			{Kind: StepStart, Node: "client-3", Caption: i18n.Text{
				DE: "client-3 kommt dazu, mit demselben Takt.",
				EN: "client-3 joins, at the same pace.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "server", From: "client-3"}, Caption: i18n.Text{
				DE: "Warten auf die erste Anfrage von client-3. Der Server bedient jede Verbindung in einer eigenen Goroutine; die Anfragen verschiedener Clients wechseln sich im Diagramm ab.",
				EN: "Waiting for client-3's first request. The server serves each connection in a goroutine of its own; the requests of different clients take turns in the diagram.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get a", Caption: i18n.Text{
				DE: "client-1 liest a, das die anderen Clients geschrieben haben.",
				EN: "client-1 reads a, which the other clients have written.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok"}, Caption: i18n.Text{
				DE: "Alle Clients teilen sich den Zustand auf dem Server. Dass andere gleichzeitig schreiben, merkt client-1 nicht: Nebenläufigkeitstransparenz.",
				EN: "All clients share the state on the server. client-1 does not notice that others write at the same time: concurrency transparency.",
			}},
			{Kind: StepKill, Node: "client-2", Caption: i18n.Text{
				DE: "client-2 verschwindet ohne Abschied.",
				EN: "client-2 disappears without a goodbye.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "server", From: "client-3"}, Caption: i18n.Text{
				DE: "Den Server stört das nicht: Er schließt die Verbindung und bedient client-3 weiter. Clients kommen und gehen, der Server bleibt.",
				EN: "The server does not mind: it closes the connection and keeps serving client-3. Clients come and go, the server stays.",
			}},
		},
	}
}

func slowNetwork() Experiment {
	return Experiment{
		ID:    "slow-network",
		Title: i18n.Text{DE: "Langsames und verlustreiches Netz", EN: "A slow and lossy network"},
		Summary: i18n.Text{
			DE: "Jede Nachricht braucht 0,8 Sekunden; dann geht eine Antwort verloren, und der Client weiß nicht, ob sein Auftrag ausgeführt wurde.",
			EN: "Every message takes 0.8 seconds; then a reply is lost, and the client cannot tell whether its request was carried out.",
		},
		Steps: []Step{
			{Kind: StepFault, Fault: trace.Control{Op: trace.OpDelay, Ms: 800}, Caption: i18n.Text{
				DE: "Jeder Knoten hält jede ausgehende Nachricht 800 ms zurück – ein langsames Netz, in dem man die Nachrichten wandern sieht.",
				EN: "Every node holds back every outgoing message for 800 ms – a slow network in which you can watch the messages travel.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "put c 3", Caption: i18n.Text{
				DE: "client-1 schreibt c = 3.",
				EN: "client-1 writes c = 3.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "Hin 0,8 s, zurück 0,8 s: Der Client wartet die ganze Umlaufzeit, bevor er weitermachen kann.",
				EN: "0.8 s there, 0.8 s back: the client waits the whole round trip before it can go on.",
			}},
			{Kind: StepFault, Fault: trace.Control{Op: trace.OpDelay, Ms: 0}, Caption: i18n.Text{
				DE: "Das Netz ist wieder schnell.",
				EN: "The network is fast again.",
			}},
			{Kind: StepFault, Node: "server", Fault: trace.Control{Op: trace.OpDrop, P: 1}, Caption: i18n.Text{
				DE: "Jetzt verliert das Netz jede Nachricht, die der Server sendet.",
				EN: "Now the network loses every message the server sends.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "put d 4", Caption: i18n.Text{
				DE: "client-1 schreibt d = 4.",
				EN: "client-1 writes d = 4.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindSend, Node: "server", Type: "put_ok", Fault: "drop"}, Caption: i18n.Text{
				DE: "Der Server hat d gespeichert, aber seine Antwort geht verloren. Nach zwei Sekunden gibt der Client auf und meldet einen Fehler.",
				EN: "The server has stored d, but its reply is lost. After two seconds the client gives up and reports an error.",
			}},
			{Kind: StepFault, Node: "server", Fault: trace.Control{Op: trace.OpDrop, P: 0}, Caption: i18n.Text{
				DE: "Das Netz verliert nichts mehr.",
				EN: "The network loses nothing any more.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get d", Caption: i18n.Text{
				DE: "client-1 fragt nach d.",
				EN: "client-1 asks for d.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok", Field: "found", Is: "true"}, Caption: i18n.Text{
				DE: "d ist da: Der Auftrag wurde ausgeführt, obwohl der Client einen Fehler bekam. Ein Timeout sagt nicht, ob die Anfrage oder die Antwort verloren ging. Deshalb sind put und del so gebaut, dass eine Wiederholung nicht schadet (idempotent).",
				EN: "d is there: the request was carried out although the client got an error. A timeout does not tell whether the request or the reply was lost. That is why put and del are built so that repeating them does no harm (idempotent).",
			}},
		},
	}
}
