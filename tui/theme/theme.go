// Package theme holds the launcher's styles, the one place a colour is
// chosen. Every screen (the home page, the live view, the quiz) draws with
// a Theme from here, so a screen that needs colours imports this small
// package instead of another screen, and a projector theme is one place to
// change. The name is what a newcomer who wants to change a colour looks
// for.
package theme

import "charm.land/lipgloss/v2"

// Theme holds every style the screens use. Colour is only ever a second
// signal: every state also has a mark (a message ✓ delivered, ⚠ an error
// reply, ✗ lost, ⏸ held, ⊘ given up; a node ☠ killed, ❄ frozen; see
// tui/screen/outcome.go), so NO_COLOR stays readable.
type Theme struct {
	Title, Caption, Faint, Selected, Key, Error lipgloss.Style
	Box, BoxSelected                            lipgloss.Style
	Running, Down, Frozen                       lipgloss.Style
	Request, Reply, Lost, Held                  lipgloss.Style
}

// The themes --theme takes.
const (
	Default  = "default"
	Contrast = "contrast" // for projectors
)

// Known reports whether name is a theme New knows (Default or Contrast).
func Known(name string) bool { return name == Default || name == Contrast }

// New returns the Default or Contrast theme; any other name is Default.
func New(name string) Theme {
	c := func(s string) lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color(s)) }
	t := Theme{
		Title:       lipgloss.NewStyle().Bold(true),
		Caption:     c("#f5d76e").Bold(true),
		Faint:       lipgloss.NewStyle().Faint(true),
		Selected:    lipgloss.NewStyle().Reverse(true),
		Key:         c("#7fb3ff").Bold(true),
		Error:       c("#ff6b6b").Bold(true),
		Box:         lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		BoxSelected: lipgloss.NewStyle().Border(lipgloss.ThickBorder()).Padding(0, 1),
		Running:     c("#7bd88f"),
		Down:        c("#ff6b6b").Bold(true),
		Frozen:      c("#7fdbff"),
		Request:     c("#7fb3ff"),
		Reply:       c("#7bd88f"),
		Lost:        c("#ff6b6b").Bold(true),
		Held:        c("#f5d76e").Bold(true),
	}
	if name == Contrast {
		// Projectors wash out colours: pure white on black, bold everywhere.
		t.Faint = lipgloss.NewStyle()
		t.Caption = c("#ffff00").Bold(true)
		t.Key = c("#ffffff").Bold(true).Underline(true)
		t.Running = c("#00ff00").Bold(true)
		t.Request = c("#00ffff").Bold(true)
		t.Reply = c("#00ff00").Bold(true)
		t.Lost = c("#ff0000").Bold(true)
		t.Held = c("#ffff00").Bold(true)
		t.Frozen = c("#00ffff").Bold(true)
		t.Box = t.Box.BorderForeground(lipgloss.Color("#ffffff"))
		t.BoxSelected = t.BoxSelected.BorderForeground(lipgloss.Color("#ffff00"))
	}
	return t
}
