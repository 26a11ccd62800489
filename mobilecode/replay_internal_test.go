package mobilecode

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplayGuardRemembersABoundedNumberOfNonces(t *testing.T) {
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	g := newReplayGuard(start)
	request := func(i int, issued time.Time) runRequest {
		nonce := make([]byte, nonceSize)
		binary.BigEndian.PutUint64(nonce, uint64(i))
		return runRequest{Name: "n", Nonce: nonce, Issued: issued}
	}
	now := start.Add(time.Second)
	for i := range maxRemembered {
		require.NoError(t, g.admit(request(i, now), now))
	}
	assert.Equal(t, errReplay, g.admit(request(7, now), now))
	assert.ErrorContains(t, g.admit(request(maxRemembered, now), now), "try again later")

	// Once the remembered requests are stale, their nonces are forgotten:
	// a replay of one of them is refused as stale instead.
	later := now.Add(replayWindow + time.Millisecond)
	assert.NoError(t, g.admit(request(maxRemembered, later), later))
	assert.Len(t, g.seen, 1)
	assert.ErrorContains(t, g.admit(request(7, now), later), "stale")

	far := time.UnixMilli(math.MaxInt64)
	assert.ErrorContains(t, g.admit(request(-1, far), later), "in the future")
	assert.ErrorContains(t, g.admit(runRequest{Nonce: []byte{1}}, later), "nonce has 1 bytes")
}
