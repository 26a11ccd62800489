package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneWayFile is the good file of TestHostileExperimentFilesNameFileAndLine
// with its kill turned into a one-way partition: a firewall rule that
// lets server reach client-1 and not the other way round.
var oneWayFile = strings.Replace(good, "  - kill: server\n", "  - partition: server\n    from: [client-1]\n    oneway: true\n", 1)

// TestOneWayPartitionFromFile: "oneway: true" on a partition step is the
// step's OneWay; the key is refused on any other step and with a value
// that is not true or false, each at its line.
func TestOneWayPartitionFromFile(t *testing.T) {
	require.Contains(t, oneWayFile, "oneway: true")
	check := func(t *testing.T, text string) (Experiment, error) {
		file := filepath.Join(t.TempDir(), "mine.yaml")
		require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
		_, e, err := CheckFile(file, All())
		return e, err
	}

	e, err := check(t, oneWayFile)
	require.NoError(t, err)
	p := e.Steps[0]
	assert.Equal(t, StepPartition, p.Kind)
	assert.Equal(t, []string{"client-1"}, p.Peers)
	assert.True(t, p.OneWay, "oneway: true makes the partition one-way")

	_, err = check(t, strings.Replace(oneWayFile, "oneway: true", "oneway: false", 1))
	require.NoError(t, err, "oneway: false is an ordinary partition")

	for _, tc := range []struct{ name, file, want string }{
		{"a value that is no bool", strings.Replace(oneWayFile, "oneway: true", "oneway: sometimes", 1),
			`:8: step 1 oneway is true or false, not "sometimes"`},
		{"on a step that is no partition", strings.Replace(good, "  - kill: server\n", "  - kill: server\n    oneway: true\n", 1),
			`:7: field "oneway" belongs to a partition step, not to a kill step`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := check(t, tc.file)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
