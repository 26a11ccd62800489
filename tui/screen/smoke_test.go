package screen

import (
	"bytes"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// The smoke tests run each screen in a real bubbletea program. The v2
// renderer writes only changed cells, so they wait for text of the first
// frame and check later state through FinalModel.

func waitText(t *testing.T, tm *teatest.TestModel, text string) []byte {
	var seen []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen = append(seen, b...)
		return bytes.Contains(seen, []byte(text))
	}, teatest.WithDuration(10*time.Second))
	return seen
}

func TestSmokeHome(t *testing.T) {
	tm := teatest.NewTestModel(t, New(Options{Lang: "en", Catalog: catalog.All()}), teatest.WithInitialTermSize(100, 30))
	waitText(t, tm, "Cooperating servers")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	assert.Equal(t, 1, final.home.cursor)
	assert.True(t, final.quit)
}

func TestSmokeHelp(t *testing.T) {
	tm := teatest.NewTestModel(t, New(Options{Lang: "de", Catalog: catalog.All()}), teatest.WithInitialTermSize(80, 24))
	waitText(t, tm, "Kooperierende Server")
	tm.Send(tea.KeyPressMsg{Code: '?', Text: "?"})
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	assert.True(t, final.help, "the help overlay was open")
	assert.Contains(t, final.View().Content, "Tasten")
}

func TestSmokeLive(t *testing.T) {
	events := []trace.Event{
		{V: 1, Kind: trace.KindHello, Node: "server", Role: "server", Listen: "127.0.0.1:7100", Time: 1},
		{V: 1, Kind: trace.KindSend, Node: "client-1", Clock: 1, Time: 2, Msg: &trace.Message{From: "client-1", To: "server", Type: "put", ID: 1, Clock: 1}},
	}
	// NO_COLOR: an ASCII colour profile must still show every mark, without colour.
	tm := teatest.NewTestModel(t, NewReplay(events, Options{Lang: "en"}), teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	out := waitText(t, tm, "Recording")
	assert.NotContains(t, string(out), "\x1b[38;", "no foreground colour")
	tm.Send(tea.KeyPressMsg{Code: tea.KeySpace})
	tm.Send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	tm.Send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	require.NotNil(t, final.live)
	assert.Equal(t, uint64(2), final.live.store.Total(), "two steps, two events")
	_, _ = io.ReadAll(tm.FinalOutput(t))
}
