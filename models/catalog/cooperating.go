package catalog

import "dsdemo/models/i18n"

// Cooperating servers are the lecture's second architecture model: several
// servers appear to their clients as one service. The same server program
// cooperates in one of two ways, chosen by --mode when it starts, and the
// two ways teach different lessons. So they are two catalogue entries,
// "cooperating-partition" and "cooperating-replicate", each a plain list of
// programs that the launcher starts as it is; there is no notion of a
// variant that the launcher, the home screen or an experiment would have to
// know about.
//
//	             +----------+
//	client-1 --> | server-1 | <--> server-2
//	             +----------+ <--> server-3
//
// Each server needs the addresses of the other two, so none of them could
// be started first: they are ListenReserved, and the launcher picks all three
// ports before it starts anything.

// demoGroupKey is the secret the servers of a demo group share, so that
// only they may send each other the messages of the group (replicate,
// sync, catch_up, forwarded requests); a client without it is refused. It
// is written here and shown in every command line, which is fine for a
// class on one laptop and no protection anywhere else.
const demoGroupKey = "dsdemo-class-demo-key"

// serverGroup returns the three servers of a group that cooperate in mode.
func serverGroup(mode string) []Program {
	server := func(node, peer1, peer2 string) Program {
		return Program{Node: node, Role: "server", Binary: "server", Listen: ListenReserved,
			Args: []string{"--mode", mode, "--peers", "{addr:" + peer1 + "},{addr:" + peer2 + "}", "--group-key", demoGroupKey}}
	}
	return []Program{
		server("server-1", "server-2", "server-3"),
		server("server-2", "server-1", "server-3"),
		server("server-3", "server-1", "server-2"),
	}
}

// groupRoles returns the roles of both cooperating models.
func groupRoles() []Role {
	return []Role{
		{Name: "server", Does: i18n.Text{
			DE: "Einer von drei Servern, die zusammen einen Dienst anbieten; er kennt die Adressen der anderen und spricht mit ihnen.",
			EN: "One of three servers that offer one service together; it knows the others' addresses and talks to them.",
		}},
		{Name: "client", Does: i18n.Text{
			DE: "Kennt die Adressen aller Server, fragt den ersten und weicht auf den nächsten aus, wenn einer nicht antwortet.",
			EN: "Knows the addresses of all servers, asks the first and moves on to the next when one does not answer.",
		}},
	}
}

func init() { register(20, cooperatingPartition) }

func cooperatingPartition() Model {
	return Model{
		ID:    "cooperating-partition",
		Title: i18n.Text{DE: "Kooperierende Server: Partitionierung", EN: "Cooperating servers: partitioning"},
		Summary: i18n.Text{
			DE: "Drei Server teilen sich die Daten: Jeder Schlüssel gehört genau einem von ihnen. " +
				"Fragt ein Client den falschen Server, leitet der die Anfrage an den Besitzer weiter. " +
				"Das verteilt Daten und Last, aber nicht das Risiko.",
			EN: "Three servers share the data: every key belongs to exactly one of them. " +
				"When a client asks the wrong server, it passes the request on to the owner. " +
				"This spreads the data and the load, but not the risk.",
		},
		Roles: groupRoles(),
		Programs: append(serverGroup("partition"),
			Program{Node: "client-1", Role: "client", Binary: "client",
				Args: []string{"--server", "{addr:server-1},{addr:server-2},{addr:server-3}"}}),
		Layout: LayoutGroup,
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Der Client fragt immer server-1 und muss nicht wissen, welcher Server einen Schlüssel besitzt; die Weiterleitung an den Besitzer sieht nur das Diagramm.",
				EN: "The client always asks server-1 and need not know which server owns a key; only the diagram shows the request passed on to the owner.",
			}},
			{Transparency: AccessTransparency, How: i18n.Text{
				DE: "Ob ein Schlüssel beim gefragten Server liegt oder bei einem anderen: Der Client benutzt dieselben Operationen und bekommt dieselbe Antwort.",
				EN: "Whether a key is on the server asked or on another one: the client uses the same operations and gets the same kind of reply.",
			}},
		},
	}
}

func init() { register(30, cooperatingReplicate) }

func cooperatingReplicate() Model {
	return Model{
		ID:    "cooperating-replicate",
		Title: i18n.Text{DE: "Kooperierende Server: Replikation", EN: "Cooperating servers: replication"},
		Summary: i18n.Text{
			DE: "Drei Server halten jeder alle Daten. Ein Schreibauftrag erreicht eine Mehrheit der Kopien, bevor der Client sein „ok“ bekommt; " +
				"eine Kopie, die nicht rechtzeitig antwortet, wird verdächtigt und später nachgeführt. " +
				"Fällt ein Server aus, weicht der Client auf den nächsten aus, und nichts Bestätigtes geht verloren.",
			EN: "Three servers each hold all the data. A write reaches a majority of the copies before the client is told “ok”; " +
				"a copy that does not answer in time is suspected and caught up later. " +
				"When a server fails, the client moves on to the next one, and nothing that was confirmed is lost.",
		},
		Roles: groupRoles(),
		Programs: append(serverGroup("replicate"),
			Program{Node: "client-1", Role: "client", Binary: "client",
				Args: []string{"--server", "{addr:server-1},{addr:server-2},{addr:server-3}"}},
			Program{Node: "client-2", Role: "client", Binary: "client", Later: true,
				Args: []string{"--server", "{addr:server-3},{addr:server-2},{addr:server-1}"}}),
		Layout: LayoutGroup,
		Shows: []Shown{
			{Transparency: ReplicationTransparency, How: i18n.Text{
				DE: "Jeder Schlüssel liegt dreimal vor, aber der Client schreibt und liest ihn wie einen einzigen; die replicate-Nachrichten zwischen den Servern sieht nur das Diagramm.",
				EN: "Every key exists three times, but the client writes and reads it as if it were one; only the diagram shows the replicate messages between the servers.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Stirbt der Server, mit dem der Client spricht, schickt die Client-Bibliothek die Anfrage an den nächsten: Vor der Anwendung ist der Ausfall verborgen, sie bekommt ihre Antwort. Der Client-Prozess selbst bemerkt ihn sehr wohl, er wartet eine Zeitschranke ab und wechselt den Server. Kein bestätigter Schreibauftrag geht verloren.",
				EN: "When the server the client talks to dies, the client library sends the request to the next one: the failure is hidden from the application, which gets its answer. The client process itself does notice it: it waits out a timeout and switches servers. No confirmed write is lost.",
			}},
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Welcher Server antwortet, spielt für den Client keine Rolle: Jeder kennt jeden Schlüssel.",
				EN: "Which server answers does not matter to the client: every server knows every key.",
			}},
		},
	}
}
