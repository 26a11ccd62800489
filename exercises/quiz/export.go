package quiz

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"dsdemo/models/i18n"
)

// ExportFormats are the formats Export writes.
var ExportFormats = []string{"moodle", "gift"}

// Export writes qs for a learning platform, in format "moodle" (Moodle XML)
// or "gift", in each of langs ("de", "en"; none means both), one category
// per language and topic (see the package doc, "Export"). A question not
// written in a language is left out of that language's categories.
func Export(w io.Writer, format string, qs []*Question, langs ...string) error {
	if len(langs) == 0 {
		langs = []string{"de", "en"}
	}
	for _, l := range langs {
		if !i18n.Known(l) {
			return fmt.Errorf("export: language must be de or en, not %q", l)
		}
	}
	switch format {
	case "moodle":
		return writeMoodle(w, qs, langs)
	case "gift":
		return writeGIFT(w, qs, langs)
	}
	return fmt.Errorf("export: format must be moodle or gift, not %q", format)
}

// exportCategory is the category a question goes into: the course's
// question bank, then dsdemo, the language and the topic tag.
func exportCategory(lang, topic string) string {
	return "$course$/top/dsdemo/" + lang + "/" + topic
}

// orderHint tells a student how an order question exported as matching is
// answered.
var orderHint = i18n.Text{
	DE: "(Ordnen Sie jedem Schritt seine Position zu; 1 geschieht zuerst.)",
	EN: "(Give each step its position; 1 happens first.)",
}

// exportText is the question's text, with the hint for an order question.
func exportText(q *Question, lang string) string {
	if q.Kind == Order {
		return q.Text.In(lang) + " " + orderHint.In(lang)
	}
	return q.Text.In(lang)
}

// exportPair is one line of a matching question: a left side and its right
// side, or for Order a step and its position.
type exportPair struct{ left, right string }

func exportPairs(q *Question, lang string) []exportPair {
	var out []exportPair
	for _, p := range q.Pairs {
		out = append(out, exportPair{p.Left.In(lang), p.Right.In(lang)})
	}
	for i, s := range q.Steps {
		out = append(out, exportPair{s.In(lang), strconv.Itoa(i + 1)})
	}
	return out
}

// exportKeywords are the accepted answers of a Short question, those of
// lang first, each once (case ignored, as the platform compares).
func exportKeywords(q *Question, lang string) []string {
	first, second := q.Accept.DE, q.Accept.EN
	if lang == "en" {
		first, second = second, first
	}
	var out []string
	for _, k := range slices.Concat(first, second) {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, k) }) {
			out = append(out, k)
		}
	}
	return out
}

// choiceFractions are the grades of a question's choices in percent, as
// the platforms write them: a Single's right choice 100, the rest 0; a
// Multiple's right ones 100/right each, its wrong ones -100/wrong each.
// Moodle accepts only fixed grades (100, 50, 33.33333, 25, 20, 16.66667,
// 14.28571, 12.5, ...); 100/n with n up to 6 is always one of them.
func choiceFractions(q *Question) []string {
	right := 0
	for _, c := range q.Choices {
		if c.Correct {
			right++
		}
	}
	wrong := len(q.Choices) - right
	out := make([]string, len(q.Choices))
	for i, c := range q.Choices {
		switch {
		case q.Kind == Single && c.Correct:
			out[i] = "100"
		case q.Kind == Single:
			out[i] = "0"
		case c.Correct:
			out[i] = percent(100 / float64(right))
		default:
			out[i] = percent(-100 / float64(wrong))
		}
	}
	return out
}

