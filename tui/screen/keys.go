package screen

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"dsdemo/models/i18n"
)

// binding is one key of a page: a key.Binding to match presses against,
// the label the footer and the help show for it, and what it does, short
// for the footer and long for the help overlay, in both languages.
type binding struct {
	key.Binding
	label       string
	short, long i18n.Text
}

func bind(label string, keys []string, short, long i18n.Text) binding {
	return binding{Binding: key.NewBinding(key.WithKeys(keys...)), label: label, short: short, long: long}
}

func t(de, en string) i18n.Text { return i18n.Text{DE: de, EN: en} }

// homeKeys are the keys of the home page.
type homeKeys struct {
	Model, Experiment, Start, Quiz, Glossary, Help, Quit binding
}

func newHomeKeys() homeKeys {
	return homeKeys{
		Model:      bind("↑/↓", []string{"up", "down", "k", "j"}, t("Modell", "model"), t("Modell wählen", "choose a model")),
		Experiment: bind("←/→", []string{"left", "right", "h", "l"}, t("Experiment", "experiment"), t("Experiment wählen", "choose an experiment")),
		Start:      bind("enter", []string{"enter"}, t("starten", "start"), t("starten", "start")),
		Quiz:       bind("Q", []string{"Q"}, t("Quiz", "quiz"), t("Quiz: für die Prüfung üben", "quiz: practise for the exam")),
		Glossary:   bind("g", []string{"g"}, t("Glossar", "glossary"), t("Glossar: die Begriffe der Vorlesung", "glossary: the lecture's terms")),
		Help:       bind("?", []string{"?"}, t("Hilfe", "help"), t("Hilfe", "help")),
		Quit:       bind("q", []string{"q", "esc"}, t("beenden", "quit"), t("beenden", "quit")),
	}
}

func (k homeKeys) list() []binding {
	return []binding{k.Model, k.Experiment, k.Start, k.Quiz, k.Glossary, k.Help, k.Quit}
}

// glossaryKeys are the keys of the glossary page; every other key types
// into its filter.
type glossaryKeys struct {
	Scroll, Lang, Back binding
}

func newGlossaryKeys() glossaryKeys {
	return glossaryKeys{
		Scroll: bind("↑/↓", []string{"up", "down", "pgup", "pgdown"}, t("blättern", "scroll"), t("blättern (auch Bild↑/Bild↓)", "scroll (also PgUp/PgDn)")),
		Lang:   bind("tab", []string{"tab"}, t("Sprache", "language"), t("Sprache wechseln", "switch the language")),
		Back:   bind("esc", []string{"esc"}, t("Filter löschen/zurück", "clear filter/back"), t("Filter löschen, sonst zurück", "clear the filter, else back")),
	}
}

func (k glossaryKeys) list() []binding { return []binding{k.Scroll, k.Lang, k.Back} }

// liveKeys are the keys of the live view. A source that cannot do what a
// key asks (a recording cannot kill a node) disables it, so the footer and
// the help show only the keys that work.
type liveKeys struct {
	Next, Predict, Pause, Step, Slow, Select, Pane, Filter, Export, Help, Back binding
	Background                                                                 binding
	Kill, Freeze, Restart, Partition, OneWay, Drop, AddClient, Churn           binding
	Scroll, Notes                                                              binding
}

