// Package catalog is the list of architecture models the dsdemo launcher
// offers: for each model, what it is about, which programs play which role,
// how to draw them, which transparencies they show, and a few guided
// experiments a class can play step by step.
//
// A catalogue entry is plain data, so the launcher can show it, start it and
// play its experiments, and a test can check it, without any code in between:
//
//	catalog.All() --> launcher home screen: title, summary, roles, experiments
//	     |
//	     +--> the launcher (tui/launch) --> bin/server, bin/client ...
//	     |                                              (each says hello with its address)
//	     +--> Experiment.Steps --> start, do, kill, partition, fault, wait ...
//
// A small entry, one server and one client that needs the server's address:
//
//	Model{
//		ID:     "clientserver",
//		Title:  i18n.Text{DE: "Client/Server", EN: "Client/server"},
//		Roles:  []Role{{Name: "server", ...}, {Name: "client", ...}},
//		Layout: LayoutStar,
//		Programs: []Program{
//			{Node: "server", Role: "server", Binary: "server", Listen: ListenAny},
//			{Node: "client-1", Role: "client", Binary: "client",
//				Args: []string{"--server", "{addr:server}"}},
//		},
//	}
//
// The placeholder {addr:server} stands for the address the server listens
// on. The launcher starts the server first, learns its address from the
// server's hello, and then starts the client with
// "--server 127.0.0.1:PORT". Servers that need each other's
// addresses cannot wait for each other; they are marked ListenReserved and
// the launcher picks their ports before it starts anything (see Listen).
//
// The programs themselves are listed once, in programs.txt (see Packages):
// the Makefile builds them from it, the launcher builds a missing one from
// it, and an entry may only name a Binary it lists.
//
// The guided experiments are not Go but plain YAML files, one per
// experiment, so that an instructor can read and write them without Go:
// experiments/clientserver/20-server-crash.yaml and its neighbours,
// embedded in the binary; All adds them to their model. An instructor's
// own experiments, in the same format, come from a directory of their
// own (AddOwn). experiments/README.md describes the format, in German and
// English; ParseExperiment reads it, with errors that name file and line.
//
// An experiment waits for a message by its type and, where it matters, by
// a named field of its body (Match.Field and Match.Is: "get_ok" whose
// "found" is false), never by a piece of the body's text. The catalogue
// imports no demo (models/* never does), so it names types and fields as
// strings; each demo exports its types as constants and a Messages table
// (type to body type) in its messages.go. The names of that table are
// kept beside the model's experiments, in experiments/ID/protocol.yaml
// (Vocabulary), which an instructor's own experiments are checked
// against; the demo's own test keeps the file true to the table and
// checks that every name its catalogue entry uses is in it (see Protocol
// and package catalogtest). A renamed message or JSON field so fails a
// test, not a lesson.
//
// Each model's file registers its entry (register, in an init function)
// at its place in the lecture, so adding a model adds a file and touches
// no list.
//
// Validate checks an entry: every text in both languages, every name a step
// or a placeholder uses belongs to a program of the model, every binary is
// listed in programs.txt, and the experiments make sense step by step
// (nothing is thawed that was not frozen).
package catalog

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
)

// Model is one architecture model of the lecture as the launcher offers it.
type Model struct {
	ID       string // unique in the catalogue, lower case, e.g. "clientserver"
	Title    i18n.Text
	Summary  i18n.Text // a few sentences for the home screen
	Roles    []Role
	Programs []Program
	Layout   Layout
	Shows    []Shown // the transparencies a student can watch in this model
	// Experiments are read from the files in experiments/ID/; All fills
	// them in, a model's function leaves them out.
	Experiments []Experiment
	// Vocabulary is what its programs send, from experiments/ID/protocol.yaml,
	// to check experiments against; All fills it in, like Experiments.
	Vocabulary Vocabulary
	// Churn names the nodes that come and go at random while the viewer
	// has churn turned on (key c): each leaves gracefully and is started
	// again later. Empty: the model has no churn.
	Churn []string
	// Background names the request types the programs send on their own to
	// keep the system up (a ring's stabilise and ping, a replica's sync),
	// as opposed to what a client asked for. The live view dims or hides
	// them, and their replies, with one key. Empty: nothing is background.
	Background []string
	// Adds is the role of which key a starts one more program: a copy of
	// the model's first program in that role, named ROLE-N (consumer-4).
	// Empty: "client".
	Adds string
}

