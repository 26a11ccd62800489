package glossary_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/exercises/glossary"
	"dsdemo/exercises/quiz"
	"dsdemo/models/catalog"
)

// refs are the real catalogue, bank and exercises the glossary links to.
func refs(t *testing.T) glossary.Refs {
	t.Helper()
	bank, err := quiz.Embedded()
	require.NoError(t, err, "the quiz bank must load to check the glossary's links to it")
	return glossary.Refs{
		Model: func(id string) bool { _, ok := catalog.ByID(id); return ok },
		Experiment: func(model, id string) bool {
			m, _ := catalog.ByID(model)
			return slices.ContainsFunc(m.Experiments, func(e catalog.Experiment) bool { return e.ID == id })
		},
		Question: func(id string) bool { return bank.ByID(id) != nil },
		Exercise: func(name string) bool {
			_, err := os.Stat(filepath.Join("..", name, "README.md"))
			return err == nil
		},
	}
}

func TestEmbeddedGlossary(t *testing.T) {
	g, err := glossary.Embedded()
	require.NoError(t, err)
	require.NoError(t, g.Check(refs(t)))
	assert.GreaterOrEqual(t, len(g.Terms), 80, "every term of the lecture")
	assert.LessOrEqual(t, len(g.Terms), 150)

	t.Run("the lecture's eight transparencies by its names", func(t *testing.T) {
		for _, name := range []string{"Zugriffstransparenz", "Positionstransparenz", "Mobilitätstransparenz",
			"Nebenläufigkeitstransparenz", "Replikationstransparenz", "Fehlertransparenz",
			"Leistungstransparenz", "Skalierbarkeitstransparenz"} {
			assert.Len(t, g.Find(name, "de"), 1, "%s is a term", name)
		}
	})
	t.Run("each catalogue model is explained by some term", func(t *testing.T) {
		for _, m := range catalog.All() {
			linked := slices.ContainsFunc(g.Terms, func(term *glossary.Term) bool {
				return slices.ContainsFunc(term.Seen.Demos, func(d string) bool { return d == m.ID || strings.HasPrefix(d, m.ID+"/") })
			})
			assert.True(t, linked, "no term is seen in model %q", m.ID)
		}
	})
	t.Run("definitions are one line of reasonable length", func(t *testing.T) {
		for _, term := range g.Terms {
			for _, def := range []string{term.Def.DE, term.Def.EN} {
				assert.LessOrEqual(t, len([]rune(def)), 240, "term %q: the definition is one line, not a paragraph", term.ID)
			}
		}
	})
}

// TestDefinitionsInOurOwnWords compares every text of the glossary with
// the lecture (../shared/seeds beside the repository) and fails on a run of
// eight or more words in a row taken from it, as the bank's check does.
func TestDefinitionsInOurOwnWords(t *testing.T) {
	seeds, err := filepath.Glob(filepath.Join("..", "..", "..", "shared", "seeds", "*"))
	require.NoError(t, err)
	if len(seeds) == 0 {
		t.Skip("no ../shared/seeds beside the repository to compare with")
	}
	const run = 8
	lecture := make(map[string]bool)
	for _, f := range seeds {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		w := words(string(data))
		for i := 0; i+run <= len(w); i++ {
			lecture[strings.Join(w[i:i+run], " ")] = true
		}
	}
	g, err := glossary.Embedded()
	require.NoError(t, err)
	for _, term := range g.Terms {
		for _, text := range []string{term.Def.DE, term.Def.EN} {
			w := words(text)
			for i := 0; i+run <= len(w); i++ {
				if s := strings.Join(w[i:i+run], " "); lecture[s] {
					t.Errorf("term %q: %q is the lecture's wording; say it in our own words", term.ID, s)
				}
			}
		}
	}
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// words folds case and ß and splits at everything that is not a letter or digit.
func words(s string) []string {
	s = strings.ReplaceAll(strings.ToLower(s), "ß", "ss")
	return strings.Fields(nonWord.ReplaceAllString(s, " "))
}

func TestParseErrors(t *testing.T) {
	_, err := glossary.LoadFile("testdata/bad.yaml")
	require.Error(t, err)
	want := []string{
		`testdata/bad.yaml:4: see: "no-such-term" is no term of the glossary`,
		`testdata/bad.yaml:6: duplicate id "lease" (first at line 1)`,
		`testdata/bad.yaml:11: term has no "en" text`,
		`testdata/bad.yaml:12: def en is empty`,
		`testdata/bad.yaml:13: unknown field "colour" in a term (want one of id, term, def, seen, see)`,
		`testdata/bad.yaml:15: id "Bad_Id" must be lower case letters, digits and dashes`,
		`testdata/bad.yaml:15: no "def" (a text in each language, like {de: "...", en: "..."})`,
	}
	assert.Equal(t, strings.Join(want, "\n"), err.Error())

	t.Run("links that name nothing", func(t *testing.T) {
		data, err := os.ReadFile("testdata/bad.yaml")
		require.NoError(t, err)
		_, after, _ := strings.Cut(string(data), "- id: links")
		g, err := glossary.Parse("links.yaml", []byte("- id: links"+after))
		require.NoError(t, err)
		want := []string{
			`links.yaml:5: term "links": demo "clientserver/no-such-experiment": model "clientserver" has no experiment "no-such-experiment"`,
			`links.yaml:5: term "links": demo "no-such-model": no model "no-such-model" in the catalogue`,
			`links.yaml:6: term "links": no question "no-such-question" in the bank`,
			`links.yaml:7: term "links": no exercise "no-such-exercise" under exercises/`,
		}
		assert.Equal(t, strings.Join(want, "\n"), g.Check(refs(t)).Error())
	})
}

func TestHostileGlossaryFileGetsOneClearError(t *testing.T) {
	for name, data := range map[string]string{
		"empty":      "",
		"not a list": "id: lease\n",
		"tab":        "- id: lease\n\tterm: x\n",
		"binary":     "\x00\x01\x02",
		"deep":       strings.Repeat("[", 10000),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := glossary.Parse("x.yaml", []byte(data))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "x.yaml:"), "a file:line error, got %q", err)
		})
	}
}

