//go:build grade

package lrucache

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// The grader for the LRU cache exercise. Run it with
//
//	make grade EX=lrucache
//
// Each case is a short script: put, get, let time pass, count. The clock is
// a fake one that moves only when the script says so.

// fakeClock is a Clock that stands still until Advance moves it.
type fakeClock struct {
	mu  sync.Mutex // guards now
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// step is one line of a case's script.
type step struct {
	op    string // "put", "get", "len" or "wait"
	key   string
	value string        // put: the value; get: the value a hit must return
	hit   bool          // get: whether it must be a hit
	n     int           // len: the count wanted
	d     time.Duration // wait: how long
	why   string        // the rule a wrong answer breaks
}

func put(k, v string) step          { return step{op: "put", key: k, value: v} }
func hit(k, v, why string) step     { return step{op: "get", key: k, value: v, hit: true, why: why} }
func miss(k, why string) step       { return step{op: "get", key: k, why: why} }
func length(n int, why string) step { return step{op: "len", n: n, why: why} }
func wait(d time.Duration) step     { return step{op: "wait", d: d} }

func (s step) text() string {
	switch s.op {
	case "put":
		return fmt.Sprintf("Put(%q, %q)", s.key, s.value)
	case "get":
		return fmt.Sprintf("Get(%q)", s.key)
	case "len":
		return "Len()"
	}
	return fmt.Sprintf("(%v pass)", s.d)
}

func TestCache(t *testing.T) {
	const ttl = 10 * time.Second
	lru := "the least recently used entry goes when a new key comes to a full cache"
	cases := []struct {
		name     string
		capacity int
		steps    []step
	}{
		{"get/miss-on-empty", 2, []step{
			miss("a", "nothing was put"),
			length(0, "nothing was put"),
		}},
		{"get/hit-after-put", 2, []step{
			put("a", "1"),
			hit("a", "1", "a was just put"),
			length(1, "one entry was put"),
		}},
		{"put/replaces-value", 2, []step{
			put("a", "1"), put("a", "2"),
			hit("a", "2", "a second Put of the same key replaces the value"),
			length(1, "a second Put of the same key replaces the entry, it does not add one"),
		}},
		{"len/counts-entries", 5, []step{
			put("a", "1"), put("b", "2"), put("c", "3"),
			length(3, "three different keys were put"),
		}},
		{"evict/least-recently-used", 2, []step{
			put("a", "1"), put("b", "2"), put("c", "3"),
			miss("a", "a was the least recently used when c came; "+lru),
			hit("b", "2", "b was used more recently than a and must stay"),
			hit("c", "3", "c was just put"),
			length(2, "the cache holds at most 2 entries"),
		}},
		{"evict/get-makes-recent", 2, []step{
			put("a", "1"), put("b", "2"),
			hit("a", "1", "a was put"),
			put("c", "3"),
			miss("b", "after Get(a), b was the least recently used; a hit makes an entry the most recently used"),
			hit("a", "1", "Get(a) made a the most recently used, so it stays"),
		}},
		{"evict/put-makes-recent", 2, []step{
			put("a", "1"), put("b", "2"), put("a", "1b"), put("c", "3"),
			miss("b", "putting a again made it the most recently used, so b was the least recently used"),
			hit("a", "1b", "a was used more recently than b"),
		}},
		{"evict/replace-does-not-evict", 2, []step{
			put("a", "1"), put("b", "2"), put("b", "2b"),
			hit("a", "1", "replacing b's value adds no entry, so nothing has to go"),
			hit("b", "2b", "b was replaced"),
		}},
		{"evict/capacity-one", 1, []step{
			put("a", "1"), put("b", "2"),
			miss("a", "a cache of capacity 1 keeps only the last entry"),
			hit("b", "2", "b was just put"),
		}},
		{"ttl/fresh-just-before", 2, []step{
			put("a", "1"), wait(ttl - time.Millisecond),
			hit("a", "1", "a is 9.999s old with a ttl of 10s: still fresh"),
		}},
		{"ttl/expired-at-ttl", 2, []step{
			put("a", "1"), wait(ttl),
			miss("a", "a is 10s old with a ttl of 10s: its time is up"),
		}},
		{"ttl/expired-is-removed", 2, []step{
			put("a", "1"), wait(ttl + time.Second),
			miss("a", "a is older than the ttl"),
			length(0, "an expired entry is removed"),
		}},
		{"ttl/get-does-not-extend", 2, []step{
			put("a", "1"), wait(6 * time.Second),
			hit("a", "1", "a is 6s old"),
			wait(5 * time.Second),
			miss("a", "a is 11s old; a Get does not restart its time to live"),
		}},
		{"ttl/put-renews", 2, []step{
			put("a", "1"), wait(6 * time.Second), put("a", "2"), wait(5 * time.Second),
			hit("a", "2", "the second Put, 5s ago, restarted a's time to live"),
		}},
		{"ttl/len-skips-expired", 3, []step{
			put("a", "1"), wait(5 * time.Second), put("b", "2"), wait(6 * time.Second),
			length(1, "a is 11s old and expired, b is 6s old and fresh"),
			hit("b", "2", "b is fresh"),
		}},
		{"evict/expired-before-lru", 2, []step{
			put("a", "1"), wait(5 * time.Second), put("b", "2"), wait(1 * time.Second),
			hit("a", "1", "a is 6s old"),
			wait(5 * time.Second), // a is 11s old (expired) but recently used; b is 6s old
			put("c", "3"),
			hit("b", "2", "b is fresh; when the cache is full, the expired entry a goes first, even though b is the least recently used"),
			hit("c", "3", "c was just put"),
		}},
		{"many/thousand-keys", 100, manySteps()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			within(t, 5*time.Second, func() { runScript(t, tc.capacity, ttl, tc.steps) })
		})
	}
}

