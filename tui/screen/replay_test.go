package screen

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/record"
)

// recorded is tui/record's recording of the client/server model playing
// its first-request and predict experiments.
func recorded(t *testing.T) record.Run {
	t.Helper()
	run, err := record.ReadFile(filepath.Join("..", "record", "testdata", "clientserver.jsonl"))
	require.NoError(t, err)
	return run
}

// titleLine is the first line of the view, without colours.
func titleLine(m *Model) string {
	return ansi.Strip(strings.SplitN(m.View().Content, "\n", 2)[0])
}

func TestReplayNamesTheRecording(t *testing.T) {
	cs, ok := catalog.ByID("clientserver")
	require.True(t, ok)
	for _, lang := range []string{"de", "en"} {
		m := ReplayRun("clientserver-20261205-122209.jsonl", recorded(t), Options{Lang: lang, Catalog: catalog.All()})
		resize(m, 140, 30)
		want := cs.Title.In(lang) + " · " + i18n.Text{DE: "Aufzeichnung", EN: "Recording"}.In(lang) + " clientserver-20261205-122209.jsonl"
		assert.Contains(t, titleLine(m), want)
		assert.Equal(t, cs.Layout, m.live.model.Layout, "the recorded model lays out the topology")
	}

	t.Run("a model this dsdemo does not know", func(t *testing.T) {
		m := ReplayRun("x.jsonl", record.Run{Events: []trace.Event{hello("server", "127.0.0.1:7100")}}, Options{Lang: "en", Catalog: catalog.All()})
		resize(m, 100, 30)
		assert.Contains(t, titleLine(m), "Recording x.jsonl")
	})
}

func TestReplayShowsTheCaptions(t *testing.T) {
	run := recorded(t)
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			m := ReplayRun("run.jsonl", run, Options{Lang: lang, Catalog: catalog.All()})
			resize(m, 160, 50)
			press(m, "space") // pause; n then steps through the events
			var seen []string
			for range run.Events {
				press(m, "n")
				src := m.live.src.(*replay)
				// The caption of the step the class read when this event came.
				var want i18n.Text
				for _, s := range run.Steps {
					if s.Time <= src.clock {
						want = s.Caption
					}
				}
				got := src.caption()
				assert.Equal(t, want, got)
				if text := got.In(lang); text != "" && (len(seen) == 0 || seen[len(seen)-1] != text) {
					seen = append(seen, text)
					words := strings.Fields(text)
					assert.Contains(t, strings.Join(strings.Fields(ansi.Strip(m.View().Content)), " "), strings.Join(words[:min(4, len(words))], " "),
						"the caption stands above the picture")
				}
			}
			assert.GreaterOrEqual(t, len(seen), 10, "the captions of both experiments, questions and verdicts: %q", seen)
			assert.Contains(t, titleLine(m), i18n.Text{DE: "Experiment: ", EN: "experiment: "}.In(lang))

			// The verdict came after the last event: the replay's time goes on.
			press(m, "space")
			m.Update(tickMsg(time.Now().Add(time.Second)))
			last := run.Steps[len(run.Steps)-1].Caption
			assert.Equal(t, last, m.live.src.caption())
			assert.True(t, strings.HasPrefix(last.In(lang), "✓ "), "the replay ends with the verdict: %q", last.In(lang))
		})
	}
}

// footerKeys are the keys the footer and the help show.
func footerKeys(m *Model) []string {
	var out []string
	for _, b := range helpKeys(m.c.liveKeys.list(), "en", false) {
		out = append(out, b.Help().Key+" "+b.Help().Desc)
	}
	return out
}

