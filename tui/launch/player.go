package launch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// Player plays a guided experiment on a running model, one step per call
// of Next, so a class can read each step's caption before the next one.
// A Player is used by one goroutine at a time.
type Player struct {
	l    *Launcher
	exp  catalog.Experiment
	next int // the index of the step Next carries out

	// watches holds the watches of wait and predict steps not yet carried
	// out, by step index. A run of such steps gets its watches when the
	// step before the run begins (at NewPlayer for a first step), so an
	// event that step causes at once is counted, and so is an event that
	// reaches the collector before an earlier one it follows: events of
	// different programs come over different connections. Each watch of a
	// run follows the one before, so one event never ends two of them.
	watches map[int]*watch

	// asked is the message a predict step holds until the class answers;
	// others stops the goroutine that lets the node's other messages go
	// meanwhile.
	asked  *trace.Event
	others context.CancelFunc
}

// NewPlayer returns a player for exp on the model l runs; its first Next
// carries out the first step.
func NewPlayer(l *Launcher, exp catalog.Experiment) *Player {
	p := &Player{l: l, exp: exp, watches: map[int]*watch{}}
	p.watchFrom(0)
	return p
}

// Done reports whether every step has been carried out.
func (p *Player) Done() bool { return p.next >= len(p.exp.Steps) }

// Index returns the index of the step the next call of Next carries out,
// which is the number of steps carried out so far.
func (p *Player) Index() int { return p.next }

// Stop gives up the steps not yet carried out; Done then reports true.
func (p *Player) Stop() {
	p.letGo()
	for i, w := range p.watches {
		p.l.events.drop(w)
		delete(p.watches, i)
	}
	p.next = len(p.exp.Steps)
}

// Experiment returns the experiment the player plays.
func (p *Player) Experiment() catalog.Experiment { return p.exp }

// Next carries out the next step and returns it. Start and restart steps
// return once the node has said hello; a wait step returns when an event it
// waits for has arrived, counting from when the step before it was carried
// out, or with an error after catalog.WaitLimit. Next moves on to the
// following step even when a step fails, so a class is never stuck; the
// error says what went wrong.
func (p *Player) Next(ctx context.Context) (catalog.Step, error) {
	if p.Done() {
		return catalog.Step{}, fmt.Errorf("experiment %s has no more steps", p.exp.ID)
	}
	p.letGo()
	i := p.next
	step := p.exp.Steps[i]
	current := p.watches[i]
	delete(p.watches, i)
	p.watchFrom(i + 1)
	p.next++
	if err := p.do(ctx, step, current); err != nil {
		return step, fmt.Errorf("step %d (%s) of %s: %w", i+1, step.Kind, p.exp.ID, err)
	}
	return step, nil
}

// watchFrom sets the watches of the run of wait and predict steps that
// starts at step i, if there is one and they are not set yet.
func (p *Player) watchFrom(i int) {
	for ; i < len(p.exp.Steps) && p.watches[i] == nil; i++ {
		var m catalog.Match
		switch s := p.exp.Steps[i]; s.Kind {
		case catalog.StepWait:
			m = s.Until
		case catalog.StepPredict: // every message the node holds, see hold
			m = catalog.Match{Kind: trace.KindHold, Node: s.Node}
		default:
			return
		}
		p.watches[i] = p.l.events.watch(m, p.watches[i-1])
	}
}

// do carries out one step; w is its watch when it is a wait step.
func (p *Player) do(ctx context.Context, s catalog.Step, w *watch) error {
	l := p.l
	switch s.Kind {
	case catalog.StepCaption:
		return nil
	case catalog.StepStart:
		return l.StartNode(ctx, s.Node)
	case catalog.StepDo:
		return l.Control(s.Node, trace.Control{Op: trace.OpDo, Cmd: s.Cmd})
	case catalog.StepKill:
		return l.Kill(s.Node)
	case catalog.StepFreeze:
		return l.Freeze(s.Node)
	case catalog.StepThaw:
		return l.Thaw(s.Node)
	case catalog.StepRestart:
		return l.Restart(ctx, s.Node)
	case catalog.StepPartition:
		return l.steer(func() ([]addressed, error) { return l.cutOff(s.Node, s.Peers), nil })
	case catalog.StepHeal:
		return l.steer(func() ([]addressed, error) { return l.heal(), nil })
	case catalog.StepFault:
		return l.Control(s.Node, s.Fault)
	case catalog.StepWait:
		_, err := w.wait(ctx, l.closed, catalog.WaitLimit)
		if err != nil {
			l.events.drop(w) // the next wait counts from now
		}
		return err
	case catalog.StepPredict:
		return p.hold(ctx, s, w)
	}
	return errors.New("unknown kind of step " + string(s.Kind))
}

