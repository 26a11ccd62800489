package wire_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name string
		line string
		want wire.Envelope
	}{
		{
			name: "full envelope",
			line: `{"from":"client-1","to":"server","type":"put","id":7,"reply_to":3,"clock":12,"body":{"key":"a","value":"1"}}`,
			want: wire.Envelope{From: "client-1", To: "server", Type: "put", ID: 7, ReplyTo: 3, Clock: 12,
				Body: json.RawMessage(`{"key":"a","value":"1"}`)},
		},
		{
			name: "only the required fields",
			line: `{"from":"a","type":"ping","id":1}`,
			want: wire.Envelope{From: "a", Type: "ping", ID: 1},
		},
		{
			name: "unknown extra fields are ignored",
			line: `{"from":"a","type":"ping","id":2,"trace_id":"x","extra":{"deep":[1,2,3]}}`,
			want: wire.Envelope{From: "a", Type: "ping", ID: 2},
		},
		{
			name: "body null becomes nil",
			line: `{"from":"a","type":"ping","id":3,"body":null}`,
			want: wire.Envelope{From: "a", Type: "ping", ID: 3},
		},
		{
			name: "body of any JSON kind is kept raw",
			line: `{"from":"a","type":"ping","id":4,"body":[1, "two"]}`,
			want: wire.Envelope{From: "a", Type: "ping", ID: 4, Body: json.RawMessage(`[1, "two"]`)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := wire.Decode([]byte(tt.line))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name       string
		line       string
		wantReason []string // each must appear in the reason
		wantID     uint64
	}{
		{name: "not JSON", line: `hello server`, wantReason: []string{"not JSON"}},
		{name: "truncated JSON", line: `{"from":"a","type":"ping","id":1`, wantReason: []string{"not JSON"}},
		{name: "JSON array", line: `[1,2,3]`, wantReason: []string{"not an envelope", "object"}},
		{name: "JSON string", line: `"put a 1"`, wantReason: []string{"not an envelope", "object"}},
		{name: "JSON number", line: `42`, wantReason: []string{"not an envelope", "object"}},
		{name: "missing type", line: `{"from":"a","id":5}`, wantReason: []string{"not an envelope", `"type"`}, wantID: 5},
		{name: "missing from", line: `{"type":"ping","id":6}`, wantReason: []string{"not an envelope", `"from"`}, wantID: 6},
		{name: "missing id", line: `{"from":"a","type":"ping"}`, wantReason: []string{"not an envelope", `"id"`}},
		{name: "id zero", line: `{"from":"a","type":"ping","id":0}`, wantReason: []string{"not an envelope", `"id"`}},
		{name: "id is a string", line: `{"from":"a","type":"ping","id":"7"}`, wantReason: []string{"not an envelope", `"id"`}},
		{name: "id is negative", line: `{"from":"a","type":"ping","id":-1}`, wantReason: []string{"not an envelope", `"id"`}},
		{name: "from is a number", line: `{"from":1,"type":"ping","id":8}`, wantReason: []string{"not an envelope", `"from"`}, wantID: 8},
		{name: "invalid UTF-8 in a body", line: "{\"from\":\"a\",\"type\":\"put\",\"id\":10,\"body\":{\"key\":\"k\xff\"}}", wantReason: []string{"not an envelope", "UTF-8"}, wantID: 10},
		{name: "clock is a string", line: `{"from":"a","type":"ping","id":9,"clock":"late"}`, wantReason: []string{"not an envelope", `"clock"`}, wantID: 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wire.Decode([]byte(tt.line))
			require.Error(t, err)
			var de *wire.DecodeError
			require.True(t, errors.As(err, &de), "got %T, want *wire.DecodeError", err)
			for _, want := range tt.wantReason {
				assert.Contains(t, de.Reason, want, "reason")
			}
			assert.Equal(t, de.Reason, err.Error(), "Error() is the reason")
			assert.Equal(t, tt.wantID, de.ID, "DecodeError.ID")
		})
	}
}

func TestAppendLineRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		e    wire.Envelope
	}{
		{"with body", wire.Envelope{From: "client-1", To: "server", Type: "put", ID: 7, Clock: 12,
			Body: json.RawMessage(`{"key":"a","value":"1"}`)}},
		{"without body", wire.Envelope{From: "server", To: "client-1", Type: "put_ok", ID: 1, ReplyTo: 7, Clock: 14}},
		{"text with newline and quotes", wire.Envelope{From: "c\"1", Type: "say", ID: 1 << 62,
			Body: json.RawMessage(`"line one\nline two"`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("before\n")
			buf, err := tt.e.AppendLine(prefix)
			require.NoError(t, err)
			require.Equal(t, "before\n", string(buf[:len(prefix)]), "AppendLine keeps what buf held")
			line := buf[len(prefix):]
			require.Equal(t, byte('\n'), line[len(line)-1], "line ends in a newline")
			assert.NotContains(t, string(line[:len(line)-1]), "\n", "one line only")

			got, err := wire.Decode(line[:len(line)-1])
			require.NoError(t, err)
			assert.Equal(t, tt.e, got)
		})
	}

	t.Run("invalid body is an error", func(t *testing.T) {
		e := wire.Envelope{From: "a", Type: "bad", ID: 1, Body: json.RawMessage(`{not json`)}
		_, err := e.AppendLine(nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "bad")
	})
}

func TestUnmarshalBody(t *testing.T) {
	t.Run("decodes the body", func(t *testing.T) {
		e := wire.Envelope{Type: "put", Body: json.RawMessage(`{"key":"a"}`)}
		var got struct{ Key string }
		require.NoError(t, e.UnmarshalBody(&got))
		assert.Equal(t, "a", got.Key)
	})
	t.Run("no body names the type", func(t *testing.T) {
		e := wire.Envelope{Type: "put"}
		var got struct{ Key string }
		err := e.UnmarshalBody(&got)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "put")
	})
	t.Run("bad body names the type", func(t *testing.T) {
		e := wire.Envelope{Type: "put", Body: json.RawMessage(`[1]`)}
		var got struct{ Key string }
		err := e.UnmarshalBody(&got)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "put")
	})
}

func TestRemoteErrorText(t *testing.T) {
	err := &wire.RemoteError{From: "server", Reason: "not found"}
	assert.Equal(t, "server: not found", err.Error())
}
