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
