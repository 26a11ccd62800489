package broker

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadDeliveryTakesWhatThePusherWrites: the fast reader takes every
// deliver body the broker writes with a plain text, and reads it as
// encoding/json does.
func TestReadDeliveryTakesWhatThePusherWrites(t *testing.T) {
	for _, d := range []Delivery{
		{Sub: 1, Msg: 2, Dest: "topic:news", Text: "hello", Count: 1},
		{Sub: 1 << 63, Msg: 0, Dest: "queue:q", Text: "", Persistent: true, Redelivered: true, Count: 1 << 30},
		{Sub: 3, Msg: 4, Dest: "queue:q", Text: "ümlaut 雪 🙂", Redelivered: true},
	} {
		var got Delivery
		require.True(t, readDelivery(appendDelivery(nil, &d), &got), "%+v", d)
		assert.Equal(t, d, got)
	}
	var got SendRequest
	require.True(t, readSendRequest([]byte(`{"dest":"queue:q","text":"x","persistent":true}`), &got))
	assert.Equal(t, SendRequest{Dest: "queue:q", Text: "x", Persistent: true}, got)
}

// FuzzReadDelivery: whatever the fast readers take, encoding/json reads
// the same; what they leave, decodeDelivery reads with encoding/json.
func FuzzReadDelivery(f *testing.F) {
	for _, seed := range []string{
		`{"sub":1,"msg":2,"dest":"topic:news","text":"hello","count":1}`,
		`{"sub":1,"msg":2,"dest":"q","text":"a\"b","persistent":true,"redelivered":true,"count":3}`,
		`{"sub":01,"msg":2,"dest":"q","text":"","count":1}`,
		`{"sub":1,"msg":2.5,"dest":"q","text":"","count":1}`,
		`{"sub":1,"msg":2,"dest":"q","text":"","count":-1}`,
		`{"sub":1,"msg":2,"dest":"q","text":"","count":99999999999}`,
		`{"sub":18446744073709551616,"msg":2,"dest":"q","text":"","count":1}`,
		"{\"sub\":1,\"msg\":2,\"dest\":\"q\",\"text\":\"\xff\",\"count\":1}",
		`{"sub":1,"msg":2,"dest":"q","text":"","count":1}x`,
		`{ "sub": 1 }`,
		`{"dest":"queue:q","text":"x"}`,
		`{"dest":"queue:q","text":"x","persistent":true}`,
		`{"dest":"queue:q","text":"x","persistent":false}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var d Delivery
		if readDelivery(body, &d) {
			var want Delivery
			require.NoError(t, json.Unmarshal(body, &want), "readDelivery took %q", body)
			require.Equal(t, want, d, "readDelivery of %q", body)
		}
		var s SendRequest
		if readSendRequest(body, &s) {
			var want SendRequest
			require.NoError(t, json.Unmarshal(body, &want), "readSendRequest took %q", body)
			require.Equal(t, want, s, "readSendRequest of %q", body)
		}
		var got, want Delivery
		gotErr, wantErr := decodeDelivery(body, &got), json.Unmarshal(body, &want)
		require.Equal(t, wantErr, gotErr)
		if wantErr == nil {
			require.Equal(t, want, got)
		}
	})
}
