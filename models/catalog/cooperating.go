package catalog

import (
	"dsdemo/models/trace"

	"dsdemo/models/i18n"
)

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

// The partition experiments use the keys a, c and g. The servers choose the
// owner of a key by hash (FNV-1a modulo 3) from the sorted list of their
// addresses, and these three keys have the hash remainders 1, 2 and 0: which
// server owns which key depends on the ports, but each server owns exactly
// one of them. catalog_test.go checks the remainders.
var partitionKeys = []string{"a", "c", "g"}

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
		Experiments: []Experiment{forwarding(), ownerDown(), predictPartition()},
	}
}

// putKeys returns a do step and a wait step for each partition key: the
// client writes it, and the class waits for the reply.
func putKeys(first i18n.Text) []Step {
	var steps []Step
	for i, key := range partitionKeys {
		caption := i18n.Text{DE: "client-1 schreibt " + key + ".", EN: "client-1 writes " + key + "."}
		if i == 0 {
			caption = first
		}
		steps = append(steps,
			Step{Kind: StepDo, Node: "client-1", Cmd: "put " + key + " " + key + key, Caption: caption},
			Step{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "Warten auf put_ok. Das Feld server der Antwort nennt den Besitzer von " + key + ".",
				EN: "Waiting for put_ok. The reply's server field names the owner of " + key + ".",
			}})
	}
	return steps
}

// getKeys is putKeys for reading: a get of each key, each followed by a wait
// for whatever reply comes, a value or an error.
func getKeys() []Step {
	var steps []Step
	for _, key := range partitionKeys {
		steps = append(steps,
			Step{Kind: StepDo, Node: "client-1", Cmd: "get " + key, Caption: i18n.Text{
				DE: "client-1 liest " + key + ".",
				EN: "client-1 reads " + key + ".",
			}},
			Step{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1"}, Caption: i18n.Text{
				DE: "Warten auf die Antwort zu " + key + ".",
				EN: "Waiting for the reply about " + key + ".",
			}})
	}
	return steps
}

func forwarding() Experiment {
	steps := []Step{{Kind: StepCaption, Caption: i18n.Text{
		DE: "Drei Server, ein Client. Der Client kennt alle drei Adressen, schickt aber alles an server-1, solange der antwortet.",
		EN: "Three servers, one client. The client knows all three addresses but sends everything to server-1 as long as it answers.",
	}}}
	steps = append(steps, putKeys(i18n.Text{
		DE: "client-1 schreibt die Schlüssel a, c und g. Sie sind so gewählt, dass jeder der drei Server genau einen davon besitzt.",
		EN: "client-1 writes the keys a, c and g. They are chosen so that each of the three servers owns exactly one of them.",
	})...)
	steps = append(steps,
		Step{Kind: StepCaption, Caption: i18n.Text{
			DE: "Zwei der drei Anfragen hat server-1 an einen anderen Server weitergeleitet und dessen Antwort zurückgegeben; eine hat er selbst beantwortet. Der Client merkt davon nichts: Positionstransparenz.",
			EN: "server-1 passed two of the three requests on to another server and returned its reply; it answered one itself. The client notices nothing: location transparency.",
		}},
		Step{Kind: StepDo, Node: "client-1", Cmd: "get c", Caption: i18n.Text{
			DE: "Auch Lesen folgt dem Besitzer: client-1 liest c.",
			EN: "Reads follow the owner too: client-1 reads c.",
		}},
		Step{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok"}, Caption: i18n.Text{
			DE: "Der Wert kommt vom Besitzer, egal welchen Server der Client gefragt hat. Jeder Server hält nur ein Drittel der Daten und trägt ein Drittel der Last.",
			EN: "The value comes from its owner, whichever server the client asked. Each server holds only a third of the data and carries a third of the load.",
		}},
	)
	return Experiment{
		ID:    "forwarding",
		Title: i18n.Text{DE: "Jeder Schlüssel hat einen Besitzer", EN: "Every key has an owner"},
		Summary: i18n.Text{
			DE: "Drei Schlüssel landen auf drei verschiedenen Servern; was nicht server-1 gehört, leitet er weiter.",
			EN: "Three keys land on three different servers; whatever server-1 does not own, it passes on.",
		},
		Steps: steps,
	}
}

