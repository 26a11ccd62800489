package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/tui/export"
	"dsdemo/tui/launch"
	"dsdemo/tui/record"
)

// TestFaultRowsInEveryExport records a run of the real client/server
// programs in which the launcher kills and restarts the server, cuts the
// client off both ways and then cuts the server's way back to the client
// only, and exports it to Mermaid, SVG and ShiViz: each fault is a row of
// every diagram, and an event of its node in the ShiViz log, whose vector
// clocks ShiViz accepts.
func TestFaultRowsInEveryExport(t *testing.T) {
	m, ok := catalog.ByID("clientserver")
	require.True(t, ok)
	bin := programtest.Build(t, "dsdemo/clientserver/server", "dsdemo/clientserver/client")
	w, err := record.Create(t.TempDir(), m.ID, time.Now())
	require.NoError(t, err)
	defer w.Close()
	log := programtest.NewEventLog()
	l, err := launch.Start(t.Context(), launch.Config{Model: m, BinDir: bin, OnEvent: func(ev trace.Event) {
		w.Write(ev)
		log.Add(ev)
	}})
	require.NoError(t, err)
	defer l.Close()

	do := func(cmd string, want catalog.Match) {
		t.Helper()
		at := len(log.All())
		require.NoError(t, l.Control("client-1", trace.Control{Op: trace.OpDo, Cmd: cmd}))
		log.WaitFor(t, fmt.Sprintf("%+v", want), func(evs []trace.Event) bool { return slices.IndexFunc(evs[at:], want.Matches) >= 0 })
	}
	putOK := catalog.Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}
	do("put a 1", putOK)
	require.NoError(t, l.Kill("server"))
	require.NoError(t, l.Restart(t.Context(), "server"))
	do("put b 2", putOK)
	require.NoError(t, l.Partition("client-1", true))
	do("put c 3", catalog.Match{Kind: trace.KindSend, Node: "client-1", Type: "put", Fault: "partition"})
	require.NoError(t, l.Partition("client-1", false))
	require.NoError(t, l.PartitionOneWay("server", "client-1"))
	do("put d 4", catalog.Match{Kind: trace.KindSend, Node: "server", Type: "put_ok", Fault: "partition"})
	require.NoError(t, l.Partition("server", false))
	require.NoError(t, l.Close())
	require.NoError(t, w.Close())

	run, err := record.ReadFile(w.Path())
	require.NoError(t, err)
	faults := []string{
		"⚡ kill server", "⚡ restart server",
		"⚡ partition: client-1 cut off from server", "⚡ client-1 healed",
		"⚡ one-way: server cannot reach client-1, the other way works", "⚡ server healed",
	}

	t.Run("mermaid", func(t *testing.T) {
		var out strings.Builder
		require.NoError(t, export.Mermaid(&out, run.Events, export.Options{}))
		var notes []string
		lines := strings.Split(out.String(), "\n")
		for _, line := range lines {
			if note, ok := strings.CutPrefix(line, "    Note over server,p1: "); ok {
				notes = append(notes, note)
			}
		}
		assert.Equal(t, faults, notes, "a note across both lifelines for each fault, in order:\n%s", out.String())
		// The request after the restart is drawn below the kill.
		kill := slices.Index(lines, "    Note over server,p1: ⚡ kill server")
		putB := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "put b=2") })
		assert.Less(t, kill, putB, "put b 2 came after the kill")

		out.Reset()
		require.NoError(t, export.Mermaid(&out, run.Events, export.Options{Lang: "de"}))
		assert.Contains(t, out.String(), "Note over server,p1: ⚡ server hart beendet (SIGKILL)")
		assert.Contains(t, out.String(), "Note over server,p1: ⚡ Einbahn: server erreicht client-1 nicht mehr, umgekehrt schon")
	})

	t.Run("svg", func(t *testing.T) {
		var out bytes.Buffer
		require.NoError(t, export.SVG(&out, run.Events, export.Options{}))
		var rows []string
		elements := parseSVG(t, out.Bytes())
		for i, e := range elements {
			if e.name == "g" && slices.Contains(e.class, "fault") {
				j := slices.IndexFunc(elements[i:], func(e svgElement) bool { return e.name == "text" })
				rows = append(rows, elements[i+j].text)
			}
		}
		assert.Equal(t, faults, rows, "a strip across the picture for each fault, with its mark and words")
	})

	t.Run("shiviz", func(t *testing.T) {
		var out strings.Builder
		require.NoError(t, export.ShiViz(&out, run.Events, export.Options{}))
		events := checkShiViz(t, out.String())
		var got []string
		for _, e := range events {
			if strings.HasPrefix(e.text, "⚡") {
				got = append(got, e.text)
				assert.Contains(t, e.text, e.host, "a fault is an event of the node it affects")
			}
		}
		// Each in its node's order; the log's lines follow the clocks, so
		// faults of different nodes may come in another order.
		assert.ElementsMatch(t, faults, got)
	})
}

