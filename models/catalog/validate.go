package catalog

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
)

// ValidateAll validates every model and checks that no two share an id.
func ValidateAll(models []Model) error {
	var errs []error
	seen := map[string]bool{}
	for _, m := range models {
		if seen[m.ID] {
			errs = append(errs, fmt.Errorf("model id %q is used twice", m.ID))
		}
		seen[m.ID] = true
		errs = append(errs, m.Validate())
	}
	return errors.Join(errs...)
}

// Validate checks that the model is complete and consistent: ids and node
// names unique and well formed, every text in both languages, every role,
// node and placeholder a program or step names present in the model (and
// its address known when the program starts), at least two experiments, and steps that make
// sense one after the other. It reports every problem it finds, one per line.
func (m Model) Validate() error {
	v := &validator{model: m}
	v.identifier("model id", m.ID)
	v.text("title", m.Title)
	v.text("summary", m.Summary)
	v.roles()
	v.programs()
	switch m.Layout {
	case LayoutStar, LayoutGroup, LayoutRow, LayoutRing:
	default:
		v.errorf("unknown layout %q", m.Layout)
	}
	v.shows()
	if len(m.Experiments) < 2 {
		v.errorf("has %d experiments, want at least 2", len(m.Experiments))
	}
	ids := map[string]bool{}
	for _, e := range m.Experiments {
		v.at(e.File, e.Line)
		if ids[e.ID] {
			v.errorf("experiment id %q is used twice", e.ID)
		}
		ids[e.ID] = true
		v.experiment(e)
	}
	return errors.Join(v.errs...)
}

// ValidateExperiment checks one experiment of the model, as Validate
// checks each: its id, its texts in both languages, and its steps one
// after the other against the model's nodes. An experiment from a file
// gets errors that begin with its file and line.
func (m Model) ValidateExperiment(e Experiment) error {
	v := &validator{model: m}
	v.experiment(e)
	return errors.Join(v.errs...)
}

// validator collects the problems of one model.
type validator struct {
	model Model
	errs  []error
	// file and line are where the experiment or step being checked is
	// written; "" when it is not from a file.
	file string
	line int
}

// at says where the next errors are written.
func (v *validator) at(file string, line int) { v.file, v.line = file, line }

func (v *validator) errorf(format string, args ...any) {
	err := fmt.Errorf("%s: "+format, append([]any{v.model.ID}, args...)...)
	if v.file != "" {
		err = Error{File: v.file, Line: v.line, Msg: err.Error()}
	}
	v.errs = append(v.errs, err)
}

// identifier checks an id or node name: lower-case letters, digits and
// hyphens, starting with a letter, so it is safe in flags, file names and
// placeholders.
func (v *validator) identifier(what, id string) {
	ok := id != "" && id[0] >= 'a' && id[0] <= 'z'
	for _, r := range id {
		ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}
	if !ok {
		v.errorf("%s %q: want lower-case letters, digits and hyphens, starting with a letter", what, id)
	}
}

func (v *validator) text(what string, t i18n.Text) {
	if t.DE == "" {
		v.errorf("%s has no German text", what)
	}
	if t.EN == "" {
		v.errorf("%s has no English text", what)
	}
}

func (v *validator) roles() {
	if len(v.model.Roles) == 0 {
		v.errorf("has no roles")
	}
	seen := map[string]bool{}
	for _, r := range v.model.Roles {
		v.identifier("role name", r.Name)
		if seen[r.Name] {
			v.errorf("role %q is listed twice", r.Name)
		}
		seen[r.Name] = true
		v.text(fmt.Sprintf("role %q", r.Name), r.Does)
	}
}

