package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

// TestLauncherLinksNoDemo: the launcher (dsdemo/tui and every package
// under it) imports models/*, never a demo's package: it starts the
// demos' programs as processes and knows what they say from the
// catalogue's protocol files (catalog.Vocabulary). A demo is the folder
// of a program in programs.txt, so a new model is covered without a line
// here.
func TestLauncherLinksNoDemo(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	var demos []string
	for _, pkg := range catalog.Packages() {
		demo, _, _ := strings.Cut(strings.TrimPrefix(pkg, "./"), "/")
		if !slices.Contains(demos, demo) {
			demos = append(demos, demo)
		}
	}
	require.Contains(t, demos, "clientserver")

	out, err := exec.Command(gocmd, "list", "-deps", "dsdemo/tui/...").Output()
	require.NoError(t, err, "go list -deps dsdemo/tui/...")
	for _, dep := range strings.Fields(string(out)) {
		for _, demo := range demos {
			root := "dsdemo/" + demo
			assert.False(t, dep == root || strings.HasPrefix(dep, root+"/"),
				"the launcher links %s; it must start the demo's programs, not import them (see tui/app/experiments.go)", dep)
		}
	}
}
