package quiz

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// key is one key of a page and what it does, for the footer.
type key struct{ key, does string }

// View draws the page that is showing.
func (m *Model) View() string {
	switch m.page {
	case askPage:
		return m.askView()
	case feedbackPage:
		return m.feedbackView()
	case resultPage:
		return m.resultView()
	case weakPage:
		return m.weakView()
	}
	return m.startView()
}

// frame fits body above a footer of keys, filling the screen.
func (m *Model) frame(body string, keys []key) string {
	var parts []string
	for _, k := range keys {
		parts = append(parts, m.opts.Theme.Key.Render(k.key)+" "+k.does)
	}
	foot := fold(parts, "  ", m.width)
	return fit(body, m.width, m.height-lipgloss.Height(foot)) + "\n" + foot
}

// fold joins parts with sep into lines of at most width cells, breaking
// only between parts (a part wider than the line is wrapped on its own):
// a footer or header on a narrow screen takes two lines instead of losing
// its end.
func fold(parts []string, sep string, width int) string {
	var lines []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case lipgloss.Width(line+sep+p) <= width:
			line += sep + p
		default:
			lines = append(lines, line)
			line = p
		}
	}
	lines = append(lines, line)
	for i, l := range lines {
		if lipgloss.Width(l) > width {
			lines[i] = strings.TrimRight(wrap(l, width), " ")
		}
	}
	return strings.Join(lines, "\n")
}

// fit cuts or pads s to exactly height lines of at most width cells.
func fit(s string, width, height int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > height {
		lines = lines[:max(height, 0)]
	}
	for i, l := range lines {
		lines[i] = cut(l, width)
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// cut shortens a line to width cells, with an ellipsis.
func cut(s string, width int) string {
	if lipgloss.Width(s) > width {
		return ansi.Truncate(s, max(width, 1), "…")
	}
	return s
}

// wrap breaks text into lines of at most width cells.
func wrap(s string, width int) string {
	return lipgloss.NewStyle().Width(max(width, 10)).Render(s)
}

func textWidth(s string) int { return lipgloss.Width(s) }

func padRight(s string, n int) string {
	if w := lipgloss.Width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// clock shows a duration as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// bar is a share from 0 to 1 as a bar of width cells.
func bar(share float64, width int) string {
	full := int(share*float64(width) + 0.5)
	return strings.Repeat("█", full) + strings.Repeat("░", width-full)
}

// percent shows a share from 0 to 1.
func percent(share float64) string { return fmt.Sprintf("%3.0f %%", share*100) }

// window is the part of lines that fits height rows and shows line at.
func window(lines []string, at, height int) []string {
	if len(lines) <= height || height <= 0 {
		return lines
	}
	first := min(max(at-height/2, 0), len(lines)-height)
	return lines[first : first+height]
}
