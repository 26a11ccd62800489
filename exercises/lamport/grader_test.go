//go:build grade

package lamport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The grader for the Lamport clock exercise. Run it with
//
//	make grade EX=lamport
//
// Every case is a subtest whose name says what it checks; a failure says
// what was asked, what came back, what was expected, and why.

func TestClock(t *testing.T) {
	t.Run("starts-at-zero", func(t *testing.T) {
		var c Clock
		if got := c.Now(); got != 0 {
			t.Errorf("a new Clock: Now() = %d, want 0 (the zero value is a clock at 0)", got)
		}
	})
	t.Run("local-ticks", func(t *testing.T) {
		var c Clock
		for want := uint64(1); want <= 3; want++ {
			if got := c.Local(); got != want {
				t.Fatalf("Local() number %d on a new clock: got %d, want %d (a local event ticks the clock by 1 and gets the new time)", want, got, want)
			}
		}
		if got := c.Now(); got != 3 {
			t.Errorf("after three Local(): Now() = %d, want 3", got)
		}
	})
	t.Run("send-ticks", func(t *testing.T) {
		var c Clock
		if got := c.Send(); got != 1 {
			t.Errorf("Send() on a new clock: got %d, want 1 (tick before send: the send is an event too)", got)
		}
		c.Local()
		if got := c.Send(); got != 3 {
			t.Errorf("Send, Local, Send: the second Send() returned %d, want 3", got)
		}
		if got := c.Now(); got != 3 {
			t.Errorf("after Send, Local, Send: Now() = %d, want 3", got)
		}
	})
	t.Run("receive-from-the-future", func(t *testing.T) {
		var c Clock
		c.Local()
		c.Local()
		if got := c.Receive(5); got != 6 {
			t.Errorf("clock at 2, Receive(5): got %d, want 6 (receive takes max(own, message)+1)", got)
		}
		if got := c.Now(); got != 6 {
			t.Errorf("clock at 2, after Receive(5): Now() = %d, want 6", got)
		}
	})
	t.Run("receive-from-the-past", func(t *testing.T) {
		var c Clock
		for range 7 {
			c.Local()
		}
		if got := c.Receive(3); got != 8 {
			t.Errorf("clock at 7, Receive(3): got %d, want 8 (receive takes max(own, message)+1: the clock never goes back)", got)
		}
	})
	t.Run("receive-same-time", func(t *testing.T) {
		var c Clock
		for range 4 {
			c.Local()
		}
		if got := c.Receive(4); got != 5 {
			t.Errorf("clock at 4, Receive(4): got %d, want 5 (the receive comes after the send, so it gets a larger time)", got)
		}
	})
	t.Run("now-does-not-tick", func(t *testing.T) {
		var c Clock
		c.Local()
		c.Now()
		c.Now()
		if got := c.Now(); got != 1 {
			t.Errorf("Local then Now three times: Now() = %d, want 1 (reading the clock is not an event)", got)
		}
	})
}

// threeProcesses is this run of three processes (times in brackets):
//
//	P  a(1) ---- b(2) send m1 ----------------------- c(5) recv m3 -- j(6)
//	                  \                               ^
//	Q  ---------------- d(3) recv m1 -- e(4) send m3 -+-- f(5) recv m2
//	                                                     ^
//	R  g(1) -- h(2) send m2 -- i(3) ---------------------+
func threeProcesses() (Run, []uint64) {
	run := Run{
		{Name: "a", Process: "P", Kind: Local},
		{Name: "b", Process: "P", Kind: Send, Msg: "m1"},
		{Name: "g", Process: "R", Kind: Local},
		{Name: "h", Process: "R", Kind: Send, Msg: "m2"},
		{Name: "d", Process: "Q", Kind: Receive, Msg: "m1"},
		{Name: "e", Process: "Q", Kind: Send, Msg: "m3"},
		{Name: "i", Process: "R", Kind: Local},
		{Name: "c", Process: "P", Kind: Receive, Msg: "m3"},
		{Name: "f", Process: "Q", Kind: Receive, Msg: "m2"},
		{Name: "j", Process: "P", Kind: Local},
	}
	return run, []uint64{1, 2, 1, 2, 3, 4, 3, 5, 5, 6}
}

