package p2p

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"slices"
	"testing"
	"time"

	"dsdemo/models/wire"
)

// benchRing is a ring of many peers in one process, each on its own
// loopback port, for the benchmark: real sockets, no trace.
type benchRing struct {
	peers  []*peer
	stop   []context.CancelFunc
	done   []chan error
	alive  []bool
	stable time.Duration // how long the last wait for a whole ring took
}

func newBenchRing(b *testing.B, n, r int, period time.Duration) *benchRing {
	br := &benchRing{}
	b.Cleanup(br.close)
	for i := range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("peer-%d", i+1)
		p := newPeer(wire.NewNode(name), ln.Addr().String(), true, PeerConfig{Replicas: r, Stabilize: period, Timeout: time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		// serve alone, not RunPeer: ending its context crashes the peer,
		// with no goodbye, which is what the mass failure wants.
		go func() { done <- p.serve(ctx, ln) }()
		br.peers, br.stop, br.done, br.alive = append(br.peers, p), append(br.stop, cancel), append(br.done, done), append(br.alive, true)
		for try := 0; i > 0; try++ { // through a random peer, another one if that fails
			via := br.peers[rand.IntN(i)].self.Addr
			err := p.join(ctx, via)
			if err == nil {
				p.maintain(ctx) // notify the successor at once, as RunPeer does
				break
			}
			if try == 3 {
				b.Fatalf("%s joins through %s: %v", name, via, err)
			}
		}
	}
	br.waitWhole(b, true)
	return br
}

// live returns the peers that have not been killed.
func (br *benchRing) live() []*peer {
	var out []*peer
	for i, p := range br.peers {
		if br.alive[i] {
			out = append(out, p)
		}
	}
	return out
}

// whole reports whether every live peer has its right predecessor and
// successor, and (if fingers) its right fingers, as the sorted positions
// of the live peers say.
func (br *benchRing) whole(fingers bool) bool {
	live := br.live()
	ids := make([]ID, len(live))
	for i, p := range live {
		ids[i] = p.self.ID
	}
	slices.Sort(ids)
	successor := func(id ID) ID {
		i, _ := slices.BinarySearch(ids, id)
		return ids[i%len(ids)]
	}
	for _, p := range live {
		s := p.state()
		i, _ := slices.BinarySearch(ids, p.self.ID)
		if s.Pred.ID != ids[(i+len(ids)-1)%len(ids)] || s.Succs[0].ID != ids[(i+1)%len(ids)] {
			return false
		}
		if fingers {
			p.mu.Lock()
			f := p.fingers
			p.mu.Unlock()
			for k := range bits {
				if f[k].ID != successor(p.self.ID.add(1<<k)) {
					return false
				}
			}
		}
	}
	return true
}

// waitWhole waits until the ring is whole and notes how long that took.
func (br *benchRing) waitWhole(b *testing.B, fingers bool) {
	start := time.Now()
	for !br.whole(fingers) {
		if time.Since(start) > 2*time.Minute {
			b.Fatalf("the ring of %d peers did not stabilise in 2 minutes", len(br.live()))
		}
		time.Sleep(10 * time.Millisecond) // a benchmark's sampling interval, not a wait for an event
	}
	br.stable = time.Since(start)
}

// BenchmarkRing measures a Chord ring of N peers: the hops of lookups
// against the paper's ½·log2(N), then the share of keys still there after a
// quarter of the peers crash at once, and the time the ring takes to
// stabilise again. Run it with -benchtime 1x: one ring per size.
func BenchmarkRing(b *testing.B) {
	for _, tc := range []struct{ n, r int }{{16, 3}, {64, 3}, {256, 3}, {256, 4}} {
		b.Run(fmt.Sprintf("N=%d/r=%d", tc.n, tc.r), func(b *testing.B) {
			for range b.N {
				benchRingOnce(b, tc.n, tc.r)
			}
		})
	}
}

// BenchmarkSurvival repeats the mass crash of BenchmarkRing on rings of 64
// peers, ten times each for r = 3 and r = 4, because a single crash says
// little: which keys die depends on which neighbours happen to die together.
func BenchmarkSurvival(b *testing.B) {
	for _, r := range []int{3, 4} {
		b.Run(fmt.Sprintf("N=64/r=%d", r), func(b *testing.B) {
			for range b.N {
				const trials, keys = 10, 1000
				kept := 0
				for range trials {
					kept += survivors(b, 64, r, keys)
				}
				b.ReportMetric(100*float64(kept)/(trials*keys), "%keys-kept")
				b.ReportMetric(100*(1-math.Pow(0.25, float64(r))), "%expected")
			}
		})
	}
}

// survivors builds a ring of n peers, puts keys, crashes a quarter of the
// peers at once, waits for the ring to be whole, and counts the keys found.
func survivors(b *testing.B, n, r, keys int) int {
	br := newBenchRing(b, n, r, 50*time.Millisecond)
	ctx := context.Background()
	for i := range keys {
		br.put(ctx, b, fmt.Sprintf("key-%d", i))
	}
	br.crashQuarter(b)
	live := br.live()
	found := 0
	for i := range keys {
		if _, err := live[rand.IntN(len(live))].Get(ctx, fmt.Sprintf("key-%d", i)); err == nil {
			found++
		}
	}
	br.close()
	return found
}

// crashQuarter crashes a random quarter of the peers at once and waits for
// the ring to be whole again.
func (br *benchRing) crashQuarter(b *testing.B) {
	n := len(br.peers)
	for _, i := range rand.Perm(n)[:n/4] {
		br.stop[i]()
		<-br.done[i]
		br.alive[i] = false
	}
	br.waitWhole(b, false)
}

// put stores key through a random peer. A put whose successor did not
// answer in time may have happened, and Put says so rather than send it
// again; the benchmark knows that each of its keys is written once, with
// one value, so it may safely try again, through another peer.
func (br *benchRing) put(ctx context.Context, b *testing.B, key string) {
	var err error
	for range 3 {
		if _, err = br.peers[rand.IntN(len(br.peers))].Put(ctx, key, "v"); err == nil {
			return
		}
	}
	b.Fatal(err)
}

// close crashes every peer that is still alive.
func (br *benchRing) close() {
	for i := range br.peers {
		if br.alive[i] {
			br.stop[i]()
			<-br.done[i]
			br.alive[i] = false
		}
	}
}

func benchRingOnce(b *testing.B, n, r int) {
	// Every peer's round costs a few messages; 256 peers in one process on
	// two cores need a slower pace than 16.
	period := 50 * time.Millisecond
	if n > 64 {
		period = 250 * time.Millisecond
	}
	built := time.Now()
	br := newBenchRing(b, n, r, period)
	b.ReportMetric(time.Since(built).Seconds(), "s-to-build")
	ctx := context.Background()

	// Lookup hops from random peers to random positions.
	const lookups = 2000
	hops := make([]int, 0, lookups)
	for range lookups {
		p := br.peers[rand.IntN(n)]
		_, h, err := p.lookup(ctx, ID(rand.Uint32()))
		if err != nil {
			b.Fatal(err)
		}
		hops = append(hops, h)
	}
	slices.Sort(hops)
	mean := 0.0
	for _, h := range hops {
		mean += float64(h)
	}
	mean /= float64(len(hops))
	b.ReportMetric(mean, "hops-mean")
	b.ReportMetric(float64(hops[len(hops)*99/100]), "hops-p99")
	b.ReportMetric(0.5*math.Log2(float64(n)), "hops-paper")

	// Routing state: distinct fingers per peer, against log2(N).
	fingers := 0
	for _, p := range br.peers {
		fingers += len(p.state().Fingers)
	}
	b.ReportMetric(float64(fingers)/float64(n), "fingers-mean")

	// Keys, then a quarter of the peers crash at once.
	const keys = 2000
	for i := range keys {
		br.put(ctx, b, fmt.Sprintf("key-%d", i))
	}
	br.crashQuarter(b)
	b.ReportMetric(br.stable.Seconds(), "s-to-stabilise")

	live := br.live()
	found := 0
	for i := range keys {
		if _, err := live[rand.IntN(len(live))].Get(ctx, fmt.Sprintf("key-%d", i)); err == nil {
			found++
		}
	}
	b.ReportMetric(100*float64(found)/keys, "%keys-kept")
	b.ReportMetric(100*(1-math.Pow(0.25, float64(r))), "%expected")
}
