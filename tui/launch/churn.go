package launch

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"time"
)

// maxAway is how many churning nodes may be away at once. With r = 3 copies
// of each key a peer-to-peer ring loses nothing as long as fewer than three
// neighbours are gone before it has repaired itself.
const maxAway = 2

// Churn takes one random step of churn among the model's Churn nodes: a
// running one leaves gracefully (leave), or one that is away (left,
// crashed or not started yet) comes back. It returns what it did, in a few
// words, for the status line.
func (l *Launcher) Churn(ctx context.Context) (string, error) {
	var running, away []string
	l.mu.Lock()
	for _, name := range l.cfg.Model.Churn {
		if n := l.nodes[name]; n != nil && n.proc != nil && n.proc.alive() {
			running = append(running, name)
		} else {
			away = append(away, name)
		}
	}
	l.mu.Unlock()
	if len(running)+len(away) == 0 {
		return "", fmt.Errorf("the model %s has no churn", l.cfg.Model.ID)
	}
	if len(away) > 0 && (len(away) >= maxAway || len(running) == 0 || rand.IntN(2) == 0) {
		name := away[rand.IntN(len(away))]
		if err := l.comeBack(ctx, name); err != nil {
			return "", err
		}
		return name + " joins", nil
	}
	name := running[rand.IntN(len(running))]
	if err := l.leave(name); err != nil {
		return "", err
	}
	return name + " leaves", nil
}

// comeBack starts a node that is away: again if it ran before, for the
// first time if it never did.
func (l *Launcher) comeBack(ctx context.Context, name string) error {
	l.mu.Lock()
	n := l.nodes[name]
	l.mu.Unlock()
	if n == nil {
		return l.StartNode(ctx, name)
	}
	return l.Restart(ctx, name)
}

// leave ends node gracefully with SIGTERM, as a user closing a program
// would: it says goodbye (a peer hands its keys over) and exits. A node
// that does not end within reapLimit is killed. It returns once the
// process is reaped.
func (l *Launcher) leave(node string) error {
	n, err := l.live(node, "stop")
	if err != nil {
		return err
	}
	l.mu.Lock()
	p := n.proc
	if p.state == StateFrozen {
		p.signal(syscall.SIGCONT) // a frozen process cannot say goodbye
		p.state = StateRunning
	}
	p.signal(syscall.SIGTERM)
	l.mu.Unlock()
	select {
	case <-p.exited:
		return nil
	case <-time.After(reapLimit):
		if err := l.stop(n); err != nil {
			return fmt.Errorf("cannot stop %s: %w", node, err)
		}
		return fmt.Errorf("%s did not leave within %s and was killed", node, reapLimit)
	}
}
