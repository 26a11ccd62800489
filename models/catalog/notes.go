package catalog

import (
	"regexp"
	"strconv"

	"dsdemo/models/i18n"
)

// Teacher notes are written in an experiment file under notes: (see
// Notes), for the instructor and not for the class:
//
//	notes:
//	  goal: {de: ..., en: ...}           what the class should understand afterwards
//	  ask: {de: "Vor Schritt 4: ...", en: "Before step 4: ..."}
//	  misconception: {de: ..., en: ...}  the wrong idea students bring, and what refutes it
//	  slide: {de: "Architekturmodelle – Client/Server", en: ...}
//
// An instructor's own experiment may leave them out; every built-in one
// has all four in both languages (TestBuiltinExperimentsHaveNotes). The
// live view shows them in a pane of their own (dsdemo --notes, or the key
// t) and dsdemo handout writes them into a section for instructors.

// Missing names the notes that are not written in both languages, in
// the order goal, ask, misconception, slide; none when all four are.
func (n Notes) Missing() []string {
	var out []string
	for _, f := range n.fields() {
		if f.Text.DE == "" || f.Text.EN == "" {
			out = append(out, f.Name)
		}
	}
	return out
}

// Empty reports whether no note is written at all.
func (n Notes) Empty() bool { return n == Notes{} }

// NoteField is one of the four notes with its name in the file.
type NoteField struct {
	Name string // goal, ask, misconception or slide
	Text i18n.Text
}

// Fields are the four notes in the order an instructor reads them: the
// slide first (where in the lecture), then goal, ask and misconception.
func (n Notes) Fields() []NoteField {
	f := n.fields()
	return []NoteField{f[3], f[0], f[1], f[2]}
}

func (n Notes) fields() []NoteField {
	return []NoteField{{"goal", n.Goal}, {"ask", n.Ask}, {"misconception", n.Misconception}, {"slide", n.Slide}}
}

// askStep is how an ask note names its step: "Vor Schritt 4: ...",
// "Before step 4: ...".
var askStep = regexp.MustCompile(`(?i)^\s*(?:vor schritt|before step)\s+(\d+)\b`)

// AskBefore is the step, counted from 1, before which the ask note is to
// be put to the class, read from the note's first words ("Before step
// 4: ..."); 0 when it names none.
func (n Notes) AskBefore() int {
	for _, s := range []string{n.Ask.EN, n.Ask.DE} {
		if m := askStep.FindStringSubmatch(s); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil {
				return i
			}
		}
	}
	return 0
}
