package wire

import (
	"context"
	"math"
	"sync"
	"time"

	"dsdemo/models/faults"
)

// Protocol time
//
// A timeout that waits for a peer asks "has the peer had long enough to
// answer?". In a demo the answer depends on the pace the class chose:
// with slow motion at 3 s per message, a request and its reply take 6 s,
// and a client that gives up after 2 s would report a dead server that is
// merely being watched; in step mode a message waits as long as the class
// thinks about it. So the timeouts of dsdemo programs count protocol time,
// not wall-clock time:
//
//	pace at this node        protocol time runs
//	full speed               as fast as the wall clock
//	slow motion, D a message SlowHop/(SlowHop+D) as fast: one message leg of
//	                         D counts as less than SlowHop
//	step mode (hold)         not at all
//
// The rule is the same for every timer of a node, so a wait that covers
// several legs (a client asking a server that asks its database) is
// stretched for each of them, and the timeouts of a run keep their order:
// the database's timeout still runs out before the client's, as it does at
// full speed. A peer that is really dead or frozen is still noticed in
// slow motion, only later (a 2 s timeout at 1 s a message lasts 12 s); in
// step mode it is noticed once step mode ends. The launcher sets the same
// slow motion at every node, so a node's own pace stands for its peers'.

// SlowHop is what one message leg counts for, at most, on a timer that
// measures protocol time while slow motion is on: a leg of D takes
// D·SlowHop/(SlowHop+D) of its protocol time. Every timeout in the demos is
// several times longer, so a live peer answers in time at any slow motion.
const SlowHop = 200 * time.Millisecond

// WithTimeout is context.WithTimeout in protocol time: the context ends
// when d of protocol time has passed, or when ctx ends, or when cancel is
// called. Use it for every wait on a peer, so that slow motion and step
// mode slow the story down without changing it (see SlowHop for the rule).
// It adjusts at once when the pace changes, and a node without faults
// (Faults nil) counts wall-clock time.
//
// When it runs out, its Err is context.DeadlineExceeded, as with
// context.WithTimeout, and so is that of the contexts made from it. It
// reports no Deadline of its own (only ctx's): the moment it will end is
// not known in advance. Call cancel when the wait is over, as for
// context.WithTimeout, to stop its timer.
func (n *Node) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if n.Faults == nil {
		return context.WithTimeout(ctx, d)
	}
	c := &protocolTimeout{Context: ctx, done: make(chan struct{})}
	cancel := func() { c.end(context.Canceled) }
	if err := ctx.Err(); err != nil {
		c.end(err)
		return c, cancel
	}
	if d <= 0 {
		c.end(context.DeadlineExceeded)
		return c, cancel
	}
	go c.count(n.Faults, d)
	return c, cancel
}

// protocolTimeout is the context WithTimeout returns. Its parent gives it
// Deadline and Value; it has its own Done and Err.
type protocolTimeout struct {
	context.Context // the parent

	done chan struct{} // closed by end
	mu   sync.Mutex    // guards err
	err  error         // why it ended; nil while it runs
}

func (c *protocolTimeout) Done() <-chan struct{} { return c.done }

func (c *protocolTimeout) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// end ends the context with err, unless it has ended already: the first
// reason stays.
func (c *protocolTimeout) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
		close(c.done)
	}
}

// count lets left of protocol time pass at the pace f says, and ends the
// context when it has. Each change of pace recounts what is left.
func (c *protocolTimeout) count(f *faults.Injector, left time.Duration) {
	timer := time.NewTimer(math.MaxInt64) // set for real below
	defer timer.Stop()
	for {
		pace, changed := f.Pace()
		var expired <-chan time.Time // stays nil in step mode: the timer stands still
		if !pace.Hold && !pace.Still {
			timer.Reset(wallTime(pace, left))
			expired = timer.C
		}
		start := time.Now()
		select {
		case <-expired:
			c.end(context.DeadlineExceeded)
			return
		case <-changed:
			timer.Stop()
			left -= protocolTime(pace, time.Since(start))
		case <-c.Context.Done():
			c.end(c.Context.Err())
			return
		case <-c.done: // cancelled
			return
		}
	}
}

// protocolTime is how much protocol time passes in wall of wall-clock time
// at the given pace.
func protocolTime(p faults.Pace, wall time.Duration) time.Duration {
	if p.Hold || p.Still {
		return 0
	}
	if p.Delay <= 0 {
		return wall
	}
	return time.Duration(float64(wall) * float64(SlowHop) / (float64(SlowHop) + float64(p.Delay)))
}

// wallTime is how long protocol time takes to pass on the wall clock at
// the given pace (not in step mode, where it never does).
func wallTime(p faults.Pace, protocol time.Duration) time.Duration {
	if p.Delay <= 0 {
		return protocol
	}
	wall := float64(protocol) * (float64(SlowHop) + float64(p.Delay)) / float64(SlowHop)
	if wall >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(wall)
}
