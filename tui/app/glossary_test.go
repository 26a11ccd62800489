package app_test

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/exercises/glossary"
)

func TestGlossary(t *testing.T) {
	g, err := glossary.Embedded()
	require.NoError(t, err)

	t.Run("every term, alphabetically, wrapped at 80 columns", func(t *testing.T) {
		for _, lang := range []string{"de", "en"} {
			code, out, errOut := main("glossary", "--lang", lang)
			require.Equal(t, 0, code, errOut)
			sorted := g.Sorted(lang)
			last := -1
			for _, term := range sorted {
				at := strings.Index(out, "\n"+term.Term.In(lang)+" · ")
				require.Greater(t, at, last, "%s: %q comes after the one before", lang, term.Term.In(lang))
				last = at
			}
			for _, line := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, lipgloss.Width(line), 80, "%q", line)
			}
		}
	})
	t.Run("one term, by id or by word in either language, case ignored", func(t *testing.T) {
		for _, query := range [][]string{{"lease"}, {"LEASE"}, {"access", "transparency"}, {"Zugriffstransparenz"}} {
			code, out, errOut := main(append([]string{"glossary", "--lang", "en"}, query...)...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, 1, strings.Count(out, " · "+map[bool]string{true: "Lease", false: "Zugriffstransparenz"}[query[0] == "lease" || query[0] == "LEASE"]+"\n"), "query %q:\n%s", query, out)
		}
		code, out, _ := main("glossary", "dmz", "--lang", "de")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "DMZ (Demilitarisierte Zone) · DMZ (demilitarised zone)\n")
		assert.Contains(t, out, "Quizfragen: ntier-dmz")
		assert.Contains(t, out, "(ntier)", "the demo names its id")
		assert.NotContains(t, out, "Glossar (", "one term has no heading")
	})
	t.Run("a prefix lists every term it starts", func(t *testing.T) {
		code, out, _ := main("glossary", "--lang", "de", "fehler")
		require.Equal(t, 0, code)
		for _, id := range []string{"fehler-erkennen", "fehler-maskieren", "fehlertoleranz", "fehlertransparenz"} {
			assert.Contains(t, out, g.ByID(id).Term.DE+" · ")
		}
	})
	t.Run("markdown", func(t *testing.T) {
		code, out, _ := main("glossary", "--format", "markdown", "--lang", "en")
		require.Equal(t, 0, code)
		assert.True(t, strings.HasPrefix(out, "# Glossary\n"), out[:40])
		assert.Contains(t, out, "\n## lease\n\n*Lease* (de)\n")
		assert.Contains(t, out, "\n- Quiz questions: jini-short-lease")
	})
	t.Run("no term matches", func(t *testing.T) {
		code, out, errOut := main("glossary", "quantencomputer")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Equal(t, "dsdemo: no term of the glossary is or starts with \"quantencomputer\"; dsdemo glossary lists them all\n", errOut)
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, args := range [][]string{{"--lang", "fr"}, {"--format", "html"}, {"--colour"}} {
			code, _, errOut := main(append([]string{"glossary"}, args...)...)
			assert.Equal(t, 2, code, "%v", args)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		}
	})
	t.Run("help", func(t *testing.T) {
		code, out, _ := main("glossary", "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "usage: dsdemo glossary")
	})
}