// shivizEvent is one event of a ShiViz log, as ShiViz parses it.
type shivizEvent struct {
	text, host string
	clock      map[string]int
}

// checkShiViz parses log the way ShiViz does and checks what ShiViz
// checks: the first line is the parsing expression with the groups event,
// host and clock, the second the (empty) delimiter; every clock is JSON of
// host to number and holds its own host; each host's own entry runs 1, 2,
// 3 ... over its events; an entry of another host names one that has that
// many events. It checks too that each send happened before its receive
// (the [sender#id] in both): the send's clock is below the receive's in
// every entry and strictly in one.
func checkShiViz(t *testing.T, log string) []shivizEvent {
	t.Helper()
	first, rest, ok := strings.Cut(log, "\n")
	require.True(t, ok)
	delimiter, body, ok := strings.Cut(rest, "\n")
	require.True(t, ok)
	assert.Empty(t, delimiter, "one run: no delimiter")
	re, err := regexp.Compile("(?m)" + first) // ShiViz applies it with the m flag
	require.NoError(t, err, "the first line is the parsing expression")
	for _, g := range []string{"event", "host", "clock"} {
		require.GreaterOrEqual(t, re.SubexpIndex(g), 0, "it has the group %s", g)
	}

	var events []shivizEvent
	for _, m := range re.FindAllStringSubmatch(strings.TrimSpace(body), -1) {
		e := shivizEvent{text: m[re.SubexpIndex("event")], host: m[re.SubexpIndex("host")]}
		require.NoError(t, json.Unmarshal([]byte(m[re.SubexpIndex("clock")]), &e.clock), "the clock of %q", e.text)
		require.Contains(t, e.clock, e.host, "the clock of %q holds its own host", e.text)
		events = append(events, e)
	}
	require.Equal(t, strings.Count(strings.TrimSpace(body), "\n")+1, 2*len(events), "every pair of lines is one event")

	own := map[string][]int{}
	for _, e := range events {
		own[e.host] = append(own[e.host], e.clock[e.host])
	}
	for host, times := range own {
		slices.Sort(times)
		for i, v := range times {
			require.Equal(t, i+1, v, "the clocks of %s run 1, 2, 3 ...", host)
		}
	}
	for _, e := range events {
		for h, v := range e.clock {
			require.Contains(t, own, h, "%q names a host with events", e.text)
			require.LessOrEqual(t, v, len(own[h]), "%q: %s has that many events", e.text, h)
		}
	}

	tag := regexp.MustCompile(`\[[^\]]+#\d+\]`)
	sends := map[string][]map[string]int{}
	pairs := 0
	for _, e := range events {
		name := tag.FindString(e.text)
		switch {
		case strings.HasPrefix(e.text, "send ") && !strings.Contains(e.text, "✗"):
			sends[name] = append(sends[name], e.clock)
		case strings.HasPrefix(e.text, "recv ") && len(sends[name]) > 0: // none: its sender was not traced
			i := slices.IndexFunc(sends[name], func(s map[string]int) bool { return happenedBefore(s, e.clock) })
			require.GreaterOrEqual(t, i, 0, "a send of %s happened before its receive %v", name, e.clock)
			pairs++
		}
	}
	assert.Positive(t, pairs)
	return events
}

// happenedBefore reports whether a is below b in every entry and strictly
// in one.
func happenedBefore(a, b map[string]int) bool {
	less := false
	for h, v := range a {
		if v > b[h] {
			return false
		}
		less = less || v < b[h]
	}
	for h, v := range b {
		if _, ok := a[h]; !ok && v > 0 {
			less = true
		}
	}
	return less
}
