package record

import (
	"context"
	"slices"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/tui/launch"
)

// Player plays a guided experiment step by step: a *launch.Player, or
// anything with its methods (the live view's screen.Player is the same).
type Player interface {
	Next(ctx context.Context) (catalog.Step, error)
	Done() bool
	Predict(ctx context.Context, choice string) (launch.Outcome, error)
	Stop()
}

// Narrator is a Player that notes in a recording what the class read while
// the experiment played: the summary, each step's caption, a question with
// its choices, the answer, the verdict. It passes every call on to the
// player it wraps and follows the calls and their results with a
// launch.Session of its own, the same the live view keeps, so the captions
// it notes are the ones the screen showed, in both languages:
//
//	player := w.Narrate(exp, launch.NewPlayer(l, exp))
//	step, err := player.Next(ctx) // notes the step's caption, then carries it out
//
// Like the player it wraps, a Narrator is used by one goroutine at a time.
type Narrator struct {
	w       *Writer
	player  Player
	exp     catalog.Experiment
	session *launch.Session
	next    int // the index of the step the player carries out next
	index   int // the index of the step the caption belongs to; -1 before the first
	shown   i18n.Text
}

// Narrate returns a Narrator that plays exp with player and notes its
// captions in w; it notes the experiment's summary at once, since the live
// view shows it as soon as the experiment is chosen.
func (w *Writer) Narrate(exp catalog.Experiment, player Player) *Narrator {
	n := &Narrator{w: w, player: player, exp: exp, session: launch.NewSession(exp), index: -1}
	n.note(Step{})
	return n
}

// Done reports whether every step has been carried out.
func (n *Narrator) Done() bool { return n.player.Done() }

// Stop stops the player.
func (n *Narrator) Stop() { n.player.Stop() }

// Next carries out the next step: the caption is noted when the step
// starts, as the class reads it while it runs, and a question's choices
// when the step has prepared it.
func (n *Narrator) Next(ctx context.Context) (catalog.Step, error) {
	i := n.next
	if n.session.Next().Run {
		n.index = i
		n.note(Step{})
	}
	step, err := n.player.Next(ctx)
	n.next = i + 1
	n.session.Carried(i, step, err)
	if asked, ok := n.session.Asking(); ok {
		n.note(Step{Choices: asked.Choices})
	}
	return step, err
}

// Predict answers the question asked with choice and notes the answer,
// then the verdict.
func (n *Narrator) Predict(ctx context.Context, choice string) (launch.Outcome, error) {
	if asked, ok := n.session.Asking(); ok {
		n.session.Answer(slices.Index(asked.Choices, choice))
		n.note(Step{Chosen: choice})
	}
	o, err := n.player.Predict(ctx, choice)
	n.session.Judged(o, err)
	n.note(Step{Chosen: o.Chosen, Actual: o.Actual})
	return o, err
}

// note writes the session's caption, with what s adds, unless it is the
// caption noted last. A recording that cannot be written does not stop
// the experiment: the next Write reports it.
func (n *Narrator) note(s Step) {
	caption := n.session.Caption()
	if caption == n.shown {
		return
	}
	n.shown = caption
	s.Experiment, s.Title, s.Index, s.Caption = n.exp.ID, n.exp.Title, n.index, caption
	_ = n.w.Step(s)
}
