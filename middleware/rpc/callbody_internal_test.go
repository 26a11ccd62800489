package rpc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCallBodyIsJSON: the call and result bodies written by hand are the
// bytes json.Marshal writes, and the readers take them back.
func TestCallBodyIsJSON(t *testing.T) {
	for _, c := range []Call{
		{Interface: "Bank", Method: "Transfer", Codec: "json", Args: json.RawMessage(`{"from":"alice","to":"bob","cents":1}`),
			Caller: "rpcclient-1a2b", Request: 7, Attempt: 2},
		{Interface: "Bank", Method: "Balance", Codec: "binary", Args: json.RawMessage(`"0005616c696365"`)},
		{Interface: "Bänk <&>", Method: "q\"uote", Codec: "json", Args: json.RawMessage(`{}`), Attempt: 1},
		{Interface: "Bank", Method: "None", Codec: "json"},
	} {
		want, err := json.Marshal(c)
		require.NoError(t, err)
		got, err := c.appendJSON(nil)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
		var back, slow Call
		require.NoError(t, json.Unmarshal(got, &slow))
		if readCall(got, &back) {
			assert.Equal(t, slow, back)
		}
	}
	// Arguments that are not one JSON value are refused, as json.Marshal
	// refuses them: pasted in, they would add fields of their own.
	forged := Call{Interface: "Bank", Method: "Transfer", Codec: "json", Args: json.RawMessage(`{"a":1},"caller":"x","z":{"b":2}`)}
	_, err := json.Marshal(forged)
	require.Error(t, err)
	_, err = forged.appendJSON(nil)
	assert.ErrorContains(t, err, "not one JSON value")
	_, err = (&Result{Codec: "json", Results: json.RawMessage(`1,"replayed":true`)}).appendJSON(nil)
	assert.ErrorContains(t, err, "not one JSON value")

	var back Call
	require.True(t, readCall([]byte(`{"interface":"Bank","method":"Transfer","codec":"json","args":{"from":"alice","cents":-5},"caller":"c","request":1,"attempt":1}`), &back),
		"the fast reader takes what the stub sends")

	for _, res := range []Result{
		{Codec: "json", Results: json.RawMessage(`{"balance":99}`)},
		{Codec: "binary", Results: json.RawMessage(`"00"`), Replayed: true},
		{Codec: "json"},
	} {
		want, err := json.Marshal(res)
		require.NoError(t, err)
		got, err := res.appendJSON(nil)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
		var back, slow Result
		require.NoError(t, json.Unmarshal(got, &slow))
		if readResult(got, &back) {
			assert.Equal(t, slow, back)
		}
	}
}

// FuzzReadCallBody: whatever the fast readers take, json.Unmarshal reads
// the same.
func FuzzReadCallBody(f *testing.F) {
	for _, seed := range []string{
		`{"interface":"Bank","method":"Transfer","codec":"json","args":{"from":"alice","to":"bob","cents":1},"caller":"c","request":3,"attempt":1}`,
		`{"interface":"Bank","method":"Balance","codec":"binary","args":"0005"}`,
		`{"interface":"Bank","method":"Transfer","codec":"json","args":{"a":"}"},"attempt":1}`,
		`{"interface":"Bank","method":"Transfer","codec":"json","args":{"n":01}}`,
		`{"interface":"Bank","method":"Transfer","codec":"json","args":{"n":-9223372036854775808,"m":9223372036854775808}}`,
		`{"interface":"Bank","method":"T","codec":"json","args":{},"request":18446744073709551616}`,
		`{"interface":"Bank","method":"T","codec":"json","args":{"a":1,"a":"x"}}`,
		"{\"interface\":\"B\xffank\",\"method\":\"T\",\"codec\":\"json\",\"args\":{}}",
		`{"codec":"json","results":{"balance":99},"replayed":true}`,
		`{"codec":"binary","results":"00"}`,
		`{"from":"alice","cents":1.5}`,
		`"alice"`, `-0`, `12`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var c, wantC Call
		if readCall(body, &c) {
			require.NoError(t, json.Unmarshal(body, &wantC), "readCall took %q", body)
			require.Equal(t, wantC, c, "readCall of %q", body)
		}
		var res, wantRes Result
		if readResult(body, &res) {
			require.NoError(t, json.Unmarshal(body, &wantRes), "readResult took %q", body)
			require.Equal(t, wantRes, res, "readResult of %q", body)
		}
		fields := map[string]json.RawMessage{}
		if readFields(body, fields) {
			var want map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(body, &want), "readFields took %q", body)
			require.Equal(t, len(want), len(fields))
			for name, raw := range want {
				require.Equal(t, string(raw), string(fields[name]), "field %s of %q", name, body)
			}
		}
		var s, wantS string
		if readValue(body, &s) {
			require.NoError(t, json.Unmarshal(body, &wantS), "readValue took %q", body)
			require.Equal(t, wantS, s)
		}
		var n, wantN int64
		if readValue(body, &n) {
			require.NoError(t, json.Unmarshal(body, &wantN), "readValue took %q", body)
			require.Equal(t, wantN, n)
		}
	})
}
