package wire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// FuzzDecode checks that no line, however broken, makes Decode panic, and
// that whatever Decode accepts is a proper envelope that survives the trip
// through AppendLine and Decode again.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"from":"client-1","to":"server","type":"put","id":7,"reply_to":0,"clock":12,"body":{"key":"a","value":"1"}}`,
		`{"from":"a","type":"ping","id":1}`,
		`{"from":"a","type":"ping","id":1,"body":null}`,
		`{"from":"a","type":"ping","id":1,"body":" <&> \u2028 "}`,
		`{"from":"a","type":"ping","id":18446744073709551615,"extra":[1,{"x":null}]}`,
		`{"FROM":"a","Type":"ping","ID":2}`,
		`{"from":"a","type":"ping","id":0}`,
		`{"from":"a","type":"ping","id":-1}`,
		`{"from":"a","type":"ping","id":1.5}`,
		`{"from":"a","type":"ping","id":18446744073709551616}`,
		`{"from":1,"type":"ping","id":3}`,
		`{"from":"a","id":4}`,
		`{"type":"ping","id":5}`,
		`{"from":"a","type":"ping","id":1,"body":{"deep":[[[[[]]]]]}}`,
		`{"from":"a","type":"ping","id":1}trailing`,
		`{"from":"a","type":"ping","id":1`,
		`[1,2,3]`, `"put a 1"`, `42`, `null`, `true`, `{}`, ``, `put a 1`,
		"{\"from\":\"\xff\xfe\",\"type\":\"ping\",\"id\":1}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := wire.Decode(line)
		if err != nil {
			var de *wire.DecodeError
			require.ErrorAs(t, err, &de, "every refusal is a *DecodeError")
			require.NotEmpty(t, de.Reason, "a refusal says why")
			return
		}
		require.NotEmpty(t, e.Type, "type")
		require.NotEmpty(t, e.From, "from")
		require.NotZero(t, e.ID, "id")
		require.NotEqual(t, "null", string(e.Body), "a null body becomes nil")

		out, err := e.AppendLine(nil)
		require.NoError(t, err, "AppendLine of a decoded envelope")
		require.Equal(t, 1, bytes.Count(out, []byte("\n")), "one line, newline at the end: %q", out)
		require.Equal(t, byte('\n'), out[len(out)-1])

		again, err := wire.Decode(out[:len(out)-1])
		require.NoError(t, err, "Decode of %q", out)
		// The body is raw JSON: AppendLine may rewrite its spacing and escapes,
		// never its meaning.
		requireSameJSON(t, e.Body, again.Body)
		e.Body, again.Body = nil, nil
		require.Equal(t, e, again)
	})
}

// requireSameJSON fails unless a and b are both empty or mean the same JSON value.
func requireSameJSON(t *testing.T, a, b json.RawMessage) {
	t.Helper()
	if len(a) == 0 || len(b) == 0 {
		require.Equal(t, len(a) == 0, len(b) == 0, "bodies %q and %q", a, b)
		return
	}
	decode := func(raw json.RawMessage) any {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		require.NoError(t, d.Decode(&v), "body %q", raw)
		return v
	}
	require.Equal(t, decode(a), decode(b), "bodies %q and %q", a, b)
}

// FuzzFrameReader feeds arbitrary bytes to a FrameReader: it must never panic
// nor return a frame over its limit, and for inputs smaller than its buffer
// it must split exactly like the rule it documents (see splitFrames).
func FuzzFrameReader(f *testing.F) {
	f.Add([]byte("a\nbb\nccc\n"), uint16(2))
	f.Add([]byte("\r\n\r\n{\"from\":\"a\"}\r\n"), uint16(100))
	f.Add([]byte("12345\n123456\nok"), uint16(5))
	f.Add([]byte("\r\r\r\n\n\r"), uint16(1))
	f.Add([]byte{}, uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		maxLen := int(limit)%2048 + 1
		fr := wire.NewFrameReader(bytes.NewReader(data), maxLen)
		var got []string
		for calls := 0; ; calls++ {
			require.LessOrEqual(t, calls, len(data)+1, "ReadFrame does not reach EOF")
			line, err := fr.ReadFrame()
			if errors.Is(err, wire.ErrFrameTooLarge) {
				got = append(got, "<too large>")
				continue
			}
			if err != nil {
				require.ErrorIs(t, err, io.EOF)
				break
			}
			require.LessOrEqual(t, len(line), maxLen, "frame length")
			require.NotEmpty(t, line, "blank lines are skipped")
			require.NotContains(t, string(line), "\n")
			got = append(got, string(line))
		}
		if len(data) < 60<<10 {
			assert.Equal(t, splitFrames(data, maxLen), got)
		}
	})
}

// splitFrames is the documented rule, written the simple way: lines end at
// "\n", one trailing "\r" goes (a CRLF line ending), blank lines are skipped,
// lines over maxLen are refused.
func splitFrames(data []byte, maxLen int) []string {
	var want []string
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(line) == 0:
		case len(line) > maxLen:
			want = append(want, "<too large>")
		default:
			want = append(want, string(line))
		}
	}
	return want
}