func TestTimestamps(t *testing.T) {
	three, threeTimes := threeProcesses()
	cases := []struct {
		name string
		run  Run
		want []uint64
	}{
		{"empty-run", Run{}, []uint64{}},
		{"one-process", Run{
			{Name: "a", Process: "P", Kind: Local},
			{Name: "b", Process: "P", Kind: Send, Msg: "m"},
			{Name: "c", Process: "P", Kind: Local},
		}, []uint64{1, 2, 3}},
		{"two-processes-each-its-own-clock", Run{
			{Name: "a", Process: "P", Kind: Local},
			{Name: "b", Process: "Q", Kind: Local},
			{Name: "c", Process: "P", Kind: Local},
			{Name: "d", Process: "Q", Kind: Local},
		}, []uint64{1, 1, 2, 2}},
		{"receive-jumps-ahead", Run{
			{Name: "a", Process: "P", Kind: Local},
			{Name: "b", Process: "P", Kind: Local},
			{Name: "c", Process: "P", Kind: Local},
			{Name: "d", Process: "P", Kind: Send, Msg: "m"},
			{Name: "e", Process: "Q", Kind: Local},
			{Name: "f", Process: "Q", Kind: Receive, Msg: "m"},
		}, []uint64{1, 2, 3, 4, 1, 5}},
		{"receive-from-behind", Run{
			{Name: "a", Process: "P", Kind: Send, Msg: "m"},
			{Name: "b", Process: "Q", Kind: Local},
			{Name: "c", Process: "Q", Kind: Local},
			{Name: "d", Process: "Q", Kind: Local},
			{Name: "e", Process: "Q", Kind: Receive, Msg: "m"},
		}, []uint64{1, 1, 2, 3, 4}},
		{"three-processes", three, threeTimes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Timestamps(tc.run)
			if err != nil {
				t.Fatalf("Timestamps of the run\n%s\nreturned the error %q, want times %v", describe(tc.run), err, tc.want)
			}
			if len(got) != len(tc.run) {
				t.Fatalf("Timestamps of a run of %d events returned %d times %v, want one per event: %v", len(tc.run), len(got), got, tc.want)
			}
			for i, e := range tc.run {
				if got[i] != tc.want[i] {
					t.Errorf("event %v: got time %d, want %d (%s)", e, got[i], tc.want[i], ruleFor(e.Kind))
				}
			}
		})
	}

	// Runs that cannot have happened must be refused.
	bad := []struct {
		name string
		run  Run
		why  string
	}{
		{"error/receive-before-send", Run{
			{Name: "a", Process: "Q", Kind: Receive, Msg: "m"},
			{Name: "b", Process: "P", Kind: Send, Msg: "m"},
		}, "message m is received before it is sent"},
		{"error/received-twice", Run{
			{Name: "a", Process: "P", Kind: Send, Msg: "m"},
			{Name: "b", Process: "Q", Kind: Receive, Msg: "m"},
			{Name: "c", Process: "R", Kind: Receive, Msg: "m"},
		}, "message m is received twice"},
		{"error/unknown-kind", Run{
			{Name: "a", Process: "P", Kind: Kind(7)},
		}, "event a has a Kind that is neither Local, Send nor Receive"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Timestamps(tc.run)
			switch {
			case errors.Is(err, ErrNotImplemented):
				t.Errorf("Timestamps returned ErrNotImplemented; want an error saying why the run is impossible (%s)", tc.why)
			case err == nil:
				t.Errorf("Timestamps of the run\n%s\nreturned times %v and no error; want an error, because %s", describe(tc.run), got, tc.why)
			}
		})
	}

	t.Run("random-runs-follow-the-rules", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1978, 7))
		for n := range 50 {
			run := randomRun(rng, 4, 30)
			got, err := Timestamps(run)
			if err != nil {
				t.Fatalf("random run %d:\n%s\nTimestamps returned the error %q, want times", n, describe(run), err)
			}
			if len(got) != len(run) {
				t.Fatalf("random run %d: %d times for %d events", n, len(got), len(run))
			}
			if msg := checkRules(run, got); msg != "" {
				t.Fatalf("random run %d:\n%s\n%s", n, describe(run), msg)
			}
		}
	})
}

func TestTotalOrder(t *testing.T) {
	t.Run("three-processes", func(t *testing.T) {
		run, _ := threeProcesses()
		got, err := TotalOrder(run)
		if err != nil {
			t.Fatalf("TotalOrder of the three-process run returned the error %q", err)
		}
		want := "1:a 1:g 2:b 2:h 3:d 3:i 4:e 5:c 5:f 6:j"
		if s := orderString(got); s != want {
			t.Errorf("TotalOrder of the three-process run (time:event)\n got  %s\n want %s\n(sort by time; equal times by process name)", s, want)
		}
	})
	t.Run("ties-by-process-name", func(t *testing.T) {
		run := Run{
			{Name: "r1", Process: "R", Kind: Local},
			{Name: "q1", Process: "Q", Kind: Local},
			{Name: "p1", Process: "P", Kind: Local},
			{Name: "q2", Process: "Q", Kind: Local},
			{Name: "p2", Process: "P", Kind: Local},
		}
		got, err := TotalOrder(run)
		if err != nil {
			t.Fatalf("TotalOrder returned the error %q", err)
		}
		want := "1:p1 1:q1 1:r1 2:p2 2:q2"
		if s := orderString(got); s != want {
			t.Errorf("three processes with only local events, recorded R, Q, P:\n got  %s\n want %s\n(equal times are ordered by process name, not by recording order)", s, want)
		}
	})
	t.Run("error-passes-through", func(t *testing.T) {
		run := Run{{Name: "a", Process: "Q", Kind: Receive, Msg: "m"}}
		got, err := TotalOrder(run)
		switch {
		case errors.Is(err, ErrNotImplemented):
			t.Errorf("TotalOrder returned ErrNotImplemented; want the error of Timestamps for a receive without send")
		case err == nil:
			t.Errorf("TotalOrder of a run with a receive of an unsent message returned %s and no error; want an error", orderString(got))
		}
	})
	t.Run("random-runs-respect-causality", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1978, 8))
		for n := range 50 {
			run := randomRun(rng, 4, 30)
			got, err := TotalOrder(run)
			if err != nil {
				t.Fatalf("random run %d:\n%s\nTotalOrder returned the error %q", n, describe(run), err)
			}
			if msg := checkOrder(run, got); msg != "" {
				t.Fatalf("random run %d:\n%s\nTotalOrder returned %s\n%s", n, describe(run), orderString(got), msg)
			}
		}
	})
}

