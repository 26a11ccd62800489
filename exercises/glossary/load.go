package glossary

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"dsdemo/models/i18n"
)

// Error is one mistake in the glossary, at a line an editor can jump to.
type Error struct {
	File string
	Line int // counts from 1
	Msg  string
}

func (e Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Errors is every mistake found, ordered by line.
type Errors []Error

// Error puts one mistake on each line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) sorted() Errors {
	slices.SortStableFunc(es, func(a, b Error) int { return a.Line - b.Line })
	return es
}

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
	c := &checker{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		return nil, Errors{{file, line, "YAML syntax: " + msg}}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil, Errors{{file, 1, `the glossary must be a list of terms, each starting with "- id:"`}}
	}
	g := &Glossary{File: file}
	first := make(map[string]*Term)
	for _, item := range doc.Content[0].Content {
		t := c.term(item)
		if t == nil || t.ID == "" {
			continue
		}
		if f, ok := first[t.ID]; ok {
			c.errorf(item, "duplicate id %q (first at line %d)", t.ID, f.Line)
			continue
		}
		first[t.ID] = t
		g.Terms = append(g.Terms, t)
	}
	for _, t := range g.Terms {
		for i, id := range t.See {
			if first[id] == nil {
				c.errs = append(c.errs, Error{file, t.seeLines[i], fmt.Sprintf("see: %q is no term of the glossary", id)})
			}
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs.sorted()
	}
	return g, nil
}

// yamlLine finds the line in a YAML syntax error: "yaml: line 7: ...".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// IDPattern is what a term id looks like; the bank checks its terms: with it too.
var IDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checker collects the mistakes of one file.
type checker struct {
	file string
	errs Errors
}

func (c *checker) errorf(n *yaml.Node, format string, args ...any) {
	c.errs = append(c.errs, Error{c.file, n.Line, fmt.Sprintf(format, args...)})
}

// fields reads a mapping into key → value, reporting keys not in known and
// keys written twice. It returns nil if n is not a mapping.
func (c *checker) fields(n *yaml.Node, what string, known ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		c.errorf(n, "%s must be a mapping of fields (key: value)", what)
		return nil
	}
	m := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(known, k.Value):
			c.errorf(k, "unknown field %q in %s (want one of %s)", k.Value, what, strings.Join(known, ", "))
		case m[k.Value] != nil:
			c.errorf(k, "field %q is written twice in %s", k.Value, what)
		default:
			m[k.Value] = v
		}
	}
	return m
}

func (c *checker) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		c.errorf(n, "%s must be a single value", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// text reads {de: ..., en: ...}; both languages are needed, in one line each.
func (c *checker) text(n *yaml.Node, what string) i18n.Text {
	f := c.fields(n, what, "de", "en")
	var t i18n.Text
	if f == nil {
		return t
	}
	for _, l := range []struct {
		lang string
		s    *string
	}{{"de", &t.DE}, {"en", &t.EN}} {
		v := f[l.lang]
		if v == nil {
			c.errorf(n, "%s has no %q text", what, l.lang)
			continue
		}
		if *l.s = c.scalar(v, what+" "+l.lang); *l.s == "" && v.Kind == yaml.ScalarNode {
			c.errorf(v, "%s %s is empty", what, l.lang)
		}
		if strings.Contains(*l.s, "\n") {
			c.errorf(v, "%s %s must be one line", what, l.lang)
		}
	}
	return t
}

// ids reads a list of ids, like [lease, jini].
func (c *checker) ids(n *yaml.Node, what string) (ids []string, lines []int) {
	if n.Kind != yaml.SequenceNode {
		c.errorf(n, "%s must be a list, like [a, b]", what)
		return nil, nil
	}
	for _, item := range n.Content {
		if id := c.scalar(item, what); id != "" {
			ids = append(ids, id)
			lines = append(lines, item.Line)
		}
	}
	return ids, lines
}

func (c *checker) term(n *yaml.Node) *Term {
	f := c.fields(n, "a term", "id", "term", "def", "seen", "see")
	if f == nil {
		return nil
	}
	t := &Term{Line: n.Line}
	if v := f["id"]; v == nil {
		c.errorf(n, `no "id" (lower case letters, digits and dashes, unique in the glossary)`)
	} else if t.ID = c.scalar(v, "id"); t.ID != "" && !IDPattern.MatchString(t.ID) {
		c.errorf(v, "id %q must be lower case letters, digits and dashes", t.ID)
	}
	for _, x := range []struct {
		field string
		text  *i18n.Text
	}{{"term", &t.Term}, {"def", &t.Def}} {
		if v := f[x.field]; v == nil {
			c.errorf(n, "no %q (a text in each language, like {de: \"...\", en: \"...\"})", x.field)
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
			c.errorf(v, "see: a term does not refer to itself")
		}
	}
	return t
}

func (c *checker) seen(n *yaml.Node) (Seen, seenLines) {
	var s Seen
	var l seenLines
	f := c.fields(n, "seen", "demos", "questions", "exercises")
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
