package screen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// at is message, sent ago before now.
func at(ago time.Duration, ev trace.Event) trace.Event {
	ev.Time = time.Now().Add(-ago).UnixMicro()
	return ev
}

// TestOutcomeMarks plays each fate a message can have and checks, with
// every colour stripped (as NO_COLOR and a washed-out projector show it),
// that the topology and the sequence diagram each give it its own mark.
// The server's lifeline is left of the client's, so a reply is drawn left
// to right.
func TestOutcomeMarks(t *testing.T) {
	send := func(from, to, typ string, id, replyTo uint64, fault string) trace.Event {
		return message(trace.KindSend, from, from, to, typ, id, replyTo, 10, fault)
	}
	recv := func(from, to, typ string, id, replyTo uint64) trace.Event {
		return message(trace.KindRecv, to, from, to, typ, id, replyTo, 11, "")
	}
	cases := []struct {
		name     string
		server   launch.State // the server's process state
		events   []trace.Event
		topology string // what the topology shows of the message
		row      string // a part of the message's row in the sequence diagram
	}{
		{name: "delivered request", events: []trace.Event{send("client-1", "server", "put", 1, 0, ""), recv("client-1", "server", "put", 1, 0)},
			topology: "✓put", row: "◀"},
		{name: "delivered reply", events: []trace.Event{send("server", "client-1", "put_ok", 1, 1, ""), recv("server", "client-1", "put_ok", 1, 1)},
			topology: "✓put_ok", row: "──▶│"},
		{name: "in flight", events: []trace.Event{send("client-1", "server", "put", 1, 0, "")},
			topology: "●put", row: "│◁┄"},
		{name: "lost reply, drawn left to right", events: []trace.Event{send("server", "client-1", "get_ok", 1, 1, "drop")},
			topology: "✗get_ok (dropped)", row: "✗"},
		{name: "lost request", events: []trace.Event{send("client-1", "server", "get", 1, 0, "partition")},
			topology: "✗get (partition)", row: "✗"},
		{name: "error reply", events: []trace.Event{send("server", "client-1", "error", 1, 1, ""), recv("server", "client-1", "error", 1, 1)},
			topology: "⚠error", row: "⚠▶│"},
		{name: "HTTP 502", events: []trace.Event{send("server", "client-1", "502", 1, 1, ""), recv("server", "client-1", "502", 1, 1)},
			topology: "⚠502", row: "⚠▶│"},
		{name: "held", events: []trace.Event{message(trace.KindHold, "client-1", "client-1", "server", "put", 1, 0, 10, "")},
			topology: "⏸put → ?", row: "⏸ put → ?"},
		{name: "abandoned", events: []trace.Event{send("client-1", "server", "get", 1, 0, ""), send("client-1", "server", "get", 1, 0, "abandoned")},
			topology: "⊘get (given up)", row: "⊘"},
		{name: "to a killed node", server: launch.StateKilled, events: []trace.Event{send("client-1", "server", "get", 1, 0, "")},
			topology: "☠get (receiver down)", row: "│☠┄"},
		{name: "to a frozen node", server: launch.StateFrozen, events: []trace.Event{send("client-1", "server", "get", 1, 0, "")},
			topology: "❄get (receiver frozen)", row: "│❄┄"},
		{name: "never arrived", events: []trace.Event{at(6*time.Second, send("client-1", "server", "get", 1, 0, ""))},
			topology: "✗get (never arrived)", row: "✗"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, demo, _ := started(t)
			if tc.server != "" {
				demo.procs[0].State = tc.server
				m.Update(procsMsg(demo.procs))
			}
			feed(m, tc.events...)
			topo := ansi.Strip(m.live.topo.view())
			assert.Contains(t, topo, tc.topology)
			seq := strings.Split(ansi.Strip(m.live.seq.view()), "\n")
			require.Len(t, seq, 2, "a header and one row")
			assert.Contains(t, seq[1], tc.row)
		})
	}
}

