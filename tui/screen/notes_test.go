package screen

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// notesDemo starts the live view of the client/server model in lang at
// width x height, playing its first experiment, with opts.Notes as given.
func notesDemo(t *testing.T, lang string, width, height int, open bool) (*Model, *demo, catalog.Experiment) {
	t.Helper()
	model, ok := catalog.ByID("clientserver")
	require.True(t, ok)
	fake := &fakeDemo{procs: []launch.Proc{{Node: "server", State: launch.StateRunning}, {Node: "client-1", State: launch.StateRunning}}}
	m := New(Options{Lang: lang, Notes: open, Catalog: catalog.All(), Start: func(context.Context, catalog.Model, func(trace.Event)) (Controller, error) {
		return fake, nil
	}})
	resize(m, width, height)
	m.Update(startedMsg{ctl: fake, m: model, exp: -1, events: make(chan trace.Event, 1)})
	require.NotNil(t, m.live)
	d := m.live.src.(*demo)
	e := model.Experiments[0]
	d.session, d.player = launch.NewSession(e), &fakePlayer{}
	feed(m, hello("server", "127.0.0.1:7100"), hello("client-1", ""))
	return m, d, e
}

// advance lets the session carry out steps until the next one to play
// is step (counted from 1).
func advance(m *Model, d *demo, e catalog.Experiment, step int) {
	for i := d.session.Index(); i < step-1; i++ {
		d.session.Next()
		d.session.Carried(i, e.Steps[i], nil)
	}
	feed(m)
}

func plain(m *Model) string { return ansi.Strip(m.View().Content) }

func TestNotesPane(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s %dx%d", lang, size[0], size[1]), func(t *testing.T) {
				m, d, e := notesDemo(t, lang, size[0], size[1], false)
				title := map[string]string{"de": "Notizen für Lehrende", "en": "Notes for instructors"}[lang]
				assert.NotContains(t, plain(m), title, "the notes are not shown until asked for")

				press(m, "t")
				view := plain(m)
				assert.Contains(t, view, title)
				assert.Contains(t, view, map[string]string{"de": "Folie:", "en": "Slide:"}[lang])
				assert.Contains(t, view, e.Notes.Slide.In(lang))
				for _, line := range strings.Split(view, "\n") {
					assert.LessOrEqual(t, ansi.StringWidth(line), size[0], "no line is wider than the screen")
				}
				assert.Len(t, strings.Split(m.View().Content, "\n"), size[1])
				askNow := map[string]string{"de": "▶ JETZT FRAGEN", "en": "▶ ASK NOW"}[lang]
				assert.NotContains(t, view, askNow, "step 1 is next; the question is for a later step")

				step := e.Notes.AskBefore()
				require.Greater(t, step, 1)
				advance(m, d, e, step)
				assert.Contains(t, plain(m), askNow, "the question is highlighted before the step it names")
				advance(m, d, e, step+1)
				assert.NotContains(t, plain(m), askNow, "and no longer once that step has been played")

				press(m, "t")
				assert.NotContains(t, plain(m), title, "t hides them again")
			})
		}
	}
}

func TestNotesFlagOpensThePane(t *testing.T) {
	m, _, e := notesDemo(t, "en", 120, 40, true)
	view := plain(m)
	assert.Contains(t, view, "Notes for instructors · "+e.Title.EN)
	assert.Contains(t, view, "Goal:")
}

func TestNotesKeyInHelp(t *testing.T) {
	for lang, want := range map[string]string{"de": "Notizen für Lehrende", "en": "teacher notes"} {
		m, _, _ := notesDemo(t, lang, 120, 40, false)
		press(m, "?")
		assert.Contains(t, plain(m), want, lang)
	}
}

func TestNotesPaneWithoutNotes(t *testing.T) {
	m, d, e := notesDemo(t, "en", 80, 24, true)
	e.Notes = catalog.Notes{}
	d.session = launch.NewSession(e)
	feed(m)
	assert.Contains(t, plain(m), "This experiment has no notes")
}
