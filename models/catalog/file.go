package catalog

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"dsdemo/models/trace"
	"dsdemo/models/yamlfile"
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
type Error = yamlfile.Error

// Errors is every mistake found in a file, by line, one per line when
// printed: an instructor fixes them all in one go, not one per run.
type Errors = yamlfile.Errors

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

// ParseExperiment reads one experiment file: the id of the model it is
// for, and the experiment with File and the lines set. It keeps going
// after a mistake, so the Errors list all it finds; it does not check the
// experiment against its model (ValidateExperiment does).
func ParseExperiment(file string, data []byte) (model string, e Experiment, err error) {
	p := &parser{yamlfile.Reader{File: file}}
	e = Experiment{File: file, Line: 1}
	root, err := p.Parse(data)
	if err != nil {
		return "", e, err
	}
	if root == nil {
		return "", e, Errors{{File: file, Line: 1, Msg: "the file is empty; it starts with model:, id:, title:, summary: and steps:"}}
	}
	f := p.Fields(root, "an experiment file", fileFields)
	if f == nil {
		return "", e, p.Errs.Err()
	}
	if v := f["model"]; v == nil {
		p.Errorf(root, `no "model:" (the id of the model the experiment is for, e.g. clientserver)`)
	} else {
		model = p.Scalar(v, "model")
	}
	if v := f["id"]; v == nil {
		p.Errorf(root, `no "id:" (lower-case letters, digits and hyphens, unique in the model)`)
	} else {
		e.ID, e.Line = p.Scalar(v, "id"), v.Line
	}
	e.Title = p.Text(f["title"], "title")
	e.Summary = p.Text(f["summary"], "summary")
	if v := f["notes"]; v != nil {
		if n := p.Fields(v, "notes", noteFields); n != nil {
			e.Notes = Notes{Goal: p.Text(n["goal"], "goal"), Ask: p.Text(n["ask"], "ask"),
				Misconception: p.Text(n["misconception"], "misconception"), Slide: p.Text(n["slide"], "slide")}
		}
	}
	if v := f["steps"]; v == nil {
		p.Errorf(root, `no "steps:" (a list, each step starting with "- ")`)
	} else if v.Kind != yaml.SequenceNode {
		p.Errorf(v, `steps must be a list, each step starting with "- "`)
	} else {
		for i, n := range v.Content {
			e.Steps = append(e.Steps, p.step(yamlfile.Resolve(n), i+1))
		}
	}
	return model, e, p.Errs.Err()
}

// parser reads one file; its methods read the parts of an experiment.
type parser struct{ yamlfile.Reader }

// list reads a list of single values, like [server-1, server-2].
func (p *parser) list(n *yaml.Node, what string) []string {
	if n.Kind != yaml.SequenceNode {
		p.Errorf(n, "%s must be a list, like [server-1, server-2]", what)
		return nil
	}
	var out []string
	for _, item := range n.Content {
		out = append(out, p.Scalar(yamlfile.Resolve(item), what))
	}
	return out
}

