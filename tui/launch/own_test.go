package launch_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/tui/launch"
)

// crashAndBack is an experiment as an instructor writes it for next
// Tuesday, without Go: kill the server, wait for the client to report
// the error, restart the server, read again.
const crashAndBack = `# My experiment for Tuesday's lecture.
model: clientserver
id: crash-and-back
title: {de: Absturz und zurück, en: Crash and back}
summary:
  de: Der Server fällt aus, der Client meldet den Fehler, der Server kommt leer zurück.
  en: The server fails, the client reports the error, the server comes back empty.
notes:
  ask: {de: "Was liefert get a nach dem Neustart?", en: "What does get a return after the restart?"}
steps:
  - do: client-1
    cmd: put a 1
    caption: {de: client-1 schreibt a., en: client-1 writes a.}
  - wait: {kind: recv, node: client-1, type: put_ok}
    caption: {de: Bestätigt., en: Confirmed.}
  - kill: server
    caption: {de: Stromausfall beim Server., en: The server loses power.}
  - do: client-1
    cmd: get a
    caption: {de: client-1 liest a., en: client-1 reads a.}
  - wait: {kind: log, node: client-1, text: no server answered}
    caption: {de: Der Client meldet den Fehler., en: The client reports the error.}
  - restart: server
    caption: {de: "Der Server startet neu, leer.", en: "The server starts again, empty."}
    claims:
      - {node: server, key: keys, value: "0"}
  - do: client-1
    cmd: get a
    caption: {de: Noch einmal., en: Once more.}
  - wait: {kind: recv, node: client-1, type: get_ok, field: found, is: "false"}
    caption: {de: a ist weg., en: a is gone.}
`

// testOwnExperiment writes an instructor's experiment into a directory,
// reads it as dsdemo --experiments DIR does, and plays it against the
// real programs.
func testOwnExperiment(t *testing.T, bin string) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crash-and-back.yaml"), []byte(crashAndBack), 0o644))
	models, err := catalog.AddOwn(catalog.All(), dir)
	require.NoError(t, err)
	m := models[slices.IndexFunc(models, func(m catalog.Model) bool { return m.ID == "clientserver" })]
	i := slices.IndexFunc(m.Experiments, func(e catalog.Experiment) bool { return e.ID == "crash-and-back" })
	require.GreaterOrEqual(t, i, 0, "the own experiment is listed with the model's")
	exp := m.Experiments[i]
	assert.True(t, exp.Own)
	require.Len(t, exp.Steps, 8)

	l, _ := start(t, bin, m.ID)
	p := launch.NewPlayer(l, exp)
	for i := 0; !p.Done(); i++ {
		step, err := p.Next(t.Context())
		require.NoError(t, err, "step %d (%s %s), line %d of the file", i+1, step.Kind, step.Node, step.Line)
		assert.Equal(t, exp.Steps[i], step)
	}
}
