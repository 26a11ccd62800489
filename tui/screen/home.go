package screen

import (
	"fmt"
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
	listW := 0
	for _, m := range h.models {
		listW = max(listW, lipgloss.Width(m.Title.In(c.lang))+4)
	}
	var list strings.Builder
	list.WriteString(c.theme.Title.Render("dsdemo") + "\n\n")
	for i, m := range h.models {
		line := "  " + m.Title.In(c.lang)
		if i == h.cursor {
			line = c.theme.Selected.Render("▸ " + m.Title.In(c.lang))
		}
		list.WriteString(line + "\n")
	}
	detailW := max(width-listW-3, 20)
	detail := h.detail(c, detailW)
	rule := strings.TrimSuffix(strings.Repeat(" │ \n", max(height-1, 1)), "\n")
	body := lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(listW).Render(list.String()), rule, detail)
	if h.err != "" {
		body += "\n" + c.theme.Error.Render(wrap(h.err, width))
	}
	foot := footer{c: c}
	foot.layout(c.homeKeys.list(), width)
	return fit(body, width, height-foot.height()) + "\n" + foot.view()
}

func (h *home) detail(c *common, width int) string {
	m := h.model()
	lang := c.lang
	var b strings.Builder
	b.WriteString(c.theme.Title.Render(m.Title.In(lang)) + "\n")
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
		line := mark + e.Title.In(lang)
		if i == h.experiment {
			line = c.theme.Selected.Render(line) + "\n" + wrap("  "+e.Summary.In(lang), width)
		}
		b.WriteString(line + "\n")
	}
	if len(m.Shows) > 0 {
		b.WriteString("\n" + c.theme.Title.Render(c.t("Transparenz", "Transparency")) + "\n")
		for _, s := range m.Shows {
			b.WriteString(wrap(fmt.Sprintf("• %s: %s", s.Transparency.Name().In(lang), s.How.In(lang)), width) + "\n")
		}
	}
	return b.String()
}
