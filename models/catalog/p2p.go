package catalog

import (
	"dsdemo/models/trace"

	"dsdemo/models/i18n"
)

func init() { register(60, peerToPeer) }

// peerToPeer is the lecture's peer-to-peer model as a Chord ring: every
// process is client and server at once, none knows all the others, and
// peers come and go.
//
// A peer named by the launcher sits at the hash of its name, so the ring
// is the same in every run:
//
//	peer-2 09d1cb50 -> peer-1 16897136 -> peer-3 820d3910 -> peer-4 8d354b75
//	  ^                                                            |
//	  +--- peer-5 f2b3e93b <- (peer-7 d4eaf733) <- peer-6 a77865a3 <+
//
// Keys used by the experiments and their successors (r = 3 copies):
// apple d0be2dc4, fig b219a5c9, grape bc8a2f8c, lime cbd777d7 at peer-5
// (peer-7 once it joined); cherry 7e41c648 and pear 3e2bf5fa at peer-3,
// with copies at peer-4 and peer-6.
func peerToPeer() Model {
	join := []string{"--join", "{addr:peer-1}"}
	peer := func(name string) Program {
		return Program{Node: name, Role: "peer", Binary: "peer", Listen: ListenAny, Args: join}
	}
	return Model{
		ID:    "p2p",
		Title: i18n.Text{DE: "Peer-to-Peer (Chord-Ring)", EN: "Peer-to-peer (Chord ring)"},
		Summary: i18n.Text{
			DE: "Jeder Prozess ist zugleich Client und Server. Die Peers liegen auf einem Ring aus Hashwerten; ein Schlüssel gehört dem ersten Peer hinter seinem Hashwert. " +
				"Kein Peer kennt alle anderen: Jeder kennt seine Nachbarn und einige Abkürzungen (Finger), und eine Suche springt in wenigen Schritten über den Ring. Peers kommen und gehen, der Ring repariert sich selbst.",
			EN: "Every process is client and server at once. The peers sit on a ring of hash values; a key belongs to the first peer after its hash. " +
				"No peer knows all the others: each knows its neighbours and a few shortcuts (fingers), and a lookup jumps across the ring in a few hops. Peers come and go, and the ring repairs itself.",
		},
		Roles: []Role{
			{Name: "peer", Does: i18n.Text{
				DE: "Speichert die Schlüssel, deren Nachfolger er ist, hält Kopien für seine Vorgänger, beantwortet Suchen und hält mit Stabilisierungsrunden seine Nachbarn und Finger aktuell. peer-1 ist der bekannte Einstiegspunkt, über den die anderen beitreten.",
				EN: "Stores the keys it is the successor of, keeps copies for its predecessors, answers lookups, and keeps its neighbours and fingers up to date in maintenance rounds. peer-1 is the well-known entry point the others join through.",
			}},
			{Name: "client", Does: i18n.Text{
				DE: "Eine Anwendung, die irgendeinen Peer bittet, Schlüssel abzulegen und zu holen; wo sie liegen, erfährt sie nur aus der Antwort.",
				EN: "An application that asks any peer to store and fetch keys; where they live it learns only from the answer.",
			}},
		},
		Programs: []Program{
			{Node: "peer-1", Role: "peer", Binary: "peer", Listen: ListenAny},
			peer("peer-2"), peer("peer-3"), peer("peer-4"), peer("peer-5"), peer("peer-6"),
			{Node: "peer-7", Role: "peer", Binary: "peer", Listen: ListenAny, Args: join, Later: true},
			{Node: "client-1", Role: "client", Binary: "peer", Later: true,
				Args: []string{"--to", "{addr:peer-1},{addr:peer-2}", "--session", "--every", "1s"}},
		},
		Layout: LayoutRing,
		Churn:  []string{"peer-2", "peer-3", "peer-4", "peer-5", "peer-6", "peer-7"},
		// The maintenance round each peer runs every second: stabilise
		// (predecessor, notify), check the predecessor (ping) and copy its
		// keys to its successors (replicate). Lookups are what a class follows.
		Background: []string{"predecessor", "notify", "ping", "replicate"},
		Shows: []Shown{
			{Transparency: LocationTransparency, How: i18n.Text{
				DE: "Der Client fragt irgendeinen Peer; welcher Peer den Schlüssel hält, bestimmt der Hashwert, nicht der Client.",
				EN: "The client asks any peer; which peer holds the key is decided by the hash, not by the client.",
			}},
			{Transparency: MigrationTransparency, How: i18n.Text{
				DE: "Tritt ein Peer bei oder geht er, wandern die betroffenen Schlüssel (handover), und der Client merkt davon nichts.",
				EN: "When a peer joins or leaves, the keys concerned move (handover), and the client notices nothing.",
			}},
			{Transparency: FailureTransparency, How: i18n.Text{
				DE: "Jeder Schlüssel liegt bei drei Peers; fallen zwei benachbarte aus, antwortet der dritte.",
				EN: "Every key lives on three peers; when two neighbours crash, the third answers.",
			}},
			{Transparency: ScalingTransparency, How: i18n.Text{
				DE: "Eine Suche braucht etwa ½·log2(N) Sprünge: Bei doppelt so vielen Peers nur einen halben Sprung mehr.",
				EN: "A lookup takes about ½·log2(N) hops: twice as many peers cost only half a hop more.",
			}},
		},
		Experiments: []Experiment{ringLookup(), peerJoins(), adjacentCrash(), churn(), predictPeerToPeer()},
	}
}

