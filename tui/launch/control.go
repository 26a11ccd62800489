package launch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// A fault belongs to the network around a node, not to its process: the
// launcher remembers the faults in force and the partitions, and sends them
// again to a node that restarts, and to a node that starts later when the
// fault was set on every node (slow motion).

// addressed is a control line for one node.
type addressed struct {
	node string
	ctl  trace.Control
}

// Control sends a control line to node, or to every running node when node
// is "". Faults (delay, drop, duplicate, hold) stay in force for the node
// across restarts, and a fault sent to every node also holds for nodes that
// start later. Use Partition to cut nodes off from each other, so the
// launcher can keep both sides in step.
func (l *Launcher) Control(node string, c trace.Control) error {
	return l.steer(func() ([]addressed, error) {
		if node != "" {
			if !l.connected(node) {
				return nil, fmt.Errorf("cannot send %s to %s: it is not running", c.Op, node)
			}
			l.remember(l.nodes[node].faults, c)
			return []addressed{{node, c}}, nil
		}
		l.remember(l.shared, c)
		var msgs []addressed
		for _, name := range l.order {
			l.remember(l.nodes[name].faults, c)
			if l.connected(name) {
				msgs = append(msgs, addressed{name, c})
			}
		}
		return msgs, nil
	})
}

// steer computes control lines under l.mu and sends them. Sending is
// serialised by l.steerMu, so when two callers change a partition at once,
// the list computed last is also the one sent last; l.mu is not held while
// sending, so a node that reads slowly does not stop the launcher.
func (l *Launcher) steer(lines func() ([]addressed, error)) error {
	l.steerMu.Lock()
	defer l.steerMu.Unlock()
	l.mu.Lock()
	msgs, err := lines()
	l.mu.Unlock()
	if err != nil {
		return err
	}
	return l.send(msgs)
}

// remember notes the fault c in faults, or forgets it when c turns it off.
// Other control lines are not remembered. The caller holds l.mu.
func (l *Launcher) remember(faults map[trace.Op]trace.Control, c trace.Control) {
	switch {
	case c.Op == trace.OpDelay && c.Ms == 0,
		(c.Op == trace.OpDrop || c.Op == trace.OpDuplicate) && c.P == 0,
		c.Op == trace.OpHold && !c.On:
		delete(faults, c.Op)
	case c.Op == trace.OpDelay, c.Op == trace.OpDrop, c.Op == trace.OpDuplicate, c.Op == trace.OpHold:
		faults[c.Op] = c
	}
}

// connected reports whether node has said hello and still runs, so it can
// take control lines. The caller holds l.mu.
func (l *Launcher) connected(node string) bool {
	n := l.nodes[node]
	return n != nil && n.proc != nil && (n.proc.state == StateRunning || n.proc.state == StateFrozen)
}

// Partition cuts node off from every other node, in both directions, when
// on is true, and heals its partition when on is false. Each side is told
// the names and the addresses of the nodes it cannot reach: a node knows a
// peer only by its address until the peer's first message names it.
func (l *Launcher) Partition(node string, on bool) error {
	return l.steer(func() ([]addressed, error) {
		if l.nodes[node] == nil {
			return nil, fmt.Errorf("cannot partition %s: no such node was started", node)
		}
		if !on {
			return l.rejoin(node), nil
		}
		others := slices.DeleteFunc(slices.Clone(l.order), func(n string) bool { return n == node })
		return l.cutOff(node, others), nil
	})
}

// cutOff adds a partition between node and each of peers, and returns the
// control lines that tell every node involved its whole list. The caller
// holds l.mu.
func (l *Launcher) cutOff(node string, peers []string) []addressed {
	link := func(a, b string) {
		if l.cut[a] == nil {
			l.cut[a] = map[string]bool{}
		}
		l.cut[a][b] = true
	}
	for _, p := range peers {
		link(node, p)
		link(p, node)
	}
	return l.partitionLines(append([]string{node}, peers...))
}

// rejoin heals every partition node is part of, and returns the control
// lines that tell every node involved its new list. The caller holds l.mu.
func (l *Launcher) rejoin(node string) []addressed {
	peers := slices.Sorted(maps.Keys(l.cut[node]))
	for _, p := range peers {
		delete(l.cut[p], node)
	}
	delete(l.cut, node)
	return l.partitionLines(append([]string{node}, peers...))
}

// heal ends every partition. The caller holds l.mu.
func (l *Launcher) heal() []addressed {
	nodes := slices.Sorted(maps.Keys(l.cut))
	clear(l.cut)
	return l.partitionLines(nodes)
}

// partitionLines returns a partition control line for each of nodes that
// can take one, listing each node it is cut off from by name and, when
// known, by address. An empty list heals. The caller holds l.mu.
func (l *Launcher) partitionLines(nodes []string) []addressed {
	var msgs []addressed
	for _, n := range nodes {
		if !l.connected(n) {
			continue // it gets its list when it has started (reapply)
		}
		var peers []string
		for _, p := range slices.Sorted(maps.Keys(l.cut[n])) {
			peers = append(peers, p)
			if addr := l.addrs[p]; addr != "" {
				peers = append(peers, addr)
			}
		}
		msgs = append(msgs, addressed{n, trace.Control{Op: trace.OpPartition, Peers: peers}})
	}
	return msgs
}

// reapply sends a node that has just said hello the faults in force for it
// and its partition, and tells the nodes cut off from it its address.
func (l *Launcher) reapply(node string) error {
	return l.steer(func() ([]addressed, error) {
		var msgs []addressed
		faults := l.nodes[node].faults
		for _, op := range slices.Sorted(maps.Keys(faults)) {
			msgs = append(msgs, addressed{node, faults[op]})
		}
		if len(l.cut[node]) > 0 {
			involved := append([]string{node}, slices.Sorted(maps.Keys(l.cut[node]))...)
			msgs = append(msgs, l.partitionLines(involved)...)
		}
		return msgs, nil
	})
}

// confirmWait is how long send waits for a node to confirm a fault line. A
// frozen node confirms nothing; the line still takes effect when it thaws.
const confirmWait = 2 * time.Second

// send writes each control line to its node's trace connection, then waits
// until each node has confirmed its fault lines: a program answers a fault
// line with a "faults" state event once the fault is in force. Without the
// wait, a fault on one node and a command to another sent right after it
// could take effect in either order, since each program reads its own
// control lines.
func (l *Launcher) send(msgs []addressed) error {
	var (
		errs     []error
		confirms []*watch
	)
	for _, m := range msgs {
		var w *watch
		if m.ctl.Op != trace.OpDo && m.ctl.Op != trace.OpRelease {
			w = l.events.watch(catalog.Match{Kind: trace.KindState, Node: m.node, Key: "faults"}, nil)
		}
		if err := l.collector.Send(m.node, m.ctl); err != nil {
			errs = append(errs, fmt.Errorf("cannot send %s to %s: %w", m.ctl.Op, m.node, err))
			if w != nil {
				l.events.drop(w)
			}
			continue
		}
		if w != nil {
			confirms = append(confirms, w)
		}
	}
	for _, w := range confirms {
		w.wait(context.Background(), l.closed, confirmWait) // a late confirmation is no error
		l.events.drop(w)
	}
	return errors.Join(errs...)
}
