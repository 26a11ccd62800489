package clientserver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"dsdemo/models/faults"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// TimeoutState is the state key under which a client shows how long it
// still waits for a reply: a timer (trace.Timer) that starts when the
// request leaves and ends when the reply comes or the timeout runs out.
const TimeoutState = "timeout"

// reportWait reports a timer of d under key while a request waits for its
// reply, and returns the function that ends it with the request's result.
// The timeout counts protocol time (wire.Node.WithTimeout), so the timer
// does too: it is reported again, with what had passed, each time slow
// motion or step mode changes its pace, and a viewer's bar keeps pace
// with the real timeout. Without a collector it costs nothing.
func reportWait(n *wire.Node, key, what string, d time.Duration) (end func(err error)) {
	if n.Trace == nil || key == "" {
		return func(error) {}
	}
	start := time.Now()
	report := func(passed time.Duration) (faults.Pace, <-chan struct{}) {
		pace, changed := n.Faults.Pace()
		t := trace.TimerFor("reply to "+what, d)
		t.ElapsedMS = min(passed.Milliseconds(), t.MS)
		t.Speed, t.Still = speed(pace)
		n.Trace.Timer(key, t)
		return pace, changed
	}
	pace, changed := report(0) // before the request leaves, so it comes first
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var passed time.Duration // protocol time
		for {
			since := time.Now()
			select {
			case <-changed:
				passed += time.Duration(float64(time.Since(since)) * pace1(pace))
				pace, changed = report(passed)
			case <-done:
				return
			}
		}
	})
	return func(err error) {
		close(done)
		wg.Wait() // the end comes after the last report of the timer
		n.Trace.EndTimer(key, waitOutcome(what, d, time.Since(start), err))
	}
}

// speed is how fast protocol time runs at pace, as a timer reports it:
// 0 for the wall clock's pace, or still in step mode (see wire.SlowHop).
func speed(p faults.Pace) (float64, bool) {
	if p.Hold || p.Still {
		return 0, true
	}
	if p.Delay <= 0 {
		return 0, false
	}
	return pace1(p), false
}

// pace1 is the share of wall-clock time that counts as protocol time.
func pace1(p faults.Pace) float64 {
	switch {
	case p.Hold || p.Still:
		return 0
	case p.Delay <= 0:
		return 1
	}
	return float64(wire.SlowHop) / float64(wire.SlowHop+p.Delay)
}

// waitOutcome says how a wait for a reply ended, as the timer's last value.
func waitOutcome(what string, d, took time.Duration, err error) string {
	took = took.Round(10 * time.Microsecond)
	switch {
	case err == nil:
		return fmt.Sprintf("%s answered after %s", what, took)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s: no reply within %s", what, d)
	}
	return fmt.Sprintf("%s: %v after %s", what, err, took)
}
