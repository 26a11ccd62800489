package clientserver

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"dsdemo/models/wire"
)

// This file is the checker the tests of replicate mode judge by
// (jepsen_test.go), and its own tests are history_test.go. It is test code
// in package clientserver, so the external tests can use its names while
// the package's API stays what a student needs.
//
// A history judges a replicated store from the outside, the way Jepsen does:
// clients record every write they send (when it was invoked, when it
// completed, what they were told), faults hit the servers while they run,
// and at the end the replicas' final state is compared with what the
// clients were promised. Nothing inside the servers is trusted.
//
//	writer-1  [--put k w1-1--]ok   [--put k w1-2--------?   (no answer: unknown)
//	writer-2       [--put k w2-1--]ok      [--put k w2-2--]ok
//	                                                  server-2 SIGSTOP ... SIGCONT
//	final: k = w2-2 on server-1, server-2 and server-3
//
// The rules, for every key. The writes to a key took effect in some order
// that agrees with real time: a write that completed before another was
// invoked comes first; writes whose intervals overlap are concurrent and may
// come in either order. The final value is the last write of that order. So
// an acknowledged write W is lost when a replica ends with
//   - a write F that completed before W was invoked (W came later, so W or
//     a write after it must be the final value);
//   - a value that no client wrote to that key, or a write the service
//     refused (an error reply means it did not happen);
//   - no value at all (the histories hold puts only, nothing deletes a key).
//
// A write whose outcome is unknown (the client gave up waiting) may have
// taken effect at any moment after it was invoked, even long after the
// client gave up, when a frozen server thaws: it may be the final value or
// not, whatever else happened. And the replicas must agree: a key with
// different values on different replicas is divergent.

// Outcome is what a client learned of one write.
type Outcome int

// The outcomes of a write. The zero value is unknown, so a write that was
// invoked and never completed counts as unknown.
const (
	WriteUnknown Outcome = iota // no answer (timeout, crash): it may take effect, even later
	WriteOK                     // acknowledged: it must not be lost
	WriteFailed                 // an error reply: the service says it did not happen
)

func (o Outcome) String() string {
	switch o {
	case WriteOK:
		return "ok"
	case WriteFailed:
		return "failed"
	}
	return "unknown"
}

// OutcomeOf classifies the error a Client returned for a put. Only an error
// reply is a definite no, unless the client says the outcome is unknown;
// any other error (no server answered in time, the connection broke)
// leaves the outcome open too, because the request may have reached a
// server that applies it later.
func OutcomeOf(err error) Outcome {
	var remote *wire.RemoteError
	switch {
	case err == nil:
		return WriteOK
	case errors.Is(err, ErrUnknownOutcome):
		return WriteUnknown
	case errors.As(err, &remote):
		return WriteFailed
	}
	return WriteUnknown
}

// Write is one put of a history. Values are unique in a history, so a value
// found on a replica names the write that put it there. Times count from the
// start of the history; Completed is when the client got its answer or gave
// up, and means nothing for a write whose outcome is unknown.
type Write struct {
	Key, Value string
	Invoked    time.Duration
	Completed  time.Duration
	Outcome    Outcome
}

func (w Write) String() string {
	return fmt.Sprintf("%s=%s [%s, %s] %s", w.Key, w.Value, ms(w.Invoked), ms(w.Completed), w.Outcome)
}

// ms prints a time of a history to the millisecond.
func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

// History records the writes of concurrent clients. It is safe for
// concurrent use.
type History struct {
	start  time.Time
	mu     sync.Mutex // guards writes
	writes []Write
}

// NewHistory returns an empty history that starts now.
func NewHistory() *History { return &History{start: time.Now()} }

// Invoke records that a client sends a put of value to key now, and returns
// the write's number for Complete.
func (h *History) Invoke(key, value string) int {
	now := time.Since(h.start)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.writes = append(h.writes, Write{Key: key, Value: value, Invoked: now})
	return len(h.writes) - 1
}

// Complete records the answer to write i: the error the client's Put
// returned, nil for an acknowledgement.
func (h *History) Complete(i int, err error) {
	now := time.Since(h.start)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.writes[i].Completed = now
	h.writes[i].Outcome = OutcomeOf(err)
}

// Writes returns the writes recorded so far, in order of invocation.
func (h *History) Writes() []Write {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.writes)
}