// checkRules checks the times of a run event by event against the update
// rules, and says in words what is wrong with the first event that breaks one.
func checkRules(run Run, times []uint64) string {
	last := map[string]uint64{}
	carried := map[string]uint64{}
	for i, e := range run {
		want := last[e.Process] + 1
		if e.Kind == Receive {
			want = max(last[e.Process], carried[e.Msg]) + 1
		}
		if times[i] != want {
			return fmt.Sprintf("event %v: got time %d, want %d (%s)", e, times[i], want, ruleFor(e.Kind))
		}
		if e.Kind == Send {
			carried[e.Msg] = times[i]
		}
		last[e.Process] = times[i]
	}
	return ""
}

// checkOrder checks that order holds every event of run once, sorted by time
// and process, and never puts an effect before its cause.
func checkOrder(run Run, order []Stamped) string {
	if len(order) != len(run) {
		return fmt.Sprintf("got %d events, want all %d events of the run", len(order), len(run))
	}
	pos := map[string]int{}
	for i, s := range order {
		if _, dup := pos[s.Name]; dup {
			return fmt.Sprintf("event %s appears twice", s.Name)
		}
		pos[s.Name] = i
		if i > 0 {
			prev := order[i-1]
			if prev.Time > s.Time || prev.Time == s.Time && prev.Process >= s.Process {
				return fmt.Sprintf("%d:%s comes before %d:%s; want sorted by time, equal times by process name", prev.Time, prev.Name, s.Time, s.Name)
			}
		}
	}
	sendOf := map[string]string{}
	lastOf := map[string]string{}
	for _, e := range run {
		p, ok := pos[e.Name]
		if !ok {
			return fmt.Sprintf("event %v is missing", e)
		}
		if before, ok := lastOf[e.Process]; ok && pos[before] > p {
			return fmt.Sprintf("event %s comes before %s, but process %s did %s first (the order must keep each process's own order)", e.Name, before, e.Process, before)
		}
		lastOf[e.Process] = e.Name
		switch e.Kind {
		case Send:
			sendOf[e.Msg] = e.Name
		case Receive:
			if pos[sendOf[e.Msg]] > p {
				return fmt.Sprintf("the receive %s of %s comes before its send %s (a cause must come before its effect)", e.Name, e.Msg, sendOf[e.Msg])
			}
		}
	}
	return ""
}

// randomRun records a run of procs processes with about steps events, from a
// seeded generator, so a grade is reproducible.
func randomRun(rng *rand.Rand, procs, steps int) Run {
	var run Run
	var inFlight []Event // sends not received yet
	for n := range steps {
		p := string(rune('P' + rng.IntN(procs)))
		e := Event{Name: fmt.Sprintf("e%d", n), Process: p}
		switch k := rng.IntN(3); {
		case k == 2 && len(inFlight) > 0:
			i := rng.IntN(len(inFlight))
			if inFlight[i].Process == p {
				e.Kind = Local
				break
			}
			e.Kind, e.Msg = Receive, inFlight[i].Msg
			inFlight = append(inFlight[:i], inFlight[i+1:]...)
		case k == 1:
			e.Kind, e.Msg = Send, fmt.Sprintf("m%d", n)
			inFlight = append(inFlight, e)
		default:
			e.Kind = Local
		}
		run = append(run, e)
	}
	return run
}

func ruleFor(k Kind) string {
	switch k {
	case Send:
		return "tick before send: the process's last time + 1"
	case Receive:
		return "receive takes max(own last time, message's time) + 1"
	}
	return "a local event ticks: the process's last time + 1"
}

func describe(run Run) string {
	if len(run) == 0 {
		return "\t(no events)"
	}
	var b strings.Builder
	for _, e := range run {
		fmt.Fprintf(&b, "\t%v\n", e)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func orderString(order []Stamped) string {
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%d:%s", s.Time, s.Name)
	}
	return strings.Join(parts, " ")
}
