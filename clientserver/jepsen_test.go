package clientserver_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dsdemo/clientserver"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// TestHostileReplicateModeKeepsAcknowledgedWrites is a Jepsen-style test of
// replicate mode. Writers put unique values to the same few keys through
// the client library (with its failover) against three server processes,
// while a seeded schedule crashes servers (SIGKILL, then a restart at the
// same address) and freezes them (SIGSTOP, then SIGCONT), never all three
// at once. Then the writers stop, every server is healed, the replicas get
// time to agree, and clientserver.Check judges the history against what
// each replica holds: no acknowledged write may be lost, and the replicas
// must agree on every key. Besides, the client program's --bench mode
// sends ordinary traffic all along.
//
// The schedule is made of acts of 15 s. An act begins with 5 faults at
// random moments on random servers in its first 6 s, and ends with the
// scene of a stale write: a server frozen for 8 s, the writers failing
// over, moving on to new keys 6 s into it, and the server thawing while
// they write. The writers also move on to new keys every 3 s before the
// scene (Jepsen's independent keys). A replica that missed writes, or a
// write that a frozen server held back and applies when it thaws, then
// meets keys nobody writes any more, and the damage stays for the final
// read to see instead of being overwritten at once.
//
// make test runs one act; make bench runs eight (2 minutes):
//
//	DSDEMO_JEPSEN_ACTS=8 go test -v -count=1 -run ReplicateModeKeeps -timeout 20m ./clientserver/
//
// A failure prints its seed; DSDEMO_JEPSEN_SEED repeats its plan of faults
// (the moments the network and the scheduler choose differ from run to run).
func TestHostileReplicateModeKeepsAcknowledgedWrites(t *testing.T) {
	seed, acts := jepsenSeed(t), envInt(t, "DSDEMO_JEPSEN_ACTS", 1, 240)
	t.Logf("seed %d: repeat with DSDEMO_JEPSEN_SEED=%d", seed, seed)

	r := runJepsen(t, seed, acts)
	t.Logf("%d acts, %d faults injected (%d crashes, %d freezes); %s; %.0f writes/s; replicas agreed %s after healing",
		acts, len(r.faults), r.count(crash), r.count(freeze), r.verdict,
		float64(r.verdict.Writes)/(time.Duration(acts)*actLength).Seconds(), r.settle.Round(time.Millisecond))
	require.True(t, len(r.faults) > 0 && r.verdict.Acknowledged > 0, "the run injected no fault or no write was acknowledged: it proves nothing")
	if !r.settled {
		t.Errorf("seed %d: the replicas did not agree within %s of healing", seed, programtest.Patience)
	}
	// One lost write per key and replica tells the story; the rest repeat it.
	told := map[string]bool{}
	for _, l := range r.verdict.Lost {
		if where := l.Write.Key + " " + l.Replica; !told[where] && len(told) < 10 {
			told[where] = true
			t.Logf("lost: %s", l)
		}
	}
	for _, key := range r.verdict.Divergent {
		t.Logf("divergent: %s", r.describe(key))
	}
	if !r.verdict.OK() {
		t.Errorf("seed %d: %d acknowledged writes lost, %d divergent keys (faults: %s)",
			seed, len(r.verdict.Lost), len(r.verdict.Divergent), r.faultList())
	}
}

// TestFaultPlan checks the schedule itself for many seeds: the same seed
// gives the same plan, never are all three servers down, a server has one
// fault at a time, and every act ends with its long freeze.
func TestFaultPlan(t *testing.T) {
	for seed := range uint64(300) {
		acts := 1 + int(seed%10)
		plan := planFaults(rand.New(rand.NewPCG(seed, 0)), acts, 3)
		require.Equal(t, plan, planFaults(rand.New(rand.NewPCG(seed, 0)), acts, 3), "seed %d", seed)
		require.LessOrEqual(t, len(plan), acts*(actFaults+1))
		for a := range acts {
			end := time.Duration(a+1) * actLength
			require.True(t, slices.ContainsFunc(plan, func(f fault) bool {
				return f.kind == freeze && f.at == sceneAt(a) && f.at+f.lasts == end-time.Second
			}), "seed %d: act %d ends with its long freeze", seed, a)
		}
		down := map[int]bool{}
		for _, s := range schedule(plan) {
			f := plan[s.fault]
			if s.heal {
				delete(down, f.server)
				continue
			}
			require.False(t, down[f.server], "seed %d: %s while it is down", seed, f)
			down[f.server] = true
			require.Less(t, len(down), 3, "seed %d: %s takes down the last server", seed, f)
		}
	}
}

