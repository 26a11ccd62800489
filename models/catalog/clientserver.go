package catalog

import "dsdemo/models/i18n"

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
	}
}
