package quiz

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/i18n"
)

func TestLoadFile(t *testing.T) {
	b, err := LoadFile("testdata/good.yaml")
	require.NoError(t, err)
	require.Len(t, b.Questions, 5)

	q := b.Questions[0]
	assert.Equal(t, "good-single", q.ID)
	assert.Equal(t, "transparency", q.Topic)
	assert.Equal(t, []string{"architecture"}, q.Tags)
	assert.Equal(t, 1, q.Level)
	assert.Equal(t, Single, q.Kind)
	assert.Equal(t, "Which transparency hides the machine a file is stored on?", q.Text.EN)
	assert.Equal(t, []Choice{
		{i18n.Text{DE: "Zugriffstransparenz", EN: "Access transparency"}, false},
		{i18n.Text{DE: "Positionstransparenz", EN: "Location transparency"}, true},
		{i18n.Text{DE: "Fehlertransparenz", EN: "Failure transparency"}, false},
	}, q.Choices)
	assert.Equal(t, "testdata/good.yaml", q.File)
	assert.Equal(t, 2, q.Line)

	kinds := make([]Kind, len(b.Questions))
	for i, q := range b.Questions {
		kinds[i] = q.Kind
	}
	assert.Equal(t, Kinds, kinds, "one question of each kind")
	assert.Len(t, b.ByID("good-match").Pairs, 3)
	assert.Equal(t, "The skeleton unmarshals them", b.ByID("good-order").Steps[2].EN)
	assert.Equal(t, Keywords{DE: []string{"Marshalling", "Serialisierung"}, EN: []string{"marshalling", "serialization"}}, b.ByID("good-short").Accept)
}

// every error of testdata/bad.yaml, in one run, each at its line.
func TestValidate(t *testing.T) {
	_, err := LoadFile("testdata/bad.yaml")
	var errs Errors
	require.ErrorAs(t, err, &errs)
	topicsList := "(want one of definition, problems, goals, scalability, security, fault-tolerance, transparency, architecture, ntier, sockets, middleware, data-formats, messaging, containers, ejb, jms, javaspaces, jini)"
	want := []string{
		`testdata/bad.yaml:6: unknown kind "singel" (want single, multiple, match, order or short)`,
		`testdata/bad.yaml:17: choice 2 has no "en" text`,
		`testdata/bad.yaml:21: no "explain": every question needs an explanation, shown after answering`,
		`testdata/bad.yaml:28: duplicate id "bad-kind" (first at testdata/bad.yaml:3)`,
		`testdata/bad.yaml:42: a single question needs exactly one correct choice, has 2`,
		`testdata/bad.yaml:53: needs 3 to 6 choices, has 2`,
		`testdata/bad.yaml:63: needs 3 to 6 pairs, has 2`,
		`testdata/bad.yaml:73: needs 3 to 8 steps, has 2`,
		`testdata/bad.yaml:78: unknown topic "transparancy" ` + topicsList,
		`testdata/bad.yaml:79: unknown tag "middelware" (want deepening or one of` + strings.TrimPrefix(topicsList, "(want one of"),
		`testdata/bad.yaml:88: level must be 1, 2 or 3, not "4"`,
		`testdata/bad.yaml:94: id "Bad_ID" must be lower case letters, digits and dashes`,
		`testdata/bad.yaml:101: unknown field "hint" in a question (want one of id, topic, tags, level, kind, question, choices, pairs, steps, accept, explain, terms)`,
		`testdata/bad.yaml:111: pair 3 has the same right side as pair 1; each right side must differ`,
		`testdata/bad.yaml:119: accept has no "en" keywords`,
		`testdata/bad.yaml:121: field "choices" does not belong to a short question`,
		`testdata/bad.yaml:122: explain has no "en" text`,
	}
	assert.Equal(t, want, strings.Split(err.Error(), "\n"))
	assert.Len(t, errs, len(want))
}

func TestValidateSyntax(t *testing.T) {
	_, err := LoadFile("testdata/syntax.yaml")
	require.Error(t, err)
	assert.Equal(t, `testdata/syntax.yaml:6: YAML syntax: mapping values are not allowed in this context (a text with ": " in it needs quotes)`, err.Error())
}

