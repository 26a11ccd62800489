package catalog

import "dsdemo/models/i18n"

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
			DE: "Feste Rollen gibt es nicht: Jeder Peer stellt Anfragen und beantwortet welche. Die Peers liegen auf einem Ring aus Hashwerten; ein Schlüssel gehört dem ersten Peer hinter seinem Hashwert. " +
				"Den Überblick über alle hat keiner: Jeder kennt seine Nachbarn und einige Abkürzungen (Finger), und eine Suche springt in wenigen Schritten über den Ring. Peers treten jederzeit bei oder verlassen den Ring, und der Ring repariert sich selbst.",
			EN: "There are no fixed roles: every peer both asks and answers. The peers sit on a ring of hash values; a key belongs to the first peer after its hash. " +
				"Nobody has the whole picture: each knows its neighbours and a few shortcuts (fingers), and a lookup jumps across the ring in a few hops. Peers join or leave at any time, and the ring repairs itself.",
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
				DE: "peer-7 tritt bei, ohne dass sich am Client, an den übrigen Peers oder am Suchverfahren etwas ändert: Schlüssel gibt nur sein Nachfolger ab, und die Antworten nennen weiter nur wenige Sprünge (hops).",
				EN: "peer-7 joins without any change to the client, the other peers or the lookup procedure: only its successor hands keys over, and the answers still name only a few hops.",
			}},
		},
	}
}
