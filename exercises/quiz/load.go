package quiz

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"dsdemo/exercises/glossary"
	"dsdemo/models/i18n"
)

// Error is one mistake in a question file, at a line an editor can jump to.
type Error struct {
	File string
	Line int // counts from 1
	Msg  string
}

func (e Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Errors is every mistake found in a set of files, ordered by file and
// line. An instructor fixes them all in one go instead of one per run.
type Errors []Error

// Error puts one mistake on each line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) sort() {
	slices.SortStableFunc(es, func(a, b Error) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
}

// Load reads every *.yaml file in the top folder of fsys into one bank. If
// any file has a mistake, it returns an Errors with all of them, and no bank.
func Load(fsys fs.FS) (*Bank, error) { return load(fsys, "") }

// load is Load with dir put before each file name in errors and in
// Question.File.
func load(fsys fs.FS, dir string) (*Bank, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var (
		questions []*Question
		errs      Errors
	)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read question file: %w", err)
		}
		qs, es := parse(path.Join(dir, name), data)
		questions = append(questions, qs...)
		errs = append(errs, es...)
	}
	return newBank(questions, errs)
}

// LoadFile reads one question file. Errors name the file as path is written.
func LoadFile(file string) (*Bank, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read question file: %w", err)
	}
	return newBank(parse(file, data))
}

// newBank checks what only the whole bank can show, that ids are unique,
// and returns the bank or every error.
func newBank(questions []*Question, errs Errors) (*Bank, error) {
	seen := make(map[string]*Question)
	for _, q := range questions {
		if first, ok := seen[q.ID]; ok {
			errs = append(errs, Error{q.File, q.Line, fmt.Sprintf("duplicate id %q (first at %s:%d)", q.ID, first.File, first.Line)})
			continue
		}
		seen[q.ID] = q
	}
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	return &Bank{Questions: questions}, nil
}

// yamlLine finds the line in a YAML syntax error: "yaml: line 7: ...".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxHints explain the YAML errors that question files run into most.
var syntaxHints = map[string]string{
	"mapping values are not allowed in this context": `a text with ": " in it needs quotes`,
	"did not find expected ',' or '}'":               `a text in {...} with "?", ":" or "," needs quotes`,
	"found character that cannot start any token":    "a tab, or a text starting with a special character that needs quotes",
}

// parse reads one file. It keeps going after a mistake, so that the errors
// list all of them.
func parse(file string, data []byte) ([]*Question, Errors) {
	c := &checker{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		if hint := syntaxHints[msg]; hint != "" {
			msg += " (" + hint + ")"
		}
		return nil, Errors{{file, line, "YAML syntax: " + msg}}
	}
	if len(doc.Content) == 0 {
		return nil, Errors{{file, 1, "the file holds no questions"}}
	}
	list := resolve(doc.Content[0])
	if list.Kind != yaml.SequenceNode {
		c.errorf(list, "the file must be a list of questions, each starting with \"- id:\"")
		return nil, c.errs
	}
	// Questions with mistakes are returned too, so that their ids take part
	// in the check for duplicates; with any error there is no bank anyway.
	var questions []*Question
	for _, item := range list.Content {
		if q := c.question(resolve(item)); q != nil && q.ID != "" {
			questions = append(questions, q)
		}
	}
	return questions, c.errs
}

// checker collects the mistakes of one file.
type checker struct {
	file string
	errs Errors
}

