package rpc_test

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/faults"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// pacedDirectory runs a directory whose node has a fault injector, as a
// program started by the launcher has, so a test can set its pace.
func pacedDirectory(t *testing.T) (*faults.Injector, *rpc.DirectoryClient, *programtest.EventLog) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	log := programtest.NewEventLog()
	c, err := trace.Listen("127.0.0.1:0", log.Add)
	require.NoError(t, err)
	em, err := trace.Dial(programtest.Context(t), c.Addr(), "directory", nil)
	require.NoError(t, err)
	em.Hello("directory", "rpc", 1, ln.Addr().String())
	n := wire.NewNode("directory")
	n.Faults = faults.New(1)
	n.Trace = em
	t.Cleanup(func() { // after the directory's own cleanup
		n.Faults.Reset()
		em.Close("done")
		c.Close()
	})
	_, dc := serveDirectoryOn(t, n, ln, rpc.DefaultDirectoryConfig())
	return n.Faults, dc, log
}

// TestLeasesCountProtocolTime: the directory's leases count protocol
// time, as the broker's ack deadlines and every timeout do. In step mode
// (here the class answering a question: Still) a lease does not run out
// however long the wall clock runs; in slow motion it lasts longer on the
// wall clock by the pace's factor; at full speed it runs out within one
// lease of its last renewal and not before (TestLeaseExpiry).
func TestLeasesCountProtocolTime(t *testing.T) {
	const lease = 300 * time.Millisecond
	ctx := programtest.Context(t)

	t.Run("standing still, no lease runs out", func(t *testing.T) {
		f, dc, _ := pacedDirectory(t)
		f.SetStill(true)
		_, err := dc.Register(ctx, bank("still", "127.0.0.1:1", nil, lease))
		require.NoError(t, err)
		// Nothing happens is what this proves, so it takes a fixed wait:
		// three leases long.
		time.Sleep(3 * lease)
		m, err := dc.Lookup(ctx, rpc.LookupRequest{Name: "still"})
		require.NoError(t, err)
		assert.Len(t, m, 1, "a lease ran out while protocol time stood still")
		thawed := time.Now()
		f.SetStill(false)
		began, ended := lookupUntilGone(t, dc, "still")
		assert.False(t, ended.Before(thawed.Add(lease)), "gone %s after time ran again, before its lease of %s ran out", ended.Sub(thawed), lease)
		assert.True(t, began.Before(thawed.Add(lease+lateSweep)), "still there %s after time ran again", began.Sub(thawed))
	})

	t.Run("slow motion stretches a lease", func(t *testing.T) {
		f, dc, log := pacedDirectory(t)
		f.SetDelay(wire.SlowHop) // protocol time runs at half the wall clock's pace
		stretched := 2 * lease
		before := time.Now()
		g, err := dc.Register(ctx, bank("slow", "127.0.0.1:1", nil, lease))
		require.NoError(t, err)
		after := time.Now()
		began, ended := lookupUntilGone(t, dc, "slow")
		assert.False(t, ended.Before(before.Add(stretched)), "gone %s after registering, before %s (a lease of %s at half pace)", ended.Sub(before), stretched, lease)
		// Each lookup's reply is slowed by SlowHop too: allow for one.
		assert.True(t, began.Before(after.Add(stretched+lateSweep+wire.SlowHop)), "still there %s after registering", began.Sub(after))
		_, err = dc.Renew(ctx, g)
		assert.ErrorContains(t, err, "no lease")

		timer := func(e trace.Event) bool {
			return e.Kind == trace.KindState && e.Key == "lease slow" && e.Timer != nil
		}
		evs := log.WaitN(t, 1, timer) // the lease is reported as a typed timer
		assert.InDelta(t, 0.5, evs[0].Timer.Speed, 0.01, "the timer says it runs at half speed")
		assert.Equal(t, lease.Milliseconds(), evs[0].Timer.MS)
	})

	t.Run("the timer is reported again when the pace changes", func(t *testing.T) {
		f, dc, log := pacedDirectory(t)
		_, err := dc.Register(ctx, bank("paced", "127.0.0.1:1", nil, time.Minute))
		require.NoError(t, err)
		f.SetStill(true)
		log.WaitFor(t, "a still timer of lease paced", func(evs []trace.Event) bool {
			for _, e := range evs {
				if e.Key == "lease paced" && e.Timer != nil && e.Timer.Still {
					return true
				}
			}
			return false
		})
	})
}