func newLiveKeys() liveKeys {
	return liveKeys{
		Next:      bind("x", []string{"x"}, t("Experiment", "experiment"), t("nächster Schritt des Experiments", "next step of the experiment")),
		Predict:   bind("1-9", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, t("Vorhersage", "predict"), t("Vorhersage: wohin geht die Nachricht?", "predict: where does the message go?")),
		Pause:     bind("space", []string{"space"}, t("anhalten", "pause"), t("Anzeige anhalten/weiter", "pause/resume the view")),
		Step:      bind("n", []string{"n"}, t("Schritt", "step"), t("Schritt: nächste Nachricht freigeben", "step: release the next message")),
		Slow:      bind("+/-", []string{"+", "=", "-"}, t("Zeitlupe", "slow motion"), t("Zeitlupe (0 · 0,3 · 1 · 3 s pro Nachricht)", "slow motion (0 · 0.3 · 1 · 3 s per message)")),
		Select:    bind("←/→", []string{"left", "right"}, t("Knoten", "node"), t("Knoten wählen (oder Mausklick)", "select a node (or mouse click)")),
		Pane:      bind("tab", []string{"tab"}, t("Bereich", "pane"), t("Bereich: Sequenz · Log · Inspektor", "pane: sequence · log · inspector")),
		Filter:    bind("/", []string{"/"}, t("Filter", "filter"), t("Log filtern (Knoten oder Typ)", "filter the log (node or type)")),
		Export:    bind("e", []string{"e"}, t("Export", "export"), t("Sequenzdiagramm exportieren", "export the sequence diagram")),
		Help:      bind("?", []string{"?"}, t("Hilfe", "help"), t("Hilfe", "help")),
		Back:      bind("q", []string{"q", "esc"}, t("zurück", "back"), t("zurück (beendet die Demo)", "back (stops the demo)")),
		Kill:      bind("k", []string{"k"}, t("beenden", "kill"), t("Knoten sofort beenden (SIGKILL)", "kill the node (SIGKILL)")),
		Freeze:    bind("f", []string{"f"}, t("einfrieren", "freeze"), t("einfrieren/auftauen", "freeze/thaw")),
		Restart:   bind("r", []string{"r"}, t("neu starten", "restart"), t("neu starten, gleiche Adresse", "restart at the same address")),
		Partition: bind("p", []string{"p"}, t("abtrennen", "partition"), t("vom Rest abtrennen/wieder verbinden", "partition from the others/heal")),
		OneWay: bind("P", []string{"P"}, t("Einbahn", "one-way"),
			t("Einbahn-Partition: Knoten erreicht die anderen nicht · sie ihn nicht · geheilt",
				"one-way partition: the node cannot reach the others · they cannot reach it · healed")),
		Drop:      bind("d", []string{"d"}, t("Verlust", "drop"), t("Verlustrate 0 · 25 · 50 · 100 %", "drop rate 0 · 25 · 50 · 100 %")),
		AddClient: bind("a", []string{"a"}, t("Client", "client"), t("Client hinzufügen", "add a client")),
		Churn:     bind("c", []string{"c"}, t("Churn", "churn"), t("Churn an/aus: Peers gehen und kommen zufällig", "churn on/off: peers leave and join at random")),
		Background: bind("b", []string{"b"}, t("Hintergrund", "background"),
			t("Hintergrundverkehr (Wartung des Rings, Replikation, …) dimmen · ausblenden · zeigen",
				"background traffic (ring upkeep, replication, …): dim · hide · show")),
		Scroll: bind("↑/↓", []string{"up", "down", "pgup", "pgdown"}, t("blättern", "scroll"), t("im Bereich blättern (auch Bild↑/Bild↓)", "scroll the pane (also PgUp/PgDn)")),
		Notes: bind("t", []string{"t"}, t("Notizen", "notes"),
			t("Notizen für Lehrende (Lernziel, Frage an die Klasse, Fehlvorstellung, Folie) zeigen/verbergen",
				"teacher notes (goal, question for the class, misconception, slide): show/hide")),
	}
}

// list is the order the footer shows the keys in: what a class needs first
// (the experiment, pause, step), then breaking things, then the rest; the
// help and the way back are never left out (see footer).
func (k liveKeys) list() []binding {
	return []binding{k.Next, k.Predict, k.Pause, k.Step, k.Slow, k.Select, k.Kill, k.Freeze, k.Restart,
		k.Partition, k.OneWay, k.Drop, k.AddClient, k.Churn, k.Background, k.Pane, k.Filter, k.Scroll, k.Notes, k.Export, k.Help, k.Back}
}

// helpKeys turns bindings into the help bubble's key.Bindings, in lang,
// short or long; disabled ones are left out.
func helpKeys(bs []binding, lang string, long bool) []key.Binding {
	var out []key.Binding
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		desc := b.short.In(lang)
		if long {
			desc = b.long.In(lang)
		}
		out = append(out, key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.label, desc)))
	}
	return out
}

// slowMotion is the delay per message of each slow-motion level, in ms.
var slowMotion = []int64{0, 300, 1000, 3000}

// dropRates are the drop probabilities the d key cycles through.
var dropRates = []float64{0, 0.25, 0.5, 1}

// pressed reports whether msg is one of b's keys, and b is enabled.
func pressed(msg tea.KeyPressMsg, b binding) bool { return key.Matches(msg, b.Binding) }