// Role is a part a program plays in a model, such as client or server.
type Role struct {
	Name string    // as in Program.Role, e.g. "server"
	Does i18n.Text // what a program in this role does, in one or two sentences
}

// Program is one process of a model: which binary from bin/ runs under
// which node name, and with which arguments of its own. The launcher adds the
// common flags (program.Common).
type Program struct {
	Node   string   // node name, unique in the model, passed as --name: "server-2"
	Role   string   // one of the model's Roles
	Binary string   // the program in bin/: "server"
	Args   []string // its own arguments; may hold {addr:NODE} placeholders (see ExpandArgs)
	Listen Listen   // whether it serves, and how it gets its address
	Later  bool     // not started with the model: an experiment's StepStart starts it
}

// Listen says whether a program serves others and how the launcher finds out
// its address.
//
// Most servers are started on 127.0.0.1:0, a port the operating system picks,
// and announce the address in their hello (ListenAny). A program whose
// arguments name such a server is started after it. That fails for a group
// of servers that all need each other's addresses (cooperating servers):
// each would wait for the others. For them the launcher reserves the ports
// before it starts anything (ListenReserved): it listens on 127.0.0.1:0,
// notes the port, closes the listener again (the launcher's reserveAddr) and passes the
// address with --listen. Every {addr:NODE} of the group is then known from
// the start, and the order does not matter. The price is a short moment in
// which another process could take the port; on a laptop running a demo
// that does not happen in practice, and the server would then fail with a
// clear "cannot listen" error.
type Listen string

// The ways a program gets its address.
const (
	NoListen       Listen = ""         // it serves nobody (a client); no --listen
	ListenAny      Listen = "any"      // --listen 127.0.0.1:0; the address comes with its hello
	ListenReserved Listen = "reserved" // the launcher reserves a port before anything starts
)

// Layout is how the launcher arranges a model's nodes on the screen.
type Layout string

// The layouts.
const (
	LayoutStar  Layout = "star"  // one server in the middle, clients around it
	LayoutGroup Layout = "group" // servers close together in the middle, clients around the group
	LayoutRow   Layout = "row"   // tiers from left to right, clients on the left
	LayoutRing  Layout = "ring"  // peers on a circle
)

// Shown is a transparency a model lets a student watch, and how.
type Shown struct {
	Transparency Transparency
	How          i18n.Text // what to look at in this model
}

// Experiment is a guided experiment: a short script the launcher plays one
// step at a time, with a caption above the diagram for each step.
//
// Experiments are written in YAML files, one per experiment, not in Go
// (see experiments/README.md): the built-in ones are embedded from
// experiments/MODEL/, an instructor's own are read from a directory of
// their own (OwnDir, LoadOwn).
type Experiment struct {
	ID      string // unique in the model, lower case, e.g. "server-crash"
	Title   i18n.Text
	Summary i18n.Text // what the experiment shows, for the home screen
	Notes   Notes     // for the instructor, not the class; all optional
	Steps   []Step
	// File and Line say where the experiment is written, for error
	// messages an editor can jump to ("" and 0: not from a file).
	File string
	Line int
	// Own marks an instructor's own experiment, read from their
	// experiments directory, not built in.
	Own bool
}

// Notes are what an instructor reads before playing an experiment and the
// class need not see. Every field is optional; one that is set has both
// languages.
type Notes struct {
	Goal          i18n.Text // the learning goal: what the class should take away
	Ask           i18n.Text // the question to ask the class before the experiment or a step
	Misconception i18n.Text // the wrong idea to expect, and what in the run refutes it
	Slide         i18n.Text // the slide or chapter of the lecture it belongs to
}

// StepKind names what a step does.
type StepKind string

