package trace_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
)

// TestAppendJSONMatchesEncodingJSON checks the hand-written encoder against
// encoding/json, byte for byte, on every kind of event and awkward text.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	msg := func(body string) *trace.Message {
		return &trace.Message{From: "client-1", To: "127.0.0.1:7100", Type: "put", ID: 7, ReplyTo: 3, Clock: 12, Size: 99, Body: json.RawMessage(body)}
	}
	events := map[string]trace.Event{
		"zero":       {},
		"hello":      {V: 1, Kind: trace.KindHello, Node: "server", Seq: 1, Time: 1795385315451322, Role: "server", Model: "clientserver", PID: 4242, Listen: "127.0.0.1:7100"},
		"send":       {V: 1, Kind: trace.KindSend, Node: "client-1", Seq: 2, Time: 5, Clock: 12, Msg: msg(`{"key":"a","value":"1"}`)},
		"no body":    {V: 1, Kind: trace.KindRecv, Node: "server", Clock: 13, Msg: msg(``)},
		"lost":       {V: 1, Kind: trace.KindSend, Node: "c", Msg: msg(`[1,2]`), Fault: "drop"},
		"spaces":     {V: 1, Kind: trace.KindSend, Node: "c", Msg: msg("{ \"key\" :\n \"a\" }")},
		"html":       {V: 1, Kind: trace.KindSend, Node: "c", Msg: msg(`{"v":"<b>&</b>"}`)},
		"unicode":    {V: 1, Kind: trace.KindSend, Node: "Knoten-ä", Msg: msg(`{"v":"Grüße \u2028 ☃"}`)},
		"state":      {V: 1, Kind: trace.KindState, Node: "server", Key: "keys", Value: "3"},
		"log":        {V: 1, Kind: trace.KindLog, Node: "server", Text: "refused a line: \"not JSON\"\n\tat\x01 <here> & there \\ ü"},
		"overflow":   {V: 1, Kind: trace.KindOverflow, Node: "server", Count: 35358},
		"bye":        {V: 1, Kind: trace.KindBye, Node: "server", Text: "stopped"},
		"bad utf8":   {V: 1, Kind: trace.KindLog, Node: "x", Text: "\xff\xfe"},
		"empty body": {V: 1, Kind: trace.KindSend, Node: "c", Msg: msg(`{}`)},
	}
	for name, ev := range events {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(ev)
			require.NoError(t, err)
			assert.Equal(t, string(want)+"\n", string(ev.AppendJSON(nil)))
		})
	}
	t.Run("a broken body cannot break the line", func(t *testing.T) {
		ev := trace.Event{V: 1, Kind: trace.KindSend, Node: "c", Msg: msg("{\"unclosed\":\n")}
		line := ev.AppendJSON(nil)
		var back trace.Event
		require.NoError(t, json.Unmarshal(line, &back))
		assert.Equal(t, 1, countNewlines(line))
	})
}

func countNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

func BenchmarkAppendJSON(b *testing.B) {
	ev := trace.Event{V: 1, Kind: trace.KindSend, Node: "client-1", Seq: 2, Time: 1795385315451322, Clock: 12,
		Msg: &trace.Message{From: "client-1", To: "server", Type: "put", ID: 7, Clock: 12, Size: 120, Body: json.RawMessage(`{"key":"user:42","value":"Ada Lovelace"}`)}}
	var buf []byte
	for b.Loop() {
		buf = ev.AppendJSON(buf[:0])
	}
}
