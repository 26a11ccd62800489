package wire_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

func TestLamportClockRules(t *testing.T) {
	type step struct {
		op     string // "tick" or "observe"
		remote uint64
		want   uint64
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"zero value starts at 0, tick gives 1", []step{{"tick", 0, 1}, {"tick", 0, 2}}},
		{"observe a later remote time jumps past it", []step{{"observe", 10, 11}, {"tick", 0, 12}}},
		{"observe an earlier remote time still advances", []step{{"tick", 0, 1}, {"tick", 0, 2}, {"tick", 0, 3}, {"observe", 1, 4}}},
		{"observe an equal remote time", []step{{"tick", 0, 1}, {"tick", 0, 2}, {"observe", 2, 3}}},
		{"observe 0 on a fresh clock", []step{{"observe", 0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c wire.LamportClock
			for i, s := range tt.steps {
				var got uint64
				switch s.op {
				case "tick":
					got = c.Tick()
				case "observe":
					got, _ = c.Observe(s.remote)
				}
				assert.Equal(t, s.want, got, "step %d: %s(%d)", i, s.op, s.remote)
				assert.Equal(t, got, c.Now(), "step %d: Now after %s", i, s.op)
			}
		})
	}
}

func TestLamportClockNowDoesNotAdvance(t *testing.T) {
	var c wire.LamportClock
	c.Tick()
	assert.Equal(t, uint64(1), c.Now())
	assert.Equal(t, uint64(1), c.Now())
}

func TestLamportClockConcurrentTicksAreUnique(t *testing.T) {
	const goroutines, ticks = 16, 1000
	var c wire.LamportClock
	results := make([][]uint64, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for range ticks {
				results[g] = append(results[g], c.Tick())
			}
		})
	}
	wg.Wait()

	seen := map[uint64]bool{}
	for _, r := range results {
		for _, v := range r {
			require.False(t, seen[v], "time %d handed out twice", v)
			seen[v] = true
		}
	}
	assert.Len(t, seen, goroutines*ticks)
	assert.Equal(t, uint64(goroutines*ticks), c.Now(), "every tick counted once")
}

func TestLamportClockConcurrentObserveNeverGoesBack(t *testing.T) {
	const goroutines, observes = 16, 1000
	var c wire.LamportClock
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			last := uint64(0)
			for i := range observes {
				// Remote times jump around: some far ahead, most behind.
				remote := uint64((g*7919 + i*104729) % 5000)
				got, err := c.Observe(remote)
				require.NoError(t, err)
				assert.Greater(t, got, remote, "Observe(%d)", remote)
				assert.Greater(t, got, last, "goroutine %d: clock went back", g)
				last = got
				if now := c.Now(); now < got {
					assert.Fail(t, "Now went back", "got %d after Observe returned %d", now, got)
				}
				if i%10 == 0 {
					last = max(last, c.Tick())
				}
			}
		})
	}
	wg.Wait()
	assert.Greater(t, c.Now(), uint64(5000-1), "the clock passed the largest remote time")
}

func TestLamportClockRefusesForgedTimes(t *testing.T) {
	tests := []struct {
		name   string
		local  uint64 // where the clock stands before
		remote uint64
	}{
		{"one below the end of uint64", 12, 1<<64 - 2},
		{"the end of uint64", 0, 1<<64 - 1},
		{"just past the largest jump", 100, 100 + wire.MaxClockJump + 1},
		{"past MaxClock", wire.MaxClockJump, wire.MaxClock + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c wire.LamportClock
			if tt.local > 0 {
				_, err := c.Observe(tt.local - 1)
				require.NoError(t, err)
			}
			before := c.Now()
			require.Equal(t, tt.local, before)
			got, err := c.Observe(tt.remote)
			require.ErrorIs(t, err, wire.ErrClockAhead)
			assert.Equal(t, before, got, "a refused time leaves the clock as it was")
			assert.Equal(t, before, c.Now())
		})
	}
	t.Run("the largest jump is still taken", func(t *testing.T) {
		var c wire.LamportClock
		got, err := c.Observe(wire.MaxClockJump)
		require.NoError(t, err)
		assert.Equal(t, uint64(wire.MaxClockJump+1), got)
	})
}