// The kinds of step. Node is the node a step acts on; the other fields a
// kind uses are named after it.
const (
	// StepCaption only shows its caption: look at the diagram and read.
	StepCaption StepKind = "caption"
	// StepStart starts Node, a Later program, and waits for its hello.
	StepStart StepKind = "start"
	// StepDo lets Node run Cmd as if typed, e.g. "put a 1" (a trace "do" line).
	StepDo StepKind = "do"
	// StepKill ends Node at once (SIGKILL): no goodbye, no saved state.
	StepKill StepKind = "kill"
	// StepFreeze stops Node (SIGSTOP): it is still there but does nothing.
	StepFreeze StepKind = "freeze"
	// StepThaw lets a frozen Node go on (SIGCONT).
	StepThaw StepKind = "thaw"
	// StepRestart starts Node again with the same arguments and address
	// (killing it first if it still runs) and waits for its hello.
	StepRestart StepKind = "restart"
	// StepPartition cuts Node off from Peers in both directions (with
	// OneWay, in one: Node cannot reach Peers, they still reach Node): the player
	// tells Node it cannot reach Peers, and each of Peers that it cannot
	// reach Node. Each node keeps its cut-off peers until StepHeal, so the
	// player sends a node the whole set each time. A node knows a peer by
	// name only after the peer's first message on a connection, so the
	// player names each peer by its node name and by its listen address.
	StepPartition StepKind = "partition"
	// StepHeal ends every partition of the model.
	StepHeal StepKind = "heal"
	// StepFault sets Fault (delay, drop, duplicate or hold) on Node, or on
	// every running node when Node is empty. A delay on every node is the
	// launcher's slow motion; a delay, drop or duplicate of 0 turns it off.
	StepFault StepKind = "fault"
	// StepWait waits until an event that Until matches arrives, counting
	// from the moment the step before it was carried out, or until
	// WaitLimit has passed. Its caption says what the class waits for.
	StepWait StepKind = "wait"
	// StepPredict is a "predict the flow" question. An earlier StepFault
	// turns step mode (hold) on at Node, and a StepDo makes Node send a
	// message; StepPredict waits, like StepWait, until Until matches that
	// message being held, and its caption asks where it will go (or who
	// will answer) with Choices to pick from. Once the class has answered,
	// step mode at Node ends, the message goes on, and the node that
	// receives it is compared with the answer; Answer is the node that
	// does, Explain says why.
	StepPredict StepKind = "predict"
)

// ClaimLimit is how long the player waits for a claimed state that the
// node has not reported yet: a program reports a change a moment after it
// happened.
const ClaimLimit = 3 * time.Second

// WaitLimit is how long a StepWait waits before the player reports that the
// event did not come and lets the class go on.
const WaitLimit = 10 * time.Second

// Step is one step of an experiment. Only the fields its Kind uses are set.
type Step struct {
	Kind    StepKind
	Caption i18n.Text
	Node    string        // start, do, kill, freeze, thaw, restart, partition; fault ("" = every node)
	Cmd     string        // do: the command line, e.g. "put a 1"
	Peers   []string      // partition: the nodes Node is cut off from
	OneWay  bool          // partition: only Node cannot reach Peers; they still reach Node
	Fault   trace.Control // fault: Op delay, drop, duplicate or hold, with its Ms, P or On
	Until   Match         // wait, predict: the event to wait for
	Choices []string      // predict: the nodes to choose from
	Answer  string        // predict: the node that receives the held message
	Explain i18n.Text     // predict: why, shown after the answer
	// Claims are what the caption says about the nodes' state ("server-2
	// is empty again"), as state matches (Node, Key, Value: keys "0").
	// After carrying out the step the player checks each against the
	// node's latest report, waiting up to ClaimLimit for it to come true;
	// one that does not is the step's error, so the screen never says
	// what the programs do not, and the launcher's tests, which play every
	// experiment, fail when a caption and the programs part ways.
	Claims []Match
	// Line is where the step is written in its experiment's file (0: not
	// from a file), for error messages.
	Line int
}

