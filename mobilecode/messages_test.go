package mobilecode

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeFetchRoundTrip(t *testing.T) {
	want := script{Name: "a", Src: []byte("show(1)\n"), Sig: []byte{0, 1, 2, 255}}
	raw, err := json.Marshal(want.Body())
	require.NoError(t, err)
	got, err := decodeFetch(raw)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