func (v *validator) programs() {
	m := v.model
	for _, n := range m.Churn {
		if _, ok := m.Program(n); !ok {
			v.errorf("churn names node %q, which is not among the model's programs", n)
		}
	}
	if !slices.ContainsFunc(m.Programs, func(p Program) bool { return !p.Later }) {
		v.errorf("has no program that starts with the model")
	}
	seen := map[string]bool{}
	for _, p := range m.Programs {
		v.identifier("node name", p.Node)
		if seen[p.Node] {
			v.errorf("node %q is listed twice", p.Node)
		}
		seen[p.Node] = true
		if !slices.ContainsFunc(m.Roles, func(r Role) bool { return r.Name == p.Role }) {
			v.errorf("node %q has role %q, which is not among the model's roles", p.Node, p.Role)
		}
		if p.Binary == "" {
			v.errorf("node %q has no binary", p.Node)
		} else if _, ok := Package(p.Binary); !ok {
			v.errorf("node %q runs binary %q, which is not among the programs in programs.txt", p.Node, p.Binary)
		}
		switch p.Listen {
		case NoListen, ListenAny, ListenReserved:
		default:
			v.errorf("node %q has unknown listen mode %q", p.Node, p.Listen)
		}
		refs, err := p.Refs()
		if err != nil {
			v.errorf("%v", err)
		}
		for _, r := range refs {
			q, ok := m.Program(r)
			if !ok {
				v.errorf("node %q: {addr:%s} names no node of the model", p.Node, r)
			} else if q.Listen == NoListen {
				v.errorf("node %q: {addr:%s} names a node that serves nobody", p.Node, r)
			} else if !p.Later && q.Later && q.Listen != ListenReserved {
				// A reserved address is known before its program runs; an
				// address learned from a hello is not.
				v.errorf("node %q: {addr:%s} names a node only an experiment starts; make it ListenReserved", p.Node, r)
			}
		}
	}
}

func (v *validator) shows() {
	seen := map[Transparency]bool{}
	for _, s := range v.model.Shows {
		if s.Transparency.Name() == (i18n.Text{}) {
			v.errorf("unknown transparency %q", s.Transparency)
			continue
		}
		if seen[s.Transparency] {
			v.errorf("transparency %q is listed twice", s.Transparency)
		}
		seen[s.Transparency] = true
		v.text(fmt.Sprintf("transparency %q", s.Transparency), s.How)
	}
}

// A node's life during an experiment, as far as the steps tell.
type life int

const (
	notStarted life = iota
	running
	frozen
	killed
)

// experiment checks the steps one after the other, following each node's
// life: a step must not act on a node that is not there, freeze a killed
// node or thaw one that is not frozen.
func (v *validator) experiment(e Experiment) {
	m := v.model
	v.at(e.File, e.Line)
	defer v.at("", 0)
	v.identifier("experiment id", e.ID)
	v.text(fmt.Sprintf("experiment %q title", e.ID), e.Title)
	v.text(fmt.Sprintf("experiment %q summary", e.ID), e.Summary)
	for _, n := range []struct {
		what string
		text i18n.Text
	}{{"goal", e.Notes.Goal}, {"ask", e.Notes.Ask}, {"misconception", e.Notes.Misconception}, {"slide", e.Notes.Slide}} {
		if n.text != (i18n.Text{}) {
			v.text(fmt.Sprintf("experiment %q notes %s", e.ID, n.what), n.text)
		}
	}
	if len(e.Steps) == 0 {
		v.errorf("experiment %q has no steps", e.ID)
	}
	nodes := map[string]life{}
	holding := map[string]bool{} // nodes in step mode, for predict steps
	for _, p := range m.Programs {
		if !p.Later {
			nodes[p.Node] = running
		}
	}
	for i, s := range e.Steps {
		v.at(e.File, cmp.Or(s.Line, e.Line))
		at := fmt.Sprintf("experiment %q step %d (%s)", e.ID, i+1, s.Kind)
		fail := func(format string, args ...any) { v.errorf(at+": "+format, args...) }
		v.text(at+" caption", s.Caption)
		for _, c := range s.Claims {
			if err := v.checkMatch(c); err != nil {
				fail("claim: %v", err)
			}
			if c.Kind != trace.KindState || c.Node == "" || c.Key == "" {
				fail("a claim is a state of a node: Kind state, Node and Key")
			}
		}
		// need checks that the step names a node of the model in one of the wanted lives.
		need := func(node string, want ...life) bool {
			if _, ok := m.Program(node); !ok {
				fail("no node %q in the model", node)
				return false
			}
			if !slices.Contains(want, nodes[node]) {
				fail("node %q is %s here", node, nodes[node])
				return false
			}
			return true
		}
		if s.OneWay && s.Kind != StepPartition {
			fail("one-way is for a partition step, not %s", s.Kind)
		}
		switch s.Kind {
		case StepCaption, StepHeal:
		case StepStart:
			if p, ok := m.Program(s.Node); ok && !p.Later {
				fail("node %q starts with the model; start is for Later programs", s.Node)
			} else if need(s.Node, notStarted) {
				refs, _ := p.Refs()
				for _, r := range refs {
					if q, ok := m.Program(r); ok && q.Listen == ListenAny && nodes[r] == notStarted {
						fail("node %q needs the address of %q, which has not been started", s.Node, r)
					}
				}
				nodes[s.Node] = running
			}
		case StepDo:
			need(s.Node, running)
			if s.Cmd == "" {
				fail("no command")
			}
		case StepKill:
			if need(s.Node, running, frozen) {
				nodes[s.Node] = killed
			}
		case StepFreeze:
			if need(s.Node, running) {
				nodes[s.Node] = frozen
			}
		case StepThaw:
			if need(s.Node, frozen) {
				nodes[s.Node] = running
			}
		case StepRestart:
			if need(s.Node, running, frozen, killed) {
				nodes[s.Node] = running
			}
		case StepPartition:
			need(s.Node, running, frozen, killed)
			if len(s.Peers) == 0 {
				fail("no peers to cut %q off from", s.Node)
			}
			for _, p := range s.Peers {
				if p == s.Node {
					fail("node %q cannot be cut off from itself", p)
				}
				need(p, running, frozen, killed)
			}
		case StepFault:
			if s.Node != "" {
				need(s.Node, running, frozen)
			}
			if s.Fault.Op == trace.OpHold {
				holding[s.Node] = s.Fault.On
			}
			if err := checkFault(s.Fault); err != nil {
				fail("%v", err)
			}
		case StepWait:
			if err := v.checkMatch(s.Until); err != nil {
				fail("%v", err)
			}
		case StepPredict:
			if err := v.checkMatch(s.Until); err != nil {
				fail("%v", err)
			}
			if s.Until.Kind != trace.KindHold || s.Until.Node != s.Node {
				fail("wait for a message %q holds (Until.Kind hold, Until.Node %q)", s.Node, s.Node)
			}
			if !holding[s.Node] {
				fail("step mode is not on at %q: a fault step with hold on comes first", s.Node)
			}
			holding[s.Node] = false // the answer ends step mode there
			if len(s.Choices) < 2 || !slices.Contains(s.Choices, s.Answer) {
				fail("want two or more choices, the answer %q among them", s.Answer)
			}
			for _, c := range s.Choices {
				need(c, running, frozen, killed, notStarted)
			}
			v.text(at+" explanation", s.Explain)
		default:
			fail("unknown step kind")
		}
	}
}