// TestHeldMessageHidesItsDestination: while a message is held, nothing on
// the screen points at its receiver; the class is to say where it goes.
func TestHeldMessageHidesItsDestination(t *testing.T) {
	m, _, _ := started(t)
	feed(m, message(trace.KindHold, "client-1", "client-1", "server", "put", 1, 0, 10, ""))
	topo := ansi.Strip(m.live.topo.view())
	assert.NotContains(t, topo, "·", "no edge leads from the sender to the receiver")
	seq := strings.Split(ansi.Strip(m.live.seq.view()), "\n")
	require.Len(t, seq, 2)
	assert.NotContains(t, seq[1], "─")
	assert.NotContains(t, seq[1], "◀")
	for _, ev := range m.live.store.Events() {
		assert.NotContains(t, describe(ev), "client-1→server", "nor does the log")
	}
	t.Run("once released it goes where it goes", func(t *testing.T) {
		feed(m, message(trace.KindSend, "client-1", "client-1", "server", "put", 1, 0, 10, ""),
			message(trace.KindRecv, "server", "client-1", "server", "put", 1, 0, 11, ""))
		assert.Contains(t, ansi.Strip(m.live.seq.view()), "◀")
	})
}

// TestMarkersExpire: a message that never arrives is shown as such, then
// leaves the topology; the sequence diagram keeps it.
func TestMarkersExpire(t *testing.T) {
	m, _, _ := started(t)
	feed(m, at(30*time.Second, message(trace.KindSend, "client-1", "client-1", "server", "get", 1, 0, 10, "")))
	assert.NotContains(t, ansi.Strip(m.live.topo.view()), "get")
	assert.Contains(t, ansi.Strip(m.live.seq.view()), "✗")
}

// TestArrowsEndAtTheirLifeline: with more nodes than columns fit, every
// arrow's head is beside its receiver's lifeline, and a lost message's
// mark is never on a lifeline it would seem to end at.
func TestArrowsEndAtTheirLifeline(t *testing.T) {
	m, _, _ := started(t)
	resize(m, 80, 30)
	var evs []trace.Event
	for i := range 12 {
		evs = append(evs, hello(fmt.Sprintf("node-%02d", i), fmt.Sprintf("127.0.0.1:%d", 8000+i)))
	}
	feed(m, evs...)
	feed(m,
		message(trace.KindSend, "server", "server", "node-11", "far", 1, 0, 20, ""),
		message(trace.KindRecv, "node-11", "server", "node-11", "far", 1, 0, 21, ""),
		message(trace.KindSend, "server", "server", "node-02", "near", 2, 0, 22, "drop"),
		message(trace.KindSend, "node-11", "node-11", "server", "back", 1, 0, 23, ""),
	)
	seq := m.live.seq
	nodes := m.live.sc.nodes
	col := max((seq.width-seqGutter)/len(nodes), 4)
	center := func(n string) int {
		for i, x := range nodes {
			if x == n {
				return seqGutter + i*col + col/2
			}
		}
		t.Fatalf("no lifeline for %s", n)
		return 0
	}
	require.Less(t, center("node-11"), seq.width, "every lifeline is on the screen")
	rows := strings.Split(ansi.Strip(seq.view()), "\n")
	row := func(clock string) []rune {
		for _, r := range rows {
			if strings.HasPrefix(strings.TrimSpace(r), clock+" ") {
				return []rune(r)
			}
		}
		t.Fatalf("no row for clock %s in\n%s", clock, strings.Join(rows, "\n"))
		return nil
	}
	assert.Equal(t, '▶', row("20")[center("node-11")-1], "the head is beside the receiver")
	lost := row("22")
	x := strings.IndexRune(string(lost), '✗')
	require.GreaterOrEqual(t, x, 0)
	x = len([]rune(string(lost)[:x]))
	for _, n := range nodes {
		assert.NotEqual(t, center(n), x, "the ✗ is not on %s's lifeline", n)
	}
	assert.Equal(t, '◁', row("23")[center("server")+1], "in flight: an open head beside the receiver")
}

// TestBackgroundTraffic: b dims, hides and shows background traffic; an
// experiment dims it until the user chooses.
func TestBackgroundTraffic(t *testing.T) {
	m, _, _ := started(t)
	m.live.isBg = func(typ string) bool { return typ == "ping" }
	feed(m,
		message(trace.KindSend, "server", "server", "client-1", "ping", 1, 0, 1, ""),
		message(trace.KindSend, "client-1", "client-1", "server", "ping_ok", 1, 1, 2, ""),
		message(trace.KindSend, "client-1", "client-1", "server", "get", 2, 0, 3, ""),
	)
	seqRows := func() int { return len(strings.Split(ansi.Strip(m.live.seq.view()), "\n")) - 1 }
	assert.Equal(t, bgShow, m.live.background(), "no experiment: shown")
	assert.Equal(t, 3, seqRows())
	d := m.live.src.(*demo)
	d.session = launch.NewSession(d.model.Experiments[0])
	feed(m)
	assert.Equal(t, bgDim, m.live.background(), "an experiment dims it")
	assert.True(t, m.live.sc.background(&m.live.sc.arrows[1]), "a reply to background is background")
	press(m, "b")
	assert.Equal(t, bgHide, m.live.background())
	assert.Equal(t, 1, seqRows(), "only the get is left")
	assert.NotContains(t, ansi.Strip(m.live.topo.view()), "ping")
	assert.Contains(t, ansi.Strip(m.View().Content), "background traffic hidden")
	press(m, "b")
	assert.Equal(t, bgShow, m.live.background())
	assert.Equal(t, 3, seqRows())
	press(m, "b")
	assert.Equal(t, bgDim, m.live.background())
}

