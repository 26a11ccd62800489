package classroom_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/classroom"
	"dsdemo/tui/screen"
)

func event(seq uint64) trace.Event {
	return trace.Event{V: trace.Version, Kind: trace.KindLog, Node: "server", Seq: seq, Text: fmt.Sprint(seq)}
}

func running(events ...trace.Event) screen.ClassScene {
	return screen.ClassScene{Running: true, Run: 1, Model: catalog.Model{ID: "clientserver"}, Events: events}
}

var question = &screen.ClassQuestion{ID: "clientserver/predict#3", Choices: []string{"server", "client-2", "client-3"}}

// next takes the scene waiting for a viewer, failing when there is none.
func next(t *testing.T, v screen.Viewer) screen.ClassScene {
	t.Helper()
	select {
	case s, ok := <-v.Scenes:
		require.True(t, ok, "the scenes ended")
		return s
	default:
		require.FailNow(t, "no scene waits")
		return screen.ClassScene{}
	}
}

// Thirty students answer a question: the counts are theirs, each
// student counts once (a second answer replaces the first), and the
// verdict turns every answer into an event for the recording.
func TestThirtyViewersAnswer(t *testing.T) {
	hub := classroom.NewHub()
	defer hub.Close()
	viewers := make([]screen.Viewer, 30)
	for i := range viewers {
		v, cancel := hub.Subscribe(fmt.Sprintf("student-%02d", i))
		defer cancel()
		viewers[i] = v
	}
	s := running()
	s.Question = question
	hub.Show(s)
	for i, v := range viewers {
		v.Answer(question.ID, 2) // everyone first says client-3 …
		v.Answer(question.ID, i%3)
	}
	viewers[0].Answer(question.ID, 7)          // no such choice
	viewers[0].Answer("clientserver/other", 1) // not the question being asked
	assert.Equal(t, []int{10, 10, 10}, hub.Answers(question.ID), "… then a third each")

	s.Question = nil // the instructor answered: the question closes
	hub.Show(s)
	viewers[1].Answer(question.ID, 0)
	assert.Equal(t, []int{10, 10, 10}, hub.Answers(question.ID), "no answers after the question closed")

	answers := hub.Judge(question.ID, "server")
	require.Len(t, answers, 30)
	right := 0
	for i, ev := range answers {
		assert.Equal(t, trace.KindAnswer, ev.Kind)
		assert.Equal(t, fmt.Sprintf("student-%02d", i), ev.Node, "ordered by viewer")
		assert.Equal(t, question.ID, ev.Key)
		assert.Equal(t, "server", ev.Text)
		if ev.Value == ev.Text {
			right++
		}
	}
	assert.Equal(t, 10, right)
	assert.Nil(t, hub.Judge(question.ID, "server"), "a question is judged once")
}

// A student who comes late sees the run so far; one who falls behind
// loses scenes without slowing anybody down, and then gets the whole run
// again in one reset.
func TestViewersCatchUp(t *testing.T) {
	hub := classroom.NewHub()
	defer hub.Close()
	hub.Show(running(event(1), event(2)))

	late, cancel := hub.Subscribe("late")
	defer cancel()
	first := next(t, late)
	assert.True(t, first.Reset)
	assert.Len(t, first.Events, 2, "the run so far")

	slow, cancelSlow := hub.Subscribe("slow")
	defer cancelSlow()
	for seq := uint64(3); seq < 300; seq++ { // more scenes than a viewer's queue holds
		hub.Show(running(event(seq)))
		next(t, late) // late keeps up
	}
	for range len(slow.Scenes) {
		<-slow.Scenes
	}
	hub.Show(running(event(300)))
	caught := next(t, slow)
	assert.True(t, caught.Reset, "after losing scenes, a reset")
	require.Len(t, caught.Events, 300)
	assert.Equal(t, uint64(300), caught.Events[299].Seq)
	assert.False(t, next(t, late).Reset, "the one who kept up goes on as before")
}

// A viewer who leaves, and the class's end, close the scenes, so the
// viewer's UI ends; nothing of the viewer stays in the hub.
func TestLeavingAndTheEndOfTheClass(t *testing.T) {
	hub := classroom.NewHub()
	v, cancel := hub.Subscribe("anna")
	w, _ := hub.Subscribe("ben")
	assert.Equal(t, 2, hub.Watching())
	cancel()
	cancel() // twice is harmless
	<-v.Scenes
	_, open := <-v.Scenes
	assert.False(t, open, "anna's scenes closed")
	assert.Equal(t, 1, hub.Watching())

	hub.Close()
	<-w.Scenes
	_, open = <-w.Scenes
	assert.False(t, open, "ben's scenes closed with the class")
	assert.Equal(t, 0, hub.Watching())
	hub.Show(running(event(1))) // the UI may still show a frame: nothing happens
}

// The host key is made on the first run and kept, so the students' ssh
// recognises the classroom next week; a class without any access rule is
// refused.
func TestTheHostKeyIsKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "host_ed25519")
	cfg := classroom.Config{Access: classroom.Access{Password: "tulip-42"}, HostKey: path}
	_, err := classroom.NewServer(classroom.NewHub(), cfg)
	require.NoError(t, err)
	first, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = classroom.NewServer(classroom.NewHub(), cfg)
	require.NoError(t, err)
	again, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, first, again)

	_, err = classroom.NewServer(classroom.NewHub(), classroom.Config{HostKey: path})
	require.ErrorContains(t, err, "needs a password or an authorized keys file")
}
