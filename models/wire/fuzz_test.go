package wire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// FuzzDecode checks that no line, however broken, makes Decode panic, that
// Decode reads every line as encoding/json does (the same envelope, or the
// same refusal), and that whatever Decode accepts is a proper envelope that
// survives the trip through AppendLine and Decode again.
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
		// What outside clients may write: spacing, order, case, escapes, repeats.
		" \t{ \"type\" : \"ping\" ,\r\n \"id\":\t3, \"from\":\"py\", \"body\" : [ 1 , {\"a\" : \"b\"} ] } ",
		`{"From":"a","TYPE":"ping","Id":1,"Reply_To":2,"CLOCK":3,"Body":{}}`,
		`{"from":"a\"b\\c\u00e9\ud83d\ude00","type":"p\u0069ng","id":1}`,
		`{"from":"a","type":"ping","id":1,"body":"x\ny\u2028\"<&>"}`,
		`{"from":"a","type":"ping","id":1,"id":2,"from":"b","from":null,"body":1,"body":{"k":[true,false,null,-0.5e+3]}}`,
		`{"from":"a","type":"ping","id":1,"clock":null,"reply_to":0,"to":null}`,
		`{"from":"a","type":"ping","id":01}`,
		`{"from":"a","type":"ping","id":1e3}`,
		`{"from":"a","type":"ping","id":1,"body":{"a":1,}}`,
		`{"from":"a","type":"ping","id":1,"body":[1 2]}`,
		`{"from":"a","type":"ping","id":1,"body":"\x"}`,
		"{\"from\":\"a\",\"type\":\"ping\",\"id\":1,\"body\":\"tab\there\"}",
		"{\"from\":\"a\",\"type\":\"ping\",\"id\":1,\"cloc\u212a\":5}",
		"{\"from\":\"a\",\"type\":\"ping\",\"id\":1,\"clocK\":5,\"\xe2\x84\xaa\":1}",
		`{"from":"a","type":"ping","id":1,"body":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
		`{"from":"a","type":"ping","id":1,"body":tru}`,
		`{"from":"a","type":"ping","id":1,"body":-}`,
		`{"from":"a","type":"ping","id":1,"body":1.}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := wire.Decode(line)
		wantE, wantErr := decodeWithEncodingJSON(line)
		require.Equal(t, wantErr, err, "Decode's refusal of %q", line)
		require.Equal(t, wantE, e, "Decode of %q", line)
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
		marshalled, err := json.Marshal(e)
		require.NoError(t, err)
		require.Equal(t, string(marshalled)+"\n", string(out), "AppendLine writes what json.Marshal writes")
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

// decodeWithEncodingJSON is Decode as it was written before it parsed by
// hand: encoding/json reads the line, and the envelope's rules are checked
// after. Decode must read every line as this does.
func decodeWithEncodingJSON(line []byte) (wire.Envelope, error) {
	var e wire.Envelope
	if err := json.Unmarshal(line, &e); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			return wire.Envelope{}, &wire.DecodeError{Reason: fmt.Sprintf("not JSON: %v", err)}
		case errors.As(err, &typ) && typ.Field == "":
			return wire.Envelope{}, &wire.DecodeError{Reason: "not an envelope: want a JSON object"}
		case errors.As(err, &typ):
			return wire.Envelope{}, &wire.DecodeError{ID: e.ID, Reason: fmt.Sprintf("not an envelope: field %q must be a %s", typ.Field, typ.Type)}
		default:
			return wire.Envelope{}, &wire.DecodeError{Reason: fmt.Sprintf("not an envelope: %v", err)}
		}
	}
	switch {
	case !utf8.Valid(line):
		return wire.Envelope{}, &wire.DecodeError{ID: e.ID, Reason: "not an envelope: not valid UTF-8"}
	case e.Type == "":
		return wire.Envelope{}, &wire.DecodeError{ID: e.ID, Reason: `not an envelope: missing "type"`}
	case e.From == "":
		return wire.Envelope{}, &wire.DecodeError{ID: e.ID, Reason: `not an envelope: missing "from"`}
	case e.ID == 0:
		return wire.Envelope{}, &wire.DecodeError{Reason: `not an envelope: missing "id" (a number from 1 up)`}
	}
	if bytes.Equal(e.Body, []byte("null")) {
		e.Body = nil
	}
	return e, nil
}

// FuzzAppendLine checks that AppendLine writes, for any envelope a program
// may make, exactly the line json.Marshal writes, or refuses it when
// json.Marshal does (a body that is not JSON); and that Decode reads the
// line back as the envelope it came from.
func FuzzAppendLine(f *testing.F) {
	f.Add("client-1", "server", "put", uint64(7), uint64(0), uint64(12), []byte(`{"key":"a","value":"1"}`))
	f.Add("a", "", "ping", uint64(1), uint64(2), uint64(3), []byte(nil))
	f.Add("c\"1", "b\n<&>", "say\u2028", uint64(1<<63), uint64(0), uint64(0), []byte(` { "text" : "line\none <&> \u2028" } `))
	f.Add("\xff", "\x01", "é", uint64(1), uint64(1), uint64(1), []byte("\"\xff\xe2\x80\xa8\""))
	f.Add("a", "b", "bad", uint64(1), uint64(0), uint64(0), []byte(`{not json`))
	f.Add("a", "b", "bad", uint64(1), uint64(0), uint64(0), []byte(`{"a":1}{"b":2}`))
	f.Add("a", "b", "lines", uint64(1), uint64(0), uint64(0), []byte("[1,\n2]\r\n"))
	f.Add("a", "b", "null", uint64(1), uint64(0), uint64(0), []byte(`null`))
	f.Fuzz(func(t *testing.T, from, to, typ string, id, replyTo, clock uint64, body []byte) {
		e := wire.Envelope{From: from, To: to, Type: typ, ID: id, ReplyTo: replyTo, Clock: clock, Body: body}
		want, wantErr := json.Marshal(e)
		prefix := []byte("kept")
		out, err := e.AppendLine(prefix)
		if wantErr != nil {
			require.Error(t, err, "json.Marshal refuses the envelope: %v", wantErr)
			require.Contains(t, err.Error(), "body is not JSON")
			require.Equal(t, "kept", string(out), "buf comes back as it was")
			return
		}
		require.NoError(t, err)
		require.Equal(t, "kept"+string(want)+"\n", string(out), "AppendLine writes what json.Marshal writes")

		line := out[len(prefix) : len(out)-1]
		got, err := wire.Decode(line)
		if !utf8.Valid(line) || from == "" || typ == "" || id == 0 || !utf8.ValidString(from) || !utf8.ValidString(to) || !utf8.ValidString(typ) {
			return // refused or changed on the way, as before: the other fuzz target checks that
		}
		require.NoError(t, err, "Decode of %q", line)
		if string(e.Body) == "null" {
			e.Body = nil // Decode's rule: a null body is no body
		}
		requireSameJSON(t, e.Body, got.Body)
		e.Body, got.Body = nil, nil
		require.Equal(t, e, got)
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