func (c *checker) errorf(n *yaml.Node, format string, args ...any) {
	c.errs = append(c.errs, Error{c.file, n.Line, fmt.Sprintf(format, args...)})
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
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
		k, v := n.Content[i], resolve(n.Content[i+1])
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

// scalar is the value of a plain field, or "" with an error.
func (c *checker) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		c.errorf(n, "%s must be a single value", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// text reads {de: ..., en: ...}. An empty string counts as missing.
func (c *checker) text(n *yaml.Node, what string) i18n.Text {
	if n.Kind != yaml.MappingNode {
		c.errorf(n, "%s must be a text in each language, like {de: \"...\", en: \"...\"}", what)
		return i18n.Text{}
	}
	f := c.fields(n, what, "de", "en")
	var t i18n.Text
	if f == nil {
		return t
	}
	if v := f["de"]; v != nil {
		t.DE = c.scalar(v, what+" de")
	}
	if v := f["en"]; v != nil {
		t.EN = c.scalar(v, what+" en")
	}
	return t
}

// langs are the languages a question is written in; every other text of
// the question must have them too.
type langs struct{ de, en bool }

// need reports each language of the question that t lacks.
func (c *checker) need(n *yaml.Node, t i18n.Text, l langs, what string) {
	if l.de && t.DE == "" {
		c.errorf(n, "%s has no \"de\" text", what)
	}
	if l.en && t.EN == "" {
		c.errorf(n, "%s has no \"en\" text", what)
	}
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// The fields each kind uses besides the common ones.
var kindFields = map[Kind]string{Single: "choices", Multiple: "choices", Match: "pairs", Order: "steps", Short: "accept"}

func (c *checker) question(n *yaml.Node) *Question {
	f := c.fields(n, "a question", "id", "topic", "tags", "level", "kind", "question", "choices", "pairs", "steps", "accept", "explain", "terms")
	if f == nil {
		return nil
	}
	q := &Question{File: c.file, Line: n.Line}
	missing := func(field, hint string) {
		c.errorf(n, "no %q%s", field, hint)
	}

	if v := f["id"]; v == nil {
		missing("id", " (lower case letters, digits and dashes, unique in the bank)")
	} else if q.ID = c.scalar(v, "id"); q.ID != "" && !idPattern.MatchString(q.ID) {
		c.errorf(v, "id %q must be lower case letters, digits and dashes", q.ID)
	}

	if v := f["topic"]; v == nil {
		missing("topic", "")
	} else {
		q.Topic = c.topic(v)
	}
	if v := f["tags"]; v != nil {
		if v.Kind != yaml.SequenceNode {
			c.errorf(v, "tags must be a list, like [architecture, middleware]")
		}
		for _, t := range v.Content {
			if t = resolve(t); t.Kind == yaml.ScalarNode && t.Value == DeepeningTag {
				if q.Deepening {
					c.errorf(t, "tag %q is given twice", DeepeningTag)
				}
				q.Deepening = true
				continue
			}
			tag := c.tag(t)
			if tag != "" && (tag == q.Topic || slices.Contains(q.Tags, tag)) {
				c.errorf(t, "tag %q is given twice (topic and tags count once each)", tag)
				continue
			}
			if tag != "" {
				q.Tags = append(q.Tags, tag)
			}
		}
	}

	if v := f["level"]; v == nil {
		missing("level", " (1 easy, 2 medium, 3 hard)")
	} else if s := c.scalar(v, "level"); s == "1" || s == "2" || s == "3" {
		q.Level = int(s[0] - '0')
	} else if s != "" || v.Kind == yaml.ScalarNode {
		c.errorf(v, "level must be 1, 2 or 3, not %q", s)
	}

	if v := f["kind"]; v == nil {
		missing("kind", " (single, multiple, match, order or short)")
	} else if q.Kind = Kind(c.scalar(v, "kind")); !slices.Contains(Kinds, q.Kind) {
		c.errorf(v, "unknown kind %q (want single, multiple, match, order or short)", q.Kind)
		q.Kind = ""
	}

	var l langs
	if v := f["question"]; v == nil {
		missing("question", " (the question text with de and en)")
	} else {
		q.Text = c.text(v, "question")
		l = langs{de: q.Text.DE != "", en: q.Text.EN != ""}
		if !l.de && !l.en && v.Kind == yaml.MappingNode {
			c.errorf(v, "question has neither a \"de\" nor an \"en\" text")
		}
	}

	if v := f["explain"]; v == nil {
		missing("explain", ": every question needs an explanation, shown after answering")
	} else {
		q.Explain = c.text(v, "explain")
		c.need(v, q.Explain, l, "explain")
	}

	if v := f["terms"]; v != nil {
		q.Terms = c.terms(v)
	}

	// The kind decides which of choices, pairs, steps and accept it needs.
	for _, field := range []string{"choices", "pairs", "steps", "accept"} {
		if v := f[field]; v != nil && q.Kind != "" && kindFields[q.Kind] != field {
			c.errorf(v, "field %q does not belong to a %s question", field, q.Kind)
		}
	}
	if q.Kind != "" {
		field := kindFields[q.Kind]
		if v := f[field]; v == nil {
			missing(field, fmt.Sprintf(": a %s question needs it", q.Kind))
		} else {
			switch q.Kind {
			case Single, Multiple:
				c.choices(v, q, l)
			case Match:
				c.pairs(v, q, l)
			case Order:
				c.steps(v, q, l)
			case Short:
				c.accept(v, q, l)
			}
		}
	}
	return q
}

// terms reads `terms:`, ids of the glossary; the glossary file is read
// for them, so a term it lacks is a mistake here.
func (c *checker) terms(n *yaml.Node) []string {
	if n.Kind != yaml.SequenceNode {
		c.errorf(n, "terms must be a list of glossary ids, like [lease, jini]")
		return nil
	}
	known, err := glossary.IDs()
	if err != nil {
		c.errorf(n, "cannot check the terms: the glossary %s has mistakes (go test ./exercises/glossary/ lists them)", glossary.File)
		return nil
	}
	var ids []string
	for _, item := range n.Content {
		id := c.scalar(resolve(item), "a term")
		switch {
		case id == "":
		case !known[id]:
			c.errorf(item, "unknown term %q (want an id of %s)", id, glossary.File)
		case slices.Contains(ids, id):
			c.errorf(item, "term %q is given twice", id)
		default:
			ids = append(ids, id)
		}
	}
	return ids
}

// topic reads one topic tag and checks it is in the syllabus.
func (c *checker) topic(n *yaml.Node) string {
	tag := c.scalar(n, "topic")
	if _, ok := TopicByTag(tag); !ok {
		if tag != "" || n.Kind == yaml.ScalarNode {
			c.errorf(n, "unknown topic %q (want one of %s)", tag, strings.Join(topicTags(), ", "))
		}
		return ""
	}
	return tag
}

// tag reads one entry of `tags:`, a topic of the syllabus; DeepeningTag is
// read before.
func (c *checker) tag(n *yaml.Node) string {
	tag := c.scalar(n, "tag")
	if _, ok := TopicByTag(tag); !ok {
		if tag != "" || n.Kind == yaml.ScalarNode {
			c.errorf(n, "unknown tag %q (want %s or one of %s)", tag, DeepeningTag, strings.Join(topicTags(), ", "))
		}
		return ""
	}
	return tag
}

// list checks that n is a list of lo to hi items.
func (c *checker) list(n *yaml.Node, what string, lo, hi int) bool {
	if n.Kind != yaml.SequenceNode {
		c.errorf(n, "%s must be a list (each item starting with \"- \")", what)
		return false
	}
	if len(n.Content) < lo || len(n.Content) > hi {
		c.errorf(n, "needs %d to %d %s, has %d", lo, hi, what, len(n.Content))
	}
	return true
}

func (c *checker) choices(n *yaml.Node, q *Question, l langs) {
	if !c.list(n, "choices", 3, 6) {
		return
	}
	correct := 0
	for i, item := range n.Content {
		item = resolve(item)
		what := fmt.Sprintf("choice %d", i+1)
		f := c.fields(item, what, "de", "en", "correct")
		if f == nil {
			continue
		}
		var ch Choice
		if v := f["de"]; v != nil {
			ch.Text.DE = c.scalar(v, what+" de")
		}
		if v := f["en"]; v != nil {
			ch.Text.EN = c.scalar(v, what+" en")
		}
		c.need(item, ch.Text, l, what)
		if v := f["correct"]; v != nil {
			switch c.scalar(v, "correct") {
			case "true":
				ch.Correct = true
				correct++
			case "false":
			default:
				c.errorf(v, "correct must be true or false, not %q", v.Value)
			}
		}
		q.Choices = append(q.Choices, ch)
	}
	switch {
	case q.Kind == Single && correct != 1:
		c.errorf(n, "a single question needs exactly one correct choice, has %d", correct)
	case q.Kind == Multiple && correct == 0:
		c.errorf(n, "a multiple question needs at least one correct choice, has none")
	}
}

func (c *checker) pairs(n *yaml.Node, q *Question, l langs) {
	if !c.list(n, "pairs", 3, 6) {
		return
	}
	for i, item := range n.Content {
		item = resolve(item)
		what := fmt.Sprintf("pair %d", i+1)
		f := c.fields(item, what, "left", "right")
		if f == nil {
			continue
		}
		var p Pair
		for _, side := range []struct {
			name string
			t    *i18n.Text
		}{{"left", &p.Left}, {"right", &p.Right}} {
			if v := f[side.name]; v == nil {
				c.errorf(item, "%s has no %q", what, side.name)
			} else {
				*side.t = c.text(v, what+" "+side.name)
				c.need(v, *side.t, l, what+" "+side.name)
			}
		}
		// Two equal right sides would make two answers right.
		for j, other := range q.Pairs {
			if p.Right != (i18n.Text{}) && other.Right == p.Right {
				c.errorf(item, "pair %d has the same right side as pair %d; each right side must differ", i+1, j+1)
			}
		}
		q.Pairs = append(q.Pairs, p)
	}
}

func (c *checker) steps(n *yaml.Node, q *Question, l langs) {
	if !c.list(n, "steps", 3, 8) {
		return
	}
	for i, item := range n.Content {
		what := fmt.Sprintf("step %d", i+1)
		t := c.text(resolve(item), what)
		c.need(item, t, l, what)
		q.Steps = append(q.Steps, t)
	}
}

func (c *checker) accept(n *yaml.Node, q *Question, l langs) {
	f := c.fields(n, "accept", "de", "en")
	if f == nil {
		return
	}
	words := func(lang string) []string {
		v := f[lang]
		if v == nil {
			return nil
		}
		if v.Kind != yaml.SequenceNode {
			c.errorf(v, "accept %s must be a list of keywords, like [Marshalling, Serialisierung]", lang)
			return nil
		}
		var out []string
		for _, w := range v.Content {
			if s := c.scalar(resolve(w), "keyword"); s != "" {
				out = append(out, s)
			} else if w.Kind == yaml.ScalarNode {
				c.errorf(w, "empty keyword in accept %s", lang)
			}
		}
		return out
	}
	q.Accept = Keywords{DE: words("de"), EN: words("en")}
	if l.de && len(q.Accept.DE) == 0 {
		c.errorf(n, "accept has no \"de\" keywords")
	}
	if l.en && len(q.Accept.EN) == 0 {
		c.errorf(n, "accept has no \"en\" keywords")
	}
}
