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
	e, isFault := faultOf(node, c)
	err := l.steer(func() ([]addressed, error) {
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
	if !isFault {
		return err
	}
	return l.announce(e, err)
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
// on is true, and heals every partition it is part of (one-way ones too)
// when on is false. Each side is told the names and the addresses of the
// nodes it cannot reach: a node knows a peer only by its address until the
// peer's first message names it.
func (l *Launcher) Partition(node string, on bool) error {
	e := begin(trace.FaultHeal, node)
	if on {
		e.Fault = trace.FaultPartition
	}
	return l.announce(e, l.steer(func() ([]addressed, error) {
		if l.nodes[node] == nil {
			return nil, fmt.Errorf("cannot partition %s: no such node was started", node)
		}
		if !on {
			return l.rejoin(node), nil
		}
		e.Peers = slices.DeleteFunc(slices.Clone(l.order), func(n string) bool { return n == node })
		return l.cutOff(node, e.Peers, true), nil
	}))
}

// partitionFrom cuts node and each of peers off from each other, in both
// directions, as an experiment's partition step asks.
func (l *Launcher) partitionFrom(node string, peers []string) error {
	e := begin(trace.FaultPartition, node)
	e.Peers = slices.Clone(peers)
	return l.announce(e, l.steer(func() ([]addressed, error) { return l.cutOff(node, peers, true), nil }))
}

// PartitionOneWay cuts the links from node to each of peers in one
// direction only: node cannot reach them, while they still reach node. It
// is a link that fails one way, as a misconfigured firewall does: a
// server's requests to another arrive, its answers are lost. Partition
// with on false heals it, from either end.
func (l *Launcher) PartitionOneWay(node string, peers ...string) error {
	e := begin(trace.FaultPartition, node)
	e.Peers, e.Value = slices.Clone(peers), "one-way"
	return l.announce(e, l.steer(func() ([]addressed, error) {
		for _, n := range append([]string{node}, peers...) {
			if l.nodes[n] == nil {
				return nil, fmt.Errorf("cannot partition %s from %s: no such node was started", node, n)
			}
		}
		return l.cutOff(node, peers, false), nil
	}))
}

// Heal ends every partition of the run.
func (l *Launcher) Heal() error {
	return l.announce(begin(trace.FaultHeal, ""), l.steer(func() ([]addressed, error) { return l.heal(), nil }))
}

// cutOff adds a partition from node to each of peers, and back when both
// is true, and returns the control lines that tell every node involved its
// whole list. The caller holds l.mu.
func (l *Launcher) cutOff(node string, peers []string, both bool) []addressed {
	link := func(a, b string) {
		if l.cut[a] == nil {
			l.cut[a] = map[string]bool{}
		}
		l.cut[a][b] = true
	}
	for _, p := range peers {
		link(node, p)
		if both {
			link(p, node)
		}
	}
	return l.partitionLines(append([]string{node}, peers...))
}

// rejoin heals every partition node is part of, in either direction, and
// returns the control lines that tell every node involved its new list.
// The caller holds l.mu.
func (l *Launcher) rejoin(node string) []addressed {
	involved := l.touching(node)
	for _, p := range involved {
		delete(l.cut[p], node)
	}
	delete(l.cut, node)
	return l.partitionLines(involved)
}

// touching returns node and every node a partition links it with: those it
// cannot reach and those that cannot reach it, sorted after node. The
// caller holds l.mu.
func (l *Launcher) touching(node string) []string {
	others := map[string]bool{}
	for p := range l.cut[node] {
		others[p] = true
	}
	for p, unreachable := range l.cut {
		if unreachable[node] {
			others[p] = true
		}
	}
	delete(others, node)
	return append([]string{node}, slices.Sorted(maps.Keys(others))...)
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
		if involved := l.touching(node); len(involved) > 1 {
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
