package screen

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// TestReplayDrawsFaultRows replays a recording in which the launcher
// killed the server and cut a link one way: the sequence diagram shows
// each as a row of its own, readable by its mark and words without
// colour, in both languages.
func TestReplayDrawsFaultRows(t *testing.T) {
	run := recorded(t)
	end := run.Events[len(run.Events)-1].Time
	run.Events = append(run.Events,
		trace.Event{V: 1, Kind: trace.KindFault, Node: "server", Fault: trace.FaultKill, Time: end + 1000},
		trace.Event{V: 1, Kind: trace.KindFault, Node: "server", Fault: trace.FaultPartition, Peers: []string{"client-1"}, Value: "one-way", Time: end + 2000})
	for lang, want := range map[string][]string{
		"en": {"⚡ kill server", "⚡ one-way: server cannot reach client-1"},
		"de": {"⚡ server hart beendet (SIGKILL)", "⚡ Einbahn: server erreicht client-1 nicht mehr"},
	} {
		t.Run(lang, func(t *testing.T) {
			m := ReplayRun("run.jsonl", run, Options{Lang: lang, Catalog: catalog.All()})
			resize(m, 160, 50)
			press(m, "space")
			for range run.Events {
				press(m, "n")
			}
			view := ansi.Strip(m.View().Content)
			for _, w := range want {
				i := strings.Index(view, w)
				if assert.GreaterOrEqual(t, i, 0, "%q in\n%s", w, view) {
					line := view[strings.LastIndex(view[:i], "\n")+1:]
					line, _, _ = strings.Cut(line, "\n")
					assert.Contains(t, line, "══", "a double line across the diagram marks the row")
				}
			}
			assert.Contains(t, view, "fault ⚡ kill server", "the event log has it too")
		})
	}
}