func init() { register(30, cooperatingReplicate) }

func ownerDown() Experiment {
	steps := putKeys(i18n.Text{
		DE: "client-1 schreibt a, c und g; jeder Server besitzt genau einen dieser Schlüssel.",
		EN: "client-1 writes a, c and g; each server owns exactly one of these keys.",
	})
	steps = append(steps, Step{Kind: StepKill, Node: "server-3", Caption: i18n.Text{
		DE: "server-3 fällt aus (SIGKILL). Mit ihm geht der Schlüssel verloren, den er besessen hat.",
		EN: "server-3 fails (SIGKILL). With it goes the key it owned.",
	}})
	steps = append(steps, getKeys()...)
	steps = append(steps,
		Step{Kind: StepCaption, Caption: i18n.Text{
			DE: "Zwei Schlüssel sind noch da, einer nicht: server-1 meldet, dass der Besitzer nicht antwortet. Partitionierung verteilt die Daten, schützt sie aber nicht – ein Teil des Dienstes ist ausgefallen.",
			EN: "Two keys are still there, one is not: server-1 reports that the owner does not answer. Partitioning spreads the data but does not protect it – part of the service is down.",
		}},
		Step{Kind: StepRestart, Node: "server-3", Caption: i18n.Text{
			DE: "server-3 startet unter seiner alten Adresse neu und besitzt wieder dieselben Schlüssel.",
			EN: "server-3 starts again at its old address and owns the same keys again.",
		}, Claims: []Match{state("server-3", "keys", "0")}},
	)
	steps = append(steps, getKeys()...)
	steps = append(steps, Step{Kind: StepCaption, Caption: i18n.Text{
		DE: "Alle Anfragen werden wieder beantwortet, aber der Schlüssel von server-3 ist „nicht gefunden“: Er lag nur in dessen Speicher. Gegen Datenverlust hilft erst Replikation.",
		EN: "Every request is answered again, but server-3's key is “not found”: it lived only in its memory. Only replication protects against losing data.",
	}})
	return Experiment{
		ID:    "owner-down",
		Title: i18n.Text{DE: "Der Besitzer fällt aus", EN: "The owner fails"},
		Summary: i18n.Text{
			DE: "Fällt ein Server aus, sind genau seine Schlüssel nicht mehr erreichbar; die anderen funktionieren weiter.",
			EN: "When a server fails, exactly its keys become unavailable; the others keep working.",
		},
		Steps: steps,
	}
}

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
				DE: "Stirbt der Server, mit dem der Client spricht, wiederholt der Client seine Anfrage beim nächsten; kein bestätigter Schreibauftrag geht verloren.",
				EN: "When the server the client talks to dies, the client repeats its request at the next one; no confirmed write is lost.",
			}},
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Welcher Server antwortet, spielt für den Client keine Rolle: Jeder kennt jeden Schlüssel.",
				EN: "Which server answers does not matter to the client: every server knows every key.",
			}},
		},
		Experiments: []Experiment{writeAll(), failover(), networkPartition(), frozenReplica(), predictReplicate()},
	}
}

