package quiz

import (
	"bytes"
	"encoding/xml"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/i18n"
)

// The tests read what Export writes the way a platform would: Moodle XML
// with encoding/xml into structs of their own (not the ones Export fills),
// GIFT with the small parser below, written from the format's grammar. Then
// every question of the bank must be there, in each language, with its
// right answers marked right.

// imported is a question as a platform reads it back, in either format.
type imported struct {
	category, name, kind string // kind: multichoice, matching or shortanswer
	text, feedback       string
	single               bool
	answers              []importedAnswer // multichoice and shortanswer
	pairs                [][2]string      // matching: question → answer
	tags                 []string         // Moodle only
}

type importedAnswer struct {
	text     string
	fraction float64 // percent
}

// moodleGrades are the grades Moodle accepts for an answer, in percent
// (question_bank::fraction_options_full), besides their negatives.
var moodleGrades = []float64{100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0}

func TestExportMoodle(t *testing.T) {
	b, err := Embedded()
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, Export(&out, "moodle", b.Questions))
	got := readMoodle(t, out.Bytes())
	checkExport(t, b.Questions, []string{"de", "en"}, got)
}

func TestExportGIFT(t *testing.T) {
	b, err := Embedded()
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, Export(&out, "gift", b.Questions))
	got := readGIFT(t, out.String())
	checkExport(t, b.Questions, []string{"de", "en"}, got)
}

func TestExportChoice(t *testing.T) {
	b, err := Embedded()
	require.NoError(t, err)
	t.Run("one language, one topic", func(t *testing.T) {
		qs := b.Select("jini", "")
		for _, format := range ExportFormats {
			var out bytes.Buffer
			require.NoError(t, Export(&out, format, qs, "en"))
			var got map[string]imported
			if format == "moodle" {
				got = readMoodle(t, out.Bytes())
			} else {
				got = readGIFT(t, out.String())
			}
			checkExport(t, qs, []string{"en"}, got)
		}
	})
	t.Run("an unknown format or language is an error", func(t *testing.T) {
		assert.EqualError(t, Export(&bytes.Buffer{}, "qti", b.Questions), `export: format must be moodle or gift, not "qti"`)
		assert.EqualError(t, Export(&bytes.Buffer{}, "gift", b.Questions, "fr"), `export: language must be de or en, not "fr"`)
	})
}

