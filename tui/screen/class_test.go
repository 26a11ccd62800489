package screen

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// fakeClass keeps the scenes the instructor's view shows it and answers
// with fixed counts, as tui/classroom's Hub would.
type fakeClass struct {
	mu     sync.Mutex
	scenes []ClassScene
	counts []int
	judged []string
}

func (f *fakeClass) Show(s ClassScene) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scenes = append(f.scenes, s)
}
func (f *fakeClass) Answers(string) []int { return f.counts }
func (f *fakeClass) Judge(q, actual string) []trace.Event {
	f.judged = append(f.judged, q+" → "+actual)
	return []trace.Event{{V: trace.Version, Kind: trace.KindAnswer, Node: "anna@1", Key: q, Value: "client-2", Text: actual}}
}
func (f *fakeClass) Status(string) string { return "class: ssh -p 2222 127.0.0.1 · 3 watching" }
func (f *fakeClass) Watching() int        { return 3 }

// recordingDemo is a fake demo that keeps what the UI records.
type recordingDemo struct {
	*fakeDemo
	recorded []trace.Event
}

func (r *recordingDemo) Record(ev trace.Event) { r.recorded = append(r.recorded, ev) }

// The instructor's view shows the class every frame, counts the class's
// answers in the caption and, once the message has gone, records them.
// A viewer fed with those frames sees the same run, answers with a digit,
// learns whether it was right, and no other key of theirs does anything.
func TestTheClassWatchesAndAnswers(t *testing.T) {
	step := catalog.Step{Kind: catalog.StepPredict, Node: "client-1", Choices: []string{"server", "client-2"},
		Caption: i18n.Text{DE: "Wohin?", EN: "Where to?"}, Explain: i18n.Text{DE: "Weil.", EN: "Because."}}
	class := &fakeClass{counts: []int{2, 1}}
	ctl := &recordingDemo{fakeDemo: &fakeDemo{procs: []launch.Proc{{Node: "server", State: launch.StateRunning}, {Node: "client-1", State: launch.StateRunning}}}}
	m := New(Options{Lang: "en", Catalog: catalog.All(), Class: class})
	resize(m, 100, 30)
	model, _ := catalog.ByID("clientserver")
	m.Update(startedMsg{ctl: ctl, m: model, exp: -1, events: make(chan trace.Event, 10)})
	d := m.live.src.(*demo)
	d.session = launch.NewSession(catalog.Experiment{ID: "predict", Steps: []catalog.Step{step}})
	d.player = &fakePlayer{step: step, actual: "server"}
	feed(m, hello("server", "127.0.0.1:7100"), hello("client-1", ""))
	play(m.live, m.live.update(keyPress("x")))
	m.Update(tickMsg(time.Now()))

	view := m.View().Content
	assert.Contains(t, view, "The class", "the bar chart of the answers")
	assert.Contains(t, view, "[1] server       █████████████······· 2")
	assert.Contains(t, view, "3 answers")
	assert.Contains(t, view, "3 watching", "the instructor sees who watches")
	asked := class.scenes[len(class.scenes)-1]
	require.NotNil(t, asked.Question)
	assert.Equal(t, "clientserver/predict#1", asked.Question.ID)
	assert.NotContains(t, asked.Caption.EN, "The class", "the viewers do not see the instructor's chart")

	// A viewer in German, on a smaller screen, gets every scene so far.
	var answered []string
	scenes := make(chan ClassScene, len(class.scenes))
	viewer := Watch(Options{Lang: "de"}, Viewer{Scenes: scenes, Answer: func(q string, i int) {
		answered = append(answered, q+" "+asked.Question.Choices[i])
	}})
	resize(viewer, 80, 24)
	assert.Contains(t, viewer.View().Content, "Sie sehen zu", "waiting for a run")
	for i, s := range class.scenes {
		s.Reset = i == 0
		viewer.Update(sceneMsg(s))
	}
	seen := viewer.View().Content
	for _, want := range []string{"⟦server ●⟧", "⟦client-1 ●⟧", "Wohin?", "Antworten Sie mit 1–9", "Zuschauer"} {
		assert.Contains(t, seen, want)
	}
	press(viewer, "k", "f", "r", "p", "d", "a", "x", "n", "+", "t", "e", "9")
	assert.Empty(t, ctl.calls, "a viewer's keys never reach the run")
	assert.Empty(t, answered, "9 is no choice")
	assert.False(t, viewer.live.showing, "the teacher notes stay hidden from the class")
	press(viewer, "2")
	assert.Equal(t, []string{"clientserver/predict#1 client-2"}, answered)
	viewer.Update(tickMsg(time.Now()))
	assert.Contains(t, viewer.View().Content, "Ihre Antwort: client-2")

	// The instructor answers: the message goes on, the answers are judged
	// and recorded, and the viewer learns the verdict with the next scene.
	play(m.live, m.live.update(keyPress("1")))
	assert.Equal(t, []string{"clientserver/predict#1 → server"}, class.judged)
	require.Len(t, ctl.recorded, 1)
	assert.Equal(t, trace.KindAnswer, ctl.recorded[0].Kind)
	m.Update(tickMsg(time.Now()))
	viewer.Update(sceneMsg(class.scenes[len(class.scenes)-1]))
	assert.Contains(t, viewer.View().Content, "✗ Ihre Antwort war client-2, die Nachricht ging an server.")

	t.Run("the class ends: the viewer's UI ends", func(t *testing.T) {
		_, cmd := viewer.Update(sceneEndMsg{})
		require.NotNil(t, cmd)
		assert.True(t, viewer.quit)
	})
	t.Run("the instructor leaves the run: the viewers wait again", func(t *testing.T) {
		press(m, "q")
		last := class.scenes[len(class.scenes)-1]
		assert.False(t, last.Running)
		v := Watch(Options{Lang: "en"}, Viewer{Scenes: make(chan ClassScene), Answer: func(string, int) {}})
		v.Update(sceneMsg(class.scenes[0]))
		require.NotNil(t, v.live)
		v.Update(sceneMsg(last))
		assert.Nil(t, v.live)
		assert.Contains(t, v.View().Content, "You are watching")
	})
}

// A long caption on a small terminal leaves the picture no room at all:
// the view then draws without it, and never fails (it did, for a viewer
// at 80×24 while a message was on its way).
func TestALongCaptionOnASmallScreen(t *testing.T) {
	model, _ := catalog.ByID("clientserver")
	for _, size := range [][2]int{{80, 24}, {60, 16}, {40, 12}, {30, 6}} {
		v := Watch(Options{Lang: "en"}, Viewer{Scenes: make(chan ClassScene), Answer: func(string, int) {}})
		resize(v, size[0], size[1])
		v.Update(sceneMsg(ClassScene{Running: true, Run: 1, Model: model, Caption: model.Summary,
			Procs: []launch.Proc{{Node: "server", State: launch.StateRunning}, {Node: "client-1", State: launch.StateRunning}},
			Events: []trace.Event{hello("server", "127.0.0.1:7100"), hello("client-1", ""),
				message(trace.KindSend, "client-1", "client-1", "server", "put", 1, 0, 1, "")}}))
		v.Update(tickMsg(time.Now()))
		assert.NotPanics(t, func() { v.View() }, "%d×%d", size[0], size[1])
	}
}
