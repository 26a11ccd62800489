// Package catalogtest checks, from a demo's own tests, that the catalogue
// and the demo speak the same protocol.
//
// The catalogue and the launcher import no demo, so the catalogue keeps
// each model's protocol as names in a file beside its experiments,
// models/catalog/experiments/MODEL/protocol.yaml (catalog.Vocabulary).
// Only the demo knows the truth, its Messages table, so the demo's test
// keeps the file true:
//
//	demo's messages.go ──Messages──> catalogtest.SpeaksProtocol (the demo's test)
//	                                   │ 1. protocol.yaml == Messages?  (else: regenerate)
//	                                   │ 2. every wait of every experiment names a
//	                                   ▼    message type and body field of Messages
//	models/catalog/experiments/MODEL/protocol.yaml ──embedded──> dsdemo experiments --check
//
// After a change to the Messages table, write the files anew with the
// flag this package defines:
//
//	go test ./clientserver/ -run Catalogue -update-protocol
package catalogtest

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

// update is -update-protocol: write the protocol files instead of
// comparing them.
var update = flag.Bool("update-protocol", false, "write the catalogue's protocol files of the models under test from the demo's Messages")

// SpeaksProtocol checks that the catalogue entries ids speak p, the
// demo's protocol: that each model's protocol file says what p says, and
// that every message type and body field its experiments wait for, and
// every background type it names, is in p (catalog.Model.CheckProtocol).
// With -update-protocol it writes the files from p instead.
func SpeaksProtocol(t *testing.T, p catalog.Protocol, ids ...string) {
	t.Helper()
	require.NotEmpty(t, ids, "name the catalogue's models that this demo's programs play")
	want := p.Vocabulary()
	root, pkg := moduleRoot(t)
	regenerate := fmt.Sprintf("go test ./%s/ -run Catalogue -update-protocol", pkg)
	for _, id := range ids {
		m, ok := catalog.ByID(id)
		require.True(t, ok, "the catalogue has no model %q", id)
		file := catalog.ProtocolPath(id)
		if *update {
			require.NoError(t, os.WriteFile(filepath.Join(root, file), want.Marshal(id, regenerate), 0o644))
			t.Logf("wrote %s", file)
		} else {
			if diff := differences(want, m.Vocabulary); diff != "" {
				t.Errorf("%s is not what the demo's Messages say:\n%s\nwrite it anew with\n\t%s", file, diff, regenerate)
			}
		}
		m.Vocabulary = want
		assert.NoError(t, m.CheckProtocol(), "the experiments of %s name a message the demo does not send", id)
	}
}

// differences lists, one a line, where the file's vocabulary got differs
// from the demo's want; "" when they are the same.
func differences(want, got catalog.Vocabulary) string {
	var lines []string
	if want.HTTP != got.HTTP {
		lines = append(lines, fmt.Sprintf("\thttp: the demo says %t, the file %t", want.HTTP, got.HTTP))
	}
	for _, typ := range slices.Sorted(maps.Keys(want.Messages)) {
		fields, ok := got.Messages[typ]
		switch {
		case !ok:
			lines = append(lines, fmt.Sprintf("\t%s: missing in the file", typ))
		case !slices.Equal(want.Messages[typ], fields):
			lines = append(lines, fmt.Sprintf("\t%s: the demo says %v, the file %v", typ, want.Messages[typ], fields))
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(got.Messages)) {
		if _, ok := want.Messages[typ]; !ok {
			lines = append(lines, fmt.Sprintf("\t%s: in the file, not in the demo's Messages", typ))
		}
	}
	return strings.Join(lines, "\n")
}

// moduleRoot returns the module's root, the nearest folder up from the
// test's working directory (its package's folder) with a go.mod, and the
// package's folder relative to it, with slashes.
func moduleRoot(t *testing.T) (root, pkg string) {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			require.NoError(t, err)
			return dir, filepath.ToSlash(rel)
		}
		require.NotEqual(t, dir, filepath.Dir(dir), "no go.mod above %s", wd)
	}
}