func TestLoadFolder(t *testing.T) {
	good := func(id string) string {
		return "- id: " + id + `
  topic: jini
  level: 1
  kind: short
  question: {de: Wort, en: Word}
  accept: {de: [Lookup], en: [lookup]}
  explain: {de: So., en: So.}
`
	}
	t.Run("files in name order, other files ignored", func(t *testing.T) {
		b, err := Load(fstest.MapFS{
			"b.yaml":    {Data: []byte(good("two"))},
			"a.yaml":    {Data: []byte(good("one"))},
			"README.md": {Data: []byte("# not a question")},
		})
		require.NoError(t, err)
		require.Len(t, b.Questions, 2)
		assert.Equal(t, "one", b.Questions[0].ID)
		assert.Equal(t, "a.yaml", b.Questions[0].File)
	})
	t.Run("every file's errors at once", func(t *testing.T) {
		_, err := Load(fstest.MapFS{
			"a.yaml":     {Data: []byte(good("same"))},
			"b.yaml":     {Data: []byte("\n" + good("same"))},
			"empty.yaml": {Data: []byte("# nothing yet\n")},
			"map.yaml":   {Data: []byte("id: x\ntopic: jini\n")},
			"nolang.yaml": {Data: []byte(`- id: no-lang
  topic: jini
  level: 2
  kind: short
  question: {fr: Quoi}
  accept: {de: [x]}
  explain: {de: So.}
`)},
		})
		assert.Equal(t, strings.Join([]string{
			`b.yaml:2: duplicate id "same" (first at a.yaml:1)`,
			`empty.yaml:1: the file holds no questions`,
			`map.yaml:1: the file must be a list of questions, each starting with "- id:"`,
			`nolang.yaml:5: unknown field "fr" in question (want de and en; a text in {...} with a comma needs quotes: {de: "a, b", en: ...})`,
			`nolang.yaml:5: question has neither a "de" nor an "en" text`,
		}, "\n"), err.Error())
	})
	t.Run("the embedded bank names files as they are in the repository", func(t *testing.T) {
		_, err := load(fstest.MapFS{
			"a.yaml": {Data: []byte(good("same"))},
			"b.yaml": {Data: []byte(good("same") + "  tags: jini\n")},
			"c.yaml": {Data: []byte(strings.Replace(good("plain"), "{de: Wort, en: Word}", `"Word"`, 1))},
		}, BankDir)
		assert.Equal(t, strings.Join([]string{
			`exercises/quiz/bank/b.yaml:1: duplicate id "same" (first at exercises/quiz/bank/a.yaml:1)`,
			`exercises/quiz/bank/b.yaml:8: tags must be a list, like [architecture, middleware]`,
			`exercises/quiz/bank/c.yaml:5: question must be a text in each language, like {de: "...", en: "..."}`,
		}, "\n"), err.Error())
	})
	t.Run("a missing file is one error, not a list of mistakes", func(t *testing.T) {
		_, err := LoadFile("testdata/missing.yaml")
		require.Error(t, err)
		assert.False(t, errors.As(err, new(Errors)))
	})
}

func TestStats(t *testing.T) {
	b, err := LoadFile("testdata/good.yaml")
	require.NoError(t, err)
	b.Questions[4].Text.DE = "" // as if written in English only
	s := b.Stats()
	assert.Equal(t, 5, s.Total)
	assert.Equal(t, 4, s.BothLanguages)
	require.Len(t, s.ByTopic, len(Topics()))
	count := make(map[string]int)
	for _, tc := range s.ByTopic {
		count[tc.Topic.Tag] = tc.Questions
	}
	// good-single is transparency+architecture, good-match architecture,
	// good-order middleware+messaging+sockets.
	assert.Equal(t, 2, count["architecture"])
	assert.Equal(t, 1, count["transparency"])
	assert.Equal(t, 1, count["sockets"])
	assert.Equal(t, 0, count["jini"])
	assert.Len(t, b.Select("", "de"), 4)
	assert.Len(t, b.Select("architecture", "en"), 2)
}
