package history

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
)

// Fault is something the launcher did to the run (trace.KindFault): a
// node killed, frozen, thawed or restarted, a partition cut or healed, a
// new drop rate, delay or step mode. A diagram draws it as a row of its
// own, across every lifeline, so that a run explains itself: the arrows
// below a "kill server" row are the ones that found no server.
type Fault struct {
	Action string   // trace.FaultKill, trace.FaultPartition, ...
	Node   string   // the node acted on; "" for every node
	Peers  []string // partition: the nodes Node can no longer reach
	Value  string   // the new setting: "one-way", "0.3", "200", "on"
	Time   time.Time
	// Clock is the latest Lamport time of the nodes the fault touches
	// (Node and Peers; every node for ""), as their events had reported it
	// when the fault was added: its row goes below their earlier arrows.
	Clock uint64
}

// maxPeers is how many peers of a fault a store keeps.
const maxPeers = MaxNodes

// fault records a fault event.
func (s *Store) fault(ev trace.Event) {
	f := Fault{Action: ev.Fault, Node: ev.Node, Peers: ev.Peers, Value: ev.Value, Time: time.UnixMicro(ev.Time)}
	if f.Node == "" {
		for _, n := range s.nodes {
			f.Clock = max(f.Clock, n.Clock)
		}
	} else {
		for _, name := range append([]string{f.Node}, f.Peers...) {
			if n := s.nodes[name]; n != nil {
				f.Clock = max(f.Clock, n.Clock)
			}
		}
	}
	s.faults.push(f)
}

// Faults returns the kept faults, oldest first.
func (s *Store) Faults() []Fault { return s.faults.all() }

// touches reports whether a goes to or comes from a node f acts on.
func (f *Fault) touches(a *Arrow) bool {
	if f.Node == "" {
		return false // a fault on every node is placed by its clock alone
	}
	return a.From == f.Node || a.To == f.Node || slices.Contains(f.Peers, a.From) || slices.Contains(f.Peers, a.To)
}

// Row is one row of a sequence diagram: a message or a fault, never both.
type Row struct {
	Arrow *Arrow
	Fault *Fault
}

// Rows puts the faults among the arrows, which are in Lamport order (as
// Arrows returns them), each at the moment it happened as well as a
// Lamport diagram can say: below every arrow whose send has a clock not
// above the fault's Clock, so below what the nodes it touches had done,
// but above the first arrow to or from one of those nodes that was sent
// after it, so every message the fault could change is drawn below it.
// (Arrows between other nodes keep their Lamport places: they are
// concurrent with the fault, and the diagram does not pretend otherwise.)
func Rows(arrows []Arrow, faults []Fault) []Row {
	type placed struct {
		at int // the index of the arrow the fault's row comes before
		f  *Fault
	}
	order := make([]placed, len(faults))
	for i := range faults {
		f := &faults[i]
		at, _ := slices.BinarySearchFunc(arrows, f.Clock+1, func(a Arrow, c uint64) int {
			return cmpClock(a.SendClock, c)
		})
		for j := 0; j < at; j++ {
			if a := &arrows[j]; f.touches(a) && a.Sent.After(f.Time) {
				at = j
				break
			}
		}
		order[i] = placed{at, f}
	}
	slices.SortStableFunc(order, func(a, b placed) int { return a.at - b.at })
	rows := make([]Row, 0, len(arrows)+len(faults))
	k := 0
	for i := range arrows {
		for ; k < len(order) && order[k].at == i; k++ {
			rows = append(rows, Row{Fault: order[k].f})
		}
		rows = append(rows, Row{Arrow: &arrows[i]})
	}
	for ; k < len(order); k++ {
		rows = append(rows, Row{Fault: order[k].f})
	}
	return rows
}

func cmpClock(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// FaultMark starts the label of every fault row, so that a row reads as a
// fault without colour (NO_COLOR, a printout).
const FaultMark = "⚡"

// Label says in words, in the language lang ("de" or "en"), what the fault
// did: "kill server", "one-way: server-1 cannot reach server-2",
// "slow motion 300 ms". It does not start with FaultMark.
func (f *Fault) Label(lang string) string {
	t := func(de, en string, args ...any) string {
		return fmt.Sprintf(i18n.Text{DE: de, EN: en}.In(lang), args...)
	}
	node := f.Node
	if node == "" {
		node = t("allen Knoten", "every node") // "bei allen Knoten", "at every node"
	}
	peers := strings.Join(f.Peers, ", ")
	switch f.Action {
	case trace.FaultKill:
		return t("%s hart beendet (SIGKILL)", "kill %s", node)
	case trace.FaultFreeze:
		return t("%s eingefroren", "freeze %s", node)
	case trace.FaultThaw:
		return t("%s aufgetaut", "thaw %s", node)
	case trace.FaultRestart:
		return t("%s neu gestartet", "restart %s", node)
	case trace.FaultPartition:
		if f.Value == "one-way" {
			return t("Einbahn: %s erreicht %s nicht mehr, umgekehrt schon", "one-way: %s cannot reach %s, the other way works", node, peers)
		}
		return t("Partition: %s von %s abgetrennt", "partition: %s cut off from %s", node, peers)
	case trace.FaultHeal:
		if f.Node == "" {
			return t("alle Partitionen geheilt", "every partition healed")
		}
		return t("%s wieder verbunden", "%s healed", node)
	case trace.FaultDrop:
		return t("Verlust %s bei %s", "drop %s at %s", percent(f.Value), node)
	case trace.FaultDuplicate:
		return t("Duplikate %s bei %s", "duplicate %s at %s", percent(f.Value), node)
	case trace.FaultDelay:
		if f.Node == "" {
			if f.Value == "0" {
				return t("Zeitlupe aus", "slow motion off")
			}
			return t("Zeitlupe %s ms", "slow motion %s ms", f.Value)
		}
		return t("Verzögerung %s ms bei %s", "delay %s ms at %s", f.Value, node)
	case trace.FaultHold:
		if f.Value == "on" {
			return t("Schrittmodus an bei %s", "step mode on at %s", node)
		}
		return t("Schrittmodus aus bei %s", "step mode off at %s", node)
	}
	return strings.TrimSpace(f.Action + " " + f.Node + " " + f.Value)
}

// percent writes a probability "0.3" as "30 %"; anything else as it is.
func percent(p string) string {
	v, err := strconv.ParseFloat(p, 64)
	if err != nil {
		return p
	}
	return strconv.FormatFloat(v*100, 'f', -1, 64) + " %"
}
