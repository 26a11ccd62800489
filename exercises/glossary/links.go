package glossary

import (
	"slices"
	"strings"

	"dsdemo/models/i18n"
)

// Link is one line that says where a term is seen, or what it relates to:
// a label ("Demos", "Fragen", ...) in the chosen language and the names.
type Link struct {
	Label string
	Names []string
}

// Links lists where t is seen and its related terms, in lang, leaving out
// the kinds it has none of. demo names a demo id for a reader (the
// catalogue's titles: this package does not import the catalogue); nil
// shows the ids.
func (g *Glossary) Links(t *Term, lang string, demo func(id string) string) []Link {
	if demo == nil {
		demo = func(id string) string { return id }
	}
	var out []Link
	add := func(label i18n.Text, ids []string, name func(string) string) {
		if len(ids) == 0 {
			return
		}
		l := Link{Label: label.In(lang)}
		for _, id := range ids {
			l.Names = append(l.Names, name(id))
		}
		out = append(out, l)
	}
	same := func(id string) string { return id }
	add(i18n.Text{DE: "Demos", EN: "Demos"}, t.Seen.Demos, demo)
	add(i18n.Text{DE: "Quizfragen", EN: "Quiz questions"}, t.Seen.Questions, same)
	add(i18n.Text{DE: "Übungen", EN: "Exercises"}, t.Seen.Exercises, func(e string) string { return "exercises/" + e })
	add(i18n.Text{DE: "Siehe auch", EN: "See also"}, t.See, func(id string) string {
		if s := g.ByID(id); s != nil {
			return s.Term.In(lang)
		}
		return id
	})
	return out
}

// String is the link as one line: "Demos: a · b".
func (l Link) String() string { return l.Label + ": " + strings.Join(l.Names, " · ") }

// LinkQuestions adds question to the terms it names, so a question's
// terms: field counts as seen there too. Ids that are no term are skipped
// (the bank's validator reports them).
func (g *Glossary) LinkQuestions(question string, terms []string) {
	for _, id := range terms {
		if t := g.ByID(id); t != nil && !slices.Contains(t.Seen.Questions, question) {
			t.Seen.Questions = append(t.Seen.Questions, question)
		}
	}
}
