package export_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/export"
	"dsdemo/tui/record"
)

var update = flag.Bool("update", false, "rewrite the diagrams in testdata from the recording")

// realRun is a recording of the client/server model playing its first
// request and its prediction experiment, made by tui/record's
// TestRecordARealRun.
func realRun(t *testing.T) record.Run {
	t.Helper()
	run, err := record.ReadFile(filepath.Join("..", "record", "testdata", "clientserver.jsonl"))
	require.NoError(t, err)
	return run
}

// golden compares got with testdata/name, or rewrites that with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}

// svgHeight is the height attribute of an SVG document.
func svgHeight(t *testing.T, doc string) int {
	t.Helper()
	m := regexp.MustCompile(`<svg [^>]*height="(\d+)"`).FindStringSubmatch(doc)
	require.NotNil(t, m, "the SVG has a height")
	h, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return h
}

func TestRealRecording(t *testing.T) {
	run := realRun(t)
	mermaid := func(opts export.Options) string {
		var out strings.Builder
		require.NoError(t, export.Mermaid(&out, run.Events, opts))
		return out.String()
	}
	svg := func(opts export.Options) string {
		var out bytes.Buffer
		require.NoError(t, export.SVG(&out, run.Events, opts))
		parseSVG(t, out.Bytes())
		return out.String()
	}

	t.Run("the whole run", func(t *testing.T) {
		golden(t, "clientserver.mmd", mermaid(export.Options{}))
	})

	t.Run("steps 6-7: client-1 asks for b", func(t *testing.T) {
		from, to, err := run.StepWindow(6, 7)
		require.NoError(t, err)
		want := `sequenceDiagram
    participant server
    participant p1 as client-1
    p1->>server: get b ✓
    server-->>p1: get b → not found server=server ✓
`
		assert.Equal(t, want, mermaid(export.Options{From: from, To: to}))
	})

	t.Run("a window of time", func(t *testing.T) {
		start := run.Start()
		got := mermaid(export.Options{From: start.Add(-time.Hour), To: start})
		assert.Equal(t, "sequenceDiagram\n", got, "nothing was sent before the run started")
		assert.Equal(t, mermaid(export.Options{}), mermaid(export.Options{From: start, To: start.Add(time.Hour)}),
			"a window around the whole run draws all of it")
	})

	t.Run("the SVG of a window is small", func(t *testing.T) {
		from, to, err := run.StepWindow(6, 7)
		require.NoError(t, err)
		whole, part := svg(export.Options{}), svg(export.Options{From: from, To: to})
		t.Logf("SVG of the whole run: %d px, %d bytes; of steps 6-7: %d px, %d bytes", svgHeight(t, whole), len(whole), svgHeight(t, part), len(part))
		assert.Less(t, svgHeight(t, part), 200, "two messages")
		assert.Less(t, 3*svgHeight(t, part), svgHeight(t, whole))
		assert.Less(t, 3*len(part), len(whole))
	})
}

func TestNoBackground(t *testing.T) {
	send := func(from, to, typ string, id, replyTo, clock uint64) []trace.Event {
		return []trace.Event{
			message(trace.KindSend, from, from, to, typ, id, replyTo, clock, clock, "", ""),
			message(trace.KindRecv, to, from, to, typ, id, replyTo, clock, clock+1, "", ""),
		}
	}
	var events []trace.Event
	events = append(events, hello("peer-1", ""), hello("peer-2", ""), hello("peer-3", ""), hello("client", ""))
	events = append(events, send("peer-1", "peer-2", "stabilize", 1, 0, 1)...)
	events = append(events, send("peer-2", "peer-1", "stabilize_ok", 1, 1, 3)...)
	events = append(events, send("peer-3", "peer-1", "notify", 1, 0, 1)...)
	events = append(events, send("client", "peer-1", "lookup", 1, 0, 5)...)
	events = append(events, send("peer-1", "client", "lookup_ok", 2, 1, 7)...)

	var all, fg strings.Builder
	require.NoError(t, export.Mermaid(&all, events, export.Options{}))
	require.NoError(t, export.Mermaid(&fg, events, export.Options{Background: []string{"stabilize", "notify"}}))
	assert.Equal(t, 5, strings.Count(all.String(), ": "), all.String())
	want := `sequenceDiagram
    participant p1 as peer-1
    participant client
    client->>p1: lookup ✓
    p1-->>client: lookup → ok ✓
`
	assert.Equal(t, want, fg.String(), "the ring's upkeep and its replies are left out, and so are the peers that only kept the ring")
}