func TestReplayFooterShowsOnlyReplayKeys(t *testing.T) {
	replayKeys := []string{"x caption", "space pause", "n event", "+/- speed", "←/→ node", "tab pane", "/ filter", "↑/↓ scroll", "? help", "q quit"}
	t.Run("a model without background traffic, nowhere to export to", func(t *testing.T) {
		m := ReplayRun("run.jsonl", recorded(t), Options{Lang: "en", Catalog: catalog.All()})
		resize(m, 200, 40)
		assert.Equal(t, replayKeys, footerKeys(m))
		footer := ansi.Strip(m.View().Content[strings.LastIndex(m.View().Content, "\n")+1:])
		for _, gone := range []string{"kill", "freeze", "experiment", "predict", "background", "export", "churn", "drop"} {
			assert.NotContains(t, footer, gone)
		}
		press(m, "b")
		assert.NotContains(t, m.View().Content, "background traffic", "b does nothing here")
	})
	t.Run("no captions to jump to", func(t *testing.T) {
		m := ReplayRun("bare.jsonl", record.Run{Events: recorded(t).Events}, Options{Lang: "en", Catalog: catalog.All()})
		resize(m, 200, 40)
		assert.Equal(t, replayKeys[1:], footerKeys(m))
	})
	t.Run("a ring, exported", func(t *testing.T) {
		run := record.Run{Events: []trace.Event{{V: 1, Kind: trace.KindHello, Node: "peer-1", Model: "p2p", Listen: "127.0.0.1:7300"}}}
		opts := Options{Lang: "en", Catalog: catalog.All(), Export: func([]trace.Event) (string, error) { return "x.svg", nil }}
		m := ReplayRun("ring.jsonl", run, opts)
		resize(m, 200, 40)
		got := footerKeys(m)
		assert.Contains(t, got, "b background")
		assert.Contains(t, got, "e export")
		press(m, "b")
		assert.Contains(t, m.View().Content, "background traffic dimmed")
	})
}

// TestReplayJumpsFromCaptionToCaption: x goes on to the moment the next
// caption was shown, with the events up to it, and says so at the end.
func TestReplayJumpsFromCaptionToCaption(t *testing.T) {
	run := recorded(t)
	m := ReplayRun("run.jsonl", run, Options{Lang: "en", Catalog: catalog.All()})
	resize(m, 160, 50)
	press(m, "space") // paused: only x moves the replay on
	src := m.live.src.(*replay)
	for i, step := range run.Steps {
		press(m, "x")
		assert.Equal(t, step.Time, src.clock, "x %d reaches the moment caption %d was shown", i+1, i+1)
		assert.Equal(t, printable(step.Caption.EN), src.caption().EN, "x %d shows caption %d", i+1, i+1)
		for _, ev := range run.Events[:src.next] {
			assert.LessOrEqual(t, ev.Time, src.clock, "no event from after the caption")
		}
		if src.next < len(run.Events) {
			assert.Greater(t, run.Events[src.next].Time, src.clock, "every event before the caption is shown")
		}
	}
	press(m, "x")
	assert.Contains(t, ansi.Strip(m.View().Content), "no further caption in this recording")
}

func TestReplayOfACutRecording(t *testing.T) {
	events := []trace.Event{hello("server", "127.0.0.1:7100"), hello("client-1", "")}
	events[0].Time, events[1].Time = 1_000_000, 2_000_000
	m := ReplayRun("big.jsonl", record.Run{Events: events, Cut: record.Cut{Time: 1_500_000, Left: 99}}, Options{Lang: "en"})
	resize(m, 160, 30)
	press(m, "space", "n")
	assert.NotContains(t, titleLine(m), "✂", "not cut yet")
	press(m, "n")
	assert.Contains(t, titleLine(m), "✂ recording holds no messages from here")
}

// TestHostileReplayCaption: a recording is a file anyone may hand over; an
// escape sequence in its captions reaches the terminal as text, not as a
// command.
func TestHostileReplayCaption(t *testing.T) {
	events := []trace.Event{hello("server", "127.0.0.1:7100")}
	events[0].Time = 1_000_000
	steps := []record.Step{{Time: 1_000_000, Experiment: "x", Title: i18n.Text{EN: "t\x1b[2J"},
		Caption: i18n.Text{EN: "look\x1b]52;c;aGk=\x07 here\r\nnow"}}}
	m := ReplayRun("evil.jsonl", record.Run{Events: events, Steps: steps}, Options{Lang: "en"})
	resize(m, 120, 30)
	press(m, "space", "n")
	assert.Equal(t, "look ]52;c;aGk=  here  now", m.live.src.caption().EN)
	assert.NotContains(t, m.View().Content, "\x1b]52")
	assert.NotContains(t, m.View().Content, "\x1b[2J")
}
