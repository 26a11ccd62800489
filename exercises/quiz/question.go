package quiz

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"dsdemo/models/i18n"
)

// Kind is how a question is answered.
type Kind string

// The five kinds of question.
const (
	Single   Kind = "single"   // pick the one correct choice
	Multiple Kind = "multiple" // pick all correct choices and no other
	Match    Kind = "match"    // put each right side next to its left side
	Order    Kind = "order"    // put the steps in the order they happen
	Short    Kind = "short"    // type a word; any accepted keyword counts
)

// Kinds lists the kinds in the order the file format documents them.
var Kinds = []Kind{Single, Multiple, Match, Order, Short}

// Question is one question of the bank, as its file describes it.
type Question struct {
	ID    string
	Topic string   // the main topic tag
	Tags  []string // further topic tags the question counts for
	Level int      // 1 easy, 2 medium, 3 hard
	// Deepening marks a question that goes beyond the syllabus (the tag
	// DeepeningTag): practice asks it, an exam only when asked to.
	Deepening bool
	Kind      Kind
	Text      i18n.Text // the question itself

	Choices []Choice    // Single and Multiple
	Pairs   []Pair      // Match
	Steps   []i18n.Text // Order, in the right order
	Accept  Keywords    // Short

	Explain i18n.Text // shown after answering

	// Terms are ids of the glossary (exercises/glossary) the question asks
	// about; the glossary lists the question under each of them.
	Terms []string

	File string // where the question is written, for error messages
	Line int
}

// Choice is one answer offered by a Single or Multiple question.
type Choice struct {
	Text    i18n.Text
	Correct bool
}

// Pair is a left side and the right side it belongs to.
type Pair struct{ Left, Right i18n.Text }

// Keywords are the accepted answers of a Short question, per language.
type Keywords struct{ DE, EN []string }

// Has reports whether the question is written in lang ("de" or "en").
func (q *Question) Has(lang string) bool {
	if lang == "de" {
		return q.Text.DE != ""
	}
	return q.Text.EN != ""
}

// TopicTags is the main topic followed by the further tags: every topic the
// question counts for in statistics and scores.
func (q *Question) TopicTags() []string {
	return append([]string{q.Topic}, q.Tags...)
}

// Answer is what a student gave. Indices count from 0 and name items in the
// order of the file, not in the shuffled order they were shown in: Deal.Answer
// translates.
type Answer struct {
	// Picks is, for Single, the one chosen choice; for Multiple, the chosen
	// choices in any order; for Match, Picks[i] is the pair whose right side
	// the student put next to left side i; for Order, the steps in the order
	// the student put them.
	Picks []int
	// Text is the typed answer of a Short question.
	Text string
}

// Check reports whether a is a right answer to q.
//
// A Short answer is right when its words contain one of the accepted
// keywords as whole words (see Tokens): "es sind 8" is right for the keyword
// "8", "18" is not. Keywords of both languages count: a German student who
// writes the English term has still understood.
func (q *Question) Check(a Answer) bool {
	switch q.Kind {
	case Single:
		return len(a.Picks) == 1 && inRange(a.Picks[0], len(q.Choices)) && q.Choices[a.Picks[0]].Correct
	case Multiple:
		picked := make([]bool, len(q.Choices))
		for _, p := range a.Picks {
			if !inRange(p, len(q.Choices)) {
				return false
			}
			picked[p] = true
		}
		for i, c := range q.Choices {
			if picked[i] != c.Correct {
				return false
			}
		}
		return true
	case Match:
		return isIdentity(a.Picks, len(q.Pairs))
	case Order:
		return isIdentity(a.Picks, len(q.Steps))
	case Short:
		typed := Tokens(a.Text)
		for _, k := range slices.Concat(q.Accept.DE, q.Accept.EN) {
			if containsRun(typed, Tokens(k)) {
				return true
			}
		}
	}
	return false
}