func writeAll() Experiment {
	return Experiment{
		ID:    "write-all",
		Title: i18n.Text{DE: "Ein Schreibauftrag, drei Kopien", EN: "One write, three copies"},
		Summary: i18n.Text{
			DE: "Ein put erreicht alle Repliken, bevor der Client sein put_ok bekommt; danach kann jeder Server den Wert liefern.",
			EN: "A put reaches every replica before the client gets its put_ok; after that any server can return the value.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "put a 1", Caption: i18n.Text{
				DE: "client-1 schreibt a = 1 bei server-1.",
				EN: "client-1 writes a = 1 at server-1.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "Die Reihenfolge im Diagramm: put an server-1, replicate an server-2 und server-3 gleichzeitig, zwei replicate_ok zurück – erst dann put_ok an den Client. Ein „ok“ heißt: Alle erreichbaren Kopien haben den Wert.",
				EN: "The order in the diagram: put to server-1, replicate to server-2 and server-3 at once, two replicate_ok back – only then put_ok to the client. An “ok” means: every reachable copy has the value.",
			}},
			{Kind: StepStart, Node: "client-2", Caption: i18n.Text{
				DE: "client-2 kommt dazu; er fragt zuerst server-3.",
				EN: "client-2 joins; it asks server-3 first.",
			}},
			{Kind: StepDo, Node: "client-2", Cmd: "get a", Caption: i18n.Text{
				DE: "client-2 liest a.",
				EN: "client-2 reads a.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-2", Type: "get_ok", Field: "server", Is: "server-3"}, Caption: i18n.Text{
				DE: "server-3 liefert a = 1, ohne einen anderen Server zu fragen: Lesen braucht nur eine Kopie und ist darum schnell. Schreiben dagegen kostet eine Nachricht an jede Replik.",
				EN: "server-3 returns a = 1 without asking another server: a read needs only one copy and is therefore fast. A write, on the other hand, costs a message to every replica.",
			}},
		},
	}
}

func failover() Experiment {
	return Experiment{
		ID:    "failover",
		Title: i18n.Text{DE: "Ein Server fällt aus", EN: "A server fails"},
		Summary: i18n.Text{
			DE: "Der Server, mit dem der Client spricht, stirbt; der Client weicht auf den nächsten aus, und alle bestätigten Werte sind noch da.",
			EN: "The server the client talks to dies; the client moves on to the next one, and every confirmed value is still there.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "client-1", Cmd: "put a 1", Caption: i18n.Text{
				DE: "client-1 schreibt a = 1.",
				EN: "client-1 writes a = 1.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "Bestätigt: a liegt jetzt auf allen drei Servern.",
				EN: "Confirmed: a is now on all three servers.",
			}},
			{Kind: StepKill, Node: "server-1", Caption: i18n.Text{
				DE: "server-1, mit dem client-1 spricht, wird hart beendet (SIGKILL).",
				EN: "server-1, which client-1 talks to, is killed (SIGKILL).",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "get a", Caption: i18n.Text{
				DE: "client-1 liest a. server-1 antwortet nicht mehr, also versucht der Client den nächsten Server auf seiner Liste.",
				EN: "client-1 reads a. server-1 no longer answers, so the client tries the next server on its list.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok", From: "server-2"}, Caption: i18n.Text{
				DE: "server-2 antwortet mit a = 1. Der Ausfall hat den Client einen Verbindungsversuch gekostet, aber keine Daten: Fehlertransparenz.",
				EN: "server-2 answers with a = 1. The failure cost the client one attempt to connect, but no data: failure transparency.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "put b 2", Caption: i18n.Text{
				DE: "client-1 schreibt b = 2, jetzt bei server-2.",
				EN: "client-1 writes b = 2, now at server-2.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "server-2 repliziert an server-3; server-1 ist tot, der Versuch schlägt fehl und wird im Protokoll vermerkt. Das „ok“ kommt trotzdem: Es gilt für alle Kopien, die noch da sind.",
				EN: "server-2 replicates to server-3; server-1 is dead, so that attempt fails and is noted in the log. The “ok” comes all the same: it stands for every copy that is still there.",
			}},
			{Kind: StepCaption, Caption: i18n.Text{
				DE: "Startete man server-1 jetzt neu, käme er leer zurück. Er kopiert darum zuerst die Daten der beiden anderen (sync) und weist Clients so lange ab („catching up“); erst dann antwortet er wieder – auch ein Neustart verliert nichts Bestätigtes.",
				EN: "If server-1 were restarted now, it would come back empty. So it first copies the stores of the other two (sync) and turns clients away meanwhile (“catching up”); only then does it answer again – a restart loses nothing confirmed either.",
			}},
		},
	}
}

