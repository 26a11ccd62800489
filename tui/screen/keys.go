package screen

import "dsdemo/models/catalog"

// binding is one key of a screen and what it does, in both languages.
type binding struct {
	Key  string
	Does catalog.Text
}

// homeKeys and liveKeys are the keys the footer and the help overlay list;
// Update handles exactly these.
var homeKeys = []binding{
	{"↑/↓", catalog.Text{DE: "Modell wählen", EN: "choose a model"}},
	{"←/→", catalog.Text{DE: "Experiment wählen", EN: "choose an experiment"}},
	{"enter", catalog.Text{DE: "starten", EN: "start"}},
	{"Q", catalog.Text{DE: "Quiz: für die Prüfung üben", EN: "quiz: practise for the exam"}},
	{"?", catalog.Text{DE: "Hilfe", EN: "help"}},
	{"q", catalog.Text{DE: "beenden", EN: "quit"}},
}

var liveKeys = []binding{
	{"space", catalog.Text{DE: "Anzeige anhalten/weiter", EN: "pause/resume the view"}},
	{"n", catalog.Text{DE: "Schritt: nächste Nachricht freigeben", EN: "step: release the next message"}},
	{"+/-", catalog.Text{DE: "Zeitlupe (0 · 0,3 · 1 · 3 s pro Nachricht)", EN: "slow motion (0 · 0.3 · 1 · 3 s per message)"}},
	{"←/→", catalog.Text{DE: "Knoten wählen (oder Mausklick)", EN: "select a node (or mouse click)"}},
	{"k", catalog.Text{DE: "Knoten abschießen (SIGKILL)", EN: "kill the node (SIGKILL)"}},
	{"f", catalog.Text{DE: "einfrieren/auftauen", EN: "freeze/thaw"}},
	{"r", catalog.Text{DE: "neu starten, gleiche Adresse", EN: "restart at the same address"}},
	{"p", catalog.Text{DE: "vom Rest abtrennen/wieder verbinden", EN: "partition from the others/heal"}},
	{"d", catalog.Text{DE: "Verlustrate 0 · 25 · 50 · 100 %", EN: "drop rate 0 · 25 · 50 · 100 %"}},
	{"a", catalog.Text{DE: "Client hinzufügen", EN: "add a client"}},
	{"c", catalog.Text{DE: "Churn an/aus: Peers gehen und kommen zufällig", EN: "churn on/off: peers leave and join at random"}},
	{"x", catalog.Text{DE: "nächster Schritt des Experiments", EN: "next step of the experiment"}},
	{"1-9", catalog.Text{DE: "Vorhersage: wohin geht die Nachricht?", EN: "predict: where does the message go?"}},
	{"tab", catalog.Text{DE: "Bereich: Sequenz · Log · Inspektor", EN: "pane: sequence · log · inspector"}},
	{"/", catalog.Text{DE: "Log filtern (Knoten oder Typ)", EN: "filter the log (node or type)"}},
	{"e", catalog.Text{DE: "Sequenzdiagramm exportieren", EN: "export the sequence diagram"}},
	{"?", catalog.Text{DE: "Hilfe", EN: "help"}},
	{"q", catalog.Text{DE: "zurück (beendet die Demo)", EN: "back (stops the demo)"}},
}

// slowMotion is the delay per message of each slow-motion level, in ms.
var slowMotion = []int64{0, 300, 1000, 3000}

// dropRates are the drop probabilities the d key cycles through.
var dropRates = []float64{0, 0.25, 0.5, 1}
