// Package faults is the failure model: the ways a network lets a distributed
// system down, made available on purpose so that a class can watch what the
// programs do about them.
//
//	sender --Send--> [ Injector ] --> TCP --> receiver
//	                    |  partition: the peer is cut off, the message is lost
//	                    |  drop:      lost with probability p
//	                    |  hold:      waits until the collector releases it (step mode)
//	                    |  delay:     waits a fixed time (slow motion)
//	                    |  duplicate: sent twice with probability p
//
// Every fault happens on the sending side, inside wire.Conn, so the demo
// programs contain no fault code at all. A lost message is lost silently, as
// on a real network: the sender only notices that no reply comes. The
// collector sets faults with control lines (package trace); tests set them by
// calling the methods directly.
//
// Slow motion and step mode are the network's pace (Pace): a program that
// waits for a peer reads it, so that its timeouts measure protocol time,
// which slow motion stretches and step mode stops (wire.Node.WithTimeout).
package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/trace"
)

// Verdict is what the injector decided for one outgoing message.
type Verdict struct {
	Lost   string // "" when the message goes out, else "drop" or "partition"
	Copies int    // 1, or 2 when it is duplicated
}

// Injector holds the faults in force for one node. Its methods are safe for
// concurrent use, and a nil *Injector is a perfect network.
type Injector struct {
	active atomic.Bool // some fault is in force; without one, messages pass without taking mu

	mu        sync.Mutex // guards every field below
	delay     time.Duration
	drop      float64
	duplicate float64
	hold      bool
	still     bool // protocol time stands still (Pace.Still)
	partition map[string]bool
	held      map[uint64]chan struct{} // message id to the channel that releases it
	paced     chan struct{}            // closed when delay or hold changes; nil until Pace is asked
	rng       *rand.Rand
}

// New returns an injector with no faults in force. The seed makes the random
// drops and duplicates of a run repeatable.
func New(seed uint64) *Injector {
	return &Injector{
		partition: map[string]bool{},
		held:      map[uint64]chan struct{}{},
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
}

// SetDelay makes every outgoing message wait d before it leaves.
func (f *Injector) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.update()
	f.delay = d
	f.repace()
}

// SetDrop loses each outgoing message with probability p.
func (f *Injector) SetDrop(p float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.update()
	f.drop = p
}

// SetDuplicate sends each outgoing message twice with probability p.
func (f *Injector) SetDuplicate(p float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.update()
	f.duplicate = p
}

// SetHold turns step mode on or off. Turning it off releases every held message.
func (f *Injector) SetHold(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.update()
	f.hold = on
	f.repace()
	if !on {
		f.releaseAllLocked()
	}
}

// SetStill stops protocol time (on) or lets it run again: see Pace.Still.
// It changes nothing about the messages themselves.
func (f *Injector) SetStill(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.still = on
	f.repace()
}

// Release lets the held message with this id go. It reports whether such a
// message was waiting.
func (f *Injector) Release(id uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ok := f.held[id]
	if ok {
		close(ch)
		delete(f.held, id)
	}
	return ok
}

// ReleaseAll lets every held message go.
func (f *Injector) ReleaseAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.releaseAllLocked()
}

func (f *Injector) releaseAllLocked() {
	for id, ch := range f.held {
		close(ch)
		delete(f.held, id)
	}
}

// SetPartition cuts this node off from the named peers (node names or
// addresses); an empty list heals the partition.
func (f *Injector) SetPartition(peers []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.update()
	clear(f.partition)
	for _, p := range peers {
		f.partition[p] = true
	}
}

// update recomputes active; mu must be held.
func (f *Injector) update() {
	f.active.Store(f.delay > 0 || f.drop > 0 || f.duplicate > 0 || f.hold || len(f.partition) > 0)
}

// Reset ends every fault and lets every held message go: the network is
// perfect again. A program does this when its collector goes away, so that
// nothing waits for a release that can no longer come.
func (f *Injector) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.update()
	f.delay, f.drop, f.duplicate, f.hold, f.still = 0, 0, 0, false, false
	clear(f.partition)
	f.releaseAllLocked()
	f.repace()
}

// Pace is how fast the network lets a protocol go: the slow motion and the
// step mode in force. The other faults lose or copy messages but do not
// change how long one takes.
type Pace struct {
	Delay time.Duration // every outgoing message waits this long (slow motion)
	Hold  bool          // every outgoing message waits for its release (step mode)
	// Still stops protocol time while messages go on: the collector asks a
	// class a question about a message held at another node, and this
	// node's timeouts wait for the answer too (trace.OpStill).
	Still bool
}