func ringLookup() Experiment {
	return Experiment{
		ID:    "lookup",
		Title: i18n.Text{DE: "Eine Suche springt über den Ring", EN: "A lookup hops across the ring"},
		Summary: i18n.Text{
			DE: "peer-1 legt den Schlüssel apple ab, peer-2 sucht ihn: Jeder gefragte Peer nennt einen, der näher am Schlüssel liegt.",
			EN: "peer-1 stores the key apple, peer-2 looks it up: every peer asked names one that is closer to the key.",
		},
		Steps: []Step{
			{Kind: StepCaption, Caption: i18n.Text{
				DE: "Sechs Peers sitzen auf dem Ring, jeder beim Hashwert seines Namens. Wähle einen Peer mit ←/→: Die Linien zeigen seine Finger, die Abkürzungen über den Ring.",
				EN: "Six peers sit on the ring, each at the hash of its name. Select a peer with ←/→: the lines show its fingers, its shortcuts across the ring.",
			}},
			{Kind: StepDo, Node: "peer-1", Cmd: "put apple red", Caption: i18n.Text{
				DE: "peer-1 sucht den Nachfolger von apple (Hashwert d0be2dc4): Es fragt mit closest den nächstgelegenen Peer, den es kennt.",
				EN: "peer-1 looks for the successor of apple (hash d0be2dc4): with closest it asks the nearest peer it knows.",
			}},
			logged("peer-1", "stored at peer-5", i18n.Text{
				DE: "peer-5 ist der Nachfolger: Es speichert apple und kopiert es (replicate) an seine zwei Nachfolger, bevor es antwortet.",
				EN: "peer-5 is the successor: it stores apple and copies it (replicate) to its two successors before it answers.",
			}),
			{Kind: StepDo, Node: "peer-2", Cmd: "get apple", Caption: i18n.Text{
				DE: "Jetzt sucht peer-2 denselben Schlüssel. Zähle die closest-Nachrichten: jede ein Sprung.",
				EN: "Now peer-2 looks up the same key. Count the closest messages: each is one hop.",
			}},
			logged("peer-2", "held by peer-5", i18n.Text{
				DE: "Gefunden, bei peer-5. Die Antwort nennt die Zahl der Sprünge; bei N Peers sind es im Mittel etwa ½·log2(N).",
				EN: "Found, at peer-5. The answer gives the number of hops; with N peers it is about ½·log2(N) on average.",
			}),
		},
	}
}

