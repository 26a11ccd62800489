package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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

// TestExperimentFilesAreTheGoExperiments is the proof of the move: the
// experiments read from the files are, field by field, the ones that were
// written in Go.
func TestExperimentFilesAreTheGoExperiments(t *testing.T) {
	files := All()
	n := 0
	for i, m := range goModels() {
		require.Equal(t, m.ID, files[i].ID)
		require.Len(t, files[i].Experiments, len(m.Experiments), "%s: experiments", m.ID)
		for j, want := range m.Experiments {
			got := files[i].Experiments[j]
			require.NotEmpty(t, got.File)
			require.Len(t, got.Steps, len(want.Steps), "%s/%s: steps", m.ID, want.ID)
			got.File, got.Line = "", 0
			for k := range got.Steps {
				require.NotZero(t, got.Steps[k].Line, "%s/%s step %d has its line", m.ID, want.ID, k+1)
				got.Steps[k].Line = 0
			}
			assert.Equal(t, want, got, fmt.Sprintf("%s/%s", m.ID, want.ID))
			n++
		}
	}
	t.Logf("%d experiments are the same from files as from Go", n)
}