// percent writes a grade with at most five decimals, as Moodle's grade
// list has them: 33.33333, 50, -25.
func percent(p float64) string {
	s := strconv.FormatFloat(p, 'f', 5, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// The Moodle XML format, as far as dsdemo writes it. The field names are
// Moodle's (question/format/xml); omitempty leaves out what a kind does not
// use.
type (
	moodleQuiz struct {
		XMLName   xml.Name         `xml:"quiz"`
		Questions []moodleQuestion `xml:"question"`
	}
	moodleQuestion struct {
		Type            string              `xml:"type,attr"`
		Category        *moodleText         `xml:"category,omitempty"`
		Name            *moodleText         `xml:"name,omitempty"`
		Text            *moodleFormatted    `xml:"questiontext,omitempty"`
		GeneralFeedback *moodleFormatted    `xml:"generalfeedback,omitempty"`
		DefaultGrade    string              `xml:"defaultgrade,omitempty"`
		IDNumber        string              `xml:"idnumber,omitempty"`
		Single          string              `xml:"single,omitempty"`
		Shuffle         string              `xml:"shuffleanswers,omitempty"`
		Numbering       string              `xml:"answernumbering,omitempty"`
		UseCase         string              `xml:"usecase,omitempty"`
		Answers         []moodleAnswer      `xml:"answer"`
		Subquestions    []moodleSubquestion `xml:"subquestion"`
		Tags            *moodleTags         `xml:"tags,omitempty"`
	}
	moodleText struct {
		Text string `xml:"text"`
	}
	moodleFormatted struct {
		Format string `xml:"format,attr"`
		Text   string `xml:"text"`
	}
	moodleAnswer struct {
		Fraction string `xml:"fraction,attr"`
		Format   string `xml:"format,attr"`
		Text     string `xml:"text"`
	}
	moodleSubquestion struct {
		Format string     `xml:"format,attr"`
		Text   string     `xml:"text"`
		Answer moodleText `xml:"answer"`
	}
	moodleTags struct {
		Tags []moodleText `xml:"tag"`
	}
)

// plainText is Moodle's name for texts shown as written.
const plainText = "plain_text"

func writeMoodle(w io.Writer, qs []*Question, langs []string) error {
	var quiz moodleQuiz
	for _, lang := range langs {
		category := ""
		for _, q := range qs {
			if !q.Has(lang) {
				continue
			}
			if c := exportCategory(lang, q.Topic); c != category {
				category = c
				quiz.Questions = append(quiz.Questions, moodleQuestion{Type: "category", Category: &moodleText{c}})
			}
			quiz.Questions = append(quiz.Questions, moodleOf(q, lang))
		}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(quiz); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// moodleOf is one question in one language.
func moodleOf(q *Question, lang string) moodleQuestion {
	m := moodleQuestion{
		Name:            &moodleText{q.ID},
		Text:            &moodleFormatted{plainText, exportText(q, lang)},
		GeneralFeedback: &moodleFormatted{plainText, q.Explain.In(lang)},
		DefaultGrade:    "1",
		IDNumber:        q.ID + "-" + lang,
		Tags:            &moodleTags{},
	}
	for _, t := range q.TopicTags() {
		m.Tags.Tags = append(m.Tags.Tags, moodleText{t})
	}
	if q.Deepening {
		m.Tags.Tags = append(m.Tags.Tags, moodleText{DeepeningTag})
	}
	switch q.Kind {
	case Single, Multiple:
		m.Type, m.Single, m.Shuffle, m.Numbering = "multichoice", strconv.FormatBool(q.Kind == Single), "true", "abc"
		for i, f := range choiceFractions(q) {
			m.Answers = append(m.Answers, moodleAnswer{f, plainText, q.Choices[i].Text.In(lang)})
		}
	case Match, Order:
		m.Type, m.Shuffle = "matching", "true"
		for _, p := range exportPairs(q, lang) {
			m.Subquestions = append(m.Subquestions, moodleSubquestion{plainText, p.left, moodleText{p.right}})
		}
	case Short:
		m.Type, m.UseCase = "shortanswer", "0"
		for _, k := range exportKeywords(q, lang) {
			// A * in a short answer is Moodle's wildcard; \* is the star itself.
			m.Answers = append(m.Answers, moodleAnswer{"100", plainText, strings.ReplaceAll(k, "*", `\*`)})
		}
	}
	return m
}

// giftEscaper puts a backslash before the characters GIFT reserves; a line
// break becomes \n, since a blank line would end the question.
var giftEscaper = strings.NewReplacer(`\`, `\\`, "~", `\~`, "=", `\=`, "#", `\#`, "{", `\{`, "}", `\}`, ":", `\:`, "\r", "", "\n", `\n`)

func gift(s string) string { return giftEscaper.Replace(s) }

func writeGIFT(w io.Writer, qs []*Question, langs []string) error {
	var b strings.Builder
	b.WriteString("// The question bank of dsdemo (exercises/quiz/bank), for Moodle's GIFT import.\n")
	b.WriteString("// One category per language and topic; order questions are matching questions\n")
	b.WriteString("// that give each step its position.\n\n")
	for _, lang := range langs {
		category := ""
		for _, q := range qs {
			if !q.Has(lang) {
				continue
			}
			if c := exportCategory(lang, q.Topic); c != category {
				category = c
				fmt.Fprintf(&b, "$CATEGORY: %s\n\n", c)
			}
			if err := giftQuestion(&b, q, lang); err != nil {
				return err
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// giftQuestion writes one question in one language and a blank line.
func giftQuestion(b *strings.Builder, q *Question, lang string) error {
	fmt.Fprintf(b, "// %s (%s:%d)", q.ID, q.File, q.Line)
	if q.Deepening {
		b.WriteString(" " + DeepeningTag)
	}
	fmt.Fprintf(b, "\n::%s::[plain]%s{\n", gift(q.ID), gift(exportText(q, lang)))
	switch q.Kind {
	case Single, Multiple:
		for i, f := range choiceFractions(q) {
			mark := "~%" + f + "%" // a share of the marks, or a deduction
			switch {
			case q.Kind == Single && q.Choices[i].Correct:
				mark = "="
			case q.Kind == Single:
				mark = "~"
			}
			fmt.Fprintf(b, "\t%s%s\n", mark, gift(q.Choices[i].Text.In(lang)))
		}
	case Match, Order:
		for _, p := range exportPairs(q, lang) {
			// GIFT splits a pair at its first "->" and cannot escape one.
			if strings.Contains(p.left, "->") {
				return fmt.Errorf("%s:%d: %s: GIFT cannot hold \"->\" in a left side: %q", q.File, q.Line, q.ID, p.left)
			}
			fmt.Fprintf(b, "\t=%s -> %s\n", gift(p.left), gift(p.right))
		}
	case Short:
		for _, k := range exportKeywords(q, lang) {
			// A "->" would make GIFT read a matching question.
			if strings.Contains(k, "->") {
				return fmt.Errorf("%s:%d: %s: GIFT cannot hold \"->\" in a short answer: %q", q.File, q.Line, q.ID, k)
			}
			fmt.Fprintf(b, "\t=%s\n", gift(strings.ReplaceAll(k, "*", `\*`)))
		}
	}
	fmt.Fprintf(b, "\t####%s\n}\n\n", gift(q.Explain.In(lang)))
	return nil
}
