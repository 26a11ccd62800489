package catalog

import "dsdemo/models/i18n"

func init() { register(90, applicationServer) }

// applicationServer is the lecture's application server: a container that
// hosts components, creates and pools their instances and wraps their
// calls in transactions and role checks, all from a deployment descriptor.
//
//	caller-1 (alice, teller)   --call-->  +--------------------------+
//	                                      | container                |
//	caller-2 (bob, customer)   --call-->  |  bank (stateless, pool 3)|
//	                                      |  cart (stateful)         |
//	                                      |  SQLite data source      |
//	                                      +--------------------------+
//
// caller-1 is alice, a teller, who may transfer; caller-2 is bob, a
// customer, who may read balances and fill his cart. Both are sessions for
// the experiments' do steps. The container passivates a cart after five
// idle seconds, so a class sees it happen while it talks.
func applicationServer() Model {
	container := []string{"--container", "{addr:container}"}
	caller := func(user, session string) []string {
		return append(append([]string{}, container...), "--user", user, "--session", session)
	}
	return Model{
		ID:    "container",
		Title: i18n.Text{DE: "Anwendungsserver: Komponenten im Container", EN: "Application server: components in a container"},
		Summary: i18n.Text{
			DE: "Hier startet niemand sein eigenes Programm: Man startet den Container, und die Komponenten liefern nur die Geschäftslogik. " +
				"Wann eine Instanz entsteht, ob sie aus einem Pool kommt oder auf die Platte ausgelagert wird, ob ein Aufruf in einer Transaktion läuft und wer ihn machen darf, " +
				"entscheidet der Container nach dem Deployment-Deskriptor (Umkehr der Kontrolle, wie bei EJB). " +
				"Ein Aufrufer kennt nur einen Namen wie bank.transfer, nie eine Instanz.",
			EN: "Nobody starts a program of their own here: you start the container, and the components supply only the business logic. " +
				"When an instance exists, whether it comes from a pool or is moved out to disk, whether a call runs in a transaction and who may make it: " +
				"the container decides all of that from the deployment descriptor (inversion of control, as in EJB). " +
				"A caller knows only a name such as bank.transfer, never an instance.",
		},
		Roles: []Role{
			{Name: "container", Does: i18n.Text{
				DE: "Die Laufzeitumgebung: erzeugt, poolt, lagert aus und entfernt Instanzen, prüft Rollen, beginnt und beendet Transaktionen, führt jeden Aufruf in der Sandbox aus.",
				EN: "The runtime environment: creates, pools, passivates and removes instances, checks roles, begins and ends transactions, runs every call in the sandbox.",
			}},
			{Name: "caller", Does: i18n.Text{
				DE: "Der Client: ruft Geschäftsmethoden über die entfernte Schnittstelle des Containers auf und installiert als Deployer neue Versionen.",
				EN: "The client: calls business methods through the container's remote interface and, as the deployer, installs new versions.",
			}},
		},
		Programs: []Program{
			{Node: "container", Role: "container", Binary: "container", Listen: ListenAny,
				Args: []string{"--deploy", "example:bank,example:cart", "--idle", "5s"}},
			{Node: "caller-1", Role: "caller", Binary: "caller", Args: caller("alice", "s1")},
			{Node: "caller-2", Role: "caller", Binary: "caller", Args: caller("bob", "s2")},
		},
		Layout: LayoutStar,
		Adds:   "caller",
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Der Aufrufer nennt nur Komponente und Methode; welche Instanz antwortet und wo sie lebt, bleibt ihm verborgen.",
				EN: "The caller names only component and method; which instance answers, and where it lives, stays hidden from it.",
			}},
			{Transparency: ConcurrencyTransparency, How: i18n.Text{
				DE: "Viele Überweisungen laufen zugleich, jede in ihrer eigenen Transaktion; keine Komponente enthält eine Zeile zur Synchronisation.",
				EN: "Many transfers run at once, each in its own transaction; no component holds a line of synchronisation.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Scheitert eine Methode mittendrin oder stoppt die Sandbox sie, macht der Container die halbe Arbeit rückgängig; der Aufrufer sieht einen Fehler, nie einen halben Zustand.",
				EN: "When a method fails halfway or the sandbox stops it, the container undoes the half-done work; the caller sees an error, never half a state.",
			}},
		},
	}
}