// hold waits, like a wait step, for the message a predict step asks about:
// the first one s.Until matches among those s.Node holds in step mode. The
// node's other messages (a lookup before the store it leads to, a peer's
// maintenance) are let go one by one, so only that message waits for the
// class's answer.
func (p *Player) hold(ctx context.Context, s catalog.Step, w *watch) error {
	l := p.l
	deadline := time.Now().Add(catalog.WaitLimit)
	for {
		ev, err := w.wait(ctx, l.closed, time.Until(deadline))
		if err != nil {
			l.events.drop(w)
			return err
		}
		if s.Until.Matches(ev) {
			p.asked = &ev
			var others context.Context
			others, p.others = context.WithCancel(context.Background())
			go p.letOthersGo(others, s.Node, w)
			return nil
		}
		next := l.events.watch(catalog.Match{Kind: trace.KindHold, Node: s.Node}, w)
		if ev.Msg != nil {
			if err := l.Control(s.Node, trace.Control{Op: trace.OpRelease, ID: ev.Msg.ID}); err != nil {
				l.events.drop(next)
				return err
			}
		}
		w = next
	}
}

// letOthersGo releases every further message node holds while the class
// thinks about its answer, until ctx ends: only the message asked about
// waits. A peer in step mode would otherwise stop answering its neighbours
// and look dead to them.
func (p *Player) letOthersGo(ctx context.Context, node string, after *watch) {
	l := p.l
	for {
		w := l.events.watch(catalog.Match{Kind: trace.KindHold, Node: node}, after)
		ev, err := w.wait(ctx, l.closed, time.Hour)
		if err != nil {
			l.events.drop(w)
			return
		}
		if ev.Msg != nil {
			l.Control(node, trace.Control{Op: trace.OpRelease, ID: ev.Msg.ID})
		}
		after = w
	}
}

// Outcome is how a prediction went: the node the class chose and the node
// that really received the held message.
type Outcome struct {
	Chosen, Actual string
}

// Right reports whether the prediction was right.
func (o Outcome) Right() bool { return o.Chosen == o.Actual }

// Asking reports whether a predict step holds a message and waits for the
// class's answer (Predict).
func (p *Player) Asking() bool { return p.asked != nil }

// Predict answers the question of the predict step just carried out: it
// ends step mode at the node that holds the message, so the message goes
// on, and waits until it arrives somewhere. The outcome says where.
func (p *Player) Predict(ctx context.Context, choice string) (Outcome, error) {
	held := p.asked
	if held == nil || held.Msg == nil {
		return Outcome{}, errors.New("no message waits for a prediction")
	}
	p.asked = nil
	p.others()
	arrived := p.l.events.watch(catalog.Match{Kind: trace.KindRecv, From: held.Node, Type: held.Msg.Type}, nil)
	if err := p.l.Control(held.Node, trace.Control{Op: trace.OpHold, On: false}); err != nil {
		p.l.events.drop(arrived)
		return Outcome{}, err
	}
	ev, err := arrived.wait(ctx, p.l.closed, catalog.WaitLimit)
	if err != nil {
		p.l.events.drop(arrived)
		return Outcome{}, err
	}
	return Outcome{Chosen: choice, Actual: ev.Node}, nil
}

// letGo ends a question nobody answered: step mode ends and the held
// message goes on, so the demo never stays stuck.
func (p *Player) letGo() {
	if p.asked != nil {
		p.others()
		p.l.Control(p.asked.Node, trace.Control{Op: trace.OpHold, On: false})
		p.asked = nil
	}
}
