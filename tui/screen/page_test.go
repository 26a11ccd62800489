package screen

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

// fakePage is a page of another package, as the quiz is.
type fakePage struct {
	got  []tea.Msg
	done bool
}

func (p *fakePage) Update(msg tea.Msg) tea.Cmd {
	p.got = append(p.got, msg)
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" {
		p.done = true
	}
	return nil
}
func (p *fakePage) View() string { return "the quiz page" }
func (p *fakePage) Done() bool   { return p.done }

func TestQuizPage(t *testing.T) {
	page := &fakePage{}
	m := New(Options{Lang: "en", Catalog: catalog.All(), Quiz: func() Page { return page }})
	resize(m, 90, 25)
	assert.Contains(t, ansi.Strip(m.View().Content), "Q quiz", "the footer names the key")

	press(m, "Q")
	require.NotNil(t, m.page)
	require.NotEmpty(t, page.got)
	assert.Equal(t, tea.WindowSizeMsg{Width: 90, Height: 25}, page.got[0], "the page learns the size first")
	assert.Equal(t, "the quiz page", m.View().Content)

	press(m, "q", "enter")
	assert.False(t, m.quit, "q and enter belong to the page while it is open")
	assert.Len(t, page.got, 3)

	_, cmd := m.Update(tickMsg{})
	assert.NotNil(t, cmd, "the redraw ticker keeps running")
	assert.Len(t, page.got, 3, "the screen's own tick is not the page's")

	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	assert.Nil(t, m.page, "esc on the page's start goes home")
	assert.Contains(t, m.View().Content, catalog.All()[0].Title.In("en"))

	t.Run("no quiz, no page", func(t *testing.T) {
		m := New(Options{Lang: "en", Catalog: catalog.All()})
		press(m, "Q")
		assert.Nil(t, m.page)
	})
}
