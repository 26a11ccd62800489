package quiz

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"dsdemo/exercises/glossary"
	"dsdemo/models/i18n"
	"dsdemo/models/yamlfile"
)

// Error is one mistake in a question file, at a line an editor can jump to.
type Error = yamlfile.Error

// Errors is every mistake found in a set of files, ordered by file and
// line. An instructor fixes them all in one go instead of one per run.
type Errors = yamlfile.Errors

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
			errs = append(errs, Error{File: q.File, Line: q.Line, Msg: fmt.Sprintf("duplicate id %q (first at %s:%d)", q.ID, first.File, first.Line)})
			continue
		}
		seen[q.ID] = q
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &Bank{Questions: questions}, nil
}

// parse reads one file. It keeps going after a mistake, so that the errors
// list all of them.
func parse(file string, data []byte) ([]*Question, Errors) {
	c := &checker{yamlfile.Reader{File: file}}
	list, err := c.Parse(data)
	if err != nil {
		return nil, c.Errs
	}
	if list == nil {
		return nil, Errors{{File: file, Line: 1, Msg: "the file holds no questions"}}
	}
	if list.Kind != yaml.SequenceNode {
		c.Errorf(list, "the file must be a list of questions, each starting with \"- id:\"")
		return nil, c.Errs
	}
	// Questions with mistakes are returned too, so that their ids take part
	// in the check for duplicates; with any error there is no bank anyway.
	var questions []*Question
	for _, item := range list.Content {
		if q := c.question(yamlfile.Resolve(item)); q != nil && q.ID != "" {
			questions = append(questions, q)
		}
	}
	return questions, c.Errs
}

// checker reads one question file; its methods read the parts of a
// question.
type checker struct{ yamlfile.Reader }

// langs are the languages a question is written in; every other text of
// the question must have them too.
type langs struct{ de, en bool }

