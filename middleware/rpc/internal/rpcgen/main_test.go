package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedFilesUpToDate fails when bank.go's interface changed and
// nobody ran go generate: the committed stub and skeleton must be what
// rpcgen writes today.
func TestGeneratedFilesUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..")
	files, err := Generate(filepath.Join(dir, "bank.go"), "Bank")
	require.NoError(t, err)
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s is stale: run go generate ./middleware/rpc/", name)
	}
}

func TestRefusesWhatCannotTravel(t *testing.T) {
	cases := map[string]string{
		"no context":     "type I interface { M(a string) (b string, err error) }",
		"no error":       "type I interface { M(ctx context.Context, a string) (b string) }",
		"a float":        "type I interface { M(ctx context.Context, a float64) (err error) }",
		"unnamed result": "type I interface { M(ctx context.Context) (string, error) }",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "i.go")
			require.NoError(t, os.WriteFile(path, []byte("package p\nimport \"context\"\n"+src+"\n"), 0o644))
			_, err := Generate(path, "I")
			assert.Error(t, err)
		})
	}
}
