package catalog

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
)

// An experiment file is YAML, written to be read by an instructor who
// knows no Go (experiments/README.md has the whole format, in German and
// English):
//
//	model: clientserver
//	id: server-crash
//	title: {de: Der Server stürzt ab, en: The server crashes}
//	summary: {de: ..., en: ...}
//	steps:
//	  - kill: server
//	    caption: {de: ..., en: ...}
//	  - wait: {kind: recv, node: client-1, type: get_ok, field: found, is: "false"}
//	    caption: {de: ..., en: ...}
//
// A step names its kind by its first word (kill, wait, ...) and the node
// it acts on after it; a step with none of them only shows its caption.
// ParseExperiment reads such a file; Model.ValidateExperiment checks it
// against its model. Every mistake comes back as an Error with the file
// and line it is on.

// Error is one mistake in an experiment file, at a line an editor can
// jump to.
type Error struct {
	File string
	Line int // counts from 1
	Msg  string
}

func (e Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Errors is every mistake found in a file, by line, one per line when
// printed: an instructor fixes them all in one go, not one per run.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// err returns es as an error, nil when there are none.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	slices.SortStableFunc(es, func(a, b Error) int {
		return cmp.Or(strings.Compare(a.File, b.File), a.Line-b.Line)
	})
	return es
}

// The words of an experiment file. A step's kind is one of stepKinds, its
// other fields are stepFields; which kind a field belongs to is
// fieldOf.
var (
	fileFields  = []string{"model", "id", "title", "summary", "notes", "steps"}
	noteFields  = []string{"goal", "ask", "misconception", "slide"}
	stepKinds   = []StepKind{StepCaption, StepStart, StepDo, StepKill, StepFreeze, StepThaw, StepRestart, StepPartition, StepHeal, StepFault, StepWait, StepPredict}
	stepFields  = []string{"caption", "cmd", "from", "oneway", "choices", "answer", "explain", "claims"}
	fieldOf     = map[string]StepKind{"cmd": StepDo, "from": StepPartition, "oneway": StepPartition, "choices": StepPredict, "answer": StepPredict, "explain": StepPredict}
	waitFields  = []string{"kind", "node", "type", "from", "fault", "field", "is", "key", "value", "text"}
	holdFields  = []string{"node", "type", "from", "field", "is"}
	faultFields = []string{"node", "op", "ms", "p", "on"}
	claimFields = []string{"node", "key", "value"}
)

// yamlLine finds the line in a YAML syntax error: "yaml: line 7: ...".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxHints explain the YAML mistakes a hand-written file runs into most.
var syntaxHints = map[string]string{
	"mapping values are not allowed in this context": `a text with ": " in it needs quotes`,
	"did not find expected ',' or '}'":               `a text in {...} with "?", ":" or "," needs quotes`,
	"found character that cannot start any token":    "a tab, or a text starting with a special character that needs quotes",
}

// ParseExperiment reads one experiment file: the id of the model it is
// for, and the experiment with File and the lines set. It keeps going
// after a mistake, so the Errors list all it finds; it does not check the
// experiment against its model (ValidateExperiment does).
func ParseExperiment(file string, data []byte) (model string, e Experiment, err error) {
	p := &parser{file: file}
	e = Experiment{File: file, Line: 1}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		line = firstBadLine(data, line)
		if hint := syntaxHints[msg]; hint != "" {
			msg += " (" + hint + ")"
		}
		return "", e, Errors{{file, line, "YAML syntax: " + msg}}
	}
	if len(doc.Content) == 0 {
		return "", e, Errors{{file, 1, "the file is empty; it starts with model:, id:, title:, summary: and steps:"}}
	}
	f := p.fields(doc.Content[0], "an experiment file", fileFields...)
	if f == nil {
		return "", e, p.errs.err()
	}
	if v := f["model"]; v == nil {
		p.errorf(doc.Content[0], `no "model:" (the id of the model the experiment is for, e.g. clientserver)`)
	} else {
		model = p.scalar(v, "model")
	}
	if v := f["id"]; v == nil {
		p.errorf(doc.Content[0], `no "id:" (lower-case letters, digits and hyphens, unique in the model)`)
	} else {
		e.ID, e.Line = p.scalar(v, "id"), v.Line
	}
	e.Title = p.text(f["title"], "title")
	e.Summary = p.text(f["summary"], "summary")
	if v := f["notes"]; v != nil {
		if n := p.fields(v, "notes", noteFields...); n != nil {
			e.Notes = Notes{Goal: p.text(n["goal"], "goal"), Ask: p.text(n["ask"], "ask"),
				Misconception: p.text(n["misconception"], "misconception"), Slide: p.text(n["slide"], "slide")}
		}
	}
	if v := f["steps"]; v == nil {
		p.errorf(doc.Content[0], `no "steps:" (a list, each step starting with "- ")`)
	} else if v.Kind != yaml.SequenceNode {
		p.errorf(v, `steps must be a list, each step starting with "- "`)
	} else {
		for i, n := range v.Content {
			e.Steps = append(e.Steps, p.step(resolve(n), i+1))
		}
	}
	return model, e, p.errs.err()
}