func peerJoins() Experiment {
	return Experiment{
		ID:    "join",
		Title: i18n.Text{DE: "Ein Peer tritt bei", EN: "A peer joins"},
		Summary: i18n.Text{
			DE: "peer-7 tritt dem Ring bei und übernimmt von seinem Nachfolger genau die Schlüssel zwischen seinem Vorgänger und sich.",
			EN: "peer-7 joins the ring and takes over from its successor exactly the keys between its predecessor and itself.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "peer-1", Cmd: "put fig green", Caption: i18n.Text{
				DE: "Drei Schlüssel für peer-5: fig …",
				EN: "Three keys for peer-5: fig …",
			}},
			{Kind: StepDo, Node: "peer-1", Cmd: "put grape blue", Caption: i18n.Text{DE: "… grape …", EN: "… grape …"}},
			{Kind: StepDo, Node: "peer-1", Cmd: "put lime sour", Caption: i18n.Text{DE: "… und lime.", EN: "… and lime."}},
			logged("peer-1", "put lime", i18n.Text{
				DE: "Alle drei liegen bei peer-5, ihre Hashwerte (b219…, bc8a…, cbd7…) liegen zwischen peer-6 und peer-5.",
				EN: "All three live at peer-5: their hashes (b219…, bc8a…, cbd7…) lie between peer-6 and peer-5.",
			}),
			{Kind: StepStart, Node: "peer-7", Caption: i18n.Text{
				DE: "peer-7 (d4eaf733) startet und sucht über peer-1 seinen eigenen Nachfolger: peer-5.",
				EN: "peer-7 (d4eaf733) starts and looks up its own successor through peer-1: peer-5.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindRecv, Node: "peer-7", Type: "handover"}, Caption: i18n.Text{
				DE: "peer-7 meldet sich mit notify bei peer-5 als neuer Vorgänger; peer-5 übergibt ihm die Schlüssel bis d4eaf733 (handover) und behält Kopien.",
				EN: "peer-7 tells peer-5 with notify that it is its new predecessor; peer-5 hands over the keys up to d4eaf733 (handover) and keeps copies.",
			}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "peer-6", Key: "succ", Value: "peer-7,peer-5,peer-2"}, Caption: i18n.Text{
				DE: "In seiner nächsten Stabilisierungsrunde fragt peer-6 seinen Nachfolger peer-5 nach dessen Vorgänger, erfährt von peer-7 und nimmt es als neuen Nachfolger. Der Ring ist wieder geschlossen.",
				EN: "In its next stabilize round peer-6 asks its successor peer-5 for its predecessor, learns of peer-7 and takes it as its new successor. The ring is closed again.",
			}},
			{Kind: StepDo, Node: "peer-7", Cmd: "get lime", Caption: i18n.Text{
				DE: "Wer hat lime jetzt?",
				EN: "Who holds lime now?",
			}},
			logged("peer-7", "held by peer-7", i18n.Text{
				DE: "peer-7, ohne einen einzigen Sprung. Die übrigen Peers haben nichts davon gemerkt: Nur zwei Nachbarn waren beteiligt.",
				EN: "peer-7, without a single hop. The other peers noticed nothing: only two neighbours took part.",
			}),
		},
	}
}

