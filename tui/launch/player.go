package launch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

// Player plays a guided experiment on a running model, one step per call
// of Next, so a class can read each step's caption before the next one.
// It does the I/O of an experiment; what the class sees of it (the step,
// the question, the verdict) is kept by a Session, which the player's
// reports drive. A Player is used by one goroutine at a time.
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
	// holds are the predict steps' holders not yet carried out, by step
	// index; they start together with the watches (see holder).
	holds map[int]*holder

	// asked is the message a predict step holds until the class answers;
	// others stops the holder, which lets the node's other messages go
	// meanwhile.
	asked  *trace.Event
	others context.CancelFunc
	// gaveUp waits for the sender of the asked message to give up on it
	// (its own timeout ran out while the class thought): then it will
	// never arrive, and the verdict says so at once.
	gaveUp *watch

	// life ends with Stop, and every holder of the player with it.
	life context.Context
	stop context.CancelFunc
	// mu guards what Stop undoes, which Next sets in another goroutine:
	// the nodes the player put into step mode, and whether it made
	// protocol time stand still.
	mu      sync.Mutex
	holding map[string]bool
	still   bool
	stopped bool // Stop has begun: no more step mode, no more standing still
}

// NewPlayer returns a player for exp on the model l runs; its first Next
// carries out the first step.
func NewPlayer(l *Launcher, exp catalog.Experiment) *Player {
	p := &Player{l: l, exp: exp, watches: map[int]*watch{}, holds: map[int]*holder{}}
	p.life, p.stop = context.WithCancel(context.Background())
	p.watchFrom(0)
	return p
}

// errStopped is what a player says after Stop.
var errStopped = errors.New("the experiment was left for another")

// Stop ends the player when the class leaves the experiment for another:
// its holders stop (one left running would go on letting go every message
// its node holds, the one the next experiment asks about included), a step
// under way stops waiting, step mode ends at the nodes the experiment put
// into it, and protocol time runs again if a question had stopped it.
//
// Stop returns at once, so the screen never waits for a node; the lines
// that end step mode and standing still go out in the background. They
// go after any such line of a step under way (see steerHold), and a new
// experiment's first step waits for them (Launcher.settled), so they
// never undo the next experiment's own step mode.
func (p *Player) Stop() {
	p.stop()
	prev, done := p.l.settleAfter()
	go func() {
		defer close(done)
		if prev != nil {
			<-prev // an earlier player's lines go first
		}
		p.mu.Lock()
		p.stopped = true
		nodes, still := slices.Collect(maps.Keys(p.holding)), p.still
		p.holding, p.still = nil, false
		p.mu.Unlock()
		for _, node := range nodes {
			p.l.Control(node, trace.Control{Op: trace.OpHold, On: false})
		}
		if still {
			p.l.Control("", trace.Control{Op: trace.OpStill, On: false})
		}
	}()
}

// noteHold notes that the player turned step mode on or off at node.
func (p *Player) noteHold(node string, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.noteHoldLocked(node, on)
}

func (p *Player) noteHoldLocked(node string, on bool) {
	if p.holding == nil {
		p.holding = map[string]bool{}
	}
	if on {
		p.holding[node] = true
	} else {
		delete(p.holding, node)
	}
}

// noteStill notes that the player stopped protocol time or let it run.
func (p *Player) noteStill(on bool) {
	p.mu.Lock()
	p.still = on
	p.mu.Unlock()
}

// Done reports whether every step has been carried out.
func (p *Player) Done() bool { return p.next >= len(p.exp.Steps) }

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
	if p.life.Err() != nil {
		return catalog.Step{}, errStopped
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(p.life, cancel)() // a step under way when Stop comes waits no longer
	if err := p.l.settled(ctx); err != nil {
		return catalog.Step{}, err
	}
	p.letGo()
	i := p.next
	step := p.exp.Steps[i]
	current, held := p.watches[i], p.holds[i]
	delete(p.watches, i)
	delete(p.holds, i)
	p.watchFrom(i + 1)
	p.next++
	if step.Kind == catalog.StepPredict {
		if err := p.hold(ctx, held); err != nil {
			return step, fmt.Errorf("step %d (%s) of %s: %w", i+1, step.Kind, p.exp.ID, err)
		}
		return step, nil
	}
	do := p.do
	if step.Kind == catalog.StepFault && step.Fault.Op == trace.OpHold {
		if step.Fault.On {
			p.holdFrom(i)
		}
		do = p.steerHold
	}
	if err := do(ctx, step, current); err != nil {
		return step, fmt.Errorf("step %d (%s) of %s: %w", i+1, step.Kind, p.exp.ID, err)
	}
	if err := p.checkClaims(ctx, step.Claims); err != nil {
		return step, fmt.Errorf("step %d (%s) of %s: %w", i+1, step.Kind, p.exp.ID, err)
	}
	return step, nil
}