// Pace returns the pace in force and a channel that is closed when it
// changes, so that a timer measuring protocol time can adjust at once
// instead of asking again and again. A nil *Injector is a network at full
// speed, for ever: its channel is nil, which never closes.
func (f *Injector) Pace() (Pace, <-chan struct{}) {
	if f == nil {
		return Pace{}, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paced == nil {
		f.paced = make(chan struct{})
	}
	return Pace{Delay: f.delay, Hold: f.hold, Still: f.still}, f.paced
}

// repace tells whoever asked for the pace that it changed; mu must be held.
func (f *Injector) repace() {
	if f.paced != nil {
		close(f.paced)
		f.paced = nil
	}
}

// String describes the faults in force, such as "delay 300ms, drop 50%", or
// "none". A program reports it after every change, so a viewer can show it
// and a collector can see that its control line took effect.
func (f *Injector) String() string {
	if f == nil {
		return "none"
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var parts []string
	if f.delay > 0 {
		parts = append(parts, "delay "+f.delay.String())
	}
	if f.drop > 0 {
		parts = append(parts, fmt.Sprintf("drop %g%%", f.drop*100))
	}
	if f.duplicate > 0 {
		parts = append(parts, fmt.Sprintf("duplicate %g%%", f.duplicate*100))
	}
	if f.hold {
		parts = append(parts, "hold")
	}
	if f.still {
		parts = append(parts, "time still")
	}
	if len(f.partition) > 0 {
		peers := make([]string, 0, len(f.partition))
		for p := range f.partition {
			peers = append(peers, p)
		}
		slices.Sort(peers)
		parts = append(parts, "cut off from "+strings.Join(peers, " "))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Apply carries out a control line from the collector. Lines that are not
// about faults (such as "do") are an error here.
func (f *Injector) Apply(c trace.Control) error {
	switch c.Op {
	case trace.OpDelay:
		f.SetDelay(time.Duration(c.Ms) * time.Millisecond)
	case trace.OpDrop:
		f.SetDrop(c.P)
	case trace.OpDuplicate:
		f.SetDuplicate(c.P)
	case trace.OpHold:
		f.SetHold(c.On)
	case trace.OpStill:
		f.SetStill(c.On)
	case trace.OpRelease:
		if c.All {
			f.ReleaseAll()
		} else if !f.Release(c.ID) {
			return fmt.Errorf("release: no message %d is held", c.ID)
		}
	case trace.OpPartition:
		f.SetPartition(c.Peers)
	default:
		return fmt.Errorf("%q is not a fault", c.Op)
	}
	return nil
}

// Decide draws the fate of one message for the peer known by any of names.
func (f *Injector) Decide(names ...string) Verdict {
	if f == nil || !f.active.Load() {
		return Verdict{Copies: 1}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range names {
		if f.partition[n] {
			return Verdict{Lost: "partition"}
		}
	}
	if f.drop > 0 && f.rng.Float64() < f.drop {
		return Verdict{Lost: "drop"}
	}
	if f.duplicate > 0 && f.rng.Float64() < f.duplicate {
		return Verdict{Copies: 2}
	}
	return Verdict{Copies: 1}
}

// Wait is Hold followed by Delay.
func (f *Injector) Wait(ctx context.Context, id uint64, onHold func()) error {
	if err := f.Hold(ctx, id, onHold); err != nil {
		return err
	}
	return f.Delay(ctx)
}

// Hold keeps message id back while step mode is on, until the collector
// releases it; onHold is called first, so the hold can be reported. It
// returns early with ctx's error.
func (f *Injector) Hold(ctx context.Context, id uint64, onHold func()) error {
	if f == nil || !f.active.Load() {
		return nil
	}
	f.mu.Lock()
	if !f.hold {
		f.mu.Unlock()
		return nil
	}
	release := make(chan struct{})
	f.held[id] = release
	f.mu.Unlock()

	onHold()
	select {
	case <-release:
		return nil
	case <-ctx.Done():
		f.mu.Lock()
		if f.held[id] == release {
			delete(f.held, id)
		}
		f.mu.Unlock()
		return ctx.Err()
	}
}

// Delay waits as long as the delay in force says (slow motion), or until
// ctx ends. The delay is read when the wait begins, so slow motion turned
// off while a message was held no longer applies to it.
func (f *Injector) Delay(ctx context.Context) error {
	if f == nil || !f.active.Load() {
		return nil
	}
	f.mu.Lock()
	delay := f.delay
	f.mu.Unlock()
	if delay <= 0 {
		return nil
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
