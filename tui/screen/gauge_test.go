package screen

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
)

// lineWith returns the first line of view that holds every one of parts.
func lineWith(view string, parts ...string) string {
	for line := range strings.Lines(view) {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return line
		}
	}
	return ""
}

// TestTimerBarEmpties: the inspector draws a reported timer as a bar with
// its label and the time left, and a second later, with nothing else
// reported, the bar is shorter; the node's box in the topology carries a
// small bar too. A gauge is drawn as a filled bar with value of max. The
// bars are characters, so they read without colour.
func TestTimerBarEmpties(t *testing.T) {
	m, _, _ := started(t)
	t0 := time.Now()
	feed(m,
		trace.Event{V: 1, Kind: trace.KindState, Node: "client-1", Time: t0.UnixMicro(), Key: "timeout",
			Value: "reply to put a: 2s", Timer: &trace.Timer{MS: 2000, Label: "reply to put a"}},
		trace.Event{V: 1, Kind: trace.KindState, Node: "server", Time: t0.UnixMicro(), Key: "queue",
			Value: "3/10", Gauge: &trace.Gauge{Value: 3, Max: 10}},
	)
	press(m, "right", "tab", "tab") // client-1, the inspector
	m.Update(tickMsg(t0))
	early := m.View().Content
	line := lineWith(early, "timeout", "reply to put a")
	require.NotEmpty(t, line, early)
	assert.Contains(t, line, "2.0 s left")
	assert.Equal(t, barWidth, strings.Count(line, "█"), "full at the start")
	assert.Contains(t, lineWith(early, "⟦client-1"), "████⟧", "the node's box has the timer's bar")

	m.Update(tickMsg(t0.Add(time.Second)))
	later := m.View().Content
	line = lineWith(later, "timeout", "reply to put a")
	require.NotEmpty(t, line, later)
	assert.Contains(t, line, "1.0 s left")
	assert.Equal(t, barWidth/2, strings.Count(line, "█"), "half of it a second later")
	assert.Equal(t, barWidth/2, strings.Count(line, "░"))
	assert.Contains(t, lineWith(later, "⟦client-1"), "██░░⟧")

	m.Update(tickMsg(t0.Add(3 * time.Second)))
	assert.Contains(t, lineWith(m.View().Content, "timeout", "reply to put a"), "run out")
	assert.NotContains(t, lineWith(m.View().Content, "⟦client-1"), "░", "a run-out timer leaves the node's box")

	press(m, "left") // the server and its gauge
	m.Update(tickMsg(t0))
	line = lineWith(m.View().Content, "queue", "3/10")
	require.NotEmpty(t, line, m.View().Content)
	assert.Equal(t, 3, strings.Count(line, "█"))
	assert.Contains(t, lineWith(m.View().Content, "⟦server"), "▕█░░░▏⟧")
}

func TestSecondsInGerman(t *testing.T) {
	assert.Equal(t, "1,5 s", seconds(&common{lang: "de"}, 1500*time.Millisecond))
	assert.Equal(t, "1.5 s", seconds(&common{lang: "en"}, 1500*time.Millisecond))
	assert.Equal(t, "12 s", seconds(&common{lang: "en"}, 12700*time.Millisecond))
	assert.Equal(t, "█████░░░░░", bar(0.5, 10))
	assert.Equal(t, "░░░░", bar(-1, 4), "never less than empty")
}
