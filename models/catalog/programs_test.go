package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot is the module's root, seen from this package's directory.
const repoRoot = "../.."

// TestProgramsExist: every package programs.txt lists is a main package in
// the repository, so neither make nor the launcher is told to build nothing.
func TestProgramsExist(t *testing.T) {
	pkgs := Packages()
	require.NotEmpty(t, pkgs)
	for bin, pkg := range pkgs {
		src, err := os.ReadFile(filepath.Join(repoRoot, pkg, "main.go"))
		if assert.NoError(t, err, "bin/%s: %s has no main.go", bin, pkg) {
			assert.Contains(t, string(src), "\npackage main\n", "%s/main.go", pkg)
		}
	}
}

// TestMakefileBuildsPrograms: make build reads its programs from
// programs.txt, the list the launcher and the catalogue use.
func TestMakefileBuildsPrograms(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	require.NoError(t, err)
	assert.Contains(t, string(mk), "models/catalog/programs.txt")
	for _, pkg := range Packages() {
		assert.NotContains(t, string(mk), pkg+" ", "the Makefile lists %s itself; programs.txt is the one list", pkg)
	}
}

func TestParsePrograms(t *testing.T) {
	got, err := parsePrograms("# comment\n\n./clientserver/server\n  ./p2p/peer  \n")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"server": "./clientserver/server", "peer": "./p2p/peer"}, got)

	for text, want := range map[string]string{
		"clientserver/server\n":             "programs.txt:1",
		"./a/server\n./b/server\n":          "both build bin/server",
		"./a/../server\n":                   "want a package path",
		"./clientserver/server --race\n":    "want a package path",
		"# fine\n./ok/prog\n../outside/x\n": "programs.txt:3",
	} {
		_, err := parsePrograms(text)
		if assert.Error(t, err, text) {
			assert.True(t, strings.Contains(err.Error(), want), "%q: got %v, want %q", text, err, want)
		}
	}
}
