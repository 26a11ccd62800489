package screen

import (
	"fmt"
	"strings"

	"dsdemo/models/catalog"
)

// notesPane shows the teacher notes of the experiment being played: the
// slide it belongs to, the learning goal, the question to ask the class
// and the misconception to expect. It takes the place of the lower pane
// (on a wide screen, of the one beside the sequence diagram) while it is
// open: t toggles it, dsdemo --notes opens the live view with it.
//
//	┌ Notes for instructors · First request ┐
//	│ Slide: Architecture models – ...      │
//	│ Goal: ...                             │
//	│ ▶ ASK NOW: Before step 3: ...          │  highlighted when step 3 is next
//	│ Misconception: ...                    │
//	└───────────────────────────────────────┘
//
// The question is highlighted while the step it names is the next one x
// plays, so the instructor sees it at the moment it is to be asked.
type notesPane struct {
	c     *common
	text  string
	width int
}

// layout words the notes of e for width and height; next is the index
// (from 0) of the step x plays next, -1 when no experiment is chosen.
func (n *notesPane) layout(e *catalog.Experiment, next, width, height int) {
	c := n.c
	n.width = width
	title := c.theme.Title.Render(c.t("Notizen für Lehrende", "Notes for instructors"))
	if e == nil {
		n.text = fit(title+"\n"+wrap(c.t("Kein Experiment gewählt: x spielt das erste, dann stehen hier seine Notizen.",
			"No experiment chosen: x plays the first, and its notes appear here."), width), width, height)
		return
	}
	lines := []string{title + " · " + e.Title.In(c.lang)}
	if e.Notes.Empty() {
		lines = append(lines, wrap(c.t("Dieses Experiment hat keine Notizen (notes: in seiner Datei).",
			"This experiment has no notes (notes: in its file)."), width))
		n.text = fit(strings.Join(lines, "\n"), width, height)
		return
	}
	askNow := next >= 0 && e.Notes.AskBefore() == next+1
	for _, f := range e.Notes.Fields() {
		text := f.Text.In(c.lang)
		if text == "" {
			continue
		}
		label := noteLabel(c, f.Name)
		style := c.theme.Faint
		if f.Name == "ask" && askNow {
			label = c.t("▶ JETZT FRAGEN", "▶ ASK NOW")
			style = c.theme.Held
		} else if f.Name == "ask" {
			style = c.theme.Key
		}
		lines = append(lines, wrap(style.Render(label+":")+" "+text, width))
	}
	if next >= 0 {
		lines = append(lines, c.theme.Faint.Render(fmt.Sprintf(c.t("nächster Schritt: %d von %d", "next step: %d of %d"),
			min(next+1, len(e.Steps)), len(e.Steps))))
	}
	n.text = fit(strings.Join(lines, "\n"), width, height)
}

func (n *notesPane) view() string { return n.text }

func noteLabel(c *common, name string) string {
	switch name {
	case "slide":
		return c.t("Folie", "Slide")
	case "goal":
		return c.t("Lernziel", "Goal")
	case "ask":
		return c.t("Frage an die Klasse", "Ask the class")
	}
	return c.t("Typische Fehlvorstellung", "Misconception")
}

// notesOf is the experiment whose notes the pane shows and the index of
// the step x plays next: the one being played, or the one x would start
// with. A recording has none.
func notesOf(src source) (*catalog.Experiment, int) {
	d, ok := src.(*demo)
	switch {
	case !ok:
		return nil, -1
	case d.session != nil:
		e := d.session.Experiment()
		return &e, d.session.Index()
	case len(d.model.Experiments) > 0:
		return &d.model.Experiments[0], 0
	}
	return nil, -1
}

// notesWidth is how wide the notes are drawn: as wide as the pane they
// stand in for.
func notesWidth(l *live) int {
	if l.wide {
		return l.c.width - l.seq.width - 1
	}
	return l.c.width
}