// steerHold carries out a step that turns step mode on or off. It notes
// and sends the line under mu, so a Stop that comes meanwhile sends its
// own after it, or finds the player stopped first and the line unsent.
func (p *Player) steerHold(ctx context.Context, s catalog.Step, w *watch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return errStopped
	}
	p.noteHoldLocked(s.Node, s.Fault.On)
	return p.do(ctx, s, w)
}

// checkClaims checks what a step's caption claims about the nodes' state
// against their latest reports, waiting up to catalog.ClaimLimit for a
// report that has not come yet. A claim that does not come true is an
// error that names what the node reports instead.
func (p *Player) checkClaims(ctx context.Context, claims []catalog.Match) error {
	l := p.l
	for _, c := range claims {
		w := l.events.watch(c, nil) // set before looking, so a report in between is not missed
		got, reported := l.stateOf(c.Node, c.Key)
		if reported && c.Matches(trace.Event{Kind: trace.KindState, Node: c.Node, Key: c.Key, Value: got}) {
			l.events.drop(w)
			continue
		}
		if _, err := w.wait(ctx, l.closed, catalog.ClaimLimit); err != nil {
			l.events.drop(w)
			if errors.Is(err, errClosed) || ctx.Err() != nil {
				return err
			}
			if got, reported = l.stateOf(c.Node, c.Key); !reported {
				got = "nothing"
			}
			return fmt.Errorf("the caption says %s has %s %s, but it reports %s", c.Node, c.Key, c.Value, got)
		}
	}
	return nil
}

// watchFrom sets the watches of the run of wait and predict steps that
// starts at step i, if there is one, where they are not set yet.
func (p *Player) watchFrom(i int) {
	for ; i < len(p.exp.Steps); i++ {
		switch s := p.exp.Steps[i]; s.Kind {
		case catalog.StepWait:
			if p.watches[i] == nil {
				p.watches[i] = p.l.events.watch(s.Until, p.watches[i-1])
			}
		case catalog.StepPredict:
			if p.holds[i] == nil {
				p.holds[i] = p.startHolder(s)
			}
		default:
			return
		}
	}
}

// holdFrom starts, before step i puts a node into step mode, the holder
// of the prediction that step mode is for: the node's next predict step,
// unless a step ends step mode there first. From then on every message
// the node holds is either the one the class will be asked about or let
// go; a message held in between, before the holder started (a worker's
// begin while the instructor reads the caption), would otherwise stay
// held with nobody to release it, and could stall the very exchange the
// class is to predict.
func (p *Player) holdFrom(i int) {
	node := p.exp.Steps[i].Node
	for j := i + 1; j < len(p.exp.Steps); j++ {
		s := p.exp.Steps[j]
		switch {
		case s.Kind == catalog.StepPredict && s.Node == node:
			if p.holds[j] == nil {
				p.holds[j] = p.startHolder(s)
			}
			return
		case s.Kind == catalog.StepFault && s.Node == node && s.Fault.Op == trace.OpHold && !s.Fault.On:
			return
		}
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
		if s.OneWay {
			return l.PartitionOneWay(s.Node, s.Peers...)
		}
		return l.partitionFrom(s.Node, s.Peers)
	case catalog.StepHeal:
		return l.Heal()
	case catalog.StepFault:
		return l.Control(s.Node, s.Fault)
	case catalog.StepWait:
		_, err := w.wait(ctx, l.closed, catalog.WaitLimit)
		if err != nil {
			l.events.drop(w) // the next wait counts from now
		}
		return err
	}
	return errors.New("unknown kind of step " + string(s.Kind))
}

// holder serves one predict step: from the moment it starts (with the
// watches, before the step that makes the node send) it releases every
// message the node holds in step mode but the first one the step asks
// about, which it keeps back for the class. It goes on letting the node's
// other messages go while the class thinks, until stop: a peer in step mode
// would otherwise stop answering its neighbours and look dead to them.
type holder struct {
	found chan struct{} // closed when asked is set
	asked trace.Event
	stop  context.CancelFunc
}

// startHolder starts the holder for predict step s.
func (p *Player) startHolder(s catalog.Step) *holder {
	ctx, cancel := context.WithCancel(p.life)
	h := &holder{found: make(chan struct{}), stop: cancel}
	held := p.l.events.follow(catalog.Match{Kind: trace.KindHold, Node: s.Node})
	go p.serveHolds(ctx, s, h, held)
	return h
}

