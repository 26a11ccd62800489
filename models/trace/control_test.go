package trace_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
)

func TestParseControlAccepts(t *testing.T) {
	tests := []struct {
		line string
		want trace.Control
	}{
		{`{"v":1,"ctl":"delay","ms":200}`, trace.Control{V: 1, Op: trace.OpDelay, Ms: 200}},
		{`{"v":1,"ctl":"delay","ms":0}`, trace.Control{V: 1, Op: trace.OpDelay}},
		{`{"v":1,"ctl":"drop","p":0.25}`, trace.Control{V: 1, Op: trace.OpDrop, P: 0.25}},
		{`{"v":1,"ctl":"drop","p":0}`, trace.Control{V: 1, Op: trace.OpDrop}},
		{`{"v":1,"ctl":"duplicate","p":1}`, trace.Control{V: 1, Op: trace.OpDuplicate, P: 1}},
		{`{"v":1,"ctl":"hold","on":true}`, trace.Control{V: 1, Op: trace.OpHold, On: true}},
		{`{"v":1,"ctl":"hold","on":false}`, trace.Control{V: 1, Op: trace.OpHold}},
		{`{"v":1,"ctl":"release","id":17}`, trace.Control{V: 1, Op: trace.OpRelease, ID: 17}},
		{`{"v":1,"ctl":"release","all":true}`, trace.Control{V: 1, Op: trace.OpRelease, All: true}},
		{`{"v":1,"ctl":"partition","peers":["server-2","127.0.0.1:7001"]}`,
			trace.Control{V: 1, Op: trace.OpPartition, Peers: []string{"server-2", "127.0.0.1:7001"}}},
		{`{"v":1,"ctl":"partition","peers":[]}`, trace.Control{V: 1, Op: trace.OpPartition, Peers: []string{}}},
		{`{"v":1,"ctl":"do","cmd":"put a 1"}`, trace.Control{V: 1, Op: trace.OpDo, Cmd: "put a 1"}},
		{`{"v":1,"ctl":"drop","p":0.5,"comment":"fields a newer collector adds"}`, trace.Control{V: 1, Op: trace.OpDrop, P: 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := trace.ParseControl([]byte(tt.line))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseControlRefuses(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		wantErr string
	}{
		{"not JSON", `drop 0.5`, "bad control line"},
		{"not an object", `["drop",0.5]`, "bad control line"},
		{"unknown operation", `{"v":1,"ctl":"explode"}`, `unknown operation "explode"`},
		{"missing operation", `{"v":1}`, `unknown operation ""`},
		{"missing version", `{"ctl":"drop","p":0.5}`, "version 0, want 1"},
		{"newer version", `{"v":2,"ctl":"drop","p":0.5}`, "version 2, want 1"},
		{"negative delay", `{"v":1,"ctl":"delay","ms":-5}`, "delay of -5 ms"},
		{"drop probability below 0", `{"v":1,"ctl":"drop","p":-0.1}`, "drop probability -0.1"},
		{"drop probability above 1", `{"v":1,"ctl":"drop","p":1.01}`, "drop probability 1.01"},
		{"duplicate probability above 1", `{"v":1,"ctl":"duplicate","p":2}`, "duplicate probability 2"},
		{"release without id or all", `{"v":1,"ctl":"release"}`, `release needs "id" or "all"`},
		{"release with id 0", `{"v":1,"ctl":"release","id":0}`, `release needs "id" or "all"`},
		{"do without cmd", `{"v":1,"ctl":"do"}`, `do needs "cmd"`},
		{"field of the wrong type", `{"v":1,"ctl":"drop","p":"half"}`, "bad control line"},
		{"a delay that overflows a Duration", `{"v":1,"ctl":"delay","ms":9223372036854775807}`, "not between 0 and 60000"},
		{"a delay of 31 years", `{"v":1,"ctl":"delay","ms":977616000000}`, "not between 0 and 60000"},
		{"a delay past int64", `{"v":1,"ctl":"delay","ms":9223372036854775808}`, "bad control line"},
		{"an empty peer name", `{"v":1,"ctl":"partition","peers":[""]}`, "is not a name"},
		{"a peer name with an escape", `{"v":1,"ctl":"partition","peers":["\u001b[2J"]}`, "is not a name"},
		{"a do with an escape", `{"v":1,"ctl":"do","cmd":"put a \u001b]0;pwned\u0007"}`, "not a printable command"},
		{"a do of two lines", `{"v":1,"ctl":"do","cmd":"put a 1\nput b 2"}`, "not a printable command"},
		{"a do of 5000 bytes", `{"v":1,"ctl":"do","cmd":"put a ` + strings.Repeat("x", 5000) + `"}`, "at most 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := trace.ParseControl([]byte(tt.line))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Equal(t, trace.Control{}, got, "no half-read control on error")
		})
	}
}

func TestControlLineFormat(t *testing.T) {
	// The JSON a collector writes, as PROTOCOL.md shows it: fields that are
	// not set stay out of the line.
	line, err := json.Marshal(trace.Control{V: trace.Version, Op: trace.OpDrop, P: 0.5})
	require.NoError(t, err)
	assert.JSONEq(t, `{"v":1,"ctl":"drop","p":0.5}`, string(line))

	back, err := trace.ParseControl(line)
	require.NoError(t, err)
	assert.Equal(t, trace.Control{V: 1, Op: trace.OpDrop, P: 0.5}, back)
}

func TestParseControlRefusesTooManyPeers(t *testing.T) {
	peers, err := json.Marshal(make([]string, trace.MaxPeers+1))
	require.NoError(t, err)
	_, err = trace.ParseControl([]byte(`{"v":1,"ctl":"partition","peers":` + strings.ReplaceAll(string(peers), `""`, `"p"`) + `}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at most 256")
}

// FuzzParseControl checks that no control line makes ParseControl panic,
// and that whatever it accepts stays within the bounds a program relies on.
func FuzzParseControl(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"ctl":"delay","ms":200}`,
		`{"v":1,"ctl":"delay","ms":9223372036854775807}`,
		`{"v":1,"ctl":"drop","p":0.25}`,
		`{"v":1,"ctl":"duplicate","p":1e308}`,
		`{"v":1,"ctl":"hold","on":true}`,
		`{"v":1,"ctl":"release","id":17}`,
		`{"v":1,"ctl":"release","all":true}`,
		`{"v":1,"ctl":"partition","peers":["server-2","127.0.0.1:7001"]}`,
		`{"v":1,"ctl":"do","cmd":"put a 1"}`,
		`{"v":1,"ctl":"do","cmd":"\u001b[2J"}`,
		`{"v":1,"ctl":"drop","p":"NaN"}`,
		`[]`, `null`, ``, `{"v":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := trace.ParseControl(line)
		if err != nil {
			require.Equal(t, trace.Control{}, c)
			return
		}
		require.Equal(t, trace.Version, c.V)
		require.True(t, c.Ms >= 0 && c.Ms <= trace.MaxDelayMs, "delay %d", c.Ms)
		require.True(t, c.P >= 0 && c.P <= 1, "probability %v", c.P)
		require.LessOrEqual(t, len(c.Peers), trace.MaxPeers)
		require.LessOrEqual(t, len(c.Cmd), trace.MaxCmd)
		require.NotContains(t, c.Cmd, "\x1b")
		require.NotContains(t, c.Cmd, "\n")
	})
}
