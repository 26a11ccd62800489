// Package app is the dsdemo command: it reads the command line and runs the
// terminal UI, a replay or an export. Exit codes follow the programs': 0 done,
// 1 failed, 2 a usage error, each error one line on stderr.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
       dsdemo export FILE --format mermaid|svg [--out FILE]   write a diagram of a run
       dsdemo quiz [--topic T] [--exam N] | --stats | --check FILE   practise for the exam (see quiz --help)

Recorded runs are in %s.

flags of the terminal UI and replay:
`

// options are the flags of the terminal UI and replay.
type options struct {
	lang  string
	theme string
	auto  bool
	pace  int
	bin   string
}

// Main runs the dsdemo command with args and returns its exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return exit(stderr, runExport(args[1:], stdout))
		case "quiz":
			return runQuiz(args[1:], stdout, stderr)
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
		return exit(stderr, usageErr(fmt.Sprintf("unknown command %q (want replay, export or quiz)", rest[0])))
	}
	return exit(stderr, runUI(opts))
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

// parseOptions parses the UI flags. It returns a nil rest after --help.
func parseOptions(args []string, stdout io.Writer) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("dsdemo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.lang, "lang", i18n.FromEnv(), "language of the texts: `de` or en (default from $LANG)")
	fs.StringVar(&o.theme, "theme", theme.Default, "colours: `default` or contrast (for projectors)")
	fs.BoolVar(&o.auto, "auto", false, "play guided experiments without waiting for a key")
	fs.IntVar(&o.pace, "pace", screen.DefaultPace, "with --auto: read each caption aloud at `WORDS` a minute before the next step (20 to 600)")
	fs.StringVar(&o.bin, "bin", "", "`DIR` with the demo programs, missing ones built there (default bin/ of the dsdemo module)")
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
	return o, fs.Args(), nil
}

// runExport writes a diagram of a recorded run.
func runExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "mermaid", "mermaid or svg")
	out := fs.String("out", "", "write to `FILE` instead of stdout")
	// The file may come before or after the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(fmt.Sprintf("export: %v", err))
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		return usageErr("export needs one FILE: dsdemo export FILE --format mermaid|svg")
	}
	write := export.Mermaid
	switch *format {
	case "mermaid":
	case "svg":
		write = export.SVG
	default:
		return usageErr(fmt.Sprintf("--format must be mermaid or svg, not %q", *format))
	}
	run, readErr := record.ReadFile(file)
	events := run.Events
	if readErr != nil && len(events) == 0 {
		return readErr
	}
	if *out == "" {
		if err := write(stdout, events); err != nil {
			return err
		}
	} else if err := writeFile(*out, events, write); err != nil {
		return err
	}
	// A broken file still gives the diagram of what could be read, and says so.
	return readErr
}

func writeFile(path string, events []trace.Event, write func(io.Writer, []trace.Event) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f, events); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runUI runs the terminal UI. Every demo it starts is recorded in the state
// directory, and every demo is stopped when the UI ends, however it ends.
func runUI(o options) error {
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
		l, err := launch.Start(ctx, launch.Config{Model: m, BinDir: o.bin, OnEvent: func(ev trace.Event) {
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
	ui := screen.New(o.screenOptions(dir, start))
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
	ui := screen.NewReplay(run.Events, o.screenOptions(dir, nil))
	if readErr != nil {
		ui.Notice(readErr.Error())
	}
	_, err := tea.NewProgram(ui).Run()
	return err
}

func (o options) screenOptions(dir string, start screen.Starter) screen.Options {
	return screen.Options{
		Lang: o.lang, Theme: o.theme, Auto: o.auto, Pace: o.pace, Catalog: catalog.All(), Start: start,
		Export: func(events []trace.Event) (string, error) { return exportBoth(dir, events) },
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

func (d *demo) Close() error {
	err := d.Launcher.Close()
	return errors.Join(err, d.recording.Close())
}

// exportBoth writes the Mermaid and the SVG diagram of events into dir and
// returns the paths.
func exportBoth(dir string, events []trace.Event) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := filepath.Join(dir, "diagram-"+time.Now().Format("20060102-150405"))
	if err := writeFile(base+".mmd", events, export.Mermaid); err != nil {
		return "", err
	}
	if err := writeFile(base+".svg", events, export.SVG); err != nil {
		return "", err
	}
	return base + ".mmd, .svg", nil
}