// firstBadLine finds the line of a YAML syntax error. The parser reports
// a line near it, sometimes the one before (where a {...} it is in
// begins, counted from 0); the mistake is on the first line from there on
// up to which the file no longer reads as YAML.
func firstBadLine(data []byte, reported int) int {
	lines := strings.SplitAfter(string(data), "\n")
	for n := max(reported, 1); n <= len(lines); n++ {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc) != nil {
			return n
		}
	}
	return max(reported, 1)
}

// parser collects the mistakes of one file.
type parser struct {
	file string
	errs Errors
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, Error{p.file, n.Line, fmt.Sprintf(format, args...)})
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// fields reads a mapping into key → value, reporting keys not in known and
// keys written twice. It returns nil if n is not a mapping.
func (p *parser) fields(n *yaml.Node, what string, known ...string) map[string]*yaml.Node {
	return p.fieldsOr(n, what, known, fmt.Sprintf("unknown field %%q in %s (want one of %s)", what, strings.Join(known, ", ")))
}

// fieldsOr is fields with its own message for an unknown key, a format
// with one %q for the key.
func (p *parser) fieldsOr(n *yaml.Node, what string, known []string, unknown string) map[string]*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of fields (key: value)", what)
		return nil
	}
	m := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		switch {
		case !slices.Contains(known, k.Value):
			p.errorf(k, unknown, k.Value)
		case m[k.Value] != nil:
			p.errorf(k, "field %q is written twice in %s", k.Value, what)
		default:
			m[k.Value] = v
		}
	}
	return m
}

// scalar is the value of a plain field, or "" with an error.
func (p *parser) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a single value", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// text reads {de: ..., en: ...}; a missing one is the empty text, which
// ValidateExperiment reports where a text is needed.
func (p *parser) text(n *yaml.Node, what string) i18n.Text {
	if n == nil {
		return i18n.Text{}
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, `%s must be a text in each language, like {de: "...", en: "..."}`, what)
		return i18n.Text{}
	}
	unknown := fmt.Sprintf("unknown field %%q in %s (want de and en)", what)
	if n.Style == yaml.FlowStyle {
		// {de: a, b, en: c} reads "b" as a field of its own.
		unknown = fmt.Sprintf(`unknown field %%q in %s (want de and en; a text in {...} with a comma needs quotes: {de: "a, b", en: ...})`, what)
	}
	var t i18n.Text
	if f := p.fieldsOr(n, what, []string{"de", "en"}, unknown); f != nil {
		if v := f["de"]; v != nil {
			t.DE = p.scalar(v, what+" de")
		}
		if v := f["en"]; v != nil {
			t.EN = p.scalar(v, what+" en")
		}
	}
	return t
}

// list reads a list of single values, like [server-1, server-2].
func (p *parser) list(n *yaml.Node, what string) []string {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list, like [server-1, server-2]", what)
		return nil
	}
	var out []string
	for _, item := range n.Content {
		out = append(out, p.scalar(resolve(item), what))
	}
	return out
}

// step reads one step: the field that names its kind, the fields that
// kind has, its caption and claims.
func (p *parser) step(n *yaml.Node, number int) Step {
	what := fmt.Sprintf("step %d", number)
	s := Step{Kind: StepCaption, Line: n.Line}
	f := p.fieldsOr(n, what, append(kindNames(), stepFields...),
		fmt.Sprintf("%s: %%q is no step kind and no field of a step (kinds: %s; fields: %s)",
			what, strings.Join(kindNames(), ", "), strings.Join(stepFields, ", ")))
	if f == nil {
		return s
	}
	var kinds []string
	for _, k := range stepKinds[1:] {
		if f[string(k)] != nil {
			kinds = append(kinds, string(k))
			s.Kind = k
		}
	}
	if len(kinds) > 1 {
		p.errorf(n, "%s has %d kinds (%s); a step does one thing", what, len(kinds), strings.Join(kinds, ", "))
	}
	if v := f["caption"]; v != nil {
		s.Caption = p.text(v, what+" caption")
	}
	for field, kind := range fieldOf {
		if v := f[field]; v != nil && s.Kind != kind {
			p.errorf(v, "field %q belongs to a %s step, not to a %s step", field, kind, s.Kind)
		}
	}
	if v := f[string(s.Kind)]; v != nil {
		p.kind(&s, v, f, what)
	}
	if v := f["claims"]; v != nil {
		if v.Kind != yaml.SequenceNode {
			p.errorf(v, "claims must be a list, like [{node: server, key: keys, value: \"0\"}]")
		} else {
			for _, c := range v.Content {
				s.Claims = append(s.Claims, p.claim(resolve(c)))
			}
		}
	}
	return s
}

