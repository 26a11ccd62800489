package quiz

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/stretchr/testify/assert"
)

// TestSmoke runs the quiz as `dsdemo quiz` does, in a real bubbletea
// program. The v2 renderer writes only changed cells, so it waits for text
// of the first frame and checks later state through FinalModel.
func TestSmoke(t *testing.T) {
	m := newModel(t, Options{})
	tm := teatest.NewTestModel(t, Program{Model: m}, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("All topics")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})  // practise all topics
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape}) // end: the result
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})  // back to the start page
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape}) // leave: the program ends
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Program)
	assert.True(t, final.Done())
	assert.Equal(t, startPage, final.page)
}
