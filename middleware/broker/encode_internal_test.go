package broker

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAppendDeliveryIsJSON: the deliver body the pusher writes by hand is
// the very bytes encoding/json writes, whatever the text holds.
func TestAppendDeliveryIsJSON(t *testing.T) {
	for _, text := range []string{"", "hello", `quote " and back\slash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"ümlaut 雪 🙂", "<html> & </html>", "\u2028\u2029 \u2027 \u202a \u20ac"} {
		d := Delivery{Sub: 3, Msg: 1 << 40, Dest: "topic:news", Text: text, Persistent: text != "", Redelivered: len(text)%2 == 1, Count: 7}
		raw := appendDelivery(nil, &d)
		want, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(raw), "as encoding/json writes it")
		var back Delivery
		require.NoError(t, json.Unmarshal(raw, &back))
		assert.Equal(t, d, back)
	}
}

// FuzzAppendDelivery: the same for any text the wire lets through.
func FuzzAppendDelivery(f *testing.F) {
	f.Add("a poison message", uint64(1), 1)
	f.Fuzz(func(t *testing.T, text string, msg uint64, count int) {
		if !utf8.ValidString(text) {
			t.Skip("the wire takes valid UTF-8 only")
		}
		d := Delivery{Sub: 1, Msg: msg, Dest: "queue:q", Text: text, Count: count}
		want, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendDelivery(nil, &d)))
	})
}
