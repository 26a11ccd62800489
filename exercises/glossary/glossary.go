package glossary

import (
	_ "embed"
	"slices"
	"strings"
	"sync"

	"dsdemo/models/i18n"
)

// File is where the glossary is in the repository; errors of the embedded
// glossary name it, so an editor can open it.
const File = "exercises/glossary/glossary.yaml"

//go:embed glossary.yaml
var embedded []byte

// Term is one entry of the glossary.
type Term struct {
	ID   string
	Term i18n.Text // the word itself
	Def  i18n.Text // what it means, in one line
	Seen Seen      // where a student sees it at work
	See  []string  // ids of related terms

	Line      int // where the term is written, for error messages
	seenLines seenLines
	seeLines  []int
}

// Seen is where a term is seen at work.
type Seen struct {
	Demos     []string // a model id of the catalogue, or "model/experiment"
	Questions []string // question ids of the quiz bank
	Exercises []string // coding exercises, by their folder under exercises/
}

// Glossary is every term, in the order of the file.
type Glossary struct {
	Terms []*Term
	File  string
}

// Embedded reads the glossary built into the program; the caller owns
// what it gets and may change it (LinkQuestions).
func Embedded() (*Glossary, error) { return Parse(File, embedded) }

// IDs are the term ids of the embedded glossary, read once: what a quiz
// question's terms: may name. The error is the glossary's own mistakes.
var IDs = sync.OnceValues(func() (map[string]bool, error) {
	g, err := Embedded()
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(g.Terms))
	for _, t := range g.Terms {
		ids[t.ID] = true
	}
	return ids, nil
})

// ByID returns the term with the given id, or nil.
func (g *Glossary) ByID(id string) *Term {
	for _, t := range g.Terms {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Sorted returns the terms in the alphabetical order of their word in lang,
// as a dictionary sorts: case ignored, Ä with A, ß as ss.
func (g *Glossary) Sorted(lang string) []*Term {
	out := slices.Clone(g.Terms)
	slices.SortStableFunc(out, func(a, b *Term) int {
		return strings.Compare(sortKey(a.Term.In(lang)), sortKey(b.Term.In(lang)))
	})
	return out
}

// dictionary spells umlauts and ß as a German dictionary sorts them.
var dictionary = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss")

func sortKey(word string) string { return dictionary.Replace(fold(word)) }

// Find returns the terms a student means by query: the one whose id or word
// (in either language) is query, ignoring case; failing that, every term
// whose id or word starts with it, in the order of lang. None: no term matches.
func (g *Glossary) Find(query, lang string) []*Term {
	q := fold(query)
	if q == "" {
		return nil
	}
	for _, t := range g.Terms {
		if t.ID == q || fold(t.Term.DE) == q || fold(t.Term.EN) == q {
			return []*Term{t}
		}
	}
	var out []*Term
	for _, t := range g.Sorted(lang) {
		if strings.HasPrefix(t.ID, q) || strings.HasPrefix(fold(t.Term.DE), q) || strings.HasPrefix(fold(t.Term.EN), q) {
			out = append(out, t)
		}
	}
	return out
}

// Matches reports whether the term's id, word or definition in either
// language contains s, ignoring case: the filter of the TUI page.
func (t *Term) Matches(s string) bool {
	s = fold(s)
	for _, text := range []string{t.ID, t.Term.DE, t.Term.EN, t.Def.DE, t.Def.EN} {
		if strings.Contains(fold(text), s) {
			return true
		}
	}
	return false
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