func adjacentCrash() Experiment {
	return Experiment{
		ID:    "crash",
		Title: i18n.Text{DE: "Zwei Nachbarn stürzen ab", EN: "Two neighbours crash"},
		Summary: i18n.Text{
			DE: "peer-3 und peer-4, direkte Nachbarn, fallen gleichzeitig aus. Weil jeder Schlüssel bei drei Peers liegt, geht keiner verloren.",
			EN: "peer-3 and peer-4, next to each other, crash at once. Because every key lives on three peers, none is lost.",
		},
		Steps: []Step{
			{Kind: StepDo, Node: "peer-1", Cmd: "put cherry red", Caption: i18n.Text{
				DE: "cherry und pear gehören peer-3; Kopien liegen bei peer-4 und peer-6.",
				EN: "cherry and pear belong to peer-3; copies live at peer-4 and peer-6.",
			}},
			{Kind: StepDo, Node: "peer-1", Cmd: "put pear green", Caption: i18n.Text{DE: "pear …", EN: "pear …"}},
			logged("peer-1", "put pear", i18n.Text{
				DE: "Beide gespeichert. Gleich fallen peer-3 und peer-4 zugleich aus, ohne sich zu verabschieden.",
				EN: "Both stored. Next, peer-3 and peer-4 crash together, without a goodbye.",
			}),
			{Kind: StepKill, Node: "peer-3", Caption: i18n.Text{DE: "peer-3 stürzt ab …", EN: "peer-3 crashes …"}},
			{Kind: StepKill, Node: "peer-4", Caption: i18n.Text{DE: "… und peer-4 auch.", EN: "… and so does peer-4."}},
			{Kind: StepWait, Until: Match{Kind: trace.KindState, Node: "peer-6", Key: "pred", Value: "peer-1"}, Caption: i18n.Text{
				DE: "peer-1 merkt beim Stabilisieren, dass sein Nachfolger schweigt, und nimmt den nächsten aus seiner Nachfolgerliste: peer-6. peer-6 hat nun peer-1 als Vorgänger.",
				EN: "While stabilizing, peer-1 finds its successor silent and takes the next from its successor list: peer-6. peer-6 now has peer-1 as its predecessor.",
			}},
			{Kind: StepDo, Node: "peer-2", Cmd: "get cherry", Caption: i18n.Text{
				DE: "Ist cherry noch da?",
				EN: "Is cherry still there?",
			}},
			logged("peer-2", "held by peer-6", i18n.Text{
				DE: "Ja: peer-6 hatte eine Kopie und ist jetzt der Nachfolger. Mit r = 3 Kopien übersteht der Ring den gleichzeitigen Ausfall von r-1 = 2 Nachbarn.",
				EN: "Yes: peer-6 had a copy and is the successor now. With r = 3 copies the ring survives r-1 = 2 neighbours crashing at once.",
			}),
		},
	}
}

func churn() Experiment {
	return Experiment{
		ID:    "churn",
		Title: i18n.Text{DE: "Kommen und Gehen (Churn)", EN: "Coming and going (churn)"},
		Summary: i18n.Text{
			DE: "Ein Client legt jede Sekunde Schlüssel ab und holt sie wieder, während Peers zufällig gehen und wiederkommen.",
			EN: "A client stores and fetches keys every second while peers leave and come back at random.",
		},
		Steps: []Step{
			{Kind: StepStart, Node: "client-1", Caption: i18n.Text{
				DE: "client-1 fragt peer-1 (oder peer-2) jede Sekunde: put, dann get.",
				EN: "client-1 asks peer-1 (or peer-2) every second: put, then get.",
			}},
			logged("client-1", "held by", i18n.Text{
				DE: "Die Suchen gelingen. Drücke jetzt c: Peers verlassen den Ring und treten wieder bei, zufällig alle paar Sekunden.",
				EN: "The lookups succeed. Now press c: peers leave the ring and join again, at random every few seconds.",
			}),
			{Kind: StepCaption, Caption: i18n.Text{
				DE: "Beobachte das Log von client-1: Die Schlüssel wandern beim Gehen (handover) und Kommen, die Suchen gelingen weiter. Noch einmal c beendet das Kommen und Gehen.",
				EN: "Watch client-1's log: keys move as peers leave (handover) and come back, and the lookups go on succeeding. Press c again to end the churn.",
			}},
		},
	}
}
