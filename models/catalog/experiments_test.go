package catalog

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuiltinExperimentFiles: every embedded experiment file reads without
// a mistake, sits in the folder of its model and is named NN-ID.yaml, and
// every model has its experiments from files.
func TestBuiltinExperimentFiles(t *testing.T) {
	got, err := builtin()
	require.NoError(t, err)
	name := regexp.MustCompile(`^[0-9]{2}-([a-z0-9-]+)\.yaml$`)
	n := 0
	for _, m := range All() {
		require.NotEmpty(t, got[m.ID], "model %s has no experiment files", m.ID)
		for _, e := range m.Experiments {
			n++
			file := filepath.Base(e.File)
			match := name.FindStringSubmatch(file)
			require.NotNil(t, match, "%s: want NN-ID.yaml", e.File)
			assert.Equal(t, e.ID, match[1], "%s: the file is named after the experiment's id", e.File)
			assert.Equal(t, filepath.Join(builtinDir, "experiments", m.ID, file), e.File)
			_, err := os.Stat(filepath.Join("experiments", m.ID, file))
			assert.NoError(t, err, "the file an error names exists from the module's root")
		}
	}
	assert.Equal(t, n, len(filesOf(t)), "every file is an experiment of a model in the catalogue")
}

func filesOf(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join("experiments", "*", "*.yaml"))
	require.NoError(t, err)
	return slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == ProtocolFile })
}

// good is an instructor's experiment for the client/server model; the
// cases below spoil one line of it at a time.
const good = `model: clientserver
id: crash-and-back
title: {de: Absturz und zurück, en: Crash and back}
summary: {de: Der Server fällt aus und kommt wieder., en: The server fails and comes back.}
steps:
  - kill: server
    caption: {de: Der Server fällt aus., en: The server fails.}
  - wait: {kind: recv, node: client-1, type: get_ok, field: found, is: "false"}
    caption: {de: Warten., en: Waiting.}
`

// getOK stands for the body of a get_ok in a demo's Messages table.
type getOK struct {
	Found bool `json:"found"`
}