func (p *Player) serveHolds(ctx context.Context, s catalog.Step, h *holder, held *feed) {
	l := p.l
	defer l.events.unfollow(held)
	found := false
	for {
		ev, err := l.events.next(ctx, l.closed, held)
		if err != nil {
			return
		}
		if !found && s.Until.Matches(ev) {
			found, h.asked = true, ev
			close(h.found)
		} else if ev.Msg != nil {
			l.Control(s.Node, trace.Control{Op: trace.OpRelease, ID: ev.Msg.ID})
		}
	}
}

// hold waits, like a wait step, until h has kept back the message the
// predict step asks about.
func (p *Player) hold(ctx context.Context, h *holder) error {
	if h == nil {
		return errors.New("the prediction was never prepared")
	}
	timer := time.NewTimer(catalog.WaitLimit)
	defer timer.Stop()
	select {
	case <-h.found:
		p.asked, p.others = &h.asked, h.stop
		// While the class thinks, protocol time stands still everywhere:
		// a client that waits for a reply held at the server must not
		// give up on it meanwhile (its own node is not in step mode).
		// As in steerHold, the line is sent under mu, before a Stop's.
		p.mu.Lock()
		if p.stopped {
			p.mu.Unlock()
			h.stop()
			return errStopped
		}
		p.still = true
		p.l.Control("", trace.Control{Op: trace.OpStill, On: true})
		p.mu.Unlock()
		if m := h.asked.Msg; m != nil {
			p.gaveUp = p.l.events.watchMessage(catalog.Match{Kind: trace.KindSend, Fault: "abandoned"}, m.From, m.ID)
		}
		return nil
	case <-ctx.Done():
		h.stop()
		return ctx.Err()
	case <-p.l.closed:
		h.stop()
		return errClosed
	case <-timer.C:
		h.stop()
		return fmt.Errorf("waited %s for a message to predict, but none was held", catalog.WaitLimit)
	}
}

// Outcome is how a prediction went: the node the class chose and the node
// that really received the held message.
type Outcome struct {
	Chosen, Actual string
}

// Right reports whether the prediction was right.
func (o Outcome) Right() bool { return o.Chosen == o.Actual }

// Predict answers the question of the predict step just carried out: it
// ends step mode at the node that holds the message, so the message goes
// on, and waits until it arrives somewhere. The outcome says where.
func (p *Player) Predict(ctx context.Context, choice string) (Outcome, error) {
	if p.life.Err() != nil {
		return Outcome{}, errStopped
	}
	held := p.asked
	if held == nil || held.Msg == nil {
		return Outcome{}, errors.New("no message waits for a prediction")
	}
	p.asked = nil
	p.others()
	// That very message: a node that waited too long for it may have sent
	// another of the same type elsewhere meanwhile (a timeout, a retry).
	arrived := p.l.events.watchMessage(catalog.Match{Kind: trace.KindRecv}, held.Msg.From, held.Msg.ID)
	gaveUp := p.gaveUp
	p.gaveUp = nil
	defer p.l.events.drop(gaveUp)
	err := p.l.Control(held.Node, trace.Control{Op: trace.OpHold, On: false})
	p.l.Control("", trace.Control{Op: trace.OpStill, On: false}) // the class has answered: time runs again
	p.noteHold(held.Node, false)
	p.noteStill(false)
	if err != nil {
		p.l.events.drop(arrived)
		return Outcome{}, err
	}
	// Whichever comes first: the message arrives, or its sender has given
	// up on it (before the answer or after) and it never will.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-gaveUp.matched:
			cancel()
		case <-ctx.Done():
		}
	}()
	ev, err := arrived.wait(ctx, p.l.closed, catalog.WaitLimit)
	if err != nil {
		p.l.events.drop(arrived)
		select {
		case <-gaveUp.matched:
			m := held.Msg
			return Outcome{}, fmt.Errorf("%s gave up waiting for its %s (its own timeout ran out): the message never arrived", m.From, m.Type)
		default:
			return Outcome{}, err
		}
	}
	return Outcome{Chosen: choice, Actual: ev.Node}, nil
}

// letGo ends a question nobody answered: step mode ends and the held
// message goes on, so the demo never stays stuck.
func (p *Player) letGo() {
	if p.asked != nil {
		p.others()
		p.l.Control(p.asked.Node, trace.Control{Op: trace.OpHold, On: false})
		p.l.Control("", trace.Control{Op: trace.OpStill, On: false})
		p.noteHold(p.asked.Node, false)
		p.noteStill(false)
		p.asked = nil
		if p.gaveUp != nil {
			p.l.events.drop(p.gaveUp)
			p.gaveUp = nil
		}
	}
}
