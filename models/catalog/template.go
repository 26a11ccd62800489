package catalog

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template returns a commented starting point for an instructor's own
// experiment of m, in the file format: three steps that pass
// ValidateExperiment as they are (a caption, a command, a wait for its
// reply), and every other kind of step as a comment, with this model's
// node names. The command is one the model's built-in experiments send,
// so it is one the program understands.
func (m Model) Template() string {
	client, cmd := m.firstCommand()
	var b strings.Builder
	fmt.Fprintf(&b, `# An experiment of your own for the model %q (%s).
# Ein eigenes Experiment für das Modell %q.
#
# Check it / prüfen:   dsdemo experiments --check FILE
# Use it / verwenden:  put it in ~/.config/dsdemo/experiments/ (or run dsdemo --experiments DIR)
# The format / das Format: models/catalog/experiments/README.md
model: %s
id: my-experiment  # lower-case letters, digits and hyphens; unique in the model
title: {de: Mein Experiment, en: My experiment}
summary:
  de: Was das Experiment zeigt, in ein oder zwei Sätzen.
  en: What the experiment shows, in a sentence or two.
# notes:  # for you, not the class; each optional, each in both languages
#   goal: {de: ..., en: ...}           # what the class should take away
#   ask: {de: ..., en: ...}            # the question to ask before the run
#   misconception: {de: ..., en: ...}  # the wrong idea to expect
#   slide: {de: ..., en: ...}          # the slide it belongs to
steps:
  - caption:
      de: Was die Klasse zuerst ansehen soll.
      en: What the class should look at first.
`, m.Title.EN, m.ID, m.Title.DE, m.ID)
	if client != "" {
		fmt.Fprintf(&b, `  - do: %s
    cmd: %s
    caption: {de: %s schickt eine Anfrage., en: %s sends a request.}
  - wait: {kind: recv, node: %s}
    caption: {de: Warten auf die Antwort., en: Waiting for the reply.}
`, client, quoted(cmd), client, client, client)
	}
	fmt.Fprintf(&b, "  # More kinds of step; the nodes of this model: %s.\n", strings.Join(m.nodeNames(), ", "))
	server := m.firstServer()
	other := m.otherNode(server)
	for _, line := range []string{
		"- kill: " + server + "      # ends it at once (SIGKILL)",
		"- restart: " + server + "   # starts it again at the same address",
		"- freeze: " + server + "    # stops it (SIGSTOP); - thaw: " + server + " lets it go on",
		"- partition: " + server,
		"  from: [" + other + "]    # cuts the two apart; - heal: true ends every partition",
		"- fault: {node: " + server + ", op: delay, ms: 300}  # or op: drop / duplicate with p: 0 to 1; no node: every node",
		"- wait: {kind: recv, node: " + other + ", type: TYPE, field: FIELD, is: VALUE}",
		"- fault: {node: " + other + ", op: hold, on: true}  # step mode, then a do that makes it send, then:",
		"- predict: {node: " + other + ", type: TYPE}",
		"  choices: [" + server + ", " + other + "]",
		"  answer: " + server,
		"  explain: {de: Warum., en: Why.}",
		"Every step has a caption: {de: ..., en: ...}; a start step starts a node marked (later).",
	} {
		b.WriteString("  # " + line + "\n")
	}
	return b.String()
}

// quoted writes s as a YAML value, in quotes if it needs them.
func quoted(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSpace(string(out))
}

// firstCommand finds a node that runs from the start and a command the
// built-in experiments let it run.
func (m Model) firstCommand() (node, cmd string) {
	for _, e := range m.Experiments {
		for _, s := range e.Steps {
			if p, ok := m.Program(s.Node); ok && s.Kind == StepDo && !p.Later {
				return s.Node, s.Cmd
			}
		}
	}
	return "", ""
}

// firstServer is the first node that serves others, or the first node.
func (m Model) firstServer() string {
	if i := slices.IndexFunc(m.Programs, func(p Program) bool { return p.Listen != NoListen }); i >= 0 {
		return m.Programs[i].Node
	}
	return m.Programs[0].Node
}

// otherNode is the first node that is not node.
func (m Model) otherNode(node string) string {
	for _, p := range m.Programs {
		if p.Node != node {
			return p.Node
		}
	}
	return node
}

// nodeNames lists the nodes, marking those only a start step starts.
func (m Model) nodeNames() []string {
	var names []string
	for _, p := range m.Programs {
		if p.Later {
			names = append(names, p.Node+" (later)")
		} else {
			names = append(names, p.Node)
		}
	}
	return names
}