func networkPartition() Experiment {
	return Experiment{
		ID:    "network-partition",
		Title: i18n.Text{DE: "Das Netz zerfällt", EN: "The network splits"},
		Summary: i18n.Text{
			DE: "server-3 ist von den anderen Servern abgeschnitten: Schreibaufträge erreichen ihn nicht, und er liefert veraltete Werte.",
			EN: "server-3 is cut off from the other servers: writes do not reach it, and it returns stale values.",
		},
		Steps: []Step{
			{Kind: StepStart, Node: "client-2", Caption: i18n.Text{
				DE: "client-2 kommt dazu; er fragt zuerst server-3.",
				EN: "client-2 joins; it asks server-3 first.",
			}},
			{Kind: StepPartition, Node: "server-3", Peers: []string{"server-1", "server-2"}, Caption: i18n.Text{
				DE: "Das Netz zwischen server-3 und den beiden anderen Servern fällt aus. Alle Server laufen weiter, und die Clients erreichen weiterhin jeden von ihnen.",
				EN: "The network between server-3 and the two other servers fails. Every server keeps running, and the clients can still reach each of them.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "put b 2", Caption: i18n.Text{
				DE: "client-1 schreibt b = 2 bei server-1.",
				EN: "client-1 writes b = 2 at server-1.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindSend, Node: "server-1", Type: "replicate", Fault: "partition"}, Caption: i18n.Text{
				DE: "Die replicate-Nachricht an server-3 geht verloren. server-1 wartet eine Sekunde auf die Bestätigung, gibt dann auf und verdächtigt server-3.",
				EN: "The replicate message to server-3 is lost. server-1 waits one second for the confirmation, then gives up and suspects server-3.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "client-1 bekommt trotzdem sein „ok“: server-1 und server-2 sind eine Mehrheit. Auf die unerreichbare Kopie wartet niemand.",
				EN: "client-1 gets its “ok” all the same: server-1 and server-2 are a majority. Nobody waits for the copy that cannot be reached.",
			}},
			{Kind: StepDo, Node: "client-2", Cmd: "get b", Caption: i18n.Text{
				DE: "client-2 liest b bei server-3.",
				EN: "client-2 reads b at server-3.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-2", Type: "get_ok", Field: "found", Is: "false"}, Caption: i18n.Text{
				DE: "server-3 kennt b nicht. Zwei Clients sehen zur selben Zeit verschiedene Werte: Die Replikationstransparenz bricht, sobald die Repliken nicht mehr miteinander sprechen können.",
				EN: "server-3 does not know b. Two clients see different values at the same time: replication transparency breaks as soon as the replicas can no longer talk to each other.",
			}},
			{Kind: StepHeal, Caption: i18n.Text{
				DE: "Das Netz ist wieder ganz.",
				EN: "The network is whole again.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "server-3", Key: "sync", Value: "in sync"}, Caption: i18n.Text{
				DE: "server-1 hat server-3 die ganze Zeit in wachsenden Abständen gebeten aufzuholen. Jetzt kommt die Bitte an: server-3 kopiert die Daten eines anderen Servers (sync) und weist Clients so lange ab.",
				EN: "server-1 has kept asking server-3 to catch up, at growing intervals. Now the request gets through: server-3 copies another server's store (sync) and turns clients away meanwhile.",
			}},
			{Kind: StepDo, Node: "client-2", Cmd: "get b", Caption: i18n.Text{
				DE: "client-2 liest b noch einmal bei server-3.",
				EN: "client-2 reads b at server-3 once more.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-2", Type: "get_ok", Field: "value", Is: "2"}, Caption: i18n.Text{
				DE: "Jetzt kennt server-3 b = 2. Während der Trennung aber lieferte er einen veralteten Wert: Repliken, die nicht miteinander sprechen können, sind sich uneinig – Verfügbarkeit beim Lesen kostet Konsistenz.",
				EN: "Now server-3 knows b = 2. During the split, though, it returned a stale value: replicas that cannot talk to each other disagree – availability for reads costs consistency.",
			}},
		},
	}
}