func (l life) String() string {
	return [...]string{"not started", "running", "frozen", "killed"}[l]
}

// checkFault accepts the control lines a fault step may send, with values
// the programs accept (checked by the programs' own parser).
func checkFault(c trace.Control) error {
	switch c.Op {
	case trace.OpDelay, trace.OpDrop, trace.OpDuplicate, trace.OpHold:
	default:
		return fmt.Errorf("fault %q: want delay, drop, duplicate or hold", c.Op)
	}
	c.V = trace.Version
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = trace.ParseControl(line)
	return err
}

// checkMatch checks that a wait step's match has a kind, names nodes of the
// model, and sets only fields its kind has.
func (v *validator) checkMatch(m Match) error {
	var errs []error
	for _, node := range []string{m.Node, m.From} {
		if _, ok := v.model.Program(node); node != "" && !ok {
			errs = append(errs, fmt.Errorf("wait for an event of node %q, which is not in the model", node))
		}
	}
	message := m.Kind == trace.KindSend || m.Kind == trace.KindRecv || m.Kind == trace.KindHold
	switch m.Kind {
	case trace.KindHello, trace.KindSend, trace.KindRecv, trace.KindHold, trace.KindState, trace.KindLog, trace.KindBye:
	case "":
		errs = append(errs, errors.New("wait for an event of no kind"))
	default:
		errs = append(errs, fmt.Errorf("wait for an event of unknown kind %q", m.Kind))
	}
	wrong := func(field string, set bool) {
		if set {
			errs = append(errs, fmt.Errorf("a %s event has no %s to match", m.Kind, field))
		}
	}
	wrong("message type", !message && m.Type != "")
	wrong("message sender", !message && m.From != "")
	wrong("message body", !message && (m.Field != "" || m.Is != ""))
	if m.Field != "" && m.Type == "" {
		errs = append(errs, fmt.Errorf("a body field %q to match, but no message type whose body has it", m.Field))
	}
	if m.Is != "" && m.Field == "" {
		errs = append(errs, fmt.Errorf("a value %q to match, but no body field to find it in", m.Is))
	}
	wrong("fault", m.Kind != trace.KindSend && m.Fault != "")
	wrong("state key", m.Kind != trace.KindState && m.Key != "")
	wrong("state value", m.Kind != trace.KindState && m.Value != "")
	wrong("text", m.Kind != trace.KindLog && m.Kind != trace.KindBye && m.Text != "")
	return errors.Join(errs...)
}
