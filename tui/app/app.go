// Package app is the dsdemo command: it reads the command line and runs the
// terminal UI, a replay or an export. Exit codes follow the programs': 0 done,
// 1 failed, 2 a usage error, each error one line on stderr.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/export"
	"dsdemo/tui/launch"
	"dsdemo/tui/record"
	"dsdemo/tui/screen"
	"dsdemo/tui/theme"
)

const usage = `usage: dsdemo [flags]                                    the terminal UI
       dsdemo replay [flags] FILE                        play a recorded run
       dsdemo export FILE [--format mermaid|svg|shiviz] [--out FILE] [--from T] [--to T] [--steps N-M] [--no-background]
                                                         write a diagram of a run (see export --help)
       dsdemo quiz [--topic T] [--exam N] | --stats | --check FILE   practise for the exam (see quiz --help)
       dsdemo experiments --check FILE | --new MODEL | --list   write and check your own experiments (see experiments --help)
       dsdemo glossary [--lang de|en] [--format text|markdown] [TERM]   the lecture's terms (see glossary --help)
       dsdemo handout MODEL/EXPERIMENT [--lang de|en] [--out FILE] [--no-notes] | --all DIR   an experiment as Markdown (see handout --help)
       dsdemo notes MODEL/EXPERIMENT [--lang de|en]   the notes for instructors of an experiment
       dsdemo serve --ssh ADDR [--authorized-keys FILE] [flags]   the terminal UI, watched by the class over SSH (see serve --help)
       dsdemo report FILE                                the class's answers in a recorded run

Recorded runs are in %s.

flags of the terminal UI and replay:
`

// options are the flags of the terminal UI and replay.
type options struct {
	lang  string
	theme string
	auto  bool
	pace  int
	notes bool // the live view opens with the teacher notes shown
	bin   string
	// experiments is the directory of the instructor's own experiments;
	// "": catalog.OwnDir.
	experiments string
	// class opens each demo's collector on this address to programs from
	// other machines with classToken; "": loopback only.
	class, classToken string
}

// Main runs the dsdemo command with args and returns its exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return exit(stderr, runExport(args[1:], stdout))
		case "quiz":
			return runQuiz(args[1:], stdout, stderr)
		case "experiments":
			return runExperiments(args[1:], stdout, stderr)
		case "glossary":
			return exit(stderr, runGlossary(args[1:], stdout))
		case "handout", "notes":
			return exit(stderr, runHandout(args[1:], args[0] == "notes", stdout))
		case "serve":
			return exit(stderr, runServe(args[1:], stdout))
		case "report":
			return exit(stderr, runReport(args[1:], stdout))
		case "replay":
			opts, rest, err := parseOptions(args[1:], stdout)
			if err != nil || rest == nil {
				return exit(stderr, err)
			}
			if len(rest) != 1 {
				return exit(stderr, usageErr("replay needs one FILE"))
			}
			return exit(stderr, runReplay(opts, rest[0]))
		}
	}
	opts, rest, err := parseOptions(args, stdout)
	if err != nil || rest == nil {
		return exit(stderr, err)
	}
	if len(rest) > 0 {
		return exit(stderr, usageErr(fmt.Sprintf("unknown command %q (want replay, export, quiz, glossary, experiments, notes or handout)", rest[0])))
	}
	return exit(stderr, runUI(opts, nil))
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErr(msg string) error { return &usageError{msg: msg} }

func exit(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "dsdemo: %v\n", err)
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// parseOptions parses the UI flags, and those more adds to them. It
// returns a nil rest after --help.
func parseOptions(args []string, stdout io.Writer, more ...func(fs *flag.FlagSet)) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("dsdemo", flag.ContinueOnError)
	for _, add := range more {
		add(fs)
	}
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.lang, "lang", i18n.FromEnv(), "language of the texts: `de` or en (default from $LANG)")
	fs.StringVar(&o.theme, "theme", theme.Default, "colours: `default` or contrast (for projectors)")
	fs.BoolVar(&o.notes, "notes", false, "show the teacher notes of the experiment in the live view (key t toggles them)")
	fs.BoolVar(&o.auto, "auto", false, "play guided experiments without waiting for a key")
	fs.IntVar(&o.pace, "pace", screen.DefaultPace, "with --auto: read each caption aloud at `WORDS` a minute before the next step (20 to 600)")
	fs.StringVar(&o.experiments, "experiments", "", "`DIR` of your own experiments, listed beside the built-in ones (default "+ownDirHint()+")")
	fs.StringVar(&o.bin, "bin", "", "`DIR` with the demo programs, missing ones built there (default bin/ of the dsdemo module)")
	fs.StringVar(&o.class, "class", "", "open each demo to programs from other machines at `ADDR` (host:port): they join with --trace ADDR --join-token TOKEN, the token shown on the home page")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			dir, _ := record.StateDir()
			fmt.Fprintf(stdout, usage, dir)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return o, nil, nil
		}
		return o, nil, usageErr(fmt.Sprintf("%v (see --help)", err))
	}
	if !i18n.Known(o.lang) {
		return o, nil, usageErr(fmt.Sprintf("--lang must be de or en, not %q", o.lang))
	}
	if o.pace < 20 || o.pace > 600 {
		return o, nil, usageErr(fmt.Sprintf("--pace must be 20 to 600 words a minute, not %d", o.pace))
	}
	if !theme.Known(o.theme) {
		return o, nil, usageErr(fmt.Sprintf("--theme must be default or contrast, not %q", o.theme))
	}
	if o.class != "" {
		if _, _, err := net.SplitHostPort(o.class); err != nil {
			return o, nil, usageErr(fmt.Sprintf("--class must be HOST:PORT, not %q", o.class))
		}
		o.classToken = strings.ToLower(rand.Text()[:12])
	}
	return o, fs.Args(), nil
}