// Tokens splits a typed answer into the words and numbers a Short question
// compares: runs of letters and digits, lower case, with ß written as ss.
// Everything else (spaces, dashes, slashes, punctuation) only separates, so
// "Publish/Subscribe" and "publish subscribe" are the same two words.
// Umlauts stay as written: "Lösung" is not "Loesung".
func Tokens(s string) []string {
	s = strings.ReplaceAll(strings.ToLower(s), "ß", "ss")
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// containsRun reports whether words holds run as consecutive whole words.
// An empty run is in nothing: a keyword of only punctuation accepts no answer.
func containsRun(words, run []string) bool {
	if len(run) == 0 {
		return false
	}
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

func inRange(i, n int) bool { return i >= 0 && i < n }

// isIdentity reports whether picks is 0, 1, ..., n-1: for Match every left
// side got its own right side, for Order every step is in its place.
func isIdentity(picks []int, n int) bool {
	if len(picks) != n {
		return false
	}
	for i, p := range picks {
		if p != i {
			return false
		}
	}
	return true
}

// Solution is the right answer in lang, one line per item: the correct
// choices, each pair as "left → right", the steps in order, or the accepted
// keywords.
func (q *Question) Solution(lang string) []string {
	var lines []string
	switch q.Kind {
	case Single, Multiple:
		for _, c := range q.Choices {
			if c.Correct {
				lines = append(lines, c.Text.In(lang))
			}
		}
	case Match:
		for _, p := range q.Pairs {
			lines = append(lines, p.Left.In(lang)+" → "+p.Right.In(lang))
		}
	case Order:
		for i, s := range q.Steps {
			lines = append(lines, strconv.Itoa(i+1)+". "+s.In(lang))
		}
	case Short:
		// The keywords of the language played, else those there are.
		words := q.Accept.EN
		if (lang == "de" && len(q.Accept.DE) > 0) || len(words) == 0 {
			words = q.Accept.DE
		}
		lines = append(lines, strings.Join(words, ", "))
	}
	return lines
}

// Deal is a question as it is shown: its choices, right sides or steps in a
// shuffled order, so that the position of the right answer teaches nothing.
type Deal struct {
	*Question
	// Shown[k] is the index in the file of the item shown at position k:
	// a choice (Single, Multiple), a right side (Match) or a step (Order).
	// Empty for Short.
	Shown []int
}

// Deal shuffles the question's items with r. A seeded r gives the same
// order every time, which is what tests need. Match and Order are never
// shown already solved.
func (q *Question) Deal(r *rand.Rand) Deal {
	var n int
	switch q.Kind {
	case Single, Multiple:
		n = len(q.Choices)
	case Match:
		n = len(q.Pairs)
	case Order:
		n = len(q.Steps)
	}
	shown := r.Perm(n)
	if (q.Kind == Match || q.Kind == Order) && n > 1 && isIdentity(shown, n) {
		shown = append(shown[1:], shown[0])
	}
	if n == 0 {
		shown = nil
	}
	return Deal{Question: q, Shown: shown}
}

// Item is the text shown at position k: a choice, a right side or a step.
func (d Deal) Item(k int) i18n.Text {
	i := d.Shown[k]
	switch d.Kind {
	case Match:
		return d.Pairs[i].Right
	case Order:
		return d.Steps[i]
	}
	return d.Choices[i].Text
}

// Answer translates positions as shown into an Answer in the file's order.
// For Single and Multiple, positions are the chosen items; for Match,
// positions[i] is the shown right side put next to left side i; for Order,
// the shown steps in the order the student put them.
func (d Deal) Answer(positions []int) Answer {
	picks := make([]int, len(positions))
	for i, k := range positions {
		picks[i] = -1 // out of range: Check says wrong
		if inRange(k, len(d.Shown)) {
			picks[i] = d.Shown[k]
		}
	}
	return Answer{Picks: picks}
}
