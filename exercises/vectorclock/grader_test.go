//go:build grade

package vectorclock

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The grader for the vector clock exercise. Run it with
//
//	make grade EX=vectorclock
//
// The relations between events are checked against the run itself: a
// happened before b exactly when a path of process steps and messages leads
// from a to b. The grader finds those paths by following the run, without
// any vector clock, so it checks your vectors rather than repeating them.

func TestTick(t *testing.T) {
	t.Run("first-event", func(t *testing.T) {
		if got := Tick(nil, "P"); !same(got, Vector{"P": 1}) {
			t.Errorf("Tick(nil, \"P\") = %v, want [P:1] (the first event of P)", got)
		}
	})
	t.Run("only-own-entry", func(t *testing.T) {
		v := Vector{"P": 2, "Q": 5}
		if got := Tick(v, "P"); !same(got, Vector{"P": 3, "Q": 5}) {
			t.Errorf("Tick([P:2 Q:5], \"P\") = %v, want [P:3 Q:5] (a process counts only its own events)", got)
		}
	})
	t.Run("leaves-input-alone", func(t *testing.T) {
		v := Vector{"P": 2}
		Tick(v, "P")
		if !same(v, Vector{"P": 2}) {
			t.Errorf("Tick changed its argument from [P:2] to %v; want it unchanged (an earlier event, or a sent message, may still hold that vector)", v)
		}
	})
}

func TestOnReceive(t *testing.T) {
	t.Run("element-wise-max-then-tick", func(t *testing.T) {
		own, msg := Vector{"P": 2, "Q": 1}, Vector{"P": 1, "Q": 3, "R": 2}
		if got := OnReceive(own, msg, "P"); !same(got, Vector{"P": 3, "Q": 3, "R": 2}) {
			t.Errorf("P at [P:2 Q:1] receives [P:1 Q:3 R:2]: got %v, want [P:3 Q:3 R:2] (each entry the larger of both, then P ticks)", got)
		}
	})
	t.Run("first-event-is-a-receive", func(t *testing.T) {
		if got := OnReceive(nil, Vector{"P": 2}, "Q"); !same(got, Vector{"P": 2, "Q": 1}) {
			t.Errorf("Q, which has done nothing yet, receives [P:2]: got %v, want [P:2 Q:1]", got)
		}
	})
	t.Run("leaves-inputs-alone", func(t *testing.T) {
		own, msg := Vector{"Q": 1}, Vector{"P": 4}
		OnReceive(own, msg, "Q")
		if !same(own, Vector{"Q": 1}) || !same(msg, Vector{"P": 4}) {
			t.Errorf("OnReceive changed its arguments to own %v, msg %v; want them unchanged ([Q:1], [P:4])", own, msg)
		}
	})
}

func TestCompare(t *testing.T) {
	cases := []struct {
		name       string
		a, b       Vector
		before     bool // a -> b
		concurrent bool // a || b
		why        string
	}{
		{"same-process-earlier", Vector{"P": 1}, Vector{"P": 2}, true, false, "a is at most b everywhere and smaller for P"},
		{"across-a-message", Vector{"P": 2}, Vector{"P": 2, "Q": 1}, true, false, "b knows a's P:2 and has one more event of Q"},
		{"later-is-not-before", Vector{"P": 3, "Q": 2}, Vector{"P": 2}, false, false, "a is larger for P, so a cannot have happened before b; b happened before a"},
		{"each-larger-somewhere", Vector{"P": 2, "Q": 1}, Vector{"P": 1, "Q": 2}, false, true, "a is larger for P, b is larger for Q: neither knows of the other"},
		{"different-processes", Vector{"P": 1}, Vector{"R": 1}, false, true, "P's first event and R's first event know nothing of each other"},
		{"same-event", Vector{"P": 2, "Q": 1}, Vector{"P": 2, "Q": 1}, false, false, "equal vectors are the same event: not before itself, not concurrent with itself"},
		{"missing-means-zero", Vector{"P": 1, "Q": 0}, Vector{"P": 1}, false, false, "a missing entry counts as 0, so these are equal"},
		{"missing-entry-is-smaller", Vector{"P": 1}, Vector{"P": 1, "R": 1}, true, false, "b is larger for R (missing in a = 0) and equal elsewhere"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := HappenedBefore(tc.a, tc.b); got != tc.before {
				t.Errorf("HappenedBefore(%v, %v) = %v, want %v (%s)", tc.a, tc.b, got, tc.before, tc.why)
			}
			if got := Concurrent(tc.a, tc.b); got != tc.concurrent {
				t.Errorf("Concurrent(%v, %v) = %v, want %v (%s)", tc.a, tc.b, got, tc.concurrent, tc.why)
			}
			if got := Concurrent(tc.b, tc.a); got != tc.concurrent {
				t.Errorf("Concurrent(%v, %v) = %v, want %v (concurrency is symmetric)", tc.b, tc.a, got, tc.concurrent)
			}
		})
	}
}