// kindNames are the words that name a step's kind in a file; a caption
// step has none.
func kindNames() []string {
	var names []string
	for _, k := range stepKinds[1:] {
		names = append(names, string(k))
	}
	return names
}

// kind reads the value of the field that names the step's kind, and the
// fields only that kind has.
func (p *parser) kind(s *Step, v *yaml.Node, f map[string]*yaml.Node, what string) {
	switch s.Kind {
	case StepStart, StepDo, StepKill, StepFreeze, StepThaw, StepRestart, StepPartition:
		s.Node = p.scalar(v, fmt.Sprintf("%s (%s: the node it acts on)", what, s.Kind))
	case StepHeal:
		if v.Kind != yaml.ScalarNode || v.Value != "true" {
			p.errorf(v, "heal ends every partition: write \"- heal: true\"")
		}
	case StepFault:
		s.Node, s.Fault = p.fault(v, what)
	case StepWait:
		s.Until = p.match(v, what+" wait", waitFields)
	case StepPredict:
		s.Until = p.match(v, what+" predict", holdFields)
		s.Until.Kind = trace.KindHold
		s.Node = s.Until.Node
	}
	if c := f["cmd"]; c != nil && s.Kind == StepDo {
		s.Cmd = p.scalar(c, what+" cmd")
	}
	if c := f["from"]; c != nil && s.Kind == StepPartition {
		s.Peers = p.list(c, what+" from")
	}
	if c := f["oneway"]; c != nil && s.Kind == StepPartition {
		oneWay, err := strconv.ParseBool(p.scalar(c, what+" oneway"))
		if err != nil {
			p.errorf(c, "%s oneway is true or false, not %q", what, c.Value)
		}
		s.OneWay = oneWay
	}
	if s.Kind == StepPredict {
		if c := f["choices"]; c != nil {
			s.Choices = p.list(c, what+" choices")
		}
		if c := f["answer"]; c != nil {
			s.Answer = p.scalar(c, what+" answer")
		}
		s.Explain = p.text(f["explain"], what+" explain")
	}
}

// match reads the event a wait or predict step waits for.
func (p *parser) match(n *yaml.Node, what string, known []string) Match {
	f := p.fields(n, what, known...)
	var m Match
	for key, field := range map[string]*string{"node": &m.Node, "type": &m.Type, "from": &m.From, "fault": &m.Fault,
		"field": &m.Field, "is": &m.Is, "key": &m.Key, "value": &m.Value, "text": &m.Text} {
		if v := f[key]; v != nil {
			*field = p.scalar(v, what+" "+key)
		}
	}
	if v := f["kind"]; v != nil {
		m.Kind = trace.Kind(p.scalar(v, what+" kind"))
	}
	return m
}

// claim reads what a caption claims about a node's state.
func (p *parser) claim(n *yaml.Node) Match {
	f := p.fields(n, "a claim", claimFields...)
	m := Match{Kind: trace.KindState}
	for key, field := range map[string]*string{"node": &m.Node, "key": &m.Key, "value": &m.Value} {
		if v := f[key]; v != nil {
			*field = p.scalar(v, "claim "+key)
		}
	}
	return m
}

// fault reads {node: server, op: drop, p: 1}: the node (none: every
// node) and the control line the step sends.
func (p *parser) fault(n *yaml.Node, what string) (string, trace.Control) {
	f := p.fields(n, what+" fault", faultFields...)
	var (
		node string
		c    trace.Control
	)
	if v := f["node"]; v != nil {
		node = p.scalar(v, "fault node")
	}
	if v := f["op"]; v != nil {
		c.Op = trace.Op(p.scalar(v, "fault op"))
	} else if f != nil {
		p.errorf(n, "a fault needs an op: delay, drop, duplicate or hold")
	}
	if v := f["ms"]; v != nil {
		ms, err := strconv.ParseInt(p.scalar(v, "fault ms"), 10, 64)
		if err != nil {
			p.errorf(v, "ms must be a whole number of milliseconds, not %q", v.Value)
		}
		c.Ms = ms
	}
	if v := f["p"]; v != nil {
		prob, err := strconv.ParseFloat(p.scalar(v, "fault p"), 64)
		if err != nil {
			p.errorf(v, "p must be a probability from 0 to 1, not %q", v.Value)
		}
		c.P = prob
	}
	if v := f["on"]; v != nil {
		on, err := strconv.ParseBool(p.scalar(v, "fault on"))
		if err != nil {
			p.errorf(v, "on must be true or false, not %q", v.Value)
		}
		c.On = on
	}
	return node, c
}
