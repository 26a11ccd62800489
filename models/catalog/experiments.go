package catalog

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// The built-in experiments are files in experiments/MODEL/, embedded in
// the binary; a model's experiments are listed in the order of their
// file names, which begin with a number spaced by ten
// (10-first-request.yaml, 20-server-crash.yaml), so a new one can go
// between two others.
//
//go:embed experiments
var builtinFiles embed.FS

// builtinDir is where the embedded files are in the repository, so that
// an error names a path an editor opens from the module's root.
const builtinDir = "models/catalog"

// builtin reads the built-in experiments once, by model id. A mistake in
// them is a programming error, reported by the catalogue's tests
// (TestBuiltinExperimentFiles); All leaves a broken file out.
var builtin = sync.OnceValues(func() (map[string][]Experiment, error) {
	return readExperiments(builtinFiles, "experiments/*/*.yaml", builtinDir)
})

// builtinVocabularies reads the models' protocol files once, by model
// id (see Vocabulary). The demos' tests write them and check them
// (catalogtest.SpeaksProtocol); All leaves a broken one out.
var builtinVocabularies = sync.OnceValues(func() (map[string]Vocabulary, error) {
	names, err := fs.Glob(builtinFiles, "experiments/*/"+ProtocolFile)
	if err != nil {
		return nil, err
	}
	out := map[string]Vocabulary{}
	var errs []error
	for _, name := range names {
		id := path.Base(path.Dir(name))
		data, err := fs.ReadFile(builtinFiles, name)
		if err == nil {
			out[id], err = ParseVocabulary(ProtocolPath(id), data)
		}
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
})

// readExperiments parses the files of fsys that pattern matches, in the
// order of their names, and returns the experiments by model id. A file
// in a folder must be for the model the folder is named after. It returns
// every file it could read, and the errors of the others.
func readExperiments(fsys fs.FS, pattern, dir string) (map[string][]Experiment, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := map[string][]Experiment{}
	var errs []error
	for _, name := range names {
		if path.Dir(name) != "." && path.Base(name) == ProtocolFile {
			continue // a model's protocol, beside its experiments
		}
		file := path.Join(filepath.ToSlash(dir), name)
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("read experiment file %s: %w", file, err))
			continue
		}
		model, e, err := ParseExperiment(filepath.FromSlash(file), data)
		if folder := path.Base(path.Dir(name)); err == nil && folder != "." && folder != model {
			err = Errors{{File: e.File, Line: 1, Msg: fmt.Sprintf("the file is in the folder of model %q but says model: %s", folder, model)}}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[model] = append(out[model], e)
	}
	return out, errors.Join(errs...)
}

// OwnDir is the directory an instructor's own experiments are read from:
// $XDG_CONFIG_HOME/dsdemo/experiments, or ~/.config/dsdemo/experiments.
func OwnDir() (string, error) {
	if dir := os.Getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "dsdemo", "experiments"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the directory of your own experiments: %w", err)
	}
	return filepath.Join(home, ".config", "dsdemo", "experiments"), nil
}

// AddOwn reads an instructor's own experiments, every *.yaml file in dir,
// checks each against its model and its model's protocol (Vocabulary),
// and returns models with the good ones added after the built-in
// ones, marked Own. A file with a mistake is left out, and the error
// names its file and line; the others are added all the same, so one bad
// file does not cost a class the rest. A dir that does not exist holds
// no experiments.
func AddOwn(models []Model, dir string) ([]Model, error) {
	found, err := readExperiments(os.DirFS(dir), "*.yaml", dir)
	errs := []error{err}
	out := slices.Clone(models)
	for _, model := range slices.Sorted(maps.Keys(found)) {
		for _, e := range found[model] {
			i := slices.IndexFunc(out, func(m Model) bool { return m.ID == model })
			if i < 0 {
				errs = append(errs, unknownModel(e.File, model, out))
				continue
			}
			e.Own = true
			if err := out[i].check(e); err != nil {
				errs = append(errs, err)
				continue
			}
			out[i].Experiments = append(slices.Clip(out[i].Experiments), e)
		}
	}
	return out, errors.Join(errs...)
}

func unknownModel(file, model string, models []Model) error {
	var ids []string
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	return Error{File: file, Line: 1, Msg: fmt.Sprintf("model %q is not in the catalogue (want one of %s)", model, strings.Join(ids, ", "))}
}

// CheckFile reads one experiment file and checks it as AddOwn would: its
// fields, its model, its nodes and steps, and its messages against its
// model's protocol. It returns the model and the experiment.
func CheckFile(file string, models []Model) (Model, Experiment, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Model{}, Experiment{}, fmt.Errorf("read experiment file: %w", err)
	}
	model, e, err := ParseExperiment(file, data)
	if err != nil {
		return Model{}, e, err
	}
	i := slices.IndexFunc(models, func(m Model) bool { return m.ID == model })
	if i < 0 {
		return Model{}, e, unknownModel(file, model, models)
	}
	return models[i], e, models[i].check(e)
}

// check validates e as an experiment of m that m does not have yet (an
// experiment from the same file is e itself), and its messages against
// m's protocol, when m has one.
func (m Model) check(e Experiment) error {
	for _, other := range m.Experiments {
		if other.ID == e.ID && filepath.Clean(other.File) != filepath.Clean(e.File) {
			where := "a built-in experiment"
			if other.File != "" {
				where = fmt.Sprintf("%s:%d", other.File, other.Line)
			}
			return Errors{{File: e.File, Line: e.Line, Msg: fmt.Sprintf("%s: experiment id %q is taken by %s; choose another", m.ID, e.ID, where)}}
		}
	}
	err := m.ValidateExperiment(e)
	if m.Vocabulary.known() {
		m.Experiments, m.Background = []Experiment{e}, nil
		err = errors.Join(err, m.CheckProtocol())
	}
	return err
}
