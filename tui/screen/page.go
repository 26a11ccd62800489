package screen

import tea "charm.land/bubbletea/v2"

// Page is a whole-screen page another package draws, such as the quiz
// (tui/quiz). The home page opens it with a key; while it is open it gets
// every message, the window size first, and it is closed when Done.
type Page interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	Done() bool
}

// openPage shows p and tells it the size of the window.
func (m *Model) openPage(p Page) tea.Cmd {
	m.page = p
	return m.pageUpdate(tea.WindowSizeMsg{Width: m.c.width, Height: m.c.height})
}

// pageUpdate passes msg to the open page, and goes home when it is done.
func (m *Model) pageUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tickMsg:
		return tick() // the redraw ticker keeps running for the live view later
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			m.quit = true
			return tea.Quit
		}
	}
	cmd := m.page.Update(msg)
	if m.page.Done() {
		m.page = nil
	}
	return cmd
}