// Verdict is what Check found.
type Verdict struct {
	Writes       int // in the history
	Acknowledged int
	Failed       int
	Unknown      int
	Keys         int         // keys checked
	Lost         []LostWrite // acknowledged writes lost, each once, in order of invocation
	Divergent    []string    // keys the replicas disagree on, sorted
}

// OK reports whether no acknowledged write was lost and the replicas agree.
func (v Verdict) OK() bool { return len(v.Lost) == 0 && len(v.Divergent) == 0 }

func (v Verdict) String() string {
	return fmt.Sprintf("%d writes to %d keys (%d acknowledged, %d failed, %d unknown): %d acknowledged writes lost, %d divergent keys",
		v.Writes, v.Keys, v.Acknowledged, v.Failed, v.Unknown, len(v.Lost), len(v.Divergent))
}

// LostWrite is an acknowledged write that a replica does not keep, and why
// nothing in the history explains it.
type LostWrite struct {
	Write   Write
	Replica string
	Why     string
}

func (l LostWrite) String() string {
	return fmt.Sprintf("%s lost on %s: %s", l.Write, l.Replica, l.Why)
}

// Check judges a history against the replicas' final state. Each replica's
// name maps to what it holds at the end, key to value; a key it does not
// hold is absent. The keys checked are those of the history and of the
// replicas. An error means the input cannot be judged: no replicas, a value
// written twice, or a write completed before it was invoked.
func Check(writes []Write, replicas map[string]map[string]string) (Verdict, error) {
	if len(replicas) == 0 {
		return Verdict{}, errors.New("no replicas to check")
	}
	v := Verdict{Writes: len(writes)}
	byValue := make(map[string]*Write, len(writes))
	byKey := map[string][]*Write{}
	for i := range writes {
		w := &writes[i]
		if byValue[w.Value] != nil {
			return Verdict{}, fmt.Errorf("value %q is written twice, so a replica holding it cannot tell which write put it there", w.Value)
		}
		if w.Outcome != WriteUnknown && w.Completed < w.Invoked {
			return Verdict{}, fmt.Errorf("write %s completed before it was invoked", w)
		}
		byValue[w.Value] = w
		byKey[w.Key] = append(byKey[w.Key], w)
		switch w.Outcome {
		case WriteOK:
			v.Acknowledged++
		case WriteFailed:
			v.Failed++
		default:
			v.Unknown++
		}
	}
	names := make([]string, 0, len(replicas))
	for name, store := range replicas {
		names = append(names, name)
		for key := range store {
			if byKey[key] == nil {
				byKey[key] = nil
			}
		}
	}
	slices.Sort(names)
	keys := make([]string, 0, len(byKey))
	for key := range byKey {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	v.Keys = len(keys)

	lost := map[*Write]LostWrite{}
	for _, key := range keys {
		first, firstFound := replicas[names[0]][key]
		divergent := false
		for _, name := range names {
			final, found := replicas[name][key]
			divergent = divergent || found != firstFound || final != first
			for _, w := range byKey[key] {
				if _, seen := lost[w]; seen || w.Outcome != WriteOK {
					continue
				}
				if why := lostBy(w, final, found, byValue[final]); why != "" {
					lost[w] = LostWrite{Write: *w, Replica: name, Why: why}
				}
			}
		}
		if divergent {
			v.Divergent = append(v.Divergent, key)
		}
	}
	for _, l := range lost {
		v.Lost = append(v.Lost, l)
	}
	slices.SortFunc(v.Lost, func(a, b LostWrite) int {
		return cmp.Or(cmp.Compare(a.Write.Invoked, b.Write.Invoked), strings.Compare(a.Write.Value, b.Write.Value))
	})
	return v, nil
}

// lostBy explains why acknowledged write w cannot have ended as final, the
// value a replica holds for w's key (found false: no value), which write f
// put there (nil: none of the history). It returns "" when the history
// explains the final value.
func lostBy(w *Write, final string, found bool, f *Write) string {
	switch {
	case !found:
		return "the replica does not hold the key"
	case f == nil || f.Key != w.Key:
		return fmt.Sprintf("the replica holds %q, which no client wrote to %s", final, w.Key)
	case f == w:
		return ""
	case f.Outcome == WriteFailed:
		return fmt.Sprintf("the replica holds %q, a write the service refused", final)
	case f.Outcome == WriteOK && f.Completed < w.Invoked:
		return fmt.Sprintf("the replica ends with %s, which completed before this write was invoked", f)
	}
	return ""
}