// exportUsage is the help of dsdemo export; the flags follow it.
const exportUsage = `usage: dsdemo export FILE [flags]

Writes a sequence diagram of a recorded run, or of the part the flags choose.
Times count from the start of the run; steps from 1, as the captions did.
--format shiviz writes a log for ShiViz instead (vector clocks computed from
the messages; open it there with "Choose file"); --no-background does not
apply to it.

`

// runExport writes a diagram of a recorded run.
func runExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "mermaid", "`mermaid`, svg or shiviz (a log for ShiViz, with vector clocks)")
	out := fs.String("out", "", "write to `FILE` instead of stdout")
	from := fs.Duration("from", 0, "leave out the messages sent before `TIME` into the run, e.g. 2m")
	to := fs.Duration("to", 0, "leave out the messages sent from `TIME` into the run on, e.g. 3m30s")
	steps := fs.String("steps", "", "only the messages of the experiment's steps `FIRST-LAST` (2-4) or of one step (3)")
	noBackground := fs.Bool("no-background", false, "leave out the model's background traffic (a ring's upkeep, a replica's sync)")
	lang := fs.String("lang", i18n.FromEnv(), "language of the words the diagram adds: `de` or en")
	// The file may come before or after the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, exportUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil
		}
		return usageErr(fmt.Sprintf("export: %v", err))
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		return usageErr("export needs one FILE: dsdemo export FILE --format mermaid|svg|shiviz")
	}
	write := export.Mermaid
	switch *format {
	case "mermaid":
	case "svg":
		write = export.SVG
	case "shiviz":
		write = export.ShiViz
	default:
		return usageErr(fmt.Sprintf("--format must be mermaid, svg or shiviz, not %q", *format))
	}
	if !i18n.Known(*lang) {
		return usageErr(fmt.Sprintf("--lang must be de or en, not %q", *lang))
	}
	window, err := exportWindow(*from, *to, *steps)
	if err != nil {
		return err
	}
	run, readErr := record.ReadFile(file)
	if readErr != nil && len(run.Events) == 0 {
		return readErr
	}
	opts, err := window(run)
	if err != nil {
		return err
	}
	opts.Lang = *lang
	if *noBackground {
		m, ok := catalog.ByID(run.Model())
		if !ok {
			return fmt.Errorf("--no-background: the recording's model %q is not one this dsdemo knows", run.Model())
		}
		opts.Background = m.Background
	}
	draw := func(w io.Writer) error { return write(w, run.Events, opts) }
	if *out == "" {
		err = draw(stdout)
	} else {
		err = writeFile(*out, draw)
	}
	// A broken file still gives the diagram of what could be read, and says so.
	return cmp.Or(err, readErr)
}

