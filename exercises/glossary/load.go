package glossary

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"dsdemo/models/i18n"
	"dsdemo/models/yamlfile"
)

// Error is one mistake in the glossary, at a line an editor can jump to.
type Error = yamlfile.Error

// Errors is every mistake found, ordered by line.
type Errors = yamlfile.Errors

// LoadFile reads a glossary file; errors name it as file is written.
func LoadFile(file string) (*Glossary, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read glossary: %w", err)
	}
	return Parse(file, data)
}

// Parse reads a glossary written in data, naming file in errors. If it has
// any mistake, Parse returns an Errors with all of them, and no glossary.
func Parse(file string, data []byte) (*Glossary, error) {
	c := &checker{yamlfile.Reader{File: file}}
	root, err := c.Parse(data)
	if err != nil {
		return nil, err
	}
	if root == nil || root.Kind != yaml.SequenceNode {
		return nil, Errors{{File: file, Line: 1, Msg: `the glossary must be a list of terms, each starting with "- id:"`}}
	}
	g := &Glossary{File: file}
	first := make(map[string]*Term)
	for _, item := range root.Content {
		t := c.term(item)
		if t == nil || t.ID == "" {
			continue
		}
		if f, ok := first[t.ID]; ok {
			c.Errorf(item, "duplicate id %q (first at line %d)", t.ID, f.Line)
			continue
		}
		first[t.ID] = t
		g.Terms = append(g.Terms, t)
	}
	for _, t := range g.Terms {
		for i, id := range t.See {
			if first[id] == nil {
				c.Errs = append(c.Errs, Error{File: file, Line: t.seeLines[i], Msg: fmt.Sprintf("see: %q is no term of the glossary", id)})
			}
		}
	}
	if err := c.Errs.Err(); err != nil {
		return nil, err
	}
	return g, nil
}

// IDPattern is what a term id looks like; the bank checks its terms: with it too.
var IDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checker reads one glossary file; its methods read the parts of a term.
type checker struct{ yamlfile.Reader }

// text reads {de: ..., en: ...}; both languages are needed, in one line each.
func (c *checker) text(n *yaml.Node, what string) i18n.Text {
	t := c.Text(n, what)
	if n.Kind != yaml.MappingNode {
		return t
	}
	for _, l := range []struct{ lang, s string }{{"de", t.DE}, {"en", t.EN}} {
		switch v := yamlfile.Lookup(n, l.lang); {
		case v == nil:
			c.Errorf(n, "%s has no %q text", what, l.lang)
		case l.s == "" && v.Kind == yaml.ScalarNode:
			c.Errorf(v, "%s %s is empty", what, l.lang)
		case strings.Contains(l.s, "\n"):
			c.Errorf(v, "%s %s must be one line", what, l.lang)
		}
	}
	return t
}

// ids reads a list of ids, like [lease, jini].
func (c *checker) ids(n *yaml.Node, what string) (ids []string, lines []int) {
	if n.Kind != yaml.SequenceNode {
		c.Errorf(n, "%s must be a list, like [a, b]", what)
		return nil, nil
	}
	for _, item := range n.Content {
		if id := c.Scalar(item, what); id != "" {
			ids = append(ids, id)
			lines = append(lines, item.Line)
		}
	}
	return ids, lines
}

func (c *checker) term(n *yaml.Node) *Term {
	f := c.Fields(n, "a term", []string{"id", "term", "def", "seen", "see"})
	if f == nil {
		return nil
	}
	t := &Term{Line: n.Line}
	if v := f["id"]; v == nil {
		c.Errorf(n, `no "id" (lower case letters, digits and dashes, unique in the glossary)`)
	} else if t.ID = c.Scalar(v, "id"); t.ID != "" && !IDPattern.MatchString(t.ID) {
		c.Errorf(v, "id %q must be lower case letters, digits and dashes", t.ID)
	}
	for _, x := range []struct {
		field string
		text  *i18n.Text
	}{{"term", &t.Term}, {"def", &t.Def}} {
		if v := f[x.field]; v == nil {
			c.Errorf(n, "no %q (a text in each language, like {de: \"...\", en: \"...\"})", x.field)
		} else {
			*x.text = c.text(v, x.field)
		}
	}
	if v := f["seen"]; v != nil {
		t.Seen, t.seenLines = c.seen(v)
	}
	if v := f["see"]; v != nil {
		t.See, t.seeLines = c.ids(v, "see")
		if slices.Contains(t.See, t.ID) {
			c.Errorf(v, "see: a term does not refer to itself")
		}
	}
	return t
}

func (c *checker) seen(n *yaml.Node) (Seen, seenLines) {
	var s Seen
	var l seenLines
	f := c.Fields(n, "seen", []string{"demos", "questions", "exercises"})
	if v := f["demos"]; v != nil {
		s.Demos, l.demos = c.ids(v, "a demo")
	}
	if v := f["questions"]; v != nil {
		s.Questions, l.questions = c.ids(v, "a question")
	}
	if v := f["exercises"]; v != nil {
		s.Exercises, l.exercises = c.ids(v, "an exercise")
	}
	return s, l
}

// seenLines are the lines of a term's links, for Check's errors.
type seenLines struct{ demos, questions, exercises []int }
