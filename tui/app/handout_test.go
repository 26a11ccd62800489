package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

// oneLine is how the handout writes a text into a list item.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// headings are the handout's section headings in each language.
var headings = map[string]struct{ programs, steps, answers, notes string }{
	"de": {"## Programme", "## Schritte", "## Antworten", "## Für Lehrende"},
	"en": {"## Programs", "## Steps", "## Answers", "## For instructors"},
}

// TestHandoutOfEveryExperiment writes the handout of every built-in
// experiment in both languages and checks its parts: the title, every
// caption in its numbered step, the predict questions with their
// choices, the answers only in the answers section after the last step,
// and the notes for instructors last.
func TestHandoutOfEveryExperiment(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no own experiments of the machine's user
	n := 0
	for _, m := range catalog.All() {
		for _, e := range m.Experiments {
			for _, lang := range []string{"de", "en"} {
				n++
				t.Run(m.ID+"/"+e.ID+"/"+lang, func(t *testing.T) {
					code, out, errOut := main("handout", m.ID+"/"+e.ID, "--lang", lang)
					require.Equal(t, 0, code, errOut)
					checkHandout(t, out, m, e, lang, true)
				})
			}
		}
	}
	assert.GreaterOrEqual(t, n, 70, "35 experiments or more, in two languages")
}

func checkHandout(t *testing.T, out string, m catalog.Model, e catalog.Experiment, lang string, notes bool) {
	t.Helper()
	h := headings[lang]
	assert.True(t, strings.HasPrefix(out, "# "+e.Title.In(lang)+"\n"), "the title first")
	assert.Contains(t, out, oneLine(e.Summary.In(lang)))
	programs, steps := strings.Index(out, "\n"+h.programs+"\n"), strings.Index(out, "\n"+h.steps+"\n")
	require.True(t, programs > 0 && steps > programs, "programs, then steps:\n%s", out)
	for _, p := range m.Programs {
		assert.Contains(t, out[programs:steps], "bin/"+p.Binary+" --name "+p.Node, "how to start %s by hand", p.Node)
	}
	started := map[string]bool{}
	for i, s := range e.Steps {
		if p, ok := m.Program(s.Node); ok && p.Later && s.Kind == catalog.StepStart && !started[p.Node] {
			started[p.Node] = true
			assert.Regexp(t, fmt.Sprintf(`# [^\n]* %d:\nbin/%s --name %s `, i+1, p.Binary, p.Node), out[programs:steps],
				"%s under the step %d that starts it", p.Node, i+1)
		}
	}
	unused := map[string]string{"de": "# nicht in diesem Experiment:", "en": "# not in this experiment:"}[lang]
	assert.LessOrEqual(t, strings.Count(out, unused), 1, "the programs an experiment leaves out stand under one heading")
	answers := strings.Index(out, "\n"+h.answers+"\n")
	instructors := strings.Index(out, "\n"+h.notes+"\n")
	end := len(out)
	for _, i := range []int{answers, instructors} {
		if i > 0 {
			end = min(end, i)
		}
	}
	body := out[steps:end]
	predicts := 0
	for i, s := range e.Steps {
		item := oneLine(s.Caption.In(lang))
		assert.Contains(t, body, item, "step %d's caption in the steps", i+1)
		assert.Regexp(t, `(?m)^`+strconv.Itoa(i+1)+`\. `, body, "step %d is numbered", i+1)
		if s.Kind != catalog.StepPredict {
			continue
		}
		predicts++
		for _, c := range s.Choices {
			assert.Contains(t, body, "`"+c+"`", "choice %s of step %d", c, i+1)
		}
		explain := oneLine(s.Explain.In(lang))
		assert.NotContains(t, out[:max(answers, 0)], explain, "the answer to step %d is not next to its question", i+1)
		require.Greater(t, answers, steps, "an answers section after the steps")
		assert.Contains(t, out[answers:], "`"+s.Answer+"`. "+explain, "the answer to step %d", i+1)
	}
	if predicts == 0 {
		assert.Equal(t, -1, answers, "no answers section without questions")
	}
	if !notes || e.Notes.Empty() {
		assert.Equal(t, -1, instructors, "no section for instructors")
		if !e.Notes.Empty() {
			assert.NotContains(t, out, oneLine(e.Notes.Goal.In(lang)), "--no-notes leaves the notes out")
		}
		return
	}
	require.Greater(t, instructors, max(answers, steps), "the notes for instructors come last")
	for _, f := range e.Notes.Fields() {
		assert.Contains(t, out[instructors:], oneLine(f.Text.In(lang)), "the note %s", f.Name)
	}
}