// exportWindow checks the window flags of export and returns what turns
// them into Options for a run: times from its start, or the times its
// steps were shown.
func exportWindow(from, to time.Duration, steps string) (func(record.Run) (export.Options, error), error) {
	switch {
	case from < 0 || to < 0:
		return nil, usageErr("--from and --to are times into the run: 0 or more")
	case to > 0 && to <= from:
		return nil, usageErr(fmt.Sprintf("--to %v must come after --from %v", to, from))
	case steps != "" && (from > 0 || to > 0):
		return nil, usageErr("--steps and --from/--to each choose a window: give one of them")
	case steps == "":
		return func(run record.Run) (export.Options, error) {
			var o export.Options
			start := run.Start()
			if from > 0 {
				o.From = start.Add(from)
			}
			if to > 0 {
				o.To = start.Add(to)
			}
			return o, nil
		}, nil
	}
	firstText, lastText, isRange := strings.Cut(steps, "-")
	if !isRange {
		lastText = firstText
	}
	first, err1 := strconv.Atoi(firstText)
	last, err2 := strconv.Atoi(lastText)
	if err1 != nil || err2 != nil || first < 1 || last < first {
		return nil, usageErr(fmt.Sprintf("--steps must be FIRST-LAST (2-4) or one step (3), counted from 1, not %q", steps))
	}
	return func(run record.Run) (export.Options, error) {
		from, to, err := run.StepWindow(first, last)
		return export.Options{From: from, To: to}, err
	}, nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runUI runs the terminal UI. Every demo it starts is recorded in the state
// directory, and every demo is stopped when the UI ends, however it ends.
// class, if not nil, watches every run (dsdemo serve).
func runUI(o options, class screen.Class) error {
	dir, err := record.StateDir()
	if err != nil {
		return err
	}
	var (
		mu      sync.Mutex // guards started
		started []*demo
	)
	stopAll := func() {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range started {
			d.Close()
		}
	}
	defer stopAll()
	start := func(ctx context.Context, m catalog.Model, onEvent func(trace.Event)) (screen.Controller, error) {
		w, err := record.Create(dir, m.ID, time.Now())
		if err != nil {
			return nil, err
		}
		var class *launch.Class
		if o.class != "" {
			class = &launch.Class{Addr: o.class, Token: o.classToken}
		}
		l, err := launch.Start(ctx, launch.Config{Model: m, BinDir: o.bin, Class: class, OnEvent: func(ev trace.Event) {
			w.Write(ev)
			onEvent(ev)
		}})
		if err != nil {
			w.Close()
			return nil, err
		}
		d := &demo{Launcher: l, recording: w}
		mu.Lock()
		started = append(started, d)
		mu.Unlock()
		return d, nil
	}
	opts := o.screenOptions(dir, start)
	opts.Class = class
	if o.class != "" {
		opts.Notice = fmt.Sprintf("--trace %s --join-token %s", o.class, o.classToken)
	}
	// A bad file of the instructor's own is named on the home page; the
	// good ones and the built-in experiments are there all the same.
	models, ownErr := withOwn(o.experiments)
	opts.Catalog = models
	if ownErr != nil {
		opts.Warning = ownErr.Error()
	}
	ui := screen.New(opts)
	_, err = tea.NewProgram(ui).Run()
	return err
}

// runReplay plays a recorded run in the live view.
func runReplay(o options, file string) error {
	run, readErr := record.ReadFile(file)
	if readErr != nil && len(run.Events) == 0 {
		return readErr
	}
	dir, _ := record.StateDir()
	ui := screen.ReplayRun(filepath.Base(file), run, o.screenOptions(dir, nil))
	if readErr != nil {
		ui.Notice(readErr.Error())
	}
	_, err := tea.NewProgram(ui).Run()
	return err
}

func (o options) screenOptions(dir string, start screen.Starter) screen.Options {
	return screen.Options{
		Lang: o.lang, Theme: o.theme, Auto: o.auto, Pace: o.pace, Notes: o.notes, Catalog: catalog.All(), Start: start,
		Export: func(events []trace.Event) (string, error) { return exportBoth(dir, events, o.lang) },
		Quiz:   o.quizPage,
	}
}

// demo is a running demo and its recording; Close ends both.
type demo struct {
	*launch.Launcher
	recording *record.Writer
}

// Play returns a player for the experiment e on this demo, which notes in
// the recording the captions the class reads, for the replay.
func (d *demo) Play(e catalog.Experiment) screen.Player {
	return d.recording.Narrate(e, launch.NewPlayer(d.Launcher, e))
}

// Record keeps an event of the UI's own in the recording: the class's
// answers.
func (d *demo) Record(ev trace.Event) { _ = d.recording.Write(ev) }

func (d *demo) Close() error {
	err := d.Launcher.Close()
	return errors.Join(err, d.recording.Close())
}

// exportBoth writes the Mermaid and the SVG diagram of events into dir and
// returns the paths.
func exportBoth(dir string, events []trace.Event, lang string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := filepath.Join(dir, "diagram-"+time.Now().Format("20060102-150405"))
	opts := export.Options{Lang: lang}
	for _, f := range []struct {
		ext  string
		draw func(io.Writer, []trace.Event, export.Options) error
	}{{".mmd", export.Mermaid}, {".svg", export.SVG}} {
		if err := writeFile(base+f.ext, func(w io.Writer) error { return f.draw(w, events, opts) }); err != nil {
			return "", err
		}
	}
	return base + ".mmd, .svg", nil
}