// TestGermanLiveView: with --lang de, what the status bar says after each
// control and what the inspector says of a node are German, with no
// English left in them and nothing that reads like debug output.
func TestGermanLiveView(t *testing.T) {
	m, _, _ := started(t)
	m.c.lang = "de"
	english := []string{"partition", "kill", "freeze", "thaw", "restart", "drop", "added", "slow motion",
		"background", "churn:", "true", "false", "step mode"}
	for _, k := range []string{"k", "f", "f", "r", "p", "p", "d", "a", "+", "b", "n", "c"} {
		press(m, k)
		status := m.live.status
		for _, w := range english {
			assert.NotContains(t, strings.ToLower(status), w, "after %s: %q", k, status)
		}
	}
	assert.Equal(t, "Churn: peer-2 geht", churnWords(&m.c, "peer-2 leaves"))
	feed(m, trace.Event{V: 1, Kind: trace.KindState, Node: "server", Key: "faults", Value: "delay 300ms, drop 50%, cut off from client-1 127.0.0.1:1"})
	m.live.selected = "server"
	insp := strings.Join(m.live.insp.lines(&m.live.sc, 100, 20), "\n")
	assert.Contains(t, insp, "Fehler = Verzögerung 300ms, Verlust 50%, abgetrennt von client-1 127.0.0.1:1")
	assert.Contains(t, insp, "Rolle server")
	assert.Contains(t, insp, "Prozess: läuft")
	assert.Contains(t, ansi.Strip(m.View().Content), "Ereignisse/s")
}

// TestAutoPace: --auto gives a caption the time it takes to read it aloud
// at the pace set, counted from when it was shown, and a question time to
// think on top.
func TestAutoPace(t *testing.T) {
	m, _, _ := started(t)
	d := m.live.src.(*demo)
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("word ", n)) }
	now := time.Now()
	for _, tc := range []struct {
		name    string
		pace    int
		caption string
		ago     time.Duration // since the caption was shown
		ask     bool
		want    time.Duration
	}{
		{"a short caption gets the least", DefaultPace, words(3), 0, false, leastRead},
		{"65 words at 130 a minute", DefaultPace, words(65), 0, false, 30 * time.Second},
		{"counted from when it was shown", DefaultPace, words(65), 10 * time.Second, false, 20 * time.Second},
		{"a slower pace waits longer", 65, words(65), 0, false, time.Minute},
		{"a question gets time to think", DefaultPace, words(65), 0, true, 30*time.Second + thinkTime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step := catalog.Step{Kind: catalog.StepCaption, Caption: i18n.Text{EN: tc.caption}}
			if tc.ask {
				step.Kind, step.Choices = catalog.StepPredict, []string{"a"}
			}
			d.session, d.pace, d.shown = launch.NewSession(catalog.Experiment{Steps: []catalog.Step{step}}), tc.pace, now.Add(-tc.ago)
			d.session.Next()
			d.session.Carried(0, step, nil)
			if tc.ask { // the question adds " ▸  [1] a": three words
				tc.want += 3 * time.Minute / time.Duration(tc.pace)
			}
			assert.Equal(t, tc.want, d.readFor(now))
		})
	}
}

// TestPauseIsVisibleWhenNarrow: at 80 columns, with an experiment's long
// title in the title line, the pause still shows.
func TestPauseIsVisibleWhenNarrow(t *testing.T) {
	m, _, _ := started(t)
	resize(m, 80, 24)
	d := m.live.src.(*demo)
	d.session = launch.NewSession(catalog.Experiment{Title: i18n.Text{EN: strings.Repeat("a long title ", 8)}})
	d.slow = 3
	press(m, "space")
	assert.Contains(t, ansi.Strip(m.View().Content), "⏸ paused")
}
