package screen

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// captionBox is the experiment's caption above the picture. It is never
// cut: it wraps to the width, and layout gives it every line it needs (up
// to the window), so the panes below give way.
type captionBox struct {
	c      *common
	text   string // wrapped and styled
	height int
}

func (b *captionBox) layout(text string, width, most int) {
	if text == "" {
		b.text, b.height = "", 0
		return
	}
	wrapped := wrap(text, width)
	b.height = min(lipgloss.Height(wrapped), most)
	b.text = b.c.theme.Caption.Render(fit(wrapped, width, b.height))
}

func (b *captionBox) view() string { return b.text }

// footer lists the keys of a page with the help bubble: on one line when
// they fit, else folded onto two; when even two lines are too few, the
// help key says "? more", and it and the way back are always shown.
type footer struct {
	c     *common
	lines []string
}

func (f *footer) height() int { return len(f.lines) }

func (f *footer) view() string { return strings.Join(f.lines, "\n") }

// layout folds keys into lines of at most width cells.
func (f *footer) layout(keys []binding, width int) {
	lang := f.c.lang
	var body, tail []key.Binding // tail: the help and the way back, always shown
	for _, b := range helpKeys(keys, lang, false) {
		if b.Help().Key == "?" || b.Help().Key == "q" {
			tail = append(tail, b)
		} else {
			body = append(body, b)
		}
	}
	h := f.c.help
	h.ShortSeparator = "  "
	sep := lipgloss.Width(h.ShortSeparator)
	itemW := func(b key.Binding) int { return lipgloss.Width(b.Help().Key) + 1 + lipgloss.Width(b.Help().Desc) + sep }
	lineW := func(bs []key.Binding) int {
		w := 0
		for _, b := range bs {
			w += itemW(b)
		}
		return w
	}
	// fill takes from body what fits in room.
	fill := func(room int) []key.Binding {
		var line []key.Binding
		for len(body) > 0 && lineW(line)+itemW(body[0]) <= room {
			line, body = append(line, body[0]), body[1:]
		}
		return line
	}
	if lineW(body)+lineW(tail) <= width+sep {
		f.lines = []string{h.ShortHelpView(append(body, tail...))}
		return
	}
	first := fill(width + sep)
	second := fill(width + sep - lineW(tail))
	if len(body) > 0 { // still keys left: ? says there are more
		for i, b := range tail {
			if b.Help().Key == "?" {
				tail[i] = key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp("?", f.c.t("mehr", "more")))
			}
		}
		for len(second) > 0 && lineW(second)+lineW(tail) > width+sep {
			second = second[:len(second)-1]
		}
	}
	f.lines = []string{h.ShortHelpView(first), h.ShortHelpView(append(second, tail...))}
}
