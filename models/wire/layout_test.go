package wire_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// TestAppendText: the hand-written string is the one json.Marshal writes,
// plain or escaped.
// FuzzAppendText: AppendText writes what json.Marshal writes, for any
// string, valid UTF-8 or not.
func FuzzAppendText(f *testing.F) {
	for _, s := range []string{"", "Grüße", "<&>", "\u2028\u2029", "\xe2\x80\xa8", "\xff", "\x00\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(wire.AppendText(nil, s)))
	})
}

func TestAppendText(t *testing.T) {
	for _, s := range []string{"", "queue:orders", `a "quote" and a \`, "<b> & </b>", "tab\tline\n", "Grüße 雪", "\u2028", "a\u2029b", "\xe2\x80", "\x00\x1f\x7f", "bad \xff byte", "\xe2\x80\xa8\xff"} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(wire.AppendText([]byte("x"), s))[1:], "AppendText(%q)", s)
	}
}

// A body in the layout its writer produces, read step by step.
type order struct {
	Dest  string `json:"dest"`
	Count uint64 `json:"count"`
	Delta int64  `json:"delta"`
	Rush  bool   `json:"rush,omitempty"`
}

// readOrder reads what json.Marshal writes for an order and reports false
// for anything else, as the broker's and rpc's readers do.
func readOrder(body []byte, o *order) bool {
	r := wire.NewLayoutReader(body)
	if !r.Literal(`{"dest":`) || !r.Text(&o.Dest) || !r.Literal(`,"count":`) || !r.Uint(&o.Count) ||
		!r.Literal(`,"delta":`) || !r.Int(&o.Delta) {
		return false
	}
	o.Rush = r.Literal(`,"rush":true`)
	return r.Literal("}") && r.AtEnd()
}

func TestLayoutReader(t *testing.T) {
	t.Run("reads the writer's layout", func(t *testing.T) {
		for _, want := range []order{{}, {Dest: "queue:q", Count: 18446744073709551615, Delta: -9223372036854775808, Rush: true}, {Dest: "Grüße", Count: 7, Delta: 9223372036854775807}} {
			body, err := json.Marshal(want)
			require.NoError(t, err)
			var got order
			require.True(t, readOrder(body, &got), "%s", body)
			assert.Equal(t, want, got)
		}
	})

	t.Run("leaves anything else to encoding/json", func(t *testing.T) {
		for _, body := range []string{
			`{"dest": "q","count":1,"delta":0}`,                   // spaced
			`{"count":1,"dest":"q","delta":0}`,                    // reordered
			`{"dest":"\u0071","count":1,"delta":0}`,               // escaped
			`{"dest":"q","count":01,"delta":0}`,                   // leading zero
			`{"dest":"q","count":1.0,"delta":0}`,                  // fraction
			`{"dest":"q","count":-1,"delta":0}`,                   // a sign where a uint belongs
			`{"dest":"q","count":18446744073709551616,"delta":0}`, // too big for a uint64
			`{"dest":"q","count":1,"delta":9223372036854775808}`,  // too big for an int64
			`{"dest":"q","count":1,"delta":0} `,                   // something after the end
			`{"dest":"q","count":1,"delta":0`,                     // cut short
			"{\"dest\":\"\xff\",\"count\":1,\"delta\":0}",         // not UTF-8
		} {
			var o order
			assert.False(t, readOrder([]byte(body), &o), "%s", body)
		}
	})

	t.Run("values: a string or a flat object", func(t *testing.T) {
		for body, want := range map[string]bool{
			`"00ff"`:                     true,
			`{"from":"alice","cents":5}`: true,
			`{}`:                         true,
			`{"nested":{"a":1}}`:         false,
			`{"list":[1,2]}`:             false,
			`{"brace":"}"}`:              false,
			`{"ok":true}`:                false,
		} {
			r := wire.NewLayoutReader([]byte(body))
			var raw json.RawMessage
			got := r.Values(&raw) && r.AtEnd()
			assert.Equal(t, want, got, "%s", body)
			if got {
				assert.Equal(t, body, string(raw))
			}
		}
	})

	t.Run("object calls back for each field", func(t *testing.T) {
		r := wire.NewLayoutReader([]byte(`{"from":"alice","cents":-5}`))
		var got []string
		require.True(t, r.Object(func(name, value []byte) { got = append(got, string(name)+"="+string(value)) }))
		assert.True(t, r.AtEnd())
		assert.Equal(t, []string{`from="alice"`, "cents=-5"}, got)
	})
}
