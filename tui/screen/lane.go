package screen

import "sync"

// lane carries the controls a user asks for to the launcher one after
// another, in the order the keys were pressed. Bubbletea runs every
// command in a goroutine of its own, so without it three quick presses of
// d (drop 25 %, 50 %, 100 %) could reach the program as 100 %, then 50 %,
// and the node would go on losing half its messages while its label says
// all.
//
// Update queues each control, where key presses are still in order; the
// command that carries it runs the queue up to and including its own
// control. A command that runs late finds its work done, and one that is
// never run (a test that only looks at the returned command) blocks
// nobody.
type lane struct {
	mu     sync.Mutex // guards queue and issued
	queue  []*control
	issued uint64
	run    sync.Mutex // held while controls run, so they run one at a time
}

type control struct {
	do   func() doneMsg
	seq  uint64
	done bool // set and read with lane.run held
	msg  doneMsg
}

// add is called in Update: it fixes the place of f in the lane.
func (l *lane) add(f func() doneMsg) *control {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.issued++
	c := &control{do: f, seq: l.issued}
	l.queue = append(l.queue, c)
	return c
}

// wait runs the queue until c is done and returns c's report. The report
// carries c's place, so one overtaken on its way to Update does not
// overwrite a later one in the status bar.
func (l *lane) wait(c *control) doneMsg {
	l.run.Lock()
	defer l.run.Unlock()
	for !c.done {
		l.mu.Lock()
		next := l.queue[0]
		l.queue = l.queue[1:]
		l.mu.Unlock()
		next.msg = next.do()
		next.msg.seq = next.seq
		next.done = true
	}
	return c.msg
}