func TestFind(t *testing.T) {
	g, err := glossary.Embedded()
	require.NoError(t, err)
	ids := func(ts []*glossary.Term) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.ID)
		}
		return out
	}
	for _, c := range []struct{ query, lang string }{{"lease", "en"}, {"LEASE", "de"}, {" Lease ", "en"}} {
		assert.Equal(t, []string{"lease"}, ids(g.Find(c.query, c.lang)), "query %q", c.query)
	}
	assert.Equal(t, []string{"zugriffstransparenz"}, ids(g.Find("access transparency", "de")), "the word in the other language")
	assert.Equal(t, []string{"push"}, ids(g.Find("push", "en")), "an exact match wins over prefixes (publish/subscribe)")
	assert.Contains(t, ids(g.Find("fehler", "de")), "fehler-erkennen", "a prefix finds every term it starts")
	assert.Greater(t, len(g.Find("fehler", "de")), 3)
	assert.Empty(t, g.Find("quantencomputer", "de"))
	assert.Empty(t, g.Find("  ", "de"))
}

func TestSorted(t *testing.T) {
	g, err := glossary.Embedded()
	require.NoError(t, err)
	for _, lang := range []string{"de", "en"} {
		sorted := g.Sorted(lang)
		require.Len(t, sorted, len(g.Terms))
		first := strings.ToLower(sorted[0].Term.In(lang))
		last := strings.ToLower(sorted[len(sorted)-1].Term.In(lang))
		assert.Less(t, first, last, "%s: alphabetical", lang)
	}
	de := g.Sorted("de")
	idx := func(id string) int { return slices.IndexFunc(de, func(t *glossary.Term) bool { return t.ID == id }) }
	assert.Less(t, idx("oeffentlicher-schluessel"), idx("partitionierung"), "Ö sorts with O")
}

func TestLinks(t *testing.T) {
	g, err := glossary.Embedded()
	require.NoError(t, err)
	lease := g.ByID("lease")
	g.LinkQuestions("my-question", []string{"lease", "no-such-term"})
	g.LinkQuestions("my-question", []string{"lease"})
	var lines []string
	for _, l := range g.Links(lease, "de", func(id string) string { return "<" + id + ">" }) {
		lines = append(lines, l.String())
	}
	assert.Equal(t, []string{
		"Quizfragen: jini-short-lease · jini-why-leasing · jini-lease-unplugged · javaspaces-lease-expiry · my-question",
		"Siehe auch: Jini · JavaSpaces",
	}, lines, "a question's terms: lists it under the term, once")

	fresh, err := glossary.Embedded()
	require.NoError(t, err)
	assert.NotContains(t, fresh.ByID("lease").Seen.Questions, "my-question", "each caller gets its own glossary")

	links := g.Links(g.ByID("dmz"), "en", func(id string) string { return "<" + id + ">" })
	require.NotEmpty(t, links)
	assert.Equal(t, "Demos: <ntier>", links[0].String())
}
