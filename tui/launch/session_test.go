package launch_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/tui/launch"
)

// lesson is a small experiment: a caption, a wait, a question.
var lesson = catalog.Experiment{
	ID:      "lesson",
	Summary: i18n.Text{EN: "What the experiment shows."},
	Steps: []catalog.Step{
		{Kind: catalog.StepCaption, Caption: i18n.Text{EN: "First."}},
		{Kind: catalog.StepWait, Caption: i18n.Text{EN: "Waiting for put_ok."}},
		{Kind: catalog.StepPredict, Node: "server", Caption: i18n.Text{EN: "Who gets it?"},
			Choices: []string{"client-1", "client-2"}, Answer: "client-1", Explain: i18n.Text{EN: "Because."}},
	},
}

// TestSession drives a session as a screen does, one event at a time: the
// instructor's keys (x, a number) and the player's reports. Each case is a
// script; after it the session shows want.
func TestSession(t *testing.T) {
	type event func(s *launch.Session) launch.Turn
	x := func(s *launch.Session) launch.Turn { return s.Next() }
	carried := func(i int) event {
		return func(s *launch.Session) launch.Turn { return s.Carried(i, lesson.Steps[i], nil) }
	}
	failed := func(i int) event {
		return func(s *launch.Session) launch.Turn { return s.Carried(i, lesson.Steps[i], errors.New("no put_ok")) }
	}
	answer := func(i int) event {
		return func(s *launch.Session) launch.Turn { _, t := s.Answer(i); return t }
	}
	went := func(chosen, actual string) event {
		return func(s *launch.Session) launch.Turn {
			return s.Judged(launch.Outcome{Chosen: chosen, Actual: actual}, nil)
		}
	}
	tests := []struct {
		name    string
		script  []event
		last    launch.Turn // what the last event asked of the screen
		caption string
		index   int
		running bool
		queued  int
		asking  bool
	}{
		{name: "before the first step the summary shows", caption: "What the experiment shows."},
		{name: "x starts the first step and shows its caption", script: []event{x},
			last: launch.Turn{Run: true}, caption: "First.", running: true},
		{name: "the player's report moves the cursor", script: []event{x, carried(0)},
			caption: "First.", index: 1},
		{name: "a wait step explains what it waits for while it runs", script: []event{x, carried(0), x},
			last: launch.Turn{Run: true}, caption: "Waiting for put_ok.", index: 1, running: true},
		{name: "x while a step runs is queued", script: []event{x, x, x},
			caption: "First.", running: true, queued: 2},
		{name: "a queued step starts when the running one is done", script: []event{x, x, carried(0)},
			last: launch.Turn{Run: true}, caption: "Waiting for put_ok.", index: 1, running: true},
		{name: "a failed step says so and the class goes on", script: []event{x, carried(0), x, failed(1)},
			last:    launch.Turn{Note: i18n.Text{DE: "Schritt fehlgeschlagen: no put_ok", EN: "step failed: no put_ok"}},
			caption: "Waiting for put_ok.", index: 2},
		{name: "a predict step asks with numbered choices", script: []event{x, carried(0), x, carried(1), x, carried(2)},
			caption: "Who gets it? ▸  [1] client-1  [2] client-2", index: 3, asking: true},
		{name: "a number with no choice does nothing", script: []event{x, carried(0), x, carried(1), x, carried(2), answer(6)},
			caption: "Who gets it? ▸  [1] client-1  [2] client-2", index: 3, asking: true},
		{name: "an answer lets the message go", script: []event{x, carried(0), x, carried(1), x, carried(2), answer(0)},
			last: launch.Turn{Run: true}, caption: "Prediction: client-1 … the message goes on.", index: 3, running: true},
		{name: "right", script: []event{x, carried(0), x, carried(1), x, carried(2), answer(0), went("client-1", "client-1")},
			caption: "✓ Right: client-1. Because.", index: 3},
		{name: "wrong", script: []event{x, carried(0), x, carried(1), x, carried(2), answer(1), went("client-2", "client-1")},
			caption: "✗ Not client-2 but client-1. Because.", index: 3},
		{name: "x while the answer is on its way waits for the verdict",
			script:  []event{x, carried(0), x, carried(1), x, carried(2), answer(0), x},
			caption: "Prediction: client-1 … the message goes on.", index: 3, running: true, queued: 1},
		{name: "x instead of an answer gives the question up", script: []event{x, carried(0), x, carried(1), x, carried(2), x},
			caption: "Who gets it? ▸  [1] client-1  [2] client-2", index: 3, asking: true,
			last: launch.Turn{Note: i18n.Text{DE: "Experiment beendet.", EN: "Experiment finished."}}},
		{name: "but the last question stays open after x", script: []event{x, carried(0), x, carried(1), x, carried(2), x, answer(0)},
			last: launch.Turn{Run: true}, caption: "Prediction: client-1 … the message goes on.", index: 3, running: true},
		{name: "a question that is not the last is given up by x",
			script: []event{x, carried(0), x, carried(1), x, func(s *launch.Session) launch.Turn { return s.Carried(1, lesson.Steps[2], nil) }, x},
			last:   launch.Turn{Run: true}, caption: "Who gets it?", index: 2, running: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := launch.NewSession(lesson)
			var last launch.Turn
			for _, ev := range tt.script {
				last = ev(s)
			}
			assert.Equal(t, tt.last, last, "what the last event asked for")
			assert.Equal(t, tt.caption, s.Caption().EN)
			assert.Equal(t, tt.index, s.Index())
			assert.Equal(t, tt.running, s.Running())
			assert.Equal(t, tt.queued, s.Queued())
			_, asking := s.Asking()
			assert.Equal(t, tt.asking, asking)
			assert.Equal(t, tt.index == len(lesson.Steps), s.Done())
		})
	}
}
