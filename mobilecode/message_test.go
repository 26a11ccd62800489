package mobilecode_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/mobilecode"
)

func TestDecodeFetchRoundTrip(t *testing.T) {
	want := mobilecode.Script{Name: "a", Src: []byte("show(1)\n"), Sig: []byte{0, 1, 2, 255}}
	raw, err := json.Marshal(want.Body())
	require.NoError(t, err)
	got, err := mobilecode.DecodeFetch(raw)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func FuzzDecodeFetch(f *testing.F) {
	f.Add([]byte(`{"name":"convert","src":"show(1)","sig":"AAEC"}`))
	f.Add([]byte(`{"name":"","src":"","sig":""}`))
	f.Add([]byte(`{"name":"x","sig":"not base64!"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := mobilecode.DecodeFetch(raw)
		if err != nil {
			return
		}
		if s.Name == "" {
			t.Fatalf("accepted a script without a name: %q", raw)
		}
		// What decodes must survive the trip back over the wire.
		again, err := json.Marshal(s.Body())
		require.NoError(t, err)
		s2, err := mobilecode.DecodeFetch(again)
		require.NoError(t, err)
		assert.Equal(t, s.Name, s2.Name)
		assert.Equal(t, s.Sig, s2.Sig)
	})
}