// step reads one step: the field that names its kind, the fields that
// kind has, its caption and claims.
func (p *parser) step(n *yaml.Node, number int) Step {
	what := fmt.Sprintf("step %d", number)
	s := Step{Kind: StepCaption, Line: n.Line}
	f := p.FieldsOr(n, what, append(kindNames(), stepFields...),
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
		p.Errorf(n, "%s has %d kinds (%s); a step does one thing", what, len(kinds), strings.Join(kinds, ", "))
	}
	if v := f["caption"]; v != nil {
		s.Caption = p.Text(v, what+" caption")
	}
	for field, kind := range fieldOf {
		if v := f[field]; v != nil && s.Kind != kind {
			p.Errorf(v, "field %q belongs to a %s step, not to a %s step", field, kind, s.Kind)
		}
	}
	if v := f[string(s.Kind)]; v != nil {
		p.kind(&s, v, f, what)
	}
	if v := f["claims"]; v != nil {
		if v.Kind != yaml.SequenceNode {
			p.Errorf(v, "claims must be a list, like [{node: server, key: keys, value: \"0\"}]")
		} else {
			for _, c := range v.Content {
				s.Claims = append(s.Claims, p.claim(yamlfile.Resolve(c)))
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
		s.Node = p.Scalar(v, fmt.Sprintf("%s (%s: the node it acts on)", what, s.Kind))
	case StepHeal:
		if v.Kind != yaml.ScalarNode || v.Value != "true" {
			p.Errorf(v, "heal ends every partition: write \"- heal: true\"")
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
		s.Cmd = p.Scalar(c, what+" cmd")
	}
	if c := f["from"]; c != nil && s.Kind == StepPartition {
		s.Peers = p.list(c, what+" from")
	}
	if c := f["oneway"]; c != nil && s.Kind == StepPartition {
		oneWay, err := strconv.ParseBool(p.Scalar(c, what+" oneway"))
		if err != nil {
			p.Errorf(c, "%s oneway is true or false, not %q", what, c.Value)
		}
		s.OneWay = oneWay
	}
	if s.Kind == StepPredict {
		if c := f["choices"]; c != nil {
			s.Choices = p.list(c, what+" choices")
		}
		if c := f["answer"]; c != nil {
			s.Answer = p.Scalar(c, what+" answer")
		}
		s.Explain = p.Text(f["explain"], what+" explain")
	}
}

// match reads the event a wait or predict step waits for.
func (p *parser) match(n *yaml.Node, what string, known []string) Match {
	f := p.Fields(n, what, known)
	var m Match
	for key, field := range map[string]*string{"node": &m.Node, "type": &m.Type, "from": &m.From, "fault": &m.Fault,
		"field": &m.Field, "is": &m.Is, "key": &m.Key, "value": &m.Value, "text": &m.Text} {
		if v := f[key]; v != nil {
			*field = p.Scalar(v, what+" "+key)
		}
	}
	if v := f["kind"]; v != nil {
		m.Kind = trace.Kind(p.Scalar(v, what+" kind"))
	}
	return m
}

// claim reads what a caption claims about a node's state.
func (p *parser) claim(n *yaml.Node) Match {
	f := p.Fields(n, "a claim", claimFields)
	m := Match{Kind: trace.KindState}
	for key, field := range map[string]*string{"node": &m.Node, "key": &m.Key, "value": &m.Value} {
		if v := f[key]; v != nil {
			*field = p.Scalar(v, "claim "+key)
		}
	}
	return m
}

// fault reads {node: server, op: drop, p: 1}: the node (none: every
// node) and the control line the step sends.
func (p *parser) fault(n *yaml.Node, what string) (string, trace.Control) {
	f := p.Fields(n, what+" fault", faultFields)
	var (
		node string
		c    trace.Control
	)
	if v := f["node"]; v != nil {
		node = p.Scalar(v, "fault node")
	}
	if v := f["op"]; v != nil {
		c.Op = trace.Op(p.Scalar(v, "fault op"))
	} else if f != nil {
		p.Errorf(n, "a fault needs an op: delay, drop, duplicate or hold")
	}
	if v := f["ms"]; v != nil {
		ms, err := strconv.ParseInt(p.Scalar(v, "fault ms"), 10, 64)
		if err != nil {
			p.Errorf(v, "ms must be a whole number of milliseconds, not %q", v.Value)
		}
		c.Ms = ms
	}
	if v := f["p"]; v != nil {
		prob, err := strconv.ParseFloat(p.Scalar(v, "fault p"), 64)
		if err != nil {
			p.Errorf(v, "p must be a probability from 0 to 1, not %q", v.Value)
		}
		c.P = prob
	}
	if v := f["on"]; v != nil {
		on, err := strconv.ParseBool(p.Scalar(v, "fault on"))
		if err != nil {
			p.Errorf(v, "on must be true or false, not %q", v.Value)
		}
		c.On = on
	}
	return node, c
}
