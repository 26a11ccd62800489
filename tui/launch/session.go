package launch

import (
	"fmt"
	"strings"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
)

// Session is a guided experiment as the class follows it: which step comes
// next, whether one is being carried out, how many more the instructor has
// asked for meanwhile, the question waiting for an answer, the caption and
// the verdict. It does no I/O and keeps no clock, so a test can drive it
// step by step, as quiz.Session is driven answer by answer; a Player
// carries the steps out, and a screen only shows the session.
//
//	s, p := launch.NewSession(exp), launch.NewPlayer(l, exp)
//	for s.Next().Run { // x: show the step's caption, then carry it out
//		i := s.Index()
//		step, err := p.Next(ctx) // the I/O; a screen runs it in a command
//		s.Carried(i, step, err)  // the player's report drives the session
//		if _, asked := s.Asking(); asked {
//			choice, _ := s.Answer(0) // the class picks the first choice
//			s.Judged(p.Predict(ctx, choice))
//		}
//	}
//
// Every method that changes the session returns a Turn: whether the caller
// now starts the player (Next, or Predict after Answer) and a note for the
// status bar.
type Session struct {
	exp     catalog.Experiment
	next    int           // the step the player carries out next, as the player last reported it
	running bool          // the player is carrying out a step or a prediction
	queued  int           // steps asked for while one was running: carried out next
	asking  *catalog.Step // a predict step whose question waits for the class's answer
	explain i18n.Text     // why the answer on its way is right or wrong
	caption i18n.Text
}

// Turn is what a change of the session asks of the caller.
type Turn struct {
	// Run: carry out the next step now (Player.Next), or after Answer the
	// prediction (Player.Predict).
	Run bool
	// Note is a line for the status bar (a failed step, the end of the
	// experiment); empty when there is nothing to say.
	Note i18n.Text
}

// NewSession returns the session of exp before its first step; its caption
// is the experiment's summary.
func NewSession(exp catalog.Experiment) *Session {
	return &Session{exp: exp, caption: exp.Summary}
}

// Experiment returns the experiment the session follows.
func (s *Session) Experiment() catalog.Experiment { return s.exp }

// Caption is the text the class reads now: the experiment's summary, the
// running step's caption, a question with its numbered choices, or the
// verdict on an answer.
func (s *Session) Caption() i18n.Text { return s.caption }

// Asking returns the predict step whose question waits for an answer.
func (s *Session) Asking() (catalog.Step, bool) {
	if s.asking == nil {
		return catalog.Step{}, false
	}
	return *s.asking, true
}

// Running reports whether the player is busy with a step or a prediction.
func (s *Session) Running() bool { return s.running }

// Queued is how many steps wait until the running one is done.
func (s *Session) Queued() int { return s.queued }

// Done reports whether every step has been carried out.
func (s *Session) Done() bool { return s.next >= len(s.exp.Steps) }

// Index is the index of the step the player carries out next.
func (s *Session) Index() int { return s.next }

// Next is the instructor asking for the next step (x). While a step runs
// it is queued; an unanswered question is given up (the player lets its
// message go), unless it is the last step's. Otherwise the caption becomes the next step's, so a wait
// step explains what it waits for while it waits, and Run says to start
// the player.
func (s *Session) Next() Turn {
	if s.running {
		s.queued++
		return Turn{}
	}
	if s.Done() {
		// Nothing left to go on to: a question of the last step stays open.
		s.queued = 0
		return Turn{Note: i18n.Text{DE: "Experiment beendet.", EN: "Experiment finished."}}
	}
	s.asking = nil
	s.running = true
	s.caption = s.exp.Steps[s.next].Caption
	return Turn{Run: true}
}

// Carried is the player's report that it carried out step index: step is
// the step, err what went wrong. A predict step now asks its question (the
// next step waits for the answer or for x); otherwise a queued step starts.
func (s *Session) Carried(index int, step catalog.Step, err error) Turn {
	s.running = false
	s.next = index + 1
	if err != nil {
		return s.then(i18n.Text{DE: "Schritt fehlgeschlagen: " + err.Error(), EN: "step failed: " + err.Error()})
	}
	if step.Kind == catalog.StepPredict {
		s.ask(step)
		return Turn{}
	}
	return s.then(i18n.Text{})
}

// then starts a queued step, if there is one, and passes note on.
func (s *Session) then(note i18n.Text) Turn {
	if s.queued == 0 {
		return Turn{Note: note}
	}
	s.queued--
	t := s.Next()
	if t.Note == (i18n.Text{}) {
		t.Note = note
	}
	return t
}

// ask shows a predict step's question with its numbered choices.
func (s *Session) ask(step catalog.Step) {
	s.asking = &step
	var choices strings.Builder
	for i, c := range step.Choices {
		fmt.Fprintf(&choices, "  [%d] %s", i+1, c)
	}
	s.caption = i18n.Text{DE: step.Caption.DE + " ▸" + choices.String(), EN: step.Caption.EN + " ▸" + choices.String()}
}

// Answer is the class's answer to the question being asked: choice i,
// counted from 0. It returns the chosen node and Run when the player is to
// let the held message go (Player.Predict); a number with no choice, or
// no question, changes nothing.
func (s *Session) Answer(i int) (string, Turn) {
	if s.asking == nil || i < 0 || i >= len(s.asking.Choices) {
		return "", Turn{}
	}
	chosen := s.asking.Choices[i]
	s.explain, s.asking = s.asking.Explain, nil
	s.running = true // until Judged; x meanwhile waits in the queue
	s.caption = i18n.Text{DE: "Vorhersage: " + chosen + " … die Nachricht geht weiter.",
		EN: "Prediction: " + chosen + " … the message goes on."}
	return chosen, Turn{Run: true}
}

// Judged is the player's report of where the held message went: the
// caption becomes the verdict on the answer, with the step's explanation.
func (s *Session) Judged(o Outcome, err error) Turn {
	s.running = false
	if err != nil {
		return s.then(i18n.Text{DE: "Vorhersage: " + err.Error(), EN: "prediction: " + err.Error()})
	}
	why := s.explain
	if o.Right() {
		s.caption = i18n.Text{DE: "✓ Richtig: " + o.Actual + ". " + why.DE, EN: "✓ Right: " + o.Actual + ". " + why.EN}
	} else {
		s.caption = i18n.Text{
			DE: "✗ Nicht " + o.Chosen + ", sondern " + o.Actual + ". " + why.DE,
			EN: "✗ Not " + o.Chosen + " but " + o.Actual + ". " + why.EN,
		}
	}
	return s.then(i18n.Text{})
}
