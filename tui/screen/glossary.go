package screen

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"dsdemo/exercises/glossary"
	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
)

// glossaryWidth is the widest the glossary's text gets: a wider window
// leaves a margin instead of lines too long to read.
const glossaryWidth = 80

// glossaryPage lists the lecture's terms, alphabetically in the chosen
// language, in a viewport: the home page opens it with g. Typing filters
// the terms, tab switches the language, esc clears the filter or goes back.
type glossaryPage struct {
	c       *common
	g       *glossary.Glossary
	models  []catalog.Model // to name the demos a term is seen in
	lang    string
	vp      viewport.Model
	filter  textinput.Model
	keys    glossaryKeys
	foot    footer
	matches int // terms the filter lets through
	done    bool
}

var filterHint = i18n.Text{DE: "tippen zum Filtern", EN: "type to filter"}

// newGlossaryPage opens the glossary built into the program.
func newGlossaryPage(c *common, models []catalog.Model) (*glossaryPage, error) {
	g, err := glossary.Embedded()
	if err != nil {
		return nil, err
	}
	f := textinput.New()
	f.Prompt = "/"
	st := f.Styles()
	st.Cursor.Blink = false
	f.SetStyles(st)
	f.Placeholder = filterHint.In(c.lang)
	f.Focus()
	return &glossaryPage{c: c, g: g, models: models, lang: c.lang, vp: newViewport(), filter: f, keys: newGlossaryKeys()}, nil
}

// Update scrolls, switches the language, or edits the filter.
func (p *glossaryPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.layout()
		return nil
	case tea.KeyPressMsg:
		switch {
		case pressed(msg, p.keys.Back):
			if p.filter.Value() == "" {
				p.done = true
				return nil
			}
			p.filter.Reset()
		case pressed(msg, p.keys.Lang):
			p.lang = map[string]string{i18n.DE: i18n.EN, i18n.EN: i18n.DE}[p.lang]
			p.filter.Placeholder = filterHint.In(p.lang)
		case pressed(msg, p.keys.Scroll):
			var cmd tea.Cmd
			p.vp, cmd = p.vp.Update(msg)
			return cmd
		default:
			before := p.filter.Value()
			var cmd tea.Cmd
			p.filter, cmd = p.filter.Update(msg)
			if p.filter.Value() == before {
				return cmd
			}
		}
		p.layout()
		p.vp.GotoTop()
	}
	return nil
}

// layout sizes the viewport and fills it with the terms the filter lets through.
func (p *glossaryPage) layout() {
	c := p.c
	p.foot = footer{c: c}
	p.foot.layout(p.keys.list(), c.width)
	width := min(c.width, glossaryWidth)
	p.filter.SetWidth(max(width-30, 10))
	p.vp.SetWidth(width)
	p.vp.SetHeight(max(c.height-2-p.foot.height(), 1))
	p.vp.SetContent(p.text(width))
}

// text is every term that matches the filter, wrapped to width.
func (p *glossaryPage) text(width int) string {
	var b strings.Builder
	p.matches = 0
	other := map[string]string{i18n.DE: i18n.EN, i18n.EN: i18n.DE}[p.lang]
	for _, t := range p.g.Sorted(p.lang) {
		if !t.Matches(p.filter.Value()) {
			continue
		}
		p.matches++
		head := p.c.theme.Title.Render(t.Term.In(p.lang))
		if o := t.Term.In(other); !strings.EqualFold(o, t.Term.In(p.lang)) {
			head += p.c.theme.Faint.Render(" · " + o)
		}
		b.WriteString(ansi.Wrap(head, width, "") + "\n")
		b.WriteString(indent(ansi.Wrap(t.Def.In(p.lang), width-2, ""), "  ") + "\n")
		for _, l := range p.g.Links(t, p.lang, p.demoName) {
			b.WriteString(p.c.theme.Faint.Render(indent(ansi.Wrap(l.String(), width-2, ""), "  ")) + "\n")
		}
		b.WriteString("\n")
	}
	if p.matches == 0 {
		b.WriteString(ansi.Wrap(i18n.Text{
			DE: fmt.Sprintf("Kein Begriff enthält %q. esc löscht den Filter.", p.filter.Value()),
			EN: fmt.Sprintf("No term contains %q. esc clears the filter.", p.filter.Value()),
		}.In(p.lang), width, ""))
	}
	return strings.TrimRight(b.String(), "\n")
}

// demoName is a demo link as a reader knows it: the model's title, and the
// experiment's, from the catalogue.
func (p *glossaryPage) demoName(id string) string {
	model, exp, _ := strings.Cut(id, "/")
	for _, m := range p.models {
		if m.ID != model {
			continue
		}
		if exp == "" {
			return m.Title.In(p.lang)
		}
		for _, e := range m.Experiments {
			if e.ID == exp {
				return m.Title.In(p.lang) + " › " + e.Title.In(p.lang)
			}
		}
	}
	return id
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// View draws the title with the filter, the terms and the keys.
func (p *glossaryPage) View() string {
	c := p.c
	title := c.theme.Title.Render(i18n.Text{DE: "Glossar", EN: "Glossary"}.In(p.lang)) +
		c.theme.Faint.Render(fmt.Sprintf(" (%d/%d) ", p.matches, len(p.g.Terms))) + p.filter.View()
	body := fit(title, c.width, 1) + "\n\n" + p.vp.View()
	return fit(body, c.width, c.height-p.foot.height()) + "\n" + p.foot.view()
}

// Done reports whether the student went back home.
func (p *glossaryPage) Done() bool { return p.done }