// TestHostileTextsSurviveExport proves the escaping: every character GIFT
// reserves, a backslash, a line break and XML's own specials come back as
// written, in both formats.
func TestHostileTextsSurviveExport(t *testing.T) {
	nasty := func(s string) i18n.Text {
		v := s + ` ~ = # { } : \ \n :: #### -> <b>&amp;</b> "q" 'a'` + "\nline two"
		return i18n.Text{DE: "de " + v, EN: "en " + v}
	}
	qs := []*Question{
		{ID: "nasty-single", Topic: "security", Level: 1, Kind: Single, Text: nasty("single"), Explain: nasty("explain"),
			Choices: []Choice{{Text: nasty("right"), Correct: true}, {Text: nasty("wrong 1")}, {Text: nasty("wrong 2")}}},
		{ID: "nasty-multiple", Topic: "security", Level: 1, Kind: Multiple, Text: nasty("multiple"), Explain: nasty("explain"),
			Choices: []Choice{{Text: nasty("right 1"), Correct: true}, {Text: nasty("right 2"), Correct: true}, {Text: nasty("wrong")}}},
		{ID: "nasty-match", Topic: "security", Level: 1, Kind: Match, Text: nasty("match"), Explain: nasty("explain"),
			Pairs: []Pair{{i18n.Text{DE: "l1 {=}", EN: "l1 {=}"}, nasty("r1")}, {i18n.Text{DE: "l2 #:", EN: "l2 #:"}, nasty("r2")}, {i18n.Text{DE: "l3 ~", EN: "l3 ~"}, nasty("r3")}}},
		{ID: "nasty-order", Topic: "security", Level: 1, Kind: Order, Text: nasty("order"), Explain: nasty("explain"),
			Steps: []i18n.Text{{DE: "s1 {", EN: "s1 {"}, {DE: "s2 }", EN: "s2 }"}, {DE: `s3 \`, EN: `s3 \`}}},
		{ID: "nasty-short", Topic: "security", Level: 1, Kind: Short, Text: nasty("short"), Explain: nasty("explain"),
			Accept: Keywords{DE: []string{"a=b", "c#d", "e:f", `g\h`, "star*"}, EN: []string{"{x}", "~y", "A=B"}}},
	}
	for _, format := range ExportFormats {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, Export(&out, format, qs))
			got := readMoodle
			if format == "gift" {
				got = func(t *testing.T, data []byte) map[string]imported { return readGIFT(t, string(data)) }
			}
			checkExport(t, qs, []string{"de", "en"}, got(t, out.Bytes()))
		})
	}
	t.Run("GIFT refuses what it cannot write", func(t *testing.T) {
		arrow := &Question{ID: "arrow", Topic: "security", Kind: Short, Text: i18n.Text{EN: "?"}, Accept: Keywords{EN: []string{"a -> b"}}}
		err := Export(&bytes.Buffer{}, "gift", []*Question{arrow}, "en")
		assert.ErrorContains(t, err, `GIFT cannot hold "->" in a short answer`)
	})
}

// checkExport compares what a platform read with the questions exported.
func checkExport(t *testing.T, qs []*Question, langs []string, got map[string]imported) {
	t.Helper()
	want := 0
	for _, lang := range langs {
		for _, q := range qs {
			if !q.Has(lang) {
				continue
			}
			want++
			key := lang + "/" + q.ID
			im, ok := got[key]
			if !assert.True(t, ok, "%s is not in the export", key) {
				continue
			}
			assert.Equal(t, "$course$/top/dsdemo/"+lang+"/"+q.Topic, im.category, key)
			assert.True(t, strings.HasPrefix(im.text, q.Text.In(lang)), "%s: text %q", key, im.text)
			assert.Equal(t, q.Explain.In(lang), im.feedback, "%s: the explanation is the general feedback", key)
			if im.tags != nil { // Moodle: the topics, and deepening
				tags := q.TopicTags()
				if q.Deepening {
					tags = append(tags, DeepeningTag)
				}
				assert.Equal(t, tags, im.tags, key)
			}
			checkAnswers(t, key, q, lang, im)
		}
	}
	assert.Len(t, got, want, "questions in the export")
}

func checkAnswers(t *testing.T, key string, q *Question, lang string, im imported) {
	t.Helper()
	switch q.Kind {
	case Single, Multiple:
		require.Equal(t, "multichoice", im.kind, key)
		assert.Equal(t, q.Kind == Single, im.single, "%s: single", key)
		require.Len(t, im.answers, len(q.Choices), key)
		sum, penalty, wrong := 0.0, 0.0, 0
		for i, c := range q.Choices {
			a := im.answers[i]
			assert.Equal(t, c.Text.In(lang), a.text, key)
			assert.Equal(t, c.Correct, a.fraction > 0, "%s: choice %d marked right: %v", key, i+1, a.fraction)
			if c.Correct {
				sum += a.fraction
			} else {
				penalty += a.fraction
				wrong++
			}
			assert.True(t, slices.ContainsFunc(moodleGrades, func(g float64) bool { return math.Abs(math.Abs(a.fraction)-g) < 1e-3 }),
				"%s: %v is not a grade Moodle accepts", key, a.fraction)
		}
		assert.InDelta(t, 100, sum, 1e-3, "%s: the right choices give 100 %%", key)
		if q.Kind == Multiple && wrong > 0 {
			assert.InDelta(t, -100, penalty, 1e-3, "%s: ticking every choice scores 0", key)
		}
	case Match:
		require.Equal(t, "matching", im.kind, key)
		var want [][2]string
		for _, p := range q.Pairs {
			want = append(want, [2]string{p.Left.In(lang), p.Right.In(lang)})
		}
		assert.Equal(t, want, im.pairs, key)
	case Order:
		require.Equal(t, "matching", im.kind, key)
		var want [][2]string
		for i, s := range q.Steps {
			want = append(want, [2]string{s.In(lang), strconv.Itoa(i + 1)})
		}
		assert.Equal(t, want, im.pairs, "%s: each step with its position", key)
		assert.Contains(t, im.text, orderHint.In(lang), key)
	case Short:
		require.Equal(t, "shortanswer", im.kind, key)
		var texts []string
		for _, a := range im.answers {
			texts = append(texts, a.text)
			assert.Equal(t, 100.0, a.fraction, "%s: every keyword is right", key)
		}
		for _, k := range slices.Concat(q.Accept.DE, q.Accept.EN) {
			k = strings.ReplaceAll(k, "*", `\*`) // Moodle's way to say "a star, not any text"
			assert.True(t, slices.ContainsFunc(texts, func(s string) bool { return strings.EqualFold(s, k) }), "%s: keyword %q missing in %q", key, k, texts)
		}
	}
}

// Moodle XML, as the platform's import reads it: only the fields checked.
type (
	xmlQuiz struct {
		Questions []xmlQuestion `xml:"question"`
	}
	xmlQuestion struct {
		Type            string        `xml:"type,attr"`
		Category        string        `xml:"category>text"`
		Name            string        `xml:"name>text"`
		Text            xmlFormatText `xml:"questiontext"`
		GeneralFeedback xmlFormatText `xml:"generalfeedback"`
		IDNumber        string        `xml:"idnumber"`
		Single          string        `xml:"single"`
		UseCase         string        `xml:"usecase"`
		Answers         []struct {
			Fraction string `xml:"fraction,attr"`
			Text     string `xml:"text"`
		} `xml:"answer"`
		Subquestions []struct {
			Text   string `xml:"text"`
			Answer string `xml:"answer>text"`
		} `xml:"subquestion"`
		Tags []string `xml:"tags>tag>text"`
	}
	xmlFormatText struct {
		Format string `xml:"format,attr"`
		Text   string `xml:"text"`
	}
)

func readMoodle(t *testing.T, data []byte) map[string]imported {
	t.Helper()
	var quiz xmlQuiz
	require.NoError(t, xml.Unmarshal(data, &quiz), "the export is well-formed XML")
	out := make(map[string]imported)
	category := ""
	for _, x := range quiz.Questions {
		if x.Type == "category" {
			category = x.Category
			continue
		}
		lang := x.IDNumber[len(x.IDNumber)-2:]
		require.Equal(t, x.Name+"-"+lang, x.IDNumber)
		assert.Equal(t, "plain_text", x.Text.Format)
		im := imported{category: category, name: x.Name, kind: x.Type, text: x.Text.Text, feedback: x.GeneralFeedback.Text,
			single: x.Single == "true", tags: x.Tags}
		for _, a := range x.Answers {
			f, err := strconv.ParseFloat(a.Fraction, 64)
			require.NoError(t, err, "fraction of %s", x.Name)
			im.answers = append(im.answers, importedAnswer{a.Text, f})
		}
		for _, s := range x.Subquestions {
			im.pairs = append(im.pairs, [2]string{s.Text, s.Answer})
		}
		if x.Type == "shortanswer" {
			assert.Equal(t, "0", x.UseCase, "%s: case does not matter", x.Name)
		}
		key := lang + "/" + x.Name
		require.NotContains(t, out, key, "written twice")
		out[key] = im
	}
	return out
}

// giftText is GIFT text with its escapes read: each rune knows whether it
// was written with a backslash, and so is no control character.
type giftText struct {
	r   []rune
	esc []bool
}

// giftReserved are the characters a backslash makes ordinary; \n is a line
// break; any other backslash stays as written (Moodle reads "\*" as "\*").
const giftReserved = `\~=#{}:`

func readGIFTText(s string) giftText {
	var g giftText
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) && (strings.ContainsRune(giftReserved, rs[i+1]) || rs[i+1] == 'n') {
			i++
			r := rs[i]
			if r == 'n' {
				r = '\n'
			}
			g.r, g.esc = append(g.r, r), append(g.esc, true)
			continue
		}
		g.r, g.esc = append(g.r, rs[i]), append(g.esc, false)
	}
	return g
}

func (g giftText) slice(i, j int) giftText { return giftText{g.r[i:j], g.esc[i:j]} }
func (g giftText) String() string          { return strings.TrimSpace(string(g.r)) }

// index finds sep written plainly (not escaped) from position from; -1 if
// it is not there.
func (g giftText) index(sep string, from int) int {
	s := []rune(sep)
	for i := from; i+len(s) <= len(g.r); i++ {
		if slices.Equal(g.r[i:i+len(s)], s) && !slices.Contains(g.esc[i:i+len(s)], true) {
			return i
		}
	}
	return -1
}

func (g giftText) lastIndex(sep string) int {
	last := -1
	for i := g.index(sep, 0); i >= 0; i = g.index(sep, i+1) {
		last = i
	}
	return last
}

// splitBefore cuts g before each plain marker rune, keeping the marker at
// the start of its part: "=a ~b" → "=a ", "~b".
func (g giftText) splitBefore(markers string) []giftText {
	var parts []giftText
	start := -1
	for i, r := range g.r {
		if !g.esc[i] && strings.ContainsRune(markers, r) {
			if start >= 0 {
				parts = append(parts, g.slice(start, i))
			}
			start = i
		}
	}
	if start >= 0 {
		parts = append(parts, g.slice(start, len(g.r)))
	}
	return parts
}

// readGIFT reads a GIFT file: questions are separated by blank lines,
// lines starting with // are comments, "$CATEGORY: path" sets the category
// of the questions after it, and a question is
//
//	::name::[format]text{answers####general feedback}
//
// where the answers are "=right ~wrong" (multichoice), "~%50%right"
// (multichoice with grades), "=left -> right" (matching) or "=word"
// (shortanswer), each with an optional "#feedback".
func readGIFT(t *testing.T, file string) map[string]imported {
	t.Helper()
	out := make(map[string]imported)
	category := ""
	for block := range strings.SplitSeq(file, "\n\n") {
		var lines []string
		for l := range strings.SplitSeq(block, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "//") {
				lines = append(lines, l)
			}
		}
		text := strings.TrimSpace(strings.Join(lines, "\n"))
		if text == "" {
			continue
		}
		if c, ok := strings.CutPrefix(text, "$CATEGORY:"); ok {
			category = strings.TrimSpace(c)
			continue
		}
		im := readGIFTQuestion(t, readGIFTText(text))
		im.category = category
		// $course$/top/dsdemo/LANG/TOPIC
		path := strings.Split(category, "/")
		require.Len(t, path, 5, "category %q", category)
		key := path[3] + "/" + im.name
		require.NotContains(t, out, key, "written twice")
		out[key] = im
	}
	return out
}

func readGIFTQuestion(t *testing.T, g giftText) imported {
	t.Helper()
	var im imported
	require.Equal(t, 0, g.index("::", 0), "a question starts with its name: %q", g)
	end := g.index("::", 2)
	require.Positive(t, end, "the name ends with ::")
	im.name = g.slice(2, end).String()
	g = g.slice(end+2, len(g.r))
	open, closing := g.index("{", 0), g.index("}", 0)
	require.True(t, open >= 0 && closing > open, "%s: one {answers} block", im.name)
	require.Equal(t, "", g.slice(closing+1, len(g.r)).String(), "%s: nothing after the answers", im.name)
	im.text = g.slice(0, open).String()
	text, ok := strings.CutPrefix(im.text, "[plain]")
	require.True(t, ok, "%s: the text is plain text", im.name)
	im.text = strings.TrimSpace(text)
	answers := g.slice(open+1, closing)
	if gf := answers.lastIndex("####"); gf >= 0 {
		im.feedback = answers.slice(gf+4, len(answers.r)).String()
		answers = answers.slice(0, gf)
	}
	switch {
	case answers.index("~", 0) >= 0:
		im.kind = "multichoice"
		im.single = answers.index("=", 0) >= 0
		for _, part := range answers.splitBefore("~=") {
			a := importedAnswer{fraction: 0}
			body := part.slice(1, len(part.r))
			if part.r[0] == '=' {
				a.fraction = 100
			} else if body.index("%", 0) == 0 {
				// ~%grade%text: the grade in percent between two %.
				end := body.index("%", 1)
				require.Positive(t, end, "%s: an unclosed grade", im.name)
				f, err := strconv.ParseFloat(string(body.r[1:end]), 64)
				require.NoError(t, err, im.name)
				a.fraction = f
				body = body.slice(end+1, len(body.r))
			}
			if fb := body.index("#", 0); fb >= 0 {
				body = body.slice(0, fb)
			}
			a.text = body.String()
			im.answers = append(im.answers, a)
		}
	case answers.index("=", 0) >= 0 && answers.index("->", 0) >= 0:
		im.kind = "matching"
		for _, part := range answers.splitBefore("=") {
			arrow := part.index("->", 0)
			require.Positive(t, arrow, "%s: each pair has ->", im.name)
			im.pairs = append(im.pairs, [2]string{part.slice(1, arrow).String(), part.slice(arrow+2, len(part.r)).String()})
		}
	default:
		im.kind = "shortanswer"
		for _, part := range answers.splitBefore("=") {
			body := part.slice(1, len(part.r))
			if fb := body.index("#", 0); fb >= 0 {
				body = body.slice(0, fb)
			}
			im.answers = append(im.answers, importedAnswer{body.String(), 100})
		}
	}
	return im
}
