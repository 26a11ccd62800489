package yamlfile_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/i18n"
	"dsdemo/models/yamlfile"
)

// TestReaderListsEveryMistake: one walk over a file with several
// mistakes reports all of them, each at its line, sorted.
func TestReaderListsEveryMistake(t *testing.T) {
	data := []byte(`id: [a, b]
title: {de: Titel, fr: Titre}
colour: blue
title: {de: Noch, en: Again}
summary: &s {de: Kurz, en: Short}
notes: *s
`)
	r := &yamlfile.Reader{File: "x.yaml"}
	root, err := r.Parse(data)
	require.NoError(t, err)
	f := r.Fields(root, "a file", []string{"id", "title", "summary", "notes"})
	assert.Equal(t, "", r.Scalar(f["id"], "id"))
	assert.Equal(t, i18n.Text{DE: "Titel"}, r.Text(f["title"], "title"))
	assert.Equal(t, i18n.Text{DE: "Kurz", EN: "Short"}, r.Text(f["notes"], "notes"), "an alias reads as what it names")
	assert.Equal(t, i18n.Text{}, r.Text(nil, "absent"))
	r.Errorf(root, "a mistake found last, at line 1")

	err = r.Errs.Err()
	var errs yamlfile.Errors
	require.True(t, errors.As(err, &errs))
	assert.Equal(t, `x.yaml:1: id must be a single value
x.yaml:1: a mistake found last, at line 1
x.yaml:2: unknown field "fr" in title (want de and en; a text in {...} with a comma needs quotes: {de: "a, b", en: ...})
x.yaml:3: unknown field "colour" in a file (want one of id, title, summary, notes)
x.yaml:4: field "title" is written twice in a file`, err.Error())
}

func TestParse(t *testing.T) {
	t.Run("an empty file has no top node and no error", func(t *testing.T) {
		r := &yamlfile.Reader{File: "x.yaml"}
		root, err := r.Parse([]byte("# nothing yet\n"))
		assert.Nil(t, root)
		assert.NoError(t, err)
	})
	t.Run("a syntax error is at the line it is on, with a hint", func(t *testing.T) {
		r := &yamlfile.Reader{File: "x.yaml"}
		_, err := r.Parse([]byte("id: a\ntitle: {de: Absturz: und zurück,\n  en: Crash}\n"))
		assert.EqualError(t, err, `x.yaml:2: YAML syntax: did not find expected ',' or '}' (a text in {...} with "?", ":" or "," needs quotes)`)
	})
	t.Run("a mapping where a list is wanted", func(t *testing.T) {
		r := &yamlfile.Reader{File: "x.yaml"}
		root, err := r.Parse([]byte("- a\n- b\n"))
		require.NoError(t, err)
		assert.Nil(t, r.Fields(root, "a file", nil))
		assert.EqualError(t, r.Errs.Err(), "x.yaml:1: a file must be a mapping of fields (key: value)")
	})
}

func TestErrNilWhenEmpty(t *testing.T) {
	var es yamlfile.Errors
	assert.NoError(t, es.Err())
	es = yamlfile.Errors{{File: "b", Line: 1, Msg: "x"}, {File: "a", Line: 9, Msg: "y"}, {File: "a", Line: 2, Msg: "z"}}
	assert.EqualError(t, es.Err(), "a:2: z\na:9: y\nb:1: x")
}