// Match describes a trace event a StepWait waits for. Kind must be set;
// every other empty field matches anything. It is data, not code, so an
// experiment can be read, stored and checked like the rest of the catalogue.
type Match struct {
	Kind  trace.Kind // the event's kind: hello, send, recv, hold, state, log, bye
	Node  string     // the node that reports the event
	Type  string     // send, recv, hold: the message type, e.g. "put_ok"
	From  string     // send, recv, hold: the node that sent the message
	Fault string     // send: "drop", "partition" or "duplicate"
	Field string     // send, recv, hold: a field of the message's body (its JSON name), e.g. "found"
	Is    string     // with Field: the field's value, a string as it is, anything else as JSON ("false", "2")
	Key   string     // state: the key
	Value string     // state: the value
	Text  string     // log, bye: text the line contains
}

// Matches reports whether e is an event m describes.
func (m Match) Matches(e trace.Event) bool {
	if e.Kind != m.Kind || !same(m.Node, e.Node) || !same(m.Fault, e.Fault) ||
		!same(m.Key, e.Key) || !same(m.Value, e.Value) || !strings.Contains(e.Text, m.Text) {
		return false
	}
	if m.Type == "" && m.From == "" && m.Field == "" {
		return true
	}
	return e.Msg != nil && same(m.Type, e.Msg.Type) && same(m.From, e.Msg.From) &&
		(m.Field == "" || fieldIs(e.Msg.Body, m.Field, m.Is))
}

// fieldIs reports whether the JSON object body has a field named field
// whose value is want: a JSON string by its text, anything else (a bool,
// a number, null) as written. A field the body leaves out (omitempty) is
// the empty string. A body that is not an object has no fields.
//
// An experiment names a field rather than a piece of the body's text, so
// that the catalogue's tests can check the name against the demo's message
// types (see the package doc), and a renamed field fails a test instead of
// a lesson.
func fieldIs(body []byte, field, want string) bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || fields == nil {
		return false
	}
	raw, ok := fields[field]
	if !ok {
		return want == ""
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text == want
	}
	return string(bytes.TrimSpace(raw)) == want
}

// same reports whether an event's field has the value a Match wants; an
// empty want matches anything.
func same(want, got string) bool { return want == "" || want == got }

// entry is one model of the catalogue and its place in the lecture.
type entry struct {
	place int
	model func() Model
}

// entries holds what the model files register: each file of the catalogue
// adds its own model in an init function, so a new model is a new file
// here and no list elsewhere has to learn of it.
var entries []entry

// register adds a model to the catalogue at its place in the lecture: the
// home screen lists models by place, lowest first. Places are spaced by
// ten, so a model can be put between two others; two models on one place
// are a programming error, caught by the catalogue's tests.
func register(place int, model func() Model) {
	entries = append(entries, entry{place, model})
}

// All returns the catalogue in the order the launcher lists it: the order
// of the lecture.
func All() []Model {
	sorted := slices.SortedStableFunc(slices.Values(entries), func(a, b entry) int { return cmp.Compare(a.place, b.place) })
	experiments, _ := builtin()
	vocabularies, _ := builtinVocabularies()
	out := make([]Model, len(sorted))
	for i, e := range sorted {
		out[i] = e.model()
		out[i].Vocabulary = vocabularies[out[i].ID].clone()
		for _, x := range experiments[out[i].ID] {
			out[i].Experiments = append(out[i].Experiments, x.clone())
		}
	}
	return out
}

// clone returns a copy of e that shares no slice with it, so that a
// caller may change its copy of the catalogue.
func (e Experiment) clone() Experiment {
	e.Steps = slices.Clone(e.Steps)
	for i, s := range e.Steps {
		e.Steps[i].Peers = slices.Clone(s.Peers)
		e.Steps[i].Choices = slices.Clone(s.Choices)
		e.Steps[i].Claims = slices.Clone(s.Claims)
	}
	return e
}

// ByID returns the model with the given id.
func ByID(id string) (Model, bool) {
	for _, m := range All() {
		if m.ID == id {
			return m, true
		}
	}
	return Model{}, false
}

// Program returns the model's program with the given node name.
func (m Model) Program(node string) (Program, bool) {
	for _, p := range m.Programs {
		if p.Node == node {
			return p, true
		}
	}
	return Program{}, false
}