func TestHostileExperimentFilesNameFileAndLine(t *testing.T) {
	spoil := func(old, new string) string {
		require.Contains(t, good, old)
		return strings.Replace(good, old, new, 1)
	}
	for _, tc := range []struct {
		name string
		file string
		want string // after "FILE:"
	}{
		{"unknown node", spoil("kill: server", "kill: server-9"), `6: clientserver: experiment "crash-and-back" step 1 (kill): no node "server-9" in the model`},
		{"unknown node in a wait", spoil("node: client-1", "node: client-9"), `8: clientserver: experiment "crash-and-back" step 2 (wait): wait for an event of node "client-9", which is not in the model`},
		{"unknown message type", spoil("type: get_ok", "type: got_ok"), `8: clientserver: experiment "crash-and-back" step 2: message type "got_ok" is not in the demo's Messages`},
		{"unknown body field", spoil("field: found", "field: fund"), `8: clientserver: experiment "crash-and-back" step 2: the body of get_ok has no field "fund"; it has found`},
		{"step kind that does not exist", spoil("kill: server", "explode: server"), `6: step 1: "explode" is no step kind and no field of a step (kinds: start, do, kill`},
		{"missing language", spoil("en: The server fails.", "fr: Le serveur tombe."), `7: unknown field "fr" in step 1 caption (want de and en; a text in {...} with a comma needs quotes`},
		{"a comma in a text", spoil("{de: Der Server fällt aus.,", "{de: Der Server fällt, aus.,"), `7: unknown field "aus." in step 1 caption (want de and en; a text in {...} with a comma needs quotes: {de: "a, b", en: ...})`},
		{"missing English", spoil(", en: The server fails.", ""), `6: clientserver: experiment "crash-and-back" step 1 (kill) caption has no English text`},
		{"unknown key", spoil("summary:", "summery:"), `4: unknown field "summery" in an experiment file (want one of model, id, title, summary, notes, steps)`},
		{"unknown key in a wait", spoil("is:", "equals:"), `8: unknown field "equals" in step 2 wait (want one of kind, node, type`},
		{"two kinds in a step", spoil("  - kill: server\n", "  - kill: server\n    freeze: server\n"), `6: step 1 has 2 kinds (kill, freeze); a step does one thing`},
		{"a field of another kind", spoil("  - kill: server\n", "  - kill: server\n    cmd: get a\n"), `7: field "cmd" belongs to a do step, not to a kill step`},
		{"YAML syntax", spoil("title: {de: Absturz und zurück,", "title: {de: Absturz: und zurück,"), `3: YAML syntax: did not find expected ',' or '}' (a text in {...} with "?", ":" or "," needs quotes)`},
		{"a tab", spoil("  - kill: server\n", "\t- kill: server\n"), `6: YAML syntax: found character that cannot start any token (a tab,`},
		{"an unclosed list", spoil("  - kill: server\n", "  - partition: server\n    from: [client-1\n"), `7: YAML syntax`},
		{"unknown model", spoil("model: clientserver", "model: clientservr"), `1: model "clientservr" is not in the catalogue (want one of clientserver,`},
		{"id of a built-in", spoil("id: crash-and-back", "id: server-crash"), `2: clientserver: experiment id "server-crash" is taken by models/catalog/experiments/clientserver/20-server-crash.yaml:3; choose another`},
		{"bad id", spoil("id: crash-and-back", "id: Crash"), `2: clientserver: experiment id "Crash": want lower-case letters`},
		{"no steps", good[:strings.Index(good, "steps:")], `1: no "steps:"`},
		{"empty file", "", `1: the file is empty`},
		{"fault without op", spoil("  - kill: server\n", "  - fault: {ms: 300}\n"), `6: a fault needs an op`},
		{"heal with a value", spoil("  - kill: server\n", "  - heal: server\n"), `6: heal ends every partition: write "- heal: true"`},
		{"note in one language", spoil("steps:", "notes:\n  goal: {de: Ausfall verstehen}\nsteps:"), `2: clientserver: experiment "crash-and-back" notes goal has no English text`},
		{"unknown note", spoil("steps:", "notes:\n  joke: {de: x, en: x}\nsteps:"), `6: unknown field "joke" in notes (want one of goal, ask, misconception, slide)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "mine.yaml")
			require.NoError(t, os.WriteFile(file, []byte(tc.file), 0o644))
			_, _, err := CheckFile(file, All())
			require.Error(t, err, "got no error, want %q", tc.want)
			assert.Contains(t, err.Error(), file+":"+tc.want)
		})
	}

	t.Run("the good file passes", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "mine.yaml")
		require.NoError(t, os.WriteFile(file, []byte(good), 0o644))
		m, e, err := CheckFile(file, All())
		require.NoError(t, err)
		assert.Equal(t, "clientserver", m.ID)
		assert.Equal(t, []int{6, 8}, []int{e.Steps[0].Line, e.Steps[1].Line})
	})
}

// TestBuiltinProtocolErrorsNameFileAndLine: a demo's catalogue test
// (CheckProtocol) points at the line of the experiment file.
func TestBuiltinProtocolErrorsNameFileAndLine(t *testing.T) {
	m, ok := ByID("clientserver")
	require.True(t, ok)
	m.Vocabulary = Protocol{Messages: map[string]any{"put_ok": struct{}{}}}.Vocabulary()
	err := m.CheckProtocol()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `models/catalog/experiments/clientserver/10-first-request.yaml:39: clientserver: experiment "first-request" step 5: message type "get_ok" is not in the demo's Messages`)
}

// TestTemplatePassesCheck: what dsdemo experiments --new writes for each
// model is an experiment as it stands, with a command for its programs.
func TestTemplatePassesCheck(t *testing.T) {
	for _, m := range All() {
		t.Run(m.ID, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "new.yaml")
			require.NoError(t, os.WriteFile(file, []byte(m.Template()), 0o644))
			got, e, err := CheckFile(file, All())
			require.NoError(t, err, "the template:\n%s", m.Template())
			assert.Equal(t, m.ID, got.ID)
			assert.True(t, slices.ContainsFunc(e.Steps, func(s Step) bool { return s.Kind == StepDo }), "the template sends a command")
		})
	}
}

// TestAddOwn: an instructor's directory with a good and a bad file gives
// the good experiment, marked Own after the built-in ones, and the bad
// file's error at its line.
func TestAddOwn(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "good.yaml"), []byte(good), 0o644))
	bad := strings.Replace(good, "kill: server", "kill: server-9", 1)
	bad = strings.Replace(bad, "id: crash-and-back", "id: broken", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an experiment"), 0o644))

	models, err := AddOwn(All(), dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "bad.yaml")+`:6: clientserver: experiment "broken" step 1 (kill): no node "server-9" in the model`)
	assert.NotContains(t, err.Error(), "good.yaml")
	i := slices.IndexFunc(models, func(m Model) bool { return m.ID == "clientserver" })
	exps := models[i].Experiments
	last := exps[len(exps)-1]
	assert.Equal(t, "crash-and-back", last.ID)
	assert.True(t, last.Own)
	assert.False(t, exps[0].Own, "the built-in ones are not marked")
	assert.Len(t, exps, len(All()[i].Experiments)+1)
	assert.NoError(t, models[i].Validate(), "the model with its own experiment is valid")

	t.Run("a directory that does not exist holds none", func(t *testing.T) {
		models, err := AddOwn(All(), filepath.Join(dir, "nothing"))
		require.NoError(t, err)
		assert.Equal(t, All(), models)
	})
}

// TestFormatExample: the example in experiments/README.md is an
// experiment that passes the check, so the documentation cannot drift
// from the format.
func TestFormatExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("experiments", "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	require.True(t, ok, "the README has a YAML example")
	example, _, _ := strings.Cut(rest, "```")
	file := filepath.Join(t.TempDir(), "example.yaml")
	require.NoError(t, os.WriteFile(file, []byte(example), 0o644))
	_, e, err := CheckFile(file, All())
	require.NoError(t, err)
	assert.NotEmpty(t, e.Notes.Goal.EN, "the example shows notes")
}
