package record_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
	"dsdemo/tui/record"
)

// update rewrites testdata/clientserver.jsonl, the real recording the
// exporters' tests draw: go test ./tui/record -run TestRecordARealRun -update
var update = flag.Bool("update", false, "rewrite testdata/clientserver.jsonl from this run")

// packages returns the import paths of m's programs, for programtest.Build.
func packages(t *testing.T, m catalog.Model) []string {
	var pkgs []string
	for _, p := range m.Programs {
		pkg, ok := catalog.Package(p.Binary)
		require.True(t, ok, "%s is in programs.txt", p.Binary)
		if pkg = "dsdemo/" + strings.TrimPrefix(pkg, "./"); !slices.Contains(pkgs, pkg) {
			pkgs = append(pkgs, pkg)
		}
	}
	return pkgs
}

// TestRecordARealRun records the client/server model while two of its
// experiments play, as the launcher records a class's run, and reads the
// recording back: the programs' events, and the captions in the order the
// class read them.
func TestRecordARealRun(t *testing.T) {
	m, ok := catalog.ByID("clientserver")
	require.True(t, ok)
	bin := programtest.Build(t, packages(t, m)...)
	w, err := record.Create(t.TempDir(), m.ID, time.Now())
	require.NoError(t, err)
	defer w.Close()
	l, err := launch.Start(t.Context(), launch.Config{Model: m, BinDir: bin, OnEvent: func(ev trace.Event) { w.Write(ev) }})
	require.NoError(t, err)
	defer l.Close()

	var played []catalog.Experiment
	for _, id := range []string{"first-request", "predict"} {
		i := slices.IndexFunc(m.Experiments, func(e catalog.Experiment) bool { return e.ID == id })
		require.GreaterOrEqual(t, i, 0, "the model has the experiment %s", id)
		exp := m.Experiments[i]
		played = append(played, exp)
		p := w.Narrate(exp, launch.NewPlayer(l, exp))
		for !p.Done() {
			step, err := p.Next(t.Context())
			require.NoError(t, err)
			if step.Kind == catalog.StepPredict {
				o, err := p.Predict(t.Context(), step.Answer)
				require.NoError(t, err)
				require.True(t, o.Right())
			}
		}
	}
	require.NoError(t, l.Close())
	require.NoError(t, w.Close())

	run, err := record.ReadFile(w.Path())
	require.NoError(t, err)
	assert.Equal(t, "clientserver", run.Model())
	kinds := map[trace.Kind]int{}
	types := map[string]bool{}
	for _, ev := range run.Events {
		kinds[ev.Kind]++
		if ev.Msg != nil {
			types[ev.Msg.Type] = true
		}
	}
	assert.GreaterOrEqual(t, kinds[trace.KindHello], 2, "the server's and the client's hello")
	assert.Positive(t, kinds[trace.KindRecv])
	assert.True(t, types["put_ok"] && types["get_ok"], "the experiment's messages, got %v", types)

	// Every step of both experiments shows its own caption, in order.
	var want, got []string
	for _, exp := range played {
		want = append(want, exp.ID+" summary")
		for i := range exp.Steps {
			want = append(want, exp.ID+" "+exp.Steps[i].Caption.EN)
		}
	}
	for _, s := range run.Steps {
		switch {
		case s.Index < 0:
			got = append(got, s.Experiment+" summary")
		case s.Choices == nil && s.Chosen == "":
			got = append(got, s.Experiment+" "+s.Caption.EN)
		}
	}
	assert.Equal(t, want, got)
	last := run.Steps[len(run.Steps)-1]
	assert.True(t, strings.HasPrefix(last.Caption.EN, "✓ Right: "), "the verdict closes the prediction: %q", last.Caption.EN)
	assert.Equal(t, last.Chosen, last.Actual)
	for i := 1; i < len(run.Steps); i++ {
		assert.LessOrEqual(t, run.Steps[i-1].Time, run.Steps[i].Time, "steps in the order shown")
	}

	if *update {
		data, err := os.ReadFile(w.Path())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "clientserver.jsonl"), data, 0o644))
	}
}