// frozenReplica shows what replicate mode promises when a replica is slow:
// one missed deadline, then the group goes on without it and catches it up
// when it answers again.
func frozenReplica() Experiment {
	return Experiment{
		ID:    "frozen-replica",
		Title: i18n.Text{DE: "Langsam oder tot?", EN: "Slow or dead?"},
		Summary: i18n.Text{
			DE: "Eine eingefrorene Replik kostet einen einzigen Timeout: Sie wird verdächtigt, die Schreibaufträge gehen ohne sie schnell weiter, und wenn sie wieder antwortet, holt sie auf.",
			EN: "A frozen replica costs a single timeout: it is suspected, writes go on quickly without it, and when it answers again it catches up.",
		},
		Steps: []Step{
			{Kind: StepFreeze, Node: "server-2", Caption: i18n.Text{
				DE: "server-2 wird eingefroren (SIGSTOP): Der Prozess ist noch da, das Betriebssystem nimmt sogar noch Verbindungen für ihn an, aber er tut nichts.",
				EN: "server-2 is frozen (SIGSTOP): the process is still there, the operating system even accepts connections for it, but it does nothing.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "put d 4", Caption: i18n.Text{
				DE: "client-1 schreibt d = 4 bei server-1.",
				EN: "client-1 writes d = 4 at server-1.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "server-3 bestätigt sofort, server-2 schweigt. Nach einer Sekunde hört server-1 auf zu warten: server-1 und server-3 sind eine Mehrheit, der Client bekommt sein „ok“. Ob server-2 langsam oder abgestürzt ist, kann server-1 nicht unterscheiden.",
				EN: "server-3 confirms at once, server-2 stays silent. After one second server-1 stops waiting: server-1 and server-3 are a majority, so the client gets its “ok”. server-1 cannot tell whether server-2 is slow or has crashed.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "server-1", Key: "suspect", Value: "server-2"}, Caption: i18n.Text{
				DE: "server-1 verdächtigt server-2 (siehe seinen Zustand im Inspektor): Schreibaufträge gehen nicht mehr an ihn und warten nicht mehr auf ihn. Im Hintergrund fragt server-1 in wachsenden Abständen nach, ob er wieder da ist.",
				EN: "server-1 suspects server-2 (see its state in the inspector): writes no longer go to it nor wait for it. In the background server-1 asks, at growing intervals, whether it is back.",
			}},
			{Kind: StepDo, Node: "client-1", Cmd: "put e 5", Caption: i18n.Text{
				DE: "client-1 schreibt e = 5.",
				EN: "client-1 writes e = 5.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, Caption: i18n.Text{
				DE: "Diesmal kommt das „ok“ sofort: Nur server-3 wird gefragt. Eine eingefrorene Replik hat einen Timeout gekostet, nicht jeden Schreibauftrag.",
				EN: "This time the “ok” comes at once: only server-3 is asked. The frozen replica cost one timeout, not every write.",
			}},
			{Kind: StepThaw, Node: "server-2", Caption: i18n.Text{
				DE: "server-2 darf weiterarbeiten (SIGCONT).",
				EN: "server-2 may carry on (SIGCONT).",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "server-2", Key: "sync", Value: "catching up"}, Caption: i18n.Text{
				DE: "server-2 liest zuerst, was in seinem Puffer gewartet hat: das alte replicate von d und die Bitten von server-1, aufzuholen. Jetzt weiß er, dass ihm Schreibaufträge fehlen können: Er weist Clients ab („catching up“) und kopiert die Daten eines anderen Servers (sync).",
				EN: "server-2 first reads what waited in its buffer: the old replicate of d and server-1's requests to catch up. Now it knows it may have missed writes: it turns clients away (“catching up”) and copies another server's store (sync).",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "server-2", Key: "sync", Value: "in sync"}, Caption: i18n.Text{
				DE: "server-2 hat nachgeholt, was er verpasst hat – auch e = 5 – und beantwortet wieder Anfragen.",
				EN: "server-2 has caught up on what it missed – e = 5 too – and answers requests again.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "server-1", Key: "suspect", Value: "none"}, Caption: i18n.Text{
				DE: "Auch server-1 vertraut server-2 wieder: Der nächste Schreibauftrag geht an alle drei. Langsam oder tot – die Gruppe musste es nicht wissen: Sie hat einmal gewartet, mit einer Mehrheit weitergemacht und die Replik danach nachgeführt.",
				EN: "server-1 trusts server-2 again too: the next write goes to all three. Slow or dead – the group did not need to know: it waited once, went on with a majority, and caught the replica up afterwards.",
			}},
		},
	}
}