func TestHandoutForStudents(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	m, _ := catalog.ByID("proxy")
	e := m.Experiments[len(m.Experiments)-1]
	code, out, errOut := main("handout", "proxy/"+e.ID, "--no-notes", "--lang", "de")
	require.Equal(t, 0, code, errOut)
	checkHandout(t, out, m, e, "de", false)
}

func TestHandoutOfAnOwnExperiment(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	writeFile(t, dir, "crash.yaml", ownExperiment)
	code, out, errOut := main("handout", "crash-and-back", "--experiments", dir, "--lang", "en")
	require.Equal(t, 0, code, errOut)
	m, _ := catalog.ByID("clientserver")
	own, err := catalog.AddOwn([]catalog.Model{m}, dir)
	require.NoError(t, err)
	e := own[0].Experiments[len(own[0].Experiments)-1]
	require.Equal(t, "crash-and-back", e.ID)
	checkHandout(t, out, m, e, "en", true)

	t.Run("--all writes one file per experiment, the own one too", func(t *testing.T) {
		outDir := filepath.Join(t.TempDir(), "handouts")
		code, _, errOut := main("handout", "--all", outDir, "--experiments", dir)
		require.Equal(t, 0, code, errOut)
		files, err := filepath.Glob(filepath.Join(outDir, "*.md"))
		require.NoError(t, err)
		total := 1
		for _, m := range catalog.All() {
			total += len(m.Experiments)
		}
		assert.Len(t, files, total)
		data, err := os.ReadFile(filepath.Join(outDir, "clientserver-crash-and-back.md"))
		require.NoError(t, err)
		assert.Contains(t, string(data), "# ")
	})
}

func TestNotesCommand(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	m, _ := catalog.ByID("p2p")
	e := m.Experiments[0]
	code, out, errOut := main("notes", "p2p/"+e.ID, "--lang", "de")
	require.Equal(t, 0, code, errOut)
	for _, f := range e.Notes.Fields() {
		assert.Contains(t, out, oneLine(f.Text.DE))
	}
	assert.NotContains(t, out, oneLine(e.Steps[0].Caption.DE), "only the notes")
}

func TestHostileHandoutArguments(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no experiment", []string{"handout"}, "handout needs an experiment"},
		{"an id in several models", []string{"handout", "predict"}, `experiment "predict" is in several models; name one: clientserver/predict`},
		{"an unknown model", []string{"handout", "nomodel/predict"}, `no model "nomodel"`},
		{"an unknown experiment", []string{"handout", "clientserver/nothing"}, `no experiment "clientserver/nothing"`},
		{"a bad language", []string{"handout", "clientserver/predict", "--lang", "fr"}, "--lang must be de or en"},
		{"--all with an experiment", []string{"handout", "clientserver/predict", "--all", "x"}, "--all writes every experiment"},
		{"notes with --out", []string{"notes", "clientserver/predict", "--out", "x"}, "notes takes MODEL/EXPERIMENT and --lang only"},
		{"two experiments", []string{"handout", "clientserver/predict", "p2p/predict"}, `unexpected "p2p/predict"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := main(tc.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		})
	}
}
