package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"dsdemo/exercises/glossary"
	"dsdemo/exercises/quiz"
	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
)

const glossaryUsage = `usage: dsdemo glossary [--lang de|en] [--format text|markdown] [TERM]

Lists every term of the lecture alphabetically, with a one-line definition
and the demos, quiz questions and exercises where it is seen. With TERM, only
the terms whose id or word (German or English) is TERM or starts with it.

flags:
`

// runGlossary is `dsdemo glossary`.
func runGlossary(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("glossary", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lang := fs.String("lang", i18n.FromEnv(), "language of the terms: `de` or en (default from $LANG)")
	format := fs.String("format", "text", "`text` (wrapped at 80 columns) or markdown")
	// Flags may come after the term too: dsdemo glossary lease --lang en.
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, glossaryUsage)
				fs.SetOutput(stdout)
				fs.PrintDefaults()
				return nil
			}
			return usageErr(fmt.Sprintf("glossary: %v (see dsdemo glossary --help)", err))
		}
		if fs.NArg() == 0 {
			break
		}
		words, args = append(words, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case !i18n.Known(*lang):
		return usageErr(fmt.Sprintf("--lang must be de or en, not %q", *lang))
	case *format != "text" && *format != "markdown":
		return usageErr(fmt.Sprintf("--format must be text or markdown, not %q", *format))
	}

	g, err := glossary.Embedded()
	if err != nil {
		return err
	}
	if bank, err := quiz.Embedded(); err == nil {
		for _, q := range bank.Questions {
			g.LinkQuestions(q.ID, q.Terms)
		}
	}
	terms := g.Sorted(*lang)
	if query := strings.Join(words, " "); query != "" {
		if terms = g.Find(query, *lang); len(terms) == 0 {
			return fmt.Errorf("no term of the glossary is or starts with %q; dsdemo glossary lists them all", query)
		}
	}
	w := glossaryWriter{g: g, lang: *lang, markdown: *format == "markdown"}
	return w.write(stdout, terms, len(words) == 0)
}

// glossaryWriter writes terms as text or Markdown.
type glossaryWriter struct {
	g        *glossary.Glossary
	lang     string
	markdown bool
}

func (w glossaryWriter) write(out io.Writer, terms []*glossary.Term, all bool) error {
	var b strings.Builder
	if all {
		title := i18n.Text{DE: "Glossar", EN: "Glossary"}.In(w.lang)
		count := i18n.Text{DE: "%d Begriffe", EN: "%d terms"}.In(w.lang)
		if w.markdown {
			fmt.Fprintf(&b, "# %s\n\n"+count+".\n\n", title, len(terms))
		} else {
			fmt.Fprintf(&b, "%s ("+count+")\n\n", title, len(terms))
		}
	}
	other := map[string]string{i18n.DE: i18n.EN, i18n.EN: i18n.DE}[w.lang]
	for i, t := range terms {
		if i > 0 {
			b.WriteString("\n")
		}
		word, also := t.Term.In(w.lang), t.Term.In(other)
		if w.markdown {
			fmt.Fprintf(&b, "## %s\n\n*%s* (%s)\n\n%s\n\n", word, also, other, t.Def.In(w.lang))
			for _, l := range w.g.Links(t, w.lang, w.demoName) {
				fmt.Fprintf(&b, "- %s\n", l)
			}
			continue
		}
		fmt.Fprintf(&b, "%s · %s\n", word, also)
		b.WriteString(indent(ansi.Wrap(t.Def.In(w.lang), 78, ""), "  ") + "\n")
		for _, l := range w.g.Links(t, w.lang, w.demoName) {
			b.WriteString(indent(ansi.Wrap(l.String(), 78, ""), "  ") + "\n")
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// demoName names a demo link as the home page does, with the id a student
// can find it by.
func (w glossaryWriter) demoName(id string) string {
	model, exp, _ := strings.Cut(id, "/")
	m, ok := catalog.ByID(model)
	if !ok {
		return id
	}
	name := m.Title.In(w.lang)
	for _, e := range m.Experiments {
		if e.ID == exp {
			name += " › " + e.Title.In(w.lang)
		}
	}
	return name + " (" + id + ")"
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