// manySteps puts 1000 keys into a cache of 100 and checks the newest 100
// stayed and the others went.
func manySteps() []step {
	var steps []step
	for i := range 1000 {
		steps = append(steps, put(fmt.Sprint("k", i), fmt.Sprint(i)))
	}
	steps = append(steps, length(100, "1000 keys in a cache of capacity 100"))
	for i := 0; i < 1000; i += 37 {
		if i < 900 {
			steps = append(steps, miss(fmt.Sprint("k", i), "only the 100 most recently put keys can be left"))
		} else {
			steps = append(steps, hit(fmt.Sprint("k", i), fmt.Sprint(i), "the 100 most recently put keys stay"))
		}
	}
	return steps
}

// runScript plays steps against a new cache and reports the first answer
// that breaks a rule, with the script up to that point.
func runScript(t *testing.T, capacity int, ttl time.Duration, steps []step) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	c := New(capacity, ttl, clock.Now)
	if c == nil {
		t.Errorf("New(%d, %v, clock) returned nil, want a cache", capacity, ttl)
		return
	}
	var done []string
	fail := func(format string, args ...any) {
		history := done
		if len(history) > 12 {
			history = append([]string{"..."}, history[len(history)-12:]...)
		}
		t.Errorf("cache of capacity %d, ttl %v; after\n\t%s\nthen "+format,
			append([]any{capacity, ttl, strings.Join(history, "\n\t")}, args...)...)
	}
	for _, s := range steps {
		switch s.op {
		case "put":
			c.Put(s.key, s.value)
		case "wait":
			clock.Advance(s.d)
		case "get":
			v, ok := c.Get(s.key)
			switch {
			case s.hit && !ok:
				fail("Get(%q) was a miss; want a hit with %q (%s)", s.key, s.value, s.why)
				return
			case s.hit && v != s.value:
				fail("Get(%q) = %q, true; want %q (%s)", s.key, v, s.value, s.why)
				return
			case !s.hit && ok:
				fail("Get(%q) = %q, true; want a miss (%s)", s.key, v, s.why)
				return
			}
		case "len":
			if n := c.Len(); n != s.n {
				fail("Len() = %d, want %d (%s)", n, s.n, s.why)
				return
			}
		}
		done = append(done, s.text())
	}
}

// TestConcurrentUse lets several goroutines use one cache at once, as the
// handlers of a proxy do. It comes last: a cache without a lock may crash
// the whole test binary here ("concurrent map writes"). For a thorough
// check, run the grader with -race as well.
func TestConcurrentUse(t *testing.T) {
	t.Run("parallel-gets-and-puts", func(t *testing.T) {
		within(t, 10*time.Second, func() {
			clock := &fakeClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
			c := New(50, time.Minute, clock.Now)
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(g), 42))
					for range 2000 {
						k := fmt.Sprint("k", rng.IntN(100))
						if rng.IntN(2) == 0 {
							c.Put(k, "v"+k)
						} else if v, ok := c.Get(k); ok && v != "v"+k {
							t.Errorf("Get(%q) = %q while others used the cache; want %q", k, v, "v"+k)
							return
						}
					}
				})
			}
			wg.Wait()
			if n := c.Len(); n == 0 || n > 50 {
				t.Errorf("after 8 goroutines put and got 100 keys: Len() = %d, want between 1 and the capacity 50", n)
			}
		})
	})
}

// within runs f and fails the test if it does not return in time, so that a
// cache that deadlocks (a method locking a mutex it already holds) fails
// its case instead of hanging the grader. f reports with t.Errorf.
func within(t *testing.T, limit time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("the cache did not answer within %v: is a method waiting for a lock it already holds?", limit)
	}
}
