package glossary

import (
	"fmt"
	"strings"
)

// Refs tells Check which names exist. Each function reports whether its
// argument names a thing of its kind; all four are needed.
type Refs struct {
	Model      func(id string) bool // a model of the catalogue
	Experiment func(model, id string) bool
	Question   func(id string) bool // a question of the bank
	Exercise   func(name string) bool
}

// Check reports every link of the glossary that names nothing: a demo
// that is no model or experiment, a question not in the bank, an exercise
// that does not exist. Each error is at the line of the term.
func (g *Glossary) Check(r Refs) error {
	var errs Errors
	bad := func(t *Term, lines []int, i int, format string, args ...any) {
		line := t.Line
		if i < len(lines) {
			line = lines[i]
		}
		errs = append(errs, Error{File: g.File, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, t := range g.Terms {
		for i, d := range t.Seen.Demos {
			model, exp, isExp := strings.Cut(d, "/")
			switch {
			case !r.Model(model):
				bad(t, t.seenLines.demos, i, "term %q: demo %q: no model %q in the catalogue", t.ID, d, model)
			case isExp && !r.Experiment(model, exp):
				bad(t, t.seenLines.demos, i, "term %q: demo %q: model %q has no experiment %q", t.ID, d, model, exp)
			}
		}
		for i, q := range t.Seen.Questions {
			if !r.Question(q) {
				bad(t, t.seenLines.questions, i, "term %q: no question %q in the bank", t.ID, q)
			}
		}
		for i, e := range t.Seen.Exercises {
			if !r.Exercise(e) {
				bad(t, t.seenLines.exercises, i, "term %q: no exercise %q under exercises/", t.ID, e)
			}
		}
	}
	return errs.Err()
}
