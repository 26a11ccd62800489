package catalog

import (
	"os"
	"path/filepath"
	"regexp"
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
	return files
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
	protocols := Protocols{"clientserver": {Messages: map[string]any{"get_ok": getOK{}}}}
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
		{"missing language", spoil("en: The server fails.", "fr: Le serveur tombe."), `7: unknown field "fr" in step 1 caption (want one of de, en)`},
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
			_, _, err := CheckFile(file, All(), protocols)
			require.Error(t, err, "got no error, want %q", tc.want)
			assert.Contains(t, err.Error(), file+":"+tc.want)
		})
	}

	t.Run("the good file passes", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "mine.yaml")
		require.NoError(t, os.WriteFile(file, []byte(good), 0o644))
		m, e, err := CheckFile(file, All(), protocols)
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
	err := m.CheckProtocol(Protocol{Messages: map[string]any{"put_ok": struct{}{}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `models/catalog/experiments/clientserver/10-first-request.yaml:26: clientserver: experiment "first-request" step 5: message type "get_ok" is not in the demo's Messages`)
}
