package sandbox

import (
	"math"
	"testing"
)

func TestWatchdogCeilingIsCappedAtTheRunsAtOnce(t *testing.T) {
	const heap = 64 << 20
	tests := []struct {
		name        string
		overlapping uint64
		heap        uint64
		want        uint64
	}{
		{"one run alone", heap, heap, WatchdogSlack * heap},
		{"the runs a server allows at once", MaxConcurrentRuns * heap, heap, WatchdogSlack * MaxConcurrentRuns * heap},
		{"a stream of 2048 runs", 2048 * heap, heap, WatchdogSlack * MaxConcurrentRuns * heap},
		{"an absurd budget does not wrap", math.MaxUint64, math.MaxUint64 / 2, math.MaxUint64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := watchdogCeiling(tt.overlapping, tt.heap); got != tt.want {
				t.Errorf("watchdogCeiling(%d, %d) = %d, want %d", tt.overlapping, tt.heap, got, tt.want)
			}
		})
	}
}