// threeProcesses is the run of the picture:
//
//	P  a ---- b send m1 --------------------------- c recv m3 -- j
//	              \                                 ^
//	Q  ------------ d recv m1 -- e send m3 ---------+-- f recv m2
//	                                                    ^
//	R  g -- h send m2 -- i -----------------------------+
func threeProcesses() Run {
	return Run{
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
}

func TestStamps(t *testing.T) {
	t.Run("three-processes", func(t *testing.T) {
		run := threeProcesses()
		want := []Vector{
			{"P": 1}, {"P": 2}, {"R": 1}, {"R": 2}, {"P": 2, "Q": 1},
			{"P": 2, "Q": 2}, {"R": 3}, {"P": 3, "Q": 2}, {"P": 2, "Q": 3, "R": 2}, {"P": 4, "Q": 2},
		}
		got, err := Stamps(run)
		if err != nil {
			t.Fatalf("Stamps of the run\n%s\nreturned the error %q, want vectors", describe(run), err)
		}
		if len(got) != len(run) {
			t.Fatalf("Stamps of a run of %d events returned %d vectors, want one per event", len(run), len(got))
		}
		for i, e := range run {
			if !same(got[i], want[i]) {
				t.Errorf("event %v: got %v, want %v (%s)", e, got[i], want[i], ruleFor(e.Kind))
			}
		}
	})
	t.Run("empty-run", func(t *testing.T) {
		got, err := Stamps(Run{})
		if err != nil || len(got) != 0 {
			t.Errorf("Stamps of a run without events: got %v, error %v; want no vectors and no error", got, err)
		}
	})
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
		{"error/unknown-kind", Run{{Name: "a", Process: "P", Kind: Kind(7)}},
			"event a has a Kind that is neither Local, Send nor Receive"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Stamps(tc.run)
			switch {
			case errors.Is(err, ErrNotImplemented):
				t.Errorf("Stamps returned ErrNotImplemented; want an error saying why the run is impossible (%s)", tc.why)
			case err == nil:
				t.Errorf("Stamps of the run\n%s\nreturned %v and no error; want an error, because %s", describe(tc.run), got, tc.why)
			}
		})
	}
}

// TestRelations asks about pairs of events of a run: their vectors from
// Stamps, compared with HappenedBefore and Concurrent, must tell what the
// run's arrows tell.
func TestRelations(t *testing.T) {
	run := threeProcesses()
	pairs := []struct{ a, b string }{
		{"a", "b"}, // one process, one after the other
		{"b", "d"}, // a message
		{"b", "c"}, // b -> d -> e -> c: along a chain of messages
		{"a", "f"},
		{"h", "f"},
		{"c", "a"}, // the wrong way round
		{"a", "g"}, // first events of two processes
		{"i", "d"},
		{"c", "f"}, // both after e, but independent of each other
		{"h", "j"},
	}
	for _, p := range pairs {
		rel := causal(run)
		name := fmt.Sprintf("%s/%s%s%s", rel.kind(p.a, p.b), p.a, rel.symbol(p.a, p.b), p.b)
		t.Run(name, func(t *testing.T) {
			stamps, err := Stamps(run)
			if err != nil || len(stamps) != len(run) {
				t.Fatalf("Stamps of the three-process run: got %d vectors and error %v; want %d vectors", len(stamps), err, len(run))
			}
			if msg := checkPair(run, stamps, rel, index(run, p.a), index(run, p.b)); msg != "" {
				t.Error(msg)
			}
		})
	}
	t.Run("random-runs/all-pairs", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1988, 3))
		for n := range 30 {
			run := randomRun(rng, 4, 25)
			stamps, err := Stamps(run)
			if err != nil || len(stamps) != len(run) {
				t.Fatalf("random run %d:\n%s\nStamps: got %d vectors and error %v; want %d vectors", n, describe(run), len(stamps), err, len(run))
			}
			rel := causal(run)
			for i := range run {
				for j := range run {
					if msg := checkPair(run, stamps, rel, i, j); msg != "" {
						t.Fatalf("random run %d:\n%s\n%s", n, describe(run), msg)
					}
				}
			}
		}
	})
}

