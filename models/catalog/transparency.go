package catalog

import "dsdemo/models/i18n"

// Transparency is one of the eight kinds of transparency the lecture names
// for a distributed system: ways in which the system hides that it is
// distributed, so that users and programmers can treat it as one whole. The
// lecture credits the eight to ISO; the list is the one of Coulouris,
// Dollimore and Kindberg's textbook, which draws on ISO's reference model
// for open distributed processing (RM-ODP), whose own list differs in part
// (it has relocation, persistence and transaction transparency).
type Transparency string

// The eight transparencies. The German names are the lecture's; other books
// say Ortstransparenz, Migrationstransparenz and Skalierungstransparenz,
// and older English ones migration transparency for mobility transparency.
const (
	AccessTransparency      Transparency = "access"
	LocationTransparency    Transparency = "location"
	MigrationTransparency   Transparency = "migration"
	ConcurrencyTransparency Transparency = "concurrency"
	ReplicationTransparency Transparency = "replication"
	FailureTransparency     Transparency = "failure"
	PerformanceTransparency Transparency = "performance"
	ScalingTransparency     Transparency = "scaling"
)

// Transparencies returns the eight transparencies in the lecture's order.
func Transparencies() []Transparency {
	out := make([]Transparency, len(transparencies))
	for i, t := range transparencies {
		out[i] = t.id
	}
	return out
}

// Name returns the transparency's name, or an empty i18n.Text for an unknown one.
func (t Transparency) Name() i18n.Text { return t.find().name }

// Meaning returns what the transparency hides, in one sentence, or an empty
// i18n.Text for an unknown one.
func (t Transparency) Meaning() i18n.Text { return t.find().meaning }

func (t Transparency) find() transparency {
	for _, x := range transparencies {
		if x.id == t {
			return x
		}
	}
	return transparency{}
}

type transparency struct {
	id            Transparency
	name, meaning i18n.Text
}

var transparencies = []transparency{
	{AccessTransparency,
		i18n.Text{DE: "Zugriffstransparenz", EN: "Access transparency"},
		i18n.Text{DE: "Auf eine entfernte Ressource greift man mit denselben Operationen zu wie auf eine lokale.",
			EN: "A remote resource is used with the same operations as a local one."}},
	{LocationTransparency,
		i18n.Text{DE: "Positionstransparenz", EN: "Location transparency"},
		i18n.Text{DE: "Wer eine Ressource benutzt, muss nicht wissen, auf welchem Rechner sie liegt.",
			EN: "Whoever uses a resource need not know which machine holds it."}},
	{MigrationTransparency,
		i18n.Text{DE: "Mobilitätstransparenz", EN: "Mobility transparency"},
		i18n.Text{DE: "Eine Ressource kann an einen anderen Ort umziehen, ohne dass ihre Benutzer etwas ändern müssen.",
			EN: "A resource can move to another place without its users having to change anything."}},
	{ConcurrencyTransparency,
		i18n.Text{DE: "Nebenläufigkeitstransparenz", EN: "Concurrency transparency"},
		i18n.Text{DE: "Viele Benutzer arbeiten gleichzeitig mit denselben Daten und stören einander nicht.",
			EN: "Many users work with the same data at the same time without getting in each other's way."}},
	{ReplicationTransparency,
		i18n.Text{DE: "Replikationstransparenz", EN: "Replication transparency"},
		i18n.Text{DE: "Es gibt mehrere Kopien einer Ressource, aber Benutzer und Programmierer sehen nur eine.",
			EN: "A resource exists in several copies, but users and programmers see only one."}},
	{FailureTransparency,
		i18n.Text{DE: "Fehlertransparenz", EN: "Failure transparency"},
		i18n.Text{DE: "Fällt ein Teil des Systems aus, arbeitet das Ganze trotzdem weiter.",
			EN: "When a part of the system fails, the whole keeps working."}},
	{PerformanceTransparency,
		i18n.Text{DE: "Leistungstransparenz", EN: "Performance transparency"},
		i18n.Text{DE: "Das System lässt sich bei wachsender Last umbauen, ohne dass die Benutzer es merken.",
			EN: "The system can be reconfigured for a growing load without its users noticing."}},
	{ScalingTransparency,
		i18n.Text{DE: "Skalierbarkeitstransparenz", EN: "Scaling transparency"},
		i18n.Text{DE: "Das System kann wachsen, ohne dass sich seine Struktur oder seine Algorithmen ändern müssen.",
			EN: "The system can grow without changes to its structure or its algorithms."}},
}
