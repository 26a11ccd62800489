package clientserver

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplayGuard checks the rules of replay.go on their own, with a clock
// the test moves: a nonce is taken once for as long as its request is
// fresh, and a generation dropped early under load raises the floor
// instead of opening a way for replays.
func TestReplayGuard(t *testing.T) {
	start := time.UnixMilli(1_800_000_000_000)
	sealedAt := func(nonce string, at time.Time) Sealed { return Sealed{Nonce: nonce, Issued: at.UnixMilli()} }

	t.Run("once, across a generation", func(t *testing.T) {
		g := newReplayGuard(start)
		now := start.Add(forwardWindow) // late in the first generation
		require.NoError(t, g.admit(sealedAt("n1", now), now))
		assert.ErrorIs(t, g.admit(sealedAt("n1", now), now), errReplay)
		rotated := start.Add(forwardWindow + maxSkew) // recent becomes older
		require.NoError(t, g.admit(sealedAt("n2", rotated), rotated))
		assert.ErrorIs(t, g.admit(sealedAt("n1", now), rotated), errReplay)
		assert.ErrorContains(t, g.admit(sealedAt("n1", now), now.Add(forwardWindow+time.Millisecond)), "stale")
	})
	t.Run("the window and the start", func(t *testing.T) {
		g := newReplayGuard(start)
		now := start.Add(time.Minute)
		assert.ErrorContains(t, g.admit(sealedAt("a", now.Add(maxSkew+time.Millisecond)), now), "in the future")
		assert.NoError(t, g.admit(sealedAt("b", now.Add(maxSkew)), now))
		assert.ErrorContains(t, g.admit(sealedAt("c", start.Add(-time.Millisecond)), start.Add(time.Second)), "sealed before")
		assert.ErrorContains(t, g.admit(Sealed{Issued: now.UnixMilli()}, now), "needs a nonce")
	})
	t.Run("a full generation raises the floor", func(t *testing.T) {
		g := newReplayGuard(start)
		now := start.Add(time.Second)
		first := sealedAt("first", now)
		require.NoError(t, g.admit(first, now))
		// Two generations' worth within five seconds: the first nonce is
		// forgotten long before its request is stale.
		for i := range 2 * maxRemembered {
			at := now.Add(time.Duration(i) * 5 * time.Second / (2 * maxRemembered))
			require.NoError(t, g.admit(sealedAt(strconv.Itoa(i), at), at))
		}
		assert.LessOrEqual(t, len(g.recent)+len(g.older), 2*maxRemembered)
		replayAt := now.Add(6 * time.Second)
		assert.ErrorContains(t, g.admit(first, replayAt), "sealed before what this server remembers")
		assert.NoError(t, g.admit(sealedAt("fresh", replayAt), replayAt), "a fresh request is still taken")
	})
}