// The shape of the schedule and of the load.
const (
	actLength   = 15 * time.Second // one act: random faults, then the scene of a stale write
	actFaults   = 5                // random faults in the first 6 s of an act
	setLength   = 3 * time.Second  // how long the writers stay on one set of keys before the scene
	writerCount = 6                // concurrent writers
	keysInSet   = 3                // the keys the writers share at any moment
)

// sceneAt is when the scene of act a begins: a freeze of 8 s that ends 1 s
// before the act does.
func sceneAt(a int) time.Duration { return time.Duration(a)*actLength + actLength - 9*time.Second }

// jepsenRun is what one run did and found.
type jepsenRun struct {
	faults   []fault // injected, in order
	verdict  clientserver.Verdict
	final    map[string]map[string]string // replica name to key to value
	settled  bool                         // the replicas agreed after healing
	settle   time.Duration                // from healed to agreed
	replicas []string                     // names, in order
}

func (r jepsenRun) count(kind faultKind) int {
	n := 0
	for _, f := range r.faults {
		if f.kind == kind {
			n++
		}
	}
	return n
}

func (r jepsenRun) faultList() string {
	var s []string
	for _, f := range r.faults {
		s = append(s, f.String())
	}
	return strings.Join(s, "; ")
}

// describe says what each replica holds for key.
func (r jepsenRun) describe(key string) string {
	var s []string
	for _, name := range r.replicas {
		if v, ok := r.final[name][key]; ok {
			s = append(s, name+"="+v)
		} else {
			s = append(s, name+" has none")
		}
	}
	return key + ": " + strings.Join(s, ", ")
}

// faultKind is what the schedule does to a server.
type faultKind int

const (
	crash  faultKind = iota // SIGKILL, later a restart at the same address
	freeze                  // SIGSTOP, later SIGCONT
)

// fault is one planned fault: a kind, a server, when it begins after the
// load began and how long the server stays down.
type fault struct {
	kind   faultKind
	server int
	at     time.Duration
	lasts  time.Duration
}

func (f fault) String() string {
	verb := "crashed"
	if f.kind == freeze {
		verb = "frozen"
	}
	return fmt.Sprintf("server-%d %s at %s for %s", f.server+1, verb, ms(f.at), ms(f.lasts))
}

func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

// planFaults plans the faults of every act. The scene of each act is a
// freeze of 8 s that ends 1 s before the act does, so that the writes the
// frozen server held back arrive while the others go on writing (see
// keySets). Before it, in the act's first 6 s, come actFaults faults, each
// at a random moment of its own share of the time, on a random server: a
// crash for 0.2 to 2.5 s, or a freeze for 0.5 to 4 s. At most servers-1
// are down at any moment; a fault that does not fit is left out.
func planFaults(rng *rand.Rand, acts, servers int) []fault {
	var plan []fault
	for a := range acts {
		scene := fault{kind: freeze, server: rng.IntN(servers), at: sceneAt(a), lasts: 8 * time.Second}
		for !fits(plan, scene, servers) { // a fault of the act before still holds it
			scene.server = (scene.server + 1) % servers
		}
		plan = append(plan, scene)
		start := time.Duration(a) * actLength
		share := (scene.at - start) / actFaults
		for j := range actFaults {
			f := fault{kind: faultKind(rng.IntN(2)), at: start + time.Duration(j)*share + between(rng, 0, share)}
			f.lasts = between(rng, 200*time.Millisecond, 2500*time.Millisecond)
			if f.kind == freeze {
				f.lasts = between(rng, 500*time.Millisecond, 4*time.Second)
			}
			for _, s := range rng.Perm(servers) {
				f.server = s
				if fits(plan, f, servers) {
					plan = append(plan, f)
					break
				}
			}
		}
	}
	slices.SortStableFunc(plan, func(a, b fault) int { return cmp.Compare(a.at, b.at) })
	return plan
}

// keySets returns the moments the writers move on to a new set of keys:
// in each act, every epoch from its start until its scene begins, and once
// more 6 s into the scene. The frozen server thaws 2 s later, while the
// writers write other keys than the ones they wrote while it was frozen:
// what it does to those then stays for the final read to see.
func keySets(acts int) []time.Duration {
	var starts []time.Duration
	for a := range acts {
		for at := time.Duration(a) * actLength; at <= sceneAt(a); at += setLength {
			starts = append(starts, at)
		}
		starts = append(starts, sceneAt(a)+6*time.Second)
	}
	return starts
}

// between returns a random duration from lo up to, not including, hi.
func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}

// fits reports whether f can join the plan: its server is not down already
// then, and at no moment are all servers down.
func fits(plan []fault, f fault, servers int) bool {
	moments := []time.Duration{f.at}
	for _, g := range plan {
		if g.at < f.at+f.lasts && f.at < g.at+g.lasts {
			if g.server == f.server {
				return false
			}
			moments = append(moments, max(g.at, f.at))
		}
	}
	for _, m := range moments {
		down := 1
		for _, g := range plan {
			if g.at <= m && m < g.at+g.lasts {
				down++
			}
		}
		if down >= servers {
			return false
		}
	}
	return true
}

