package catalog

import "dsdemo/models/i18n"

func init() { register(78, jini) }

// jini is the lecture's Jini: services on a network that find lookup
// services, join them with a lease they must renew, and bring their own
// driver (a proxy) along for every client; distributed events tell
// listeners when services come and go. It runs on the remote-call
// model's directory, which plays the lookup service, twice.
//
//	client-1 --lookup Printer room=101--> +----------+ <--register (proxy) / renew-- printer
//	         <--lookup_ok (signed proxy)- | lookup-1 | <--register (proxy) / renew-- projector
//	listener <--event (expired, ...)----- +----------+
//	                                      | lookup-2 |  (the same registrations, leases of its own)
//	                                      +----------+
//	client-1 (running the proxy in its sandbox) --invoke print--> printer
//
// The row layout draws its columns in the reverse order of Programs: the
// devices come first here, the lookup services next and the clients
// last, so on the screen the clients stand left, the lookup services in
// the middle and the devices right. The devices ask for a lease of 6 s,
// renewed every 2 s, so a frozen device is gone within seconds. The
// proxies are signed with the classroom key, which the clients trust;
// rogue (started by an experiment) registers a printer whose proxy was
// changed after signing.
func jini() Model {
	lookups := []string{"--lookup", "{addr:lookup-1},{addr:lookup-2}"}
	args := func(more ...string) []string { return append(append([]string{}, lookups...), more...) }
	return Model{
		ID:    "jini",
		Title: i18n.Text{DE: "Jini: Lookup, Leases, Ereignisse, Proxys", EN: "Jini: lookup, leases, events, proxies"},
		Summary: i18n.Text{
			DE: "Ein Drucker und ein Beamer suchen die beiden Lookup-Dienste, melden sich dort mit Attributen und einer Lease an und erneuern sie, solange sie laufen. " +
				"Ein Client sucht nach Typ und Attributen, lädt den Proxy des Geräts herunter, prüft dessen Signatur und bedient das Gerät über ihn – einen Treiber hatte er nie. " +
				"Friert ein Gerät ein, läuft seine Lease ab, es verschwindet aus beiden Lookup-Diensten, und ein Zuhörer erfährt es durch ein Ereignis.",
			EN: "A printer and a projector look for the two lookup services, join them with attributes and a lease, and renew it for as long as they run. " +
				"A client searches by type and attributes, downloads the device's proxy, checks its signature and works the device through it – it never had a driver. " +
				"When a device freezes, its lease runs out, it vanishes from both lookup services, and a listener learns of it through an event.",
		},
		Roles: []Role{
			{Name: "client", Does: i18n.Text{
				DE: "Sucht einen Dienst nach Typ und Attributen, lädt seinen Proxy, prüft die Signatur gegen den Schlüssel, dem er vertraut, und führt den Proxy in der Sandbox aus.",
				EN: "Looks a service up by type and attributes, downloads its proxy, checks the signature against the key it trusts and runs the proxy in the sandbox.",
			}},
			{Name: "listener", Does: i18n.Text{
				DE: "Hat bei beiden Lookup-Diensten Ereignisse abonniert und meldet, wenn ein Dienst dazukommt, abläuft oder sich abmeldet.",
				EN: "Has subscribed to the events of both lookup services and reports when a service joins, expires or leaves.",
			}},
			{Name: "lookup", Does: i18n.Text{
				DE: "Der Lookup-Dienst: hält die Anmeldungen mit ihren Proxys, solange die Lease läuft, beantwortet Suchen nach Typ und Attributen und verschickt Ereignisse.",
				EN: "The lookup service: keeps the registrations and their proxies while their leases run, answers lookups by type and attributes and sends events.",
			}},
			{Name: "device", Does: i18n.Text{
				DE: "Ein Dienst im Netz (Drucker oder Beamer): findet die Lookup-Dienste, meldet sich mit signiertem Proxy und Lease an, erneuert sie und meldet sich neu an, wo die Lease verloren ging.",
				EN: "A service on the network (a printer or a projector): finds the lookup services, joins with a signed proxy and a lease, renews it, and joins again wherever the lease was lost.",
			}},
		},
		Programs: []Program{
			{Node: "printer", Role: "device", Binary: "device", Listen: ListenAny, Args: args("--kind", "printer", "--lease", "6s")},
			{Node: "projector", Role: "device", Binary: "device", Listen: ListenAny, Args: args("--kind", "projector", "--lease", "6s")},
			{Node: "rogue", Role: "device", Binary: "device", Listen: ListenAny, Later: true,
				Args: args("--kind", "printer", "--service", "rogue", "--attr", "room=666", "--tamper", "--lease", "6s")},
			{Node: "lookup-1", Role: "lookup", Binary: "directory", Listen: ListenAny, Args: []string{"--jini"}},
			{Node: "lookup-2", Role: "lookup", Binary: "directory", Listen: ListenAny, Args: []string{"--jini"}},
			{Node: "client-1", Role: "client", Binary: "jiniclient", Args: args()},
			{Node: "listener", Role: "listener", Binary: "jiniclient", Args: args("--watch")},
		},
		Layout:     LayoutRow,
		Background: []string{"renew"}, // the devices and the listener keep their leases alive on their own
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Der Client fragt nach einem Drucker in Raum 101, nicht nach einer Adresse; wo das Gerät läuft, steht in der Anmeldung beim Lookup-Dienst.",
				EN: "The client asks for a printer in room 101, not for an address; where the device runs is in its registration at the lookup service.",
			}},
			{Transparency: AccessTransparency, How: i18n.Text{
				DE: "Das eigene Protokoll des Geräts kennt nur sein Proxy; der Client ruft print_text auf und weiß nicht, welche Nachrichten daraus werden.",
				EN: "Only its proxy knows the device's own protocol; the client calls print_text and does not know which messages that becomes.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Fällt ein Lookup-Dienst aus, fragt der Client den zweiten; kommt er zurück, melden sich die Geräte von selbst wieder an.",
				EN: "When one lookup service fails, the client asks the other; when it comes back, the devices join it again by themselves.",
			}},
		},
	}
}
