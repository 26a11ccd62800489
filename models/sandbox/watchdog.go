package sandbox

import (
	"context"
	"math"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"go.starlark.net/starlark"
)

// The watchdog is the sandbox's last line against memory: the allocation
// budget (budget.go) refuses every large value before it is made, but a
// script can also make a great many small ones. While a script runs, the
// watchdog samples the heap of the whole process and cancels the run when
// it grows by more than the runs under way could explain, or when the
// run's time is up.

// stopper records why the watchdog cancelled the thread; the first reason wins.
type stopper struct{ err atomic.Pointer[error] }

func (s *stopper) stop(thread *starlark.Thread, err error) {
	if s.err.CompareAndSwap(nil, &err) {
		thread.Cancel(err.Error())
	}
}

func (s *stopper) reason() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// heapSample is the metric the watchdog reads: bytes in heap objects now,
// including garbage not yet collected, so growth shows at once and not only
// after the next GC.
const heapSample = "/memory/classes/heap/objects:bytes"

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapSample}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// The heap the watchdog samples is the whole process's, garbage included:
// with three runs at once, it may hold three budgets, and a run that has
// ended leaves garbage behind until the collector comes. So a run's
// watchdog allows for the budgets of every run that overlapped it: those in
// progress when it started, and those started since.
var (
	budgetsInFlight atomic.Uint64 // the budgets of the runs in progress
	budgetsStarted  atomic.Uint64 // the budgets of all runs ever started
)

// MaxConcurrentRuns is how many runs a program should have under way at
// once. Each run may allocate its whole budget (Limits.Heap), so a program
// that lets any number run at once has no bound on its memory; the
// watchdog's ceiling assumes no more than this many.
const MaxConcurrentRuns = 4

// WatchdogSlack is how many times those budgets the heap may grow by
// before the watchdog stops a run. The budget counts only the large
// allocations; the watchdog is the last line against many small ones (a
// loop that appends a million numbers one by one), which the steps bound
// too.
const WatchdogSlack = 2

// watchdogCeiling is how far the heap may grow while a run lasts: the slack
// times the budgets that overlapped it, but never more than the budgets of
// MaxConcurrentRuns runs, however many started since. A program runs no
// more at once, and without the cap a stream of runs, each starting as another
// ends, would raise the ceiling of a long run without end.
func watchdogCeiling(overlapping, heap uint64) uint64 {
	if heap > math.MaxUint64/(WatchdogSlack*MaxConcurrentRuns) {
		return math.MaxUint64 // a budget this large leaves the watchdog nothing to bound
	}
	return WatchdogSlack * min(overlapping, MaxConcurrentRuns*heap)
}

// watch is the watchdog: it cancels the thread when the run has run for
// longer than its time (clock), when ctx ends, or when the heap grows by
// more than it allows, and ends when done is closed.
func watch(ctx context.Context, done <-chan struct{}, thread *starlark.Thread, stop *stopper, clock *runClock, limits Limits) {
	overlapping := budgetsInFlight.Add(limits.Heap) // this run's and those in progress
	started := budgetsStarted.Add(limits.Heap)
	defer budgetsInFlight.Add(-limits.Heap)
	base := heapBytes()
	growth := func() uint64 {
		if now := heapBytes(); now > base {
			return now - base
		}
		return 0
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			stop.stop(thread, ctxStop(ctx, limits))
			<-done
			return
		case <-tick.C:
			if clock.running() > limits.Timeout {
				stop.stop(thread, &TimeoutError{Timeout: limits.Timeout})
			}
			if limit := watchdogCeiling(overlapping+budgetsStarted.Load()-started, limits.Heap); growth() > limit {
				stop.stop(thread, &HeapLimitError{Heap: limit})
			}
		}
	}
}