// step is the beginning or the end of a fault in the schedule.
type step struct {
	at    time.Duration
	fault int // index into the plan
	heal  bool
}

// schedule turns a plan into its steps in order of time; at the same
// moment a server heals before another goes down.
func schedule(plan []fault) []step {
	var steps []step
	for i, f := range plan {
		steps = append(steps, step{f.at, i, false}, step{f.at + f.lasts, i, true})
	}
	healsFirst := func(s step) int {
		if s.heal {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(steps, func(a, b step) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(healsFirst(a), healsFirst(b)))
	})
	return steps
}

// caughtUp reports whether the server at addr answers clients: one that
// is still copying its peers after a restart refuses them ("catching up"),
// and a frozen one does not answer at all.
func caughtUp(ctx context.Context, addr string) bool {
	c := clientserver.NewClient(wire.NewNode("jepsen-probe"), []string{addr}, 0, 500*time.Millisecond)
	defer c.Close()
	_, err := c.Get(ctx, "jepsen-probe")
	return err == nil || errors.Is(err, clientserver.ErrNotFound)
}

// runJepsen starts three replicas, writes to them while the fault schedule
// of the given acts runs, heals them, waits until they agree and checks
// the history.
func runJepsen(t *testing.T, seed uint64, acts int) jepsenRun {
	server, client := programs(t)
	procs := group(t, server, clientserver.Replicate, 3, func(int) []string { return nil })
	addrs := make([]string, len(procs))
	args := make([][]string, len(procs))
	run := jepsenRun{}
	for i, p := range procs {
		addrs[i], args[i] = p.Addr, p.Cmd.Args[1:]
		run.replicas = append(run.replicas, fmt.Sprintf("server-%d", i+1))
	}
	load := time.Duration(acts) * actLength
	plan := planFaults(rand.New(rand.NewPCG(seed, 0)), acts, len(procs))
	sets := keySets(acts)
	var keys []string
	for e := range sets {
		for k := range keysInSet {
			keys = append(keys, fmt.Sprintf("jepsen-%d-%d", e, k))
		}
	}

	// Ordinary traffic besides, as in a student's load run: the client
	// program's --bench mode, half gets and half puts on keys of its own,
	// stopped when the load ends. A get advances the Lamport clock of the
	// one server it reaches, so the replicas' clocks drift apart, as under
	// any load that reads.
	traffic := programtest.Start(t, client, "--server", strings.Join(addrs, ","), "--bench", "-c", "3", "-n", "1000000000")

	// The writers: each its own node (its own Lamport clock, as separate
	// client programs would have). Each write is a new client at a random
	// server, as when a student runs the client program once per command:
	// a write that starts at a frozen server waits there for the client's
	// timeout, fails over, and stays behind in the frozen server's input.
	ctx := t.Context()
	history := clientserver.NewHistory()
	began := time.Now()
	stop := make(chan struct{})
	var writing sync.WaitGroup
	stopWriters := sync.OnceFunc(func() {
		close(stop)
		writing.Wait()
	})
	defer stopWriters() // also when the test fails half-way
	for w := range writerCount {
		writing.Go(func() {
			node := wire.NewNode(fmt.Sprintf("writer-%d", w+1))
			rng := rand.New(rand.NewPCG(seed, uint64(w)+1))
			for n, set := 1, 0; ; n++ {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				for set+1 < len(sets) && sets[set+1] <= time.Since(began) {
					set++
				}
				key := keys[set*keysInSet+rng.IntN(keysInSet)]
				value := fmt.Sprintf("w%d-%d", w+1, n)
				c := clientserver.NewClient(node, addrs, rng.IntN(len(addrs)), 2*time.Second)
				i := history.Invoke(key, value)
				_, err := c.Put(ctx, key, value)
				history.Complete(i, err)
				c.Close()
			}
		})
	}

	// The faults, by the clock, while the writers write. A fault still on
	// when the load ends is healed after the writers stopped, so that what
	// a thawed or restarted server does last is what the check sees.
	down := map[int]faultKind{}
	// What replicate mode promises (see its package doc): a write survives
	// crashes one after the other, as long as each restarted server has
	// caught up before the next one crashes. With no disk, a crash while a
	// restarted server is still copying its peers can take the only copies
	// of a write with it. So a crash waits for the servers that restarted
	// to have caught up, and is left out when they have not.
	restarted := map[int]bool{}
	skipped := map[int]bool{} // plan indices of crashes left out
	hurt := func(i int) {
		f := plan[i]
		if f.kind == crash {
			for r := range restarted {
				if !caughtUp(ctx, addrs[r]) {
					t.Logf("%s left out: server-%d has not caught up since its restart", f, r+1)
					skipped[i] = true
					return
				}
				delete(restarted, r)
			}
		}
		p := procs[f.server]
		if f.kind == crash {
			if err := p.Cmd.Process.Kill(); err != nil {
				t.Fatalf("kill server-%d: %v", f.server+1, err)
			}
			p.Wait(t)
		} else if err := p.Cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatalf("stop server-%d: %v", f.server+1, err)
		}
		down[f.server] = f.kind
		run.faults = append(run.faults, f)
	}
	heal := func(s int) {
		if down[s] == crash {
			procs[s] = programtest.StartServer(t, server, args[s]...)
			restarted[s] = true
		} else if err := procs[s].Cmd.Process.Signal(syscall.SIGCONT); err != nil {
			t.Fatalf("continue server-%d: %v", s+1, err)
		}
		delete(down, s)
	}
	for _, s := range schedule(plan) {
		if s.at >= load {
			break
		}
		select {
		case <-time.After(time.Until(began.Add(s.at))):
		case <-ctx.Done():
			t.Fatal("the test ended during the schedule")
		}
		switch {
		case skipped[s.fault]:
		case s.heal:
			heal(plan[s.fault].server)
		default:
			hurt(s.fault)
		}
	}
	select {
	case <-time.After(time.Until(began.Add(load))):
	case <-ctx.Done():
		t.Fatal("the test ended during the load")
	}
	stopWriters()
	if err := traffic.Cmd.Process.Kill(); err != nil {
		t.Fatalf("stop the --bench traffic: %v", err)
	}
	traffic.Wait(t)
	for _, s := range slices.Sorted(maps.Keys(down)) {
		heal(s)
	}

	healed := time.Now()
	run.final, run.settled = awaitAgreement(ctx, t, run.replicas, addrs, keys)
	run.settle = time.Since(healed)
	v, err := clientserver.Check(history.Writes(), run.final)
	if err != nil {
		t.Fatal(err)
	}
	run.verdict = v
	return run
}

