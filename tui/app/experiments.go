package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"dsdemo/models/catalog"
)

// experimentsUsage is the help of dsdemo experiments; the flags follow it.
const experimentsUsage = `usage: dsdemo experiments --check FILE...        check experiment files; errors name file:line
       dsdemo experiments --new MODEL [--out FILE]  write a commented starting point for MODEL
       dsdemo experiments --list [--experiments DIR] list the experiments, built-in and your own

An experiment is a YAML file (the format: models/catalog/experiments/README.md).
Your own are read from %s
or from the directory dsdemo --experiments DIR names, and listed beside the built-in ones.

`

// runExperiments is dsdemo experiments: it checks, starts or lists
// experiment files. Exit 0 done, 1 a file has mistakes, 2 a usage error.
func runExperiments(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("experiments", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	check := fs.Bool("check", false, "check the experiment `FILE`s named after the flags")
	newModel := fs.String("new", "", "write a commented starting point for the model `MODEL` (an id, see --list)")
	out := fs.String("out", "", "with --new: write to `FILE` instead of stdout; an existing file is not overwritten")
	list := fs.Bool("list", false, "list every model's experiments, your own marked")
	dir := fs.String("experiments", "", "`DIR` of your own experiments (default "+ownDirHint()+")")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, experimentsUsage, ownDirHint())
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		return exit(stderr, usageErr(fmt.Sprintf("experiments: %v (see experiments --help)", err)))
	}
	modes := 0
	for _, on := range []bool{*check, *newModel != "", *list} {
		if on {
			modes++
		}
	}
	switch {
	case modes != 1:
		return exit(stderr, usageErr("experiments needs one of --check FILE, --new MODEL or --list (see experiments --help)"))
	case *out != "" && *newModel == "":
		return exit(stderr, usageErr("--out goes with --new"))
	case *check && fs.NArg() == 0:
		return exit(stderr, usageErr("--check needs a FILE: dsdemo experiments --check FILE"))
	case !*check && fs.NArg() > 0:
		return exit(stderr, usageErr(fmt.Sprintf("experiments: unexpected %q", fs.Arg(0))))
	case *check:
		return checkExperiments(fs.Args(), stdout, stderr)
	case *newModel != "":
		return exit(stderr, newExperiment(*newModel, *out, stdout))
	}
	return listExperiments(*dir, stdout, stderr)
}

// checkExperiments checks each file, prints "FILE: ok" for a good one and
// each mistake of a bad one on a line of its own, file:line first.
func checkExperiments(files []string, stdout, stderr io.Writer) int {
	code := 0
	for _, file := range files {
		m, e, err := catalog.CheckFile(file, catalog.All())
		if err != nil {
			fmt.Fprintln(stderr, err)
			code = 1
			continue
		}
		fmt.Fprintf(stdout, "%s: ok: %q for model %s, %d steps\n", file, e.ID, m.ID, len(e.Steps))
	}
	return code
}

// newExperiment writes the template for the model id.
func newExperiment(id, out string, stdout io.Writer) error {
	m, ok := catalog.ByID(id)
	if !ok {
		var ids []string
		for _, m := range catalog.All() {
			ids = append(ids, m.ID)
		}
		return usageErr(fmt.Sprintf("--new: no model %q (want one of %s)", id, strings.Join(ids, ", ")))
	}
	if out == "" {
		_, err := io.WriteString(stdout, m.Template())
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if _, err := io.WriteString(f, m.Template()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// listExperiments lists the models and their experiments, an own one
// with a mark and its file; the errors of bad own files go to stderr.
func listExperiments(dir string, stdout, stderr io.Writer) int {
	models, err := withOwn(dir)
	for _, m := range models {
		fmt.Fprintf(stdout, "%s  (%s)\n", m.ID, m.Title.EN)
		for _, e := range m.Experiments {
			if e.Own {
				fmt.Fprintf(stdout, "  %-20s %s  [own: %s]\n", e.ID, e.Title.EN, e.File)
			} else {
				fmt.Fprintf(stdout, "  %-20s %s\n", e.ID, e.Title.EN)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// withOwn is the catalogue with the instructor's own experiments from dir,
// or from catalog.OwnDir when dir is empty. A bad file is left out and
// named in the error; the rest are there all the same.
func withOwn(dir string) ([]catalog.Model, error) {
	if dir == "" {
		var err error
		if dir, err = catalog.OwnDir(); err != nil {
			return catalog.All(), err
		}
	} else if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return catalog.All(), fmt.Errorf("--experiments %s: not a directory", dir)
	}
	return catalog.AddOwn(catalog.All(), dir)
}

// ownDirHint names the default directory of own experiments for help texts.
func ownDirHint() string {
	if dir, err := catalog.OwnDir(); err == nil {
		return dir
	}
	return "$XDG_CONFIG_HOME/dsdemo/experiments"
}
