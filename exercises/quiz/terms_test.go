package quiz

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTerms: a question names glossary terms with terms:, and an id the
// glossary lacks is a mistake at its line.
func TestTerms(t *testing.T) {
	question := func(terms string) []byte {
		return []byte(`- id: jini-lease
  topic: jini
  level: 1
  kind: short
  question: {de: Wort, en: Word}
  accept: {de: [Lease], en: [lease]}
  explain: {de: So., en: So.}
  terms: ` + terms + "\n")
	}
	qs, errs := parse("q.yaml", question("[lease, jini]"))
	require.Empty(t, errs)
	require.Len(t, qs, 1)
	assert.Equal(t, []string{"lease", "jini"}, qs[0].Terms)

	for _, c := range []struct{ terms, want string }{
		{"[lease, leasing]", `q.yaml:8: unknown term "leasing" (want an id of exercises/glossary/glossary.yaml)`},
		{"[lease, lease]", `q.yaml:8: term "lease" is given twice`},
		{"lease", `q.yaml:8: terms must be a list of glossary ids, like [lease, jini]`},
		{"[{id: lease}]", `q.yaml:8: a term must be a single value`},
	} {
		_, errs := parse("q.yaml", question(c.terms))
		assert.Equal(t, c.want, strings.TrimSpace(errs.Error()), "terms: %s", c.terms)
	}
}