// awaitAgreement reads every key from every replica until two rounds in a
// row find the replicas agreeing on the same values, or until Patience runs
// out. It returns the last round that every replica answered, and whether
// they agreed. A replica that never answers fails the test.
func awaitAgreement(ctx context.Context, t *testing.T, names, addrs, keys []string) (map[string]map[string]string, bool) {
	readers := make([]*clientserver.Client, len(addrs))
	for i, addr := range addrs {
		readers[i] = clientserver.NewClient(wire.NewNode("checker"), []string{addr}, 0, time.Second)
		defer readers[i].Close()
	}
	deadline := time.After(programtest.Patience)
	var last map[string]map[string]string
	var lastErr error
	for {
		round, err := readAll(ctx, readers, names, keys)
		if err == nil {
			if last != nil && agree(round) && maps.EqualFunc(last, round, maps.Equal) {
				return round, true
			}
			last = round
		}
		lastErr = err
		select {
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			if last == nil {
				t.Fatalf("a replica did not answer within %s of healing: %v", programtest.Patience, lastErr)
			}
			return last, false
		}
	}
}

// readAll gets every key from every replica: name to key to value, a key
// not found left out.
func readAll(ctx context.Context, readers []*clientserver.Client, names, keys []string) (map[string]map[string]string, error) {
	round := map[string]map[string]string{}
	for i, c := range readers {
		store := map[string]string{}
		for _, key := range keys {
			res, err := c.Get(ctx, key)
			switch {
			case errors.Is(err, clientserver.ErrNotFound):
			case err != nil:
				return nil, fmt.Errorf("%s: get %s: %w", names[i], key, err)
			default:
				store[key] = res.Value
			}
		}
		round[names[i]] = store
	}
	return round, nil
}

// agree reports whether every replica holds the same.
func agree(stores map[string]map[string]string) bool {
	var first map[string]string
	for _, s := range stores {
		if first == nil {
			first = s
		} else if !maps.Equal(first, s) {
			return false
		}
	}
	return true
}

// jepsenSeed is DSDEMO_JEPSEN_SEED, or a new seed.
func jepsenSeed(t *testing.T) uint64 {
	s := os.Getenv("DSDEMO_JEPSEN_SEED")
	if s == "" {
		return rand.Uint64()
	}
	seed, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("DSDEMO_JEPSEN_SEED=%q: want a number", s)
	}
	return seed
}

// envInt is the number in the environment variable name, def when it is
// not set; numbers outside 1..limit are refused.
func envInt(t *testing.T, name string, def, limit int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > limit {
		t.Fatalf("%s=%q: want a number from 1 to %d", name, s, limit)
	}
	return n
}
