package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/program"
)

// A handout is one experiment written as Markdown for the course page:
//
//	# title                        the experiment, in --lang
//	summary
//	## Programs                    the model's programs, and how to start them
//	## Steps                       numbered, each with its caption; a predict
//	                               step with its question and choices only
//	## Answers                     the predict steps' answers and why
//	## For instructors             the teacher notes (left out by --no-notes)
//
// The answers come after every question, so a student reading from the
// top meets each question before its answer.

// handoutUsage is the help of dsdemo handout; the flags follow it.
const handoutUsage = `usage: dsdemo handout MODEL/EXPERIMENT [--lang de|en] [--out FILE] [--no-notes]
       dsdemo handout --all DIR [--lang de|en] [--no-notes]
       dsdemo notes MODEL/EXPERIMENT [--lang de|en]

handout writes an experiment as Markdown for the course page: its steps and
captions, the predict questions with their answers at the end, and the notes
for instructors (--no-notes leaves them out: a handout for students).
EXPERIMENT alone will do when no other model has an experiment of that id.
--all writes one file per experiment into DIR, named MODEL-EXPERIMENT.md.
notes prints only the notes for instructors.

`

// runHandout is dsdemo handout (notes: dsdemo notes, the instructor's
// section alone).
func runHandout(args []string, notesOnly bool, stdout io.Writer) error {
	name := "handout"
	if notesOnly {
		name = "notes"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lang := fs.String("lang", i18n.FromEnv(), "language of the handout: `de` or en")
	out := fs.String("out", "", "write to `FILE` instead of stdout")
	all := fs.String("all", "", "write one file per experiment into the directory `DIR`")
	noNotes := fs.Bool("no-notes", false, "leave out the notes for instructors (a handout for students)")
	dir := fs.String("experiments", "", "`DIR` of your own experiments (default "+ownDirHint()+")")
	// The experiment may come before or after the flags.
	var ref string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		ref, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, handoutUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil
		}
		return usageErr(fmt.Sprintf("%s: %v (see %s --help)", name, err, name))
	}
	if ref == "" && fs.NArg() == 1 {
		ref = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageErr(fmt.Sprintf("%s: unexpected %q", name, fs.Arg(0)))
	}
	switch {
	case !i18n.Known(*lang):
		return usageErr(fmt.Sprintf("--lang must be de or en, not %q", *lang))
	case notesOnly && (*all != "" || *noNotes || *out != ""):
		return usageErr("notes takes MODEL/EXPERIMENT and --lang only")
	case *all != "" && (ref != "" || *out != ""):
		return usageErr("--all writes every experiment into DIR: give no EXPERIMENT and no --out")
	case *all == "" && ref == "":
		return usageErr(fmt.Sprintf("%s needs an experiment: dsdemo %s MODEL/EXPERIMENT (dsdemo experiments --list names them)", name, name))
	}
	models, ownErr := withOwn(*dir)
	if *all != "" {
		return errors.Join(writeHandouts(models, *all, *lang, !*noNotes), ownErr)
	}
	m, e, err := findExperiment(models, ref)
	if err != nil {
		// An own experiment with a mistake may be the one asked for.
		return errors.Join(err, ownErr)
	}
	write := func(w io.Writer) error { return writeHandout(w, m, e, *lang, !*noNotes) }
	if notesOnly {
		write = func(w io.Writer) error { return writeNotes(w, m, e, *lang) }
	}
	if *out == "" {
		return write(stdout)
	}
	return writeFile(*out, write)
}

// findExperiment finds "MODEL/EXPERIMENT", or "EXPERIMENT" when only one
// model has an experiment of that id.
func findExperiment(models []catalog.Model, ref string) (catalog.Model, catalog.Experiment, error) {
	model, id, hasModel := strings.Cut(ref, "/")
	if !hasModel {
		model, id = "", ref
	}
	var found []string
	var fm catalog.Model
	var fe catalog.Experiment
	for _, m := range models {
		if hasModel && m.ID != model {
			continue
		}
		for _, e := range m.Experiments {
			if e.ID == id {
				found = append(found, m.ID+"/"+e.ID)
				fm, fe = m, e
			}
		}
	}
	switch {
	case len(found) == 1:
		return fm, fe, nil
	case len(found) > 1:
		return fm, fe, usageErr(fmt.Sprintf("experiment %q is in several models; name one: %s", id, strings.Join(found, ", ")))
	case hasModel && !slices.ContainsFunc(models, func(m catalog.Model) bool { return m.ID == model }):
		return fm, fe, usageErr(fmt.Sprintf("no model %q (dsdemo experiments --list names them)", model))
	}
	return fm, fe, usageErr(fmt.Sprintf("no experiment %q (dsdemo experiments --list names them)", ref))
}