// need reports each language of the question that t lacks.
func (c *checker) need(n *yaml.Node, t i18n.Text, l langs, what string) {
	if l.de && t.DE == "" {
		c.Errorf(n, "%s has no \"de\" text", what)
	}
	if l.en && t.EN == "" {
		c.Errorf(n, "%s has no \"en\" text", what)
	}
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// The fields each kind uses besides the common ones.
var kindFields = map[Kind]string{Single: "choices", Multiple: "choices", Match: "pairs", Order: "steps", Short: "accept"}

func (c *checker) question(n *yaml.Node) *Question {
	f := c.Fields(n, "a question", []string{"id", "topic", "tags", "level", "kind", "question", "choices", "pairs", "steps", "accept", "explain", "terms"})
	if f == nil {
		return nil
	}
	q := &Question{File: c.File, Line: n.Line}
	missing := func(field, hint string) {
		c.Errorf(n, "no %q%s", field, hint)
	}

	if v := f["id"]; v == nil {
		missing("id", " (lower case letters, digits and dashes, unique in the bank)")
	} else if q.ID = c.Scalar(v, "id"); q.ID != "" && !idPattern.MatchString(q.ID) {
		c.Errorf(v, "id %q must be lower case letters, digits and dashes", q.ID)
	}

	if v := f["topic"]; v == nil {
		missing("topic", "")
	} else {
		q.Topic = c.topic(v)
	}
	if v := f["tags"]; v != nil {
		if v.Kind != yaml.SequenceNode {
			c.Errorf(v, "tags must be a list, like [architecture, middleware]")
		}
		for _, t := range v.Content {
			if t = yamlfile.Resolve(t); t.Kind == yaml.ScalarNode && t.Value == DeepeningTag {
				if q.Deepening {
					c.Errorf(t, "tag %q is given twice", DeepeningTag)
				}
				q.Deepening = true
				continue
			}
			tag := c.tag(t)
			if tag != "" && (tag == q.Topic || slices.Contains(q.Tags, tag)) {
				c.Errorf(t, "tag %q is given twice (topic and tags count once each)", tag)
				continue
			}
			if tag != "" {
				q.Tags = append(q.Tags, tag)
			}
		}
	}

	if v := f["level"]; v == nil {
		missing("level", " (1 easy, 2 medium, 3 hard)")
	} else if s := c.Scalar(v, "level"); s == "1" || s == "2" || s == "3" {
		q.Level = int(s[0] - '0')
	} else if s != "" || v.Kind == yaml.ScalarNode {
		c.Errorf(v, "level must be 1, 2 or 3, not %q", s)
	}

	if v := f["kind"]; v == nil {
		missing("kind", " (single, multiple, match, order or short)")
	} else if q.Kind = Kind(c.Scalar(v, "kind")); !slices.Contains(Kinds, q.Kind) {
		c.Errorf(v, "unknown kind %q (want single, multiple, match, order or short)", q.Kind)
		q.Kind = ""
	}

	var l langs
	if v := f["question"]; v == nil {
		missing("question", " (the question text with de and en)")
	} else {
		q.Text = c.Text(v, "question")
		l = langs{de: q.Text.DE != "", en: q.Text.EN != ""}
		if !l.de && !l.en && v.Kind == yaml.MappingNode {
			c.Errorf(v, "question has neither a \"de\" nor an \"en\" text")
		}
	}

	if v := f["explain"]; v == nil {
		missing("explain", ": every question needs an explanation, shown after answering")
	} else {
		q.Explain = c.Text(v, "explain")
		c.need(v, q.Explain, l, "explain")
	}

	if v := f["terms"]; v != nil {
		q.Terms = c.terms(v)
	}

	// The kind decides which of choices, pairs, steps and accept it needs.
	for _, field := range []string{"choices", "pairs", "steps", "accept"} {
		if v := f[field]; v != nil && q.Kind != "" && kindFields[q.Kind] != field {
			c.Errorf(v, "field %q does not belong to a %s question", field, q.Kind)
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
		c.Errorf(n, "terms must be a list of glossary ids, like [lease, jini]")
		return nil
	}
	known, err := glossary.IDs()
	if err != nil {
		c.Errorf(n, "cannot check the terms: the glossary %s has mistakes (go test ./exercises/glossary/ lists them)", glossary.File)
		return nil
	}
	var ids []string
	for _, item := range n.Content {
		id := c.Scalar(yamlfile.Resolve(item), "a term")
		switch {
		case id == "":
		case !known[id]:
			c.Errorf(item, "unknown term %q (want an id of %s)", id, glossary.File)
		case slices.Contains(ids, id):
			c.Errorf(item, "term %q is given twice", id)
		default:
			ids = append(ids, id)
		}
	}
	return ids
}

// topic reads one topic tag and checks it is in the syllabus.
func (c *checker) topic(n *yaml.Node) string {
	tag := c.Scalar(n, "topic")
	if _, ok := TopicByTag(tag); !ok {
		if tag != "" || n.Kind == yaml.ScalarNode {
			c.Errorf(n, "unknown topic %q (want one of %s)", tag, strings.Join(topicTags(), ", "))
		}
		return ""
	}
	return tag
}

// tag reads one entry of `tags:`, a topic of the syllabus; DeepeningTag is
// read before.
func (c *checker) tag(n *yaml.Node) string {
	tag := c.Scalar(n, "tag")
	if _, ok := TopicByTag(tag); !ok {
		if tag != "" || n.Kind == yaml.ScalarNode {
			c.Errorf(n, "unknown tag %q (want %s or one of %s)", tag, DeepeningTag, strings.Join(topicTags(), ", "))
		}
		return ""
	}
	return tag
}

// list checks that n is a list of lo to hi items.
func (c *checker) list(n *yaml.Node, what string, lo, hi int) bool {
	if n.Kind != yaml.SequenceNode {
		c.Errorf(n, "%s must be a list (each item starting with \"- \")", what)
		return false
	}
	if len(n.Content) < lo || len(n.Content) > hi {
		c.Errorf(n, "needs %d to %d %s, has %d", lo, hi, what, len(n.Content))
	}
	return true
}

func (c *checker) choices(n *yaml.Node, q *Question, l langs) {
	if !c.list(n, "choices", 3, 6) {
		return
	}
	correct := 0
	for i, item := range n.Content {
		item = yamlfile.Resolve(item)
		what := fmt.Sprintf("choice %d", i+1)
		f := c.Fields(item, what, []string{"de", "en", "correct"})
		if f == nil {
			continue
		}
		var ch Choice
		if v := f["de"]; v != nil {
			ch.Text.DE = c.Scalar(v, what+" de")
		}
		if v := f["en"]; v != nil {
			ch.Text.EN = c.Scalar(v, what+" en")
		}
		c.need(item, ch.Text, l, what)
		if v := f["correct"]; v != nil {
			switch c.Scalar(v, "correct") {
			case "true":
				ch.Correct = true
				correct++
			case "false":
			default:
				c.Errorf(v, "correct must be true or false, not %q", v.Value)
			}
		}
		q.Choices = append(q.Choices, ch)
	}
	switch {
	case q.Kind == Single && correct != 1:
		c.Errorf(n, "a single question needs exactly one correct choice, has %d", correct)
	case q.Kind == Multiple && correct == 0:
		c.Errorf(n, "a multiple question needs at least one correct choice, has none")
	}
}

func (c *checker) pairs(n *yaml.Node, q *Question, l langs) {
	if !c.list(n, "pairs", 3, 6) {
		return
	}
	for i, item := range n.Content {
		item = yamlfile.Resolve(item)
		what := fmt.Sprintf("pair %d", i+1)
		f := c.Fields(item, what, []string{"left", "right"})
		if f == nil {
			continue
		}
		var p Pair
		for _, side := range []struct {
			name string
			t    *i18n.Text
		}{{"left", &p.Left}, {"right", &p.Right}} {
			if v := f[side.name]; v == nil {
				c.Errorf(item, "%s has no %q", what, side.name)
			} else {
				*side.t = c.Text(v, what+" "+side.name)
				c.need(v, *side.t, l, what+" "+side.name)
			}
		}
		// Two equal right sides would make two answers right.
		for j, other := range q.Pairs {
			if p.Right != (i18n.Text{}) && other.Right == p.Right {
				c.Errorf(item, "pair %d has the same right side as pair %d; each right side must differ", i+1, j+1)
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
		t := c.Text(yamlfile.Resolve(item), what)
		c.need(item, t, l, what)
		q.Steps = append(q.Steps, t)
	}
}

func (c *checker) accept(n *yaml.Node, q *Question, l langs) {
	f := c.Fields(n, "accept", []string{"de", "en"})
	if f == nil {
		return
	}
	words := func(lang string) []string {
		v := f[lang]
		if v == nil {
			return nil
		}
		if v.Kind != yaml.SequenceNode {
			c.Errorf(v, "accept %s must be a list of keywords, like [Marshalling, Serialisierung]", lang)
			return nil
		}
		var out []string
		for _, w := range v.Content {
			if s := c.Scalar(yamlfile.Resolve(w), "keyword"); s != "" {
				out = append(out, s)
			} else if w.Kind == yaml.ScalarNode {
				c.Errorf(w, "empty keyword in accept %s", lang)
			}
		}
		return out
	}
	q.Accept = Keywords{DE: words("de"), EN: words("en")}
	if l.de && len(q.Accept.DE) == 0 {
		c.Errorf(n, "accept has no \"de\" keywords")
	}
	if l.en && len(q.Accept.EN) == 0 {
		c.Errorf(n, "accept has no \"en\" keywords")
	}
}
