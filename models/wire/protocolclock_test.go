package wire_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/faults"
	"dsdemo/models/wire"
)

// A server's clock of many deadlines keeps the pace of its fault
// injector: full speed, half speed in slow motion of one SlowHop a
// message, standing still in step mode; each change closes Changed.
func TestProtocolClockKeepsThePace(t *testing.T) {
	f := faults.New(1)
	c := wire.NewProtocolClock(f)
	assert.Equal(t, 1.0, c.Rate())
	wall, ok := c.Until(c.Now() + time.Hour)
	require.True(t, ok)
	assert.InDelta(t, time.Hour.Seconds(), wall.Seconds(), 1)

	changed := c.Changed()
	f.SetHold(true)
	<-changed // the pace changed
	assert.Equal(t, 0.0, c.Rate())
	_, ok = c.Until(c.Now() + time.Second)
	assert.False(t, ok, "no deadline comes while time stands still")
	before := c.Now()
	time.Sleep(20 * time.Millisecond) // what must not happen must not happen in this time either
	assert.Equal(t, before, c.Now(), "protocol time stands still in step mode")
	assert.True(t, c.Timer("lease", time.Second, before+time.Second).Still)

	f.SetHold(false)
	f.SetDelay(wire.SlowHop)
	assert.InDelta(t, 0.5, c.Rate(), 1e-9, "a message leg of SlowHop takes twice as long")
	wall, ok = c.Until(c.Now() + time.Second)
	require.True(t, ok)
	assert.InDelta(t, 2.0, wall.Seconds(), 0.05)
	timer := c.Timer("lease", time.Second, c.Now()+time.Second)
	assert.InDelta(t, 0.5, timer.Speed, 1e-9)
	assert.Equal(t, uint64(2), c.Paces(), "two changes seen: step mode, then slow motion (hold off and the delay came between two readings)")
}

// Without a fault injector (a server in a test, or run alone) the clock
// is the wall clock.
func TestProtocolClockWithoutFaults(t *testing.T) {
	c := wire.NewProtocolClock(nil)
	assert.Equal(t, 1.0, c.Rate())
	assert.Nil(t, c.Changed())
	assert.Equal(t, uint64(0), c.Paces())
}
