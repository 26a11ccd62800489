package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/i18n"
)

// TestBuiltinExperimentsHaveNotes: every built-in experiment carries all
// four teacher notes in both languages, and its question names a step
// the experiment has. An instructor's own experiment may leave them out.
func TestBuiltinExperimentsHaveNotes(t *testing.T) {
	count := 0
	for _, m := range All() {
		for _, e := range m.Experiments {
			if e.Own {
				continue
			}
			count++
			t.Run(m.ID+"/"+e.ID, func(t *testing.T) {
				assert.Empty(t, e.Notes.Missing(), "%s: notes: without both languages", e.File)
				step := e.Notes.AskBefore()
				assert.True(t, step >= 1 && step <= len(e.Steps),
					"%s: the ask note names step %d; it should begin \"Before step N:\" with N from 1 to %d", e.File, step, len(e.Steps))
			})
		}
	}
	assert.GreaterOrEqual(t, count, 35, "the built-in experiments")
}

func TestNotesAskBefore(t *testing.T) {
	for _, tc := range []struct {
		ask  i18n.Text
		want int
	}{
		{i18n.Text{DE: "Vor Schritt 4: Was passiert?", EN: "Before step 4: what happens?"}, 4},
		{i18n.Text{DE: "vor schritt 12 – wer antwortet?"}, 12},
		{i18n.Text{EN: "What happens before step 3?"}, 0},
		{i18n.Text{}, 0},
	} {
		assert.Equal(t, tc.want, Notes{Ask: tc.ask}.AskBefore(), "%+v", tc.ask)
	}
	assert.Equal(t, []string{"goal", "ask", "misconception", "slide"}, Notes{}.Missing())
	assert.Equal(t, []string{"ask"}, Notes{Goal: i18n.Text{DE: "a", EN: "b"}, Ask: i18n.Text{DE: "c"},
		Misconception: i18n.Text{DE: "d", EN: "e"}, Slide: i18n.Text{DE: "f", EN: "g"}}.Missing())
}