// checkPair checks what the vectors of events i and j say against the run.
func checkPair(run Run, stamps []Vector, rel relation, i, j int) string {
	a, b := run[i], run[j]
	va, vb := stamps[i], stamps[j]
	wantBefore := rel.before[i][j]
	wantConc := i != j && !rel.before[i][j] && !rel.before[j][i]
	if got := HappenedBefore(va, vb); got != wantBefore {
		return fmt.Sprintf("HappenedBefore(%v of %s, %v of %s) = %v, want %v (%s)", va, a.Name, vb, b.Name, got, wantBefore, rel.explain(i, j))
	}
	if got := Concurrent(va, vb); got != wantConc {
		return fmt.Sprintf("Concurrent(%v of %s, %v of %s) = %v, want %v (%s)", va, a.Name, vb, b.Name, got, wantConc, rel.explain(i, j))
	}
	return ""
}

// relation is happened-before as the run shows it: before[i][j] when a path
// of process steps and messages leads from event i to event j.
type relation struct {
	run    Run
	before [][]bool
}

func causal(run Run) relation {
	n := len(run)
	before := make([][]bool, n)
	for i := range before {
		before[i] = make([]bool, n)
	}
	lastOf := map[string]int{}
	sendOf := map[string]int{}
	// The run lists every cause before its effect, so one pass suffices:
	// an event inherits everything before its predecessor in its process
	// and, for a receive, everything before the send.
	for j, e := range run {
		var direct []int
		if i, ok := lastOf[e.Process]; ok {
			direct = append(direct, i)
		}
		if e.Kind == Receive {
			direct = append(direct, sendOf[e.Msg])
		}
		for _, i := range direct {
			before[i][j] = true
			for k := range n {
				if before[k][i] {
					before[k][j] = true
				}
			}
		}
		lastOf[e.Process] = j
		if e.Kind == Send {
			sendOf[e.Msg] = j
		}
	}
	return relation{run: run, before: before}
}

func (r relation) kind(a, b string) string {
	i, j := index(r.run, a), index(r.run, b)
	switch {
	case r.before[i][j]:
		return "happened-before"
	case r.before[j][i]:
		return "happened-after"
	}
	return "concurrent"
}

func (r relation) symbol(a, b string) string {
	i, j := index(r.run, a), index(r.run, b)
	switch {
	case r.before[i][j]:
		return "->"
	case r.before[j][i]:
		return "<-"
	}
	return "||"
}

func (r relation) explain(i, j int) string {
	a, b := r.run[i].Name, r.run[j].Name
	switch {
	case i == j:
		return "an event does not happen before itself"
	case r.before[i][j]:
		return fmt.Sprintf("a chain of steps and messages leads from %s to %s", a, b)
	case r.before[j][i]:
		return fmt.Sprintf("%s happened before %s, not the other way round", b, a)
	}
	return fmt.Sprintf("no chain of steps and messages connects %s and %s: they are concurrent", a, b)
}

func index(run Run, name string) int {
	for i, e := range run {
		if e.Name == name {
			return i
		}
	}
	panic("grader: no event " + name)
}

// same compares two vectors, missing entries as 0.
func same(a, b Vector) bool {
	for p, n := range a {
		if b[p] != n {
			return false
		}
	}
	for p, n := range b {
		if a[p] != n {
			return false
		}
	}
	return a != nil && b != nil
}

// randomRun records a run of procs processes with steps events, from a
// seeded generator, so a grade is reproducible.
func randomRun(rng *rand.Rand, procs, steps int) Run {
	var run Run
	var inFlight []Event
	for n := range steps {
		p := string(rune('P' + rng.IntN(procs)))
		e := Event{Name: fmt.Sprintf("e%d", n), Process: p, Kind: Local}
		switch k := rng.IntN(3); {
		case k == 2 && len(inFlight) > 0:
			i := rng.IntN(len(inFlight))
			if inFlight[i].Process != p {
				e.Kind, e.Msg = Receive, inFlight[i].Msg
				inFlight = append(inFlight[:i], inFlight[i+1:]...)
			}
		case k == 1:
			e.Kind, e.Msg = Send, fmt.Sprintf("m%d", n)
			inFlight = append(inFlight, e)
		}
		run = append(run, e)
	}
	return run
}

func ruleFor(k Kind) string {
	if k == Receive {
		return "a receive takes the larger entry of own and message vector, then ticks its own entry"
	}
	return "a local event or send ticks the process's own entry of its last vector"
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
