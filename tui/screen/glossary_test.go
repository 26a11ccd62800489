package screen

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/exercises/glossary"
	"dsdemo/models/catalog"
)

func TestGlossaryPage(t *testing.T) {
	g, err := glossary.Embedded()
	require.NoError(t, err)
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		for _, lang := range []string{"de", "en"} {
			t.Run(lang+"-"+string(rune('0'+size.w/40)), func(t *testing.T) {
				m := New(Options{Lang: lang, Catalog: catalog.All()})
				resize(m, size.w, size.h)
				home := ansi.Strip(m.View().Content)
				assert.Contains(t, home, map[string]string{"de": "g Glossar", "en": "g glossary"}[lang], "the home footer names the key")

				press(m, "g")
				require.NotNil(t, m.page, "g opens the glossary")
				view := ansi.Strip(m.View().Content)
				first := g.Sorted(lang)[0]
				assert.Contains(t, view, first.Term.In(lang), "the first term in alphabetical order is on top")
				assertFits(t, view, size.w, size.h)
				for _, line := range strings.Split(view, "\n")[:size.h-1] {
					assert.LessOrEqual(t, lipgloss.Width(strings.TrimRight(line, " ")), 80, "the terms wrap at 80 columns: %q", line)
				}

				// Scrolling moves the first term out of view.
				for range size.h {
					m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
				}
				assert.NotContains(t, ansi.Strip(m.View().Content), first.Def.In(lang)[:30], "scrolled down")

				// Typing filters.
				press(m, "l", "e", "a", "s", "e")
				view = ansi.Strip(m.View().Content)
				lease := g.ByID("lease")
				assert.Contains(t, view, lease.Term.In(lang))
				assert.Contains(t, view, lease.Def.In(lang)[:30])
				assert.NotContains(t, view, g.ByID("dmz").Def.In(lang)[:30], "the filter hides the other terms")
				assert.False(t, m.quit)

				// tab switches the language.
				other := map[string]string{"de": "en", "en": "de"}[lang]
				m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
				assert.Contains(t, ansi.Strip(m.View().Content), lease.Def.In(other)[:30])

				// esc clears the filter, a second esc goes home.
				m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
				require.NotNil(t, m.page)
				assert.Contains(t, ansi.Strip(m.View().Content), g.Sorted(other)[0].Term.In(other))
				m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
				assert.Nil(t, m.page, "esc goes home")
				assert.Contains(t, m.View().Content, catalog.All()[0].Title.In(lang))
			})
		}
	}
}

func TestGlossaryPageNoMatch(t *testing.T) {
	m := New(Options{Lang: "en", Catalog: catalog.All()})
	resize(m, 80, 24)
	press(m, "g", "x", "y", "z", "z", "y")
	view := ansi.Strip(m.View().Content)
	assert.Contains(t, view, `No term contains "xyzzy".`)
	assert.Contains(t, view, "(0/")
}

func TestGlossaryPageNamesDemosByTitle(t *testing.T) {
	m := New(Options{Lang: "en", Catalog: catalog.All()})
	resize(m, 120, 40)
	press(m, "g", "d", "m", "z")
	view := ansi.Strip(m.View().Content)
	ntier, ok := catalog.ByID("ntier")
	require.True(t, ok)
	assert.Contains(t, view, "Demos: "+ntier.Title.In("en"))
	assert.Contains(t, view, "Quiz questions: ntier-dmz")
}

// assertFits checks a frame is exactly the window: height lines, none wider.
func assertFits(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	assert.Len(t, lines, height)
	for _, l := range lines {
		assert.LessOrEqual(t, lipgloss.Width(l), width, "%q", l)
	}
}
