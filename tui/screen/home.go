package screen

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"

	"dsdemo/models/catalog"
)

// home is the start page: the catalogue on the left, the chosen model on the right.
type home struct {
	models     []catalog.Model
	cursor     int // the chosen model
	experiment int // the chosen experiment of that model, -1 for none
	err        string
	class      Class  // the class watching; nil: none
	notice     string // how programs of other machines join; "": they do not
}

func (h *home) model() catalog.Model { return h.models[h.cursor] }

func (h *home) key(k string) {
	if len(h.models) == 0 {
		return
	}
	switch k {
	case "up", "k":
		h.cursor = (h.cursor + len(h.models) - 1) % len(h.models)
		h.experiment = -1
	case "down", "j":
		h.cursor = (h.cursor + 1) % len(h.models)
		h.experiment = -1
	case "right", "l":
		if n := len(h.model().Experiments); n > 0 {
			h.experiment = min(h.experiment+1, n-1)
		}
	case "left", "h":
		h.experiment = max(h.experiment-1, -1)
	}
}

func (h *home) view(c *common, width, height int) string {
	if len(h.models) == 0 {
		foot := footer{c: c}
		foot.layout(c.homeKeys.list(), width)
		return fit(c.t("Der Katalog ist leer.", "The catalogue is empty."), width, height-foot.height()) + "\n" + foot.view()
	}
	// The list is as wide as its longest title, but takes at most half
	// the screen: a longer title wraps under itself.
	listW := 0
	for _, m := range h.models {
		listW = max(listW, lipgloss.Width(m.Title.In(c.lang))+4)
	}
	listW = min(listW, max(width/2, 24))
	var list strings.Builder
	list.WriteString(c.theme.Title.Render("dsdemo") + "\n\n")
	if h.class != nil {
		list.WriteString(c.theme.Faint.Render(wrap(h.class.Status(c.lang), listW)) + "\n\n")
	}
	if h.notice != "" {
		list.WriteString(c.theme.Faint.Render(wrap(c.t("Programme anderer Rechner: ", "programs of other machines: ")+h.notice, listW)) + "\n\n")
	}
	for i, m := range h.models {
		title := strings.ReplaceAll(wrap(m.Title.In(c.lang), listW-3), "\n", "\n  ")
		line := "  " + title
		if i == h.cursor {
			line = c.theme.Selected.Render("▸ " + title)
		}
		list.WriteString(line + "\n")
	}
	foot := footer{c: c}
	foot.layout(c.homeKeys.list(), width)
	room := height - foot.height()
	if h.err != "" {
		room -= lipgloss.Height(wrap(h.err, width))
	}
	detailW := max(width-listW-3, 20)
	detail := scrollTo(h.detail(c, detailW), room)
	rule := strings.TrimSuffix(strings.Repeat(" │ \n", max(room, 1)), "\n")
	body := lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(listW).Render(list.String()), rule, detail)
	if h.err != "" {
		body += "\n" + c.theme.Error.Render(wrap(h.err, width))
	}
	return fit(body, width, height-foot.height()) + "\n" + foot.view()
}

// page is a text taller than the screen may be, and the lines that must
// be seen: the chosen experiment.
type page struct {
	text        string
	focus, last int // the first and last line to keep in view; -1: none
}

// scrollTo shows height lines of p, moved down just enough that its focus
// is in view, with a mark where lines are left out above or below: the
// page is scrolled, never cut without a word.
func scrollTo(p page, height int) string {
	lines := strings.Split(strings.TrimRight(p.text, "\n"), "\n")
	if len(lines) <= height || height < 3 {
		return strings.Join(lines, "\n")
	}
	top := 0
	if p.focus >= 0 && p.last+2 > height { // the focus and a line of margin below it
		top = min(p.last+2-height, p.focus-1, len(lines)-height)
	}
	view := slices.Clone(lines[top : top+height])
	if top > 0 {
		view[0] = "↑ …"
	}
	if top+height < len(lines) {
		view[height-1] = "↓ …"
	}
	return strings.Join(view, "\n")
}

func (h *home) detail(c *common, width int) page {
	m := h.model()
	lang := c.lang
	focus, last := -1, -1
	var b strings.Builder
	b.WriteString(c.theme.Title.Render(wrap(m.Title.In(lang), width)) + "\n")
	b.WriteString(wrap(m.Summary.In(lang), width) + "\n\n")
	b.WriteString(c.theme.Title.Render(c.t("Rollen", "Roles")) + "\n")
	for _, r := range m.Roles {
		b.WriteString(wrap("• "+r.Name+": "+r.Does.In(lang), width) + "\n")
	}
	b.WriteString("\n" + c.theme.Title.Render(c.t("Experimente (←/→)", "Experiments (←/→)")) + "\n")
	for i, e := range m.Experiments {
		mark := "  "
		if i == h.experiment {
			mark = "▸ "
		}
		title := e.Title.In(lang)
		if e.Own {
			title += " ✎ " + c.t("eigenes", "own")
		}
		line := wrap(mark+title, width)
		if i == h.experiment {
			line = c.theme.Selected.Render(line) + "\n" + wrap("  "+e.Summary.In(lang), width)
			focus = strings.Count(b.String(), "\n")
			last = focus + strings.Count(line, "\n")
		}
		b.WriteString(line + "\n")
	}
	if len(m.Shows) > 0 {
		b.WriteString("\n" + c.theme.Title.Render(c.t("Transparenz", "Transparency")) + "\n")
		for _, s := range m.Shows {
			b.WriteString(wrap(fmt.Sprintf("• %s: %s", s.Transparency.Name().In(lang), s.How.In(lang)), width) + "\n")
		}
	}
	return page{text: b.String(), focus: focus, last: last}
}
