package classroom

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
	"dsdemo/tui/screen"
)

// Viewers who only watch share one frame per size, language and theme;
// an answer keeps a viewer sharing (only its own line differs), another
// key gives it a view of its own.
func TestUntouchedViewersShareTheirFrames(t *testing.T) {
	hub := NewHub()
	defer hub.Close()
	small := viewKey{width: 80, height: 24, lang: "en", theme: "default"}
	a, b := newStudent(hub, "a@1", small), newStudent(hub, "b@2", small)
	c := newStudent(hub, "c@3", viewKey{width: 120, height: 40, lang: "de", theme: "default"})
	require.Len(t, hub.shared, 2, "one shared view per size and language")
	assert.Equal(t, 3, hub.Watching())

	model, _ := catalog.ByID("clientserver")
	q := &screen.ClassQuestion{ID: "clientserver/predict#3", Choices: []string{"server", "client-2"}}
	hub.Show(screen.ClassScene{Running: true, Run: 1, Model: model, Question: q,
		Procs:  []launch.Proc{{Node: "server", State: launch.StateRunning}},
		Events: []trace.Event{{V: trace.Version, Kind: trace.KindHello, Node: "server", Role: "server"}}})
	a.Update(tea.KeyPressMsg{Code: '2', Text: "2"})
	now := time.Now()
	fa, _ := a.shared.draw(now)
	fb, _ := b.shared.draw(now)
	assert.Same(t, a.shared, b.shared)
	assert.Equal(t, fa, fb, "drawn once for both")
	assert.Contains(t, a.View().Content, "Your answer: client-2")
	assert.Contains(t, b.View().Content, "Answer with 1–9")
	assert.Contains(t, c.View().Content, "Antworten Sie mit 1–9")
	assert.Equal(t, []int{0, 1}, hub.Answers(q.ID))

	_, cmd := b.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	require.NotNil(t, cmd)
	assert.Nil(t, b.shared, "tab gave b a view of its own")
	assert.Equal(t, 1, a.shared.users)
	assert.Equal(t, 3, hub.Watching())
	for _, s := range []*student{a, b, c} {
		s.leave()
	}
	assert.Equal(t, 0, hub.Watching())
	assert.Empty(t, hub.shared, "nothing stays behind")
}

func TestWithOwnLine(t *testing.T) {
	frame := "\x1b[1mAnswer with 1–9 on your keyboard.          \x1b[m\nrest"
	got, ok := withOwnLine(frame, "Answer with 1–9 on your keyboard.", "Your answer: server")
	require.True(t, ok)
	assert.Equal(t, "\x1b[1mYour answer: server                        \x1b[m\nrest", got, "the same width")
	_, ok = withOwnLine(frame, "Answer with 1–9 on your keyboard.", "✗ You said client-2; the message went to server-2 and more.")
	assert.False(t, ok, "too long for the line")
	_, ok = withOwnLine("Answer with 1–9 on\nyour keyboard.", "Answer with 1–9 on your keyboard.", "Your answer: server")
	assert.False(t, ok, "the line is wrapped")
}
