package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ownExperiment is an instructor's experiment for the client/server model.
const ownExperiment = `model: clientserver
id: crash-and-back
title: {de: Absturz und zurück, en: Crash and back}
summary: {de: Der Server fällt aus und kommt wieder., en: The server fails and comes back.}
steps:
  - kill: server
    caption: {de: Der Server fällt aus., en: The server fails.}
  - restart: server
    caption: {de: Er startet neu., en: It starts again.}
  - do: client-1
    cmd: get a
    caption: {de: client-1 liest a., en: client-1 reads a.}
  - wait: {kind: recv, node: client-1, type: get_ok, field: found, is: "false"}
    caption: {de: Nichts gefunden., en: Not found.}
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	file := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
	return file
}

func TestExperimentsCheck(t *testing.T) {
	dir := t.TempDir()
	t.Run("a good file", func(t *testing.T) {
		file := writeFile(t, dir, "good.yaml", ownExperiment)
		code, out, errOut := main("experiments", "--check", file)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, file+`: ok: "crash-and-back" for model clientserver, 4 steps`+"\n", out)
	})
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"an unknown node", "kill: server", "kill: sever", `:6: clientserver: experiment "crash-and-back" step 1 (kill): no node "sever" in the model`},
		{"an unknown message type", "type: get_ok", "type: get_okay", `:13: clientserver: experiment "crash-and-back" step 4: message type "get_okay" is not in the demo's Messages`},
		{"an unknown body field", "field: found", "field: fnd", `:13: clientserver: experiment "crash-and-back" step 4: the body of get_ok has no field "fnd"`},
		{"an unknown step kind", "kill: server", "crash: server", `:6: step 1: "crash" is no step kind`},
		{"a missing language", "en: It starts again.", "fr: Il redémarre.", `:9: unknown field "fr" in step 2 caption`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, dir, "bad.yaml", strings.Replace(ownExperiment, tc.old, tc.new, 1))
			code, out, errOut := main("experiments", "--check", file)
			assert.Equal(t, 1, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, file+tc.want)
		})
	}
	t.Run("a file that is not there", func(t *testing.T) {
		code, _, errOut := main("experiments", "--check", filepath.Join(dir, "nothing.yaml"))
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "no such file")
	})
}

func TestExperimentsNew(t *testing.T) {
	for _, id := range []string{"clientserver", "proxy", "p2p", "ntier", "mobilecode", "cooperating-replicate"} {
		t.Run(id, func(t *testing.T) {
			code, out, errOut := main("experiments", "--new", id)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, out, "model: "+id+"\n")
			file := writeFile(t, t.TempDir(), "new.yaml", out)
			code, _, errOut = main("experiments", "--check", file)
			assert.Equal(t, 0, code, "the starting point passes --check: %s", errOut)
		})
	}
	t.Run("--out", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "mine.yaml")
		code, out, errOut := main("experiments", "--new", "clientserver", "--out", file)
		require.Equal(t, 0, code, errOut)
		assert.Empty(t, out)
		code, _, _ = main("experiments", "--check", file)
		assert.Equal(t, 0, code)
		code, _, errOut = main("experiments", "--new", "clientserver", "--out", file)
		assert.Equal(t, 1, code, "an existing file is not overwritten")
		assert.Contains(t, errOut, "exists")
	})
}

func TestExperimentsList(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "good.yaml", ownExperiment)
	code, out, errOut := main("experiments", "--list", "--experiments", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "clientserver  (Client/server)\n  first-request")
	assert.Contains(t, out, "crash-and-back       Crash and back  [own: "+filepath.Join(dir, "good.yaml")+"]")

	t.Run("a bad file is named, the rest are listed", func(t *testing.T) {
		bad := writeFile(t, dir, "bad.yaml", strings.Replace(strings.Replace(ownExperiment, "id: crash-and-back", "id: other", 1), "    cmd: get a\n", "", 1))
		code, out, errOut := main("experiments", "--list", "--experiments", dir)
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "crash-and-back")
		assert.NotContains(t, out, "other")
		assert.Contains(t, errOut, bad+`:10: clientserver: experiment "other" step 3 (do): no command`)
	})
}

func TestExperimentsCommandLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no mode", []string{"experiments"}, "needs one of --check FILE, --new MODEL or --list"},
		{"two modes", []string{"experiments", "--list", "--new", "p2p"}, "needs one of"},
		{"check without a file", []string{"experiments", "--check"}, "--check needs a FILE"},
		{"unknown flag", []string{"experiments", "--chek", "x.yaml"}, "flag provided but not defined"},
		{"unknown model", []string{"experiments", "--new", "mainframe"}, `no model "mainframe" (want one of clientserver,`},
		{"out without new", []string{"experiments", "--list", "--out", "x"}, "--out goes with --new"},
		{"a stray argument", []string{"experiments", "--list", "x"}, `unexpected "x"`},
		{"experiments that are no directory", []string{"--experiments", "/nonexistent/dir", "--help"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := main(tc.args...)
			if tc.want == "" {
				assert.Equal(t, 0, code, errOut)
				return
			}
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
	t.Run("help", func(t *testing.T) {
		code, out, _ := main("experiments", "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "dsdemo experiments --check FILE")
		assert.Contains(t, out, "-experiments DIR")
	})
	t.Run("--experiments that is no directory, for --list", func(t *testing.T) {
		code, _, errOut := main("experiments", "--list", "--experiments", "/nonexistent/dir")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "--experiments /nonexistent/dir: not a directory")
	})
}
