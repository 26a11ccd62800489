package guard_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/guard"
)

func TestGuardRefusesAfterStrikesUntilTheWindowIsOver(t *testing.T) {
	g := &guard.Guard{Strikes: 3, Window: time.Minute}
	c := guard.ClientOf("192.0.2.7:40000")
	now := time.Unix(1000, 0)
	for range 3 {
		assert.Zero(t, g.Wait(c, now), "checked while under the limit")
		g.Strike(c, now)
	}
	assert.Equal(t, time.Minute, g.Wait(c, now), "refused after three strikes")
	assert.Equal(t, 10*time.Second, g.Wait(c, now.Add(50*time.Second)))
	assert.Zero(t, g.Wait(c, now.Add(time.Minute)), "checked again once the window is over")
	assert.Zero(t, g.Wait(guard.ClientOf("192.0.2.8:1"), now), "another client is not slowed down")
}

func TestGuardCountsAnIPv6Slash64AsOneClient(t *testing.T) {
	a := guard.ClientOf("[2001:db8::1]:22")
	b := guard.ClientOf("[2001:db8::ffff:1]:22")
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, guard.ClientOf("[2001:db8:0:1::1]:22"))
	assert.Equal(t, guard.ClientOf("127.0.0.1:5"), guard.ClientOf("[::ffff:127.0.0.1]:5"), "a mapped IPv4 address is the IPv4 address")
}

func TestHostileManyAddressesDoNotGrowTheTable(t *testing.T) {
	g := &guard.Guard{Max: 100}
	now := time.Unix(1000, 0)
	for i := range 1000 {
		g.Strike(netip.MustParsePrefix(fmt.Sprintf("10.0.%d.%d/32", i/256, i%256)), now.Add(time.Duration(i)*time.Millisecond))
	}
	assert.LessOrEqual(t, g.Clients(), 100)
}

// An attacker who moves on to a new address before each one reaches its
// strikes gets no more guesses for it: with the table full, the newcomers
// count as one client.
func TestHostileRotatingAddressesAreCountedTogether(t *testing.T) {
	g := &guard.Guard{Strikes: 10, Max: 100}
	now := time.Unix(1000, 0)
	checked := 0
	for round := range 20 {
		for i := range 1000 {
			c := netip.MustParsePrefix(fmt.Sprintf("2001:db8:%x:%x::/64", round, i))
			if g.Wait(c, now) > 0 {
				continue
			}
			checked++
			g.Strike(c, now)
		}
	}
	assert.LessOrEqual(t, checked, (100+1)*10, "wrong guesses checked within one window")
	assert.Zero(t, g.Wait(netip.MustParsePrefix("2001:db8:ffff::/64"), now.Add(time.Minute)), "a minute later the door is open again")
}

// Total bounds the wrong guesses of all clients together.
func TestTotalBoundsEveryoneTogether(t *testing.T) {
	g := &guard.Guard{Total: 25}
	now := time.Unix(1000, 0)
	for i := range 25 {
		c := guard.ClientOf(fmt.Sprintf("192.0.2.%d:1", i))
		require.Zero(t, g.Wait(c, now), "guess %d", i+1)
		g.Strike(c, now)
	}
	assert.Equal(t, time.Minute, g.Wait(guard.ClientOf("198.51.100.1:1"), now), "after 25 wrong guesses in all, everyone waits")
	assert.Zero(t, g.Wait(guard.ClientOf("198.51.100.1:1"), now.Add(time.Minute)))
}

func TestSame(t *testing.T) {
	assert.True(t, guard.Same("birch-kite-07", "birch-kite-07"))
	assert.False(t, guard.Same("birch-kite-08", "birch-kite-07"))
	assert.False(t, guard.Same("", "x"))
}