// writeHandouts writes a handout of every experiment into dir.
func writeHandouts(models []catalog.Model, dir, lang string, notes bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, m := range models {
		for _, e := range m.Experiments {
			file := filepath.Join(dir, m.ID+"-"+e.ID+".md")
			if err := writeFile(file, func(w io.Writer) error { return writeHandout(w, m, e, lang, notes) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeHandout writes the handout of e, an experiment of m, in lang.
func writeHandout(w io.Writer, m catalog.Model, e catalog.Experiment, lang string, notes bool) error {
	t := func(de, en string) string { return i18n.Text{DE: de, EN: en}.In(lang) }
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", e.Title.In(lang))
	fmt.Fprintf(&b, "%s: %s · %s: `%s/%s`\n\n", t("Modell", "Model"), m.Title.In(lang), t("Experiment", "Experiment"), m.ID, e.ID)
	fmt.Fprintf(&b, "%s\n\n", e.Summary.In(lang))
	writePrograms(&b, m, e, lang)
	fmt.Fprintf(&b, "## %s\n\n", t("Schritte", "Steps"))
	var answers []string
	for i, s := range e.Steps {
		fmt.Fprintf(&b, "%d. %s%s\n", i+1, stepAction(s, lang), oneLine(s.Caption.In(lang)))
		if s.Kind != catalog.StepPredict {
			continue
		}
		fmt.Fprintf(&b, "\n   %s\n\n", t("Ihre Vorhersage:", "Your prediction:"))
		for j, c := range s.Choices {
			fmt.Fprintf(&b, "   %d. `%s`\n", j+1, c)
		}
		b.WriteString("\n")
		answers = append(answers, fmt.Sprintf("- %s %d: `%s`. %s", t("Schritt", "Step"), i+1, s.Answer, oneLine(s.Explain.In(lang))))
	}
	if len(answers) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", t("Antworten", "Answers"), strings.Join(answers, "\n"))
	}
	if notes && !e.Notes.Empty() {
		fmt.Fprintf(&b, "\n## %s\n\n", t("Für Lehrende", "For instructors"))
		b.WriteString(notesList(e.Notes, lang))
	}
	// A predict step as the last one leaves a blank line of its own.
	_, err := io.WriteString(w, strings.ReplaceAll(b.String(), "\n\n\n", "\n\n"))
	return err
}

// writeNotes writes only the notes of e, for dsdemo notes.
func writeNotes(w io.Writer, m catalog.Model, e catalog.Experiment, lang string) error {
	if e.Notes.Empty() {
		return fmt.Errorf("%s/%s has no notes for instructors (an experiment file may add them under notes:)", m.ID, e.ID)
	}
	_, err := fmt.Fprintf(w, "# %s (%s/%s)\n\n%s", e.Title.In(lang), m.ID, e.ID, notesList(e.Notes, lang))
	return err
}

// noteLabels are the headings of the four notes.
var noteLabels = map[string]i18n.Text{
	"slide":         {DE: "Folie", EN: "Slide"},
	"goal":          {DE: "Lernziel", EN: "Learning goal"},
	"ask":           {DE: "Frage an die Klasse", EN: "Ask the class"},
	"misconception": {DE: "Typische Fehlvorstellung", EN: "Typical misconception"},
}

// notesList is the notes that are written, as a Markdown list.
func notesList(n catalog.Notes, lang string) string {
	var b strings.Builder
	for _, f := range n.Fields() {
		if text := f.Text.In(lang); text != "" {
			fmt.Fprintf(&b, "- **%s:** %s\n", noteLabels[f.Name].In(lang), oneLine(text))
		}
	}
	return b.String()
}

// handPorts is where the programs listen when started by hand from a
// handout: fixed ports from here on, one per program that serves, so the
// command lines can name each other's addresses.
const handPorts = 7301

// writePrograms lists the model's programs and the commands to start them
// by hand, each in a terminal of its own; a program the experiment starts
// later comes after the others, with the step that starts it.
func writePrograms(b *strings.Builder, m catalog.Model, e catalog.Experiment, lang string) {
	t := func(de, en string) string { return i18n.Text{DE: de, EN: en}.In(lang) }
	fmt.Fprintf(b, "## %s\n\n", t("Programme", "Programs"))
	fmt.Fprintf(b, "%s\n\n", t(
		fmt.Sprintf("Im Launcher: `dsdemo` starten, das Modell „%s“ und das Experiment „%s“ wählen, enter; x spielt den nächsten Schritt.", m.Title.In(lang), e.Title.In(lang)),
		fmt.Sprintf("In the launcher: start `dsdemo`, choose the model “%s” and the experiment “%s”, enter; x plays the next step.", m.Title.In(lang), e.Title.In(lang))))
	fmt.Fprintf(b, "| %s | %s | %s |\n|---|---|---|\n", t("Knoten", "Node"), t("Rolle", "Role"), t("Programm", "Program"))
	for _, p := range m.Programs {
		fmt.Fprintf(b, "| %s | %s | `bin/%s` |\n", p.Node, p.Role, p.Binary)
	}
	addrs := map[string]string{}
	for _, p := range m.Programs {
		if p.Listen != catalog.NoListen {
			addrs[p.Node] = fmt.Sprintf("127.0.0.1:%d", handPorts+len(addrs))
		}
	}
	fmt.Fprintf(b, "\n%s\n\n```sh\n", t("Von Hand, jedes Programm in einem eigenen Terminal (aus dem Verzeichnis von dsdemo, nach `make build`):",
		"By hand, each program in a terminal of its own (from dsdemo's directory, after `make build`):"))
	servers := func(p catalog.Program) bool { return p.Listen != catalog.NoListen }
	for _, group := range []func(catalog.Program) bool{servers, func(p catalog.Program) bool { return !servers(p) }} {
		for _, p := range m.Programs {
			if !p.Later && group(p) {
				fmt.Fprintf(b, "%s\n", handCommand(p, addrs))
			}
		}
	}
	// Programs started later: those the experiment starts, in the order of
	// the steps that start them, then the rest under one heading.
	var unused []catalog.Program
	for i, s := range e.Steps {
		if s.Kind != catalog.StepStart {
			continue
		}
		if p, ok := m.Program(s.Node); ok && p.Later && !slices.ContainsFunc(e.Steps[:i], func(s catalog.Step) bool { return s.Kind == catalog.StepStart && s.Node == p.Node }) {
			fmt.Fprintf(b, "# %s %d:\n%s\n", t("erst in Schritt", "only at step"), i+1, handCommand(p, addrs))
		}
	}
	for _, p := range m.Programs {
		started := slices.ContainsFunc(e.Steps, func(s catalog.Step) bool { return s.Kind == catalog.StepStart && s.Node == p.Node })
		if p.Later && !started {
			unused = append(unused, p)
		}
	}
	if len(unused) > 0 {
		fmt.Fprintf(b, "# %s\n", t("nicht in diesem Experiment:", "not in this experiment:"))
		for _, p := range unused {
			fmt.Fprintf(b, "%s\n", handCommand(p, addrs))
		}
	}
	b.WriteString("```\n\n")
}

// handCommand is the command line of p for a terminal: its name, its
// address from addrs, its own arguments with every {addr:NODE} filled in.
func handCommand(p catalog.Program, addrs map[string]string) string {
	args := program.Common{Name: p.Node, Listen: addrs[p.Node]}.Args()
	own, err := p.ExpandArgs(addrs)
	if err != nil {
		own = p.Args // a node that serves nobody: the placeholder stays for the reader
	}
	line := []string{"bin/" + p.Binary}
	for _, a := range append(args, own...) {
		line = append(line, shellWord(a))
	}
	return strings.Join(line, " ")
}

// shellWord quotes a for a POSIX shell when it needs it.
func shellWord(a string) string {
	if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,=@%+") == "" {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// stepAction says in a few words what a step does, before its caption;
// a caption step does nothing but show its caption.
func stepAction(s catalog.Step, lang string) string {
	t := func(de, en string) string { return i18n.Text{DE: de, EN: en}.In(lang) }
	var what string
	switch s.Kind {
	case catalog.StepCaption:
		return ""
	case catalog.StepStart:
		what = t("start", "start") + " " + s.Node
	case catalog.StepDo:
		what = fmt.Sprintf("%s: `%s`", s.Node, s.Cmd)
	case catalog.StepKill:
		what = "kill " + s.Node
	case catalog.StepFreeze:
		what = t("einfrieren", "freeze") + " " + s.Node
	case catalog.StepThaw:
		what = t("auftauen", "thaw") + " " + s.Node
	case catalog.StepRestart:
		what = t("Neustart", "restart") + " " + s.Node
	case catalog.StepPartition:
		what = fmt.Sprintf(t("Partition: %s getrennt von %s", "partition: %s cut off from %s"), s.Node, strings.Join(s.Peers, ", "))
		if len(s.Peers) == 0 {
			what = fmt.Sprintf(t("Partition: %s abgetrennt", "partition: %s cut off"), s.Node)
		}
	case catalog.StepHeal:
		what = t("Netz wieder ganz", "network healed")
	case catalog.StepFault:
		node := s.Node
		if node == "" {
			node = t("alle Knoten", "every node")
		}
		what = fmt.Sprintf("%s %s", s.Fault.Op, node)
	case catalog.StepWait:
		what = t("warten", "wait")
	case catalog.StepPredict:
		what = t("Vorhersage", "predict")
	default:
		what = string(s.Kind)
	}
	return "*" + what + "* – "
}

// oneLine keeps a text on its line in a Markdown list.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
