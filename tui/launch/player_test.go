package launch_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// testExperiments plays every experiment of every model against the real
// programs, step by step, as a class would. They run one after the other:
// in parallel they would open many ports at once, and a port reserved for a
// cooperating server (reserveAddr) could be taken before the server
// listens on it.
func testExperiments(t *testing.T, bin string) {
	for _, m := range catalog.All() {
		for _, exp := range m.Experiments {
			t.Run(m.ID+"/"+exp.ID, func(t *testing.T) {
				l, log := start(t, bin, m.ID)
				defer func() {
					if t.Failed() {
						for _, e := range log.Matching(func(e trace.Event) bool { return e.Kind == trace.KindLog || e.Kind == trace.KindState }) {
							t.Log(programtest.String(e))
						}
					}
				}()
				p := launch.NewPlayer(l, exp)
				for i := 0; !p.Done(); i++ {
					step, err := p.Next(t.Context())
					require.NoError(t, err, "step %d (%s %s)", i+1, step.Kind, step.Node)
					if step.Kind == catalog.StepPredict {
						o, err := p.Predict(t.Context(), step.Answer)
						require.NoError(t, err, "step %d: the prediction", i+1)
						assert.True(t, o.Right(), "step %d: the catalogue's answer %s is where the message goes, not %s", i+1, step.Answer, o.Actual)
					}
					assert.Equal(t, exp.Steps[i], step, "Next returns the step it carried out")
				}
				_, err := p.Next(t.Context())
				assert.Error(t, err, "no step after the last")
			})
		}
	}
}

// testClaims: a caption's claim about a node's state is checked against
// what the node reports; a false one is the step's error and says what the
// node reports instead.
func testClaims(t *testing.T, bin string) {
	l, _ := start(t, bin, "clientserver")
	keys := func(v string) catalog.Match {
		return catalog.Match{Kind: trace.KindState, Node: "server", Key: "keys", Value: v}
	}
	caption := i18n.Text{DE: "x", EN: "x"}
	p := launch.NewPlayer(l, catalog.Experiment{ID: "claims", Steps: []catalog.Step{
		{Kind: catalog.StepCaption, Caption: caption, Claims: []catalog.Match{keys("0")}},
		{Kind: catalog.StepDo, Node: "client-1", Cmd: "put a 1", Caption: caption, Claims: []catalog.Match{keys("1")}},
		{Kind: catalog.StepCaption, Caption: caption, Claims: []catalog.Match{keys("7")}},
	}})
	_, err := p.Next(t.Context())
	require.NoError(t, err, "a fresh server reports no keys")
	_, err = p.Next(t.Context())
	require.NoError(t, err, "a claim may come true a moment after the step")
	_, err = p.Next(t.Context())
	require.ErrorContains(t, err, "the caption says server has keys 7, but it reports 1")
}

// testPredictKeepsTheNodeAlive plays the peer-to-peer prediction up to its
// first question, slowly, and checks that the question still comes and
// that, while the class thinks, the peer in step mode still talks to its
// neighbours: only the message asked about waits. The instructor is slow
// from the moment step mode begins: the peer holds messages before the
// step that sends the message asked about, and each of them is let go.
func testPredictKeepsTheNodeAlive(t *testing.T, bin string) {
	exp := predictOf(t, "p2p")
	l, log := start(t, bin, "p2p")
	p := launch.NewPlayer(l, exp)
	for i := 0; ; i++ {
		if i > 0 && (exp.Steps[i].Kind == catalog.StepPredict || exp.Steps[i-1].Kind == catalog.StepFault) {
			// A class is slow: before it moves on, peer-1 has held
			// several of its messages (and the player let them go).
			since := mark(log)
			log.WaitFor(t, "peer-1 to hold three messages", func(evs []trace.Event) bool {
				n := 0
				for _, e := range evs[since:] {
					if e.Kind == trace.KindHold && e.Node == "peer-1" {
						n++
					}
				}
				return n >= 3
			})
		}
		step, err := p.Next(t.Context())
		require.NoError(t, err)
		if step.Kind == catalog.StepPredict {
			break
		}
	}
	since := mark(log)
	log.WaitFor(t, "a message of peer-1 arriving while the class thinks", func(evs []trace.Event) bool {
		return slices.ContainsFunc(evs[since:], func(e trace.Event) bool {
			return e.Kind == trace.KindRecv && e.Msg != nil && e.Msg.From == "peer-1"
		})
	})
	log.WaitFor(t, "every message peer-1 held but the one asked about let go", func(evs []trace.Event) bool {
		held := map[uint64]string{}
		for _, e := range evs {
			switch {
			case e.Node != "peer-1" || e.Msg == nil:
			case e.Kind == trace.KindHold:
				held[e.Msg.ID] = e.Msg.Type
			case e.Kind == trace.KindSend:
				delete(held, e.Msg.ID)
			}
		}
		for _, typ := range held {
			if typ != "store" {
				return false
			}
		}
		return len(held) == 1
	})
	o, err := p.Predict(t.Context(), "peer-5")
	require.NoError(t, err)
	assert.True(t, o.Right(), "the store went to %s", o.Actual)
}

// predictOf is the "predict the flow" experiment of model id.
func predictOf(t *testing.T, id string) catalog.Experiment {
	t.Helper()
	m, _ := catalog.ByID(id)
	i := slices.IndexFunc(m.Experiments, func(e catalog.Experiment) bool { return e.ID == "predict" })
	require.GreaterOrEqual(t, i, 0, "%s has a predict experiment", id)
	return m.Experiments[i]
}

// toStepMode starts the peer-to-peer model and plays its prediction up to
// the step that puts peer-1 into step mode.
func toStepMode(t *testing.T, bin string) (*launch.Launcher, *programtest.EventLog, *launch.Player) {
	t.Helper()
	l, log := start(t, bin, "p2p")
	p := launch.NewPlayer(l, predictOf(t, "p2p"))
	for {
		step, err := p.Next(t.Context())
		require.NoError(t, err)
		if step.Kind == catalog.StepFault {
			return l, log, p
		}
	}
}

// inStepMode reports whether the last faults peer-1 reported among evs
// hold step mode, and whether it reported any.
func inStepMode(evs []trace.Event) (on, reported bool) {
	for j := len(evs) - 1; j >= 0; j-- {
		if e := evs[j]; e.Kind == trace.KindState && e.Node == "peer-1" && e.Key == "faults" {
			return strings.Contains(e.Value, "hold"), true
		}
	}
	return false, false
}

// testStopEndsTheHolders: the class leaves the peer-to-peer prediction
// once step mode is on. Step mode at peer-1 ends, and the player's holder
// stops letting peer-1's messages go: when the instructor turns step mode
// on again by hand, they stay held (with a holder left running, each would
// be let go within milliseconds, long before peer-1 holds two more).
func testStopEndsTheHolders(t *testing.T, bin string) {
	l, log, p := toStepMode(t, bin)
	since := mark(log)
	p.Stop()
	log.WaitFor(t, "step mode to end at peer-1", func(evs []trace.Event) bool {
		on, reported := inStepMode(evs[since:])
		return reported && !on
	})
	since = mark(log)
	require.NoError(t, l.Control("peer-1", trace.Control{Op: trace.OpHold, On: true}))
	var first uint64
	log.WaitFor(t, "peer-1 to hold three messages in step mode of its own", func(evs []trace.Event) bool {
		n := 0
		for _, e := range evs[since:] {
			if e.Kind == trace.KindHold && e.Node == "peer-1" {
				if n++; n == 1 {
					first = e.Msg.ID
				}
			}
		}
		return n >= 3
	})
	assert.False(t, slices.ContainsFunc(log.All()[since:], func(e trace.Event) bool {
		return e.Kind == trace.KindSend && e.Node == "peer-1" && e.Msg != nil && e.Msg.ID == first
	}), "the first message held after the stop is still held")
	require.NoError(t, l.Control("peer-1", trace.Control{Op: trace.OpHold, On: false}))
}

// testStopLetsTheNextExperimentBe: the lines that end the step mode of an
// experiment the class left go out before the next experiment's first
// step, so they never undo its own step mode; and a step under way when
// Stop comes stops waiting.
func testStopLetsTheNextExperimentBe(t *testing.T, bin string) {
	l, log, a := toStepMode(t, bin)
	caption := i18n.Text{DE: "x", EN: "x"}
	b := launch.NewPlayer(l, catalog.Experiment{ID: "own", Steps: []catalog.Step{
		{Kind: catalog.StepFault, Node: "peer-1", Fault: trace.Control{Op: trace.OpHold, On: true}, Caption: caption},
		{Kind: catalog.StepWait, Until: catalog.Match{Kind: trace.KindLog, Node: "peer-1", Text: "never said"}, Caption: caption},
	}})
	a.Stop()
	_, err := b.Next(t.Context())
	require.NoError(t, err)
	log.WaitFor(t, "peer-1 in the new experiment's step mode", func(evs []trace.Event) bool {
		on, _ := inStepMode(evs)
		return on
	})

	waited := make(chan error, 1)
	go func() { _, err := b.Next(t.Context()); waited <- err }()
	b.Stop()
	select {
	case err := <-waited:
		assert.Error(t, err, "the wait ended by Stop")
	case <-time.After(catalog.WaitLimit / 2):
		t.Fatal("a wait step went on waiting after Stop")
	}
	log.WaitFor(t, "step mode ended at peer-1", func(evs []trace.Event) bool {
		on, reported := inStepMode(evs)
		return reported && !on
	})
}

// testPredictOutlastsTheSendersTimeout plays the client/server prediction
// to its question and lets the class think longer than client-1's own
// timeout (2 s): the held put waits for the class, since the sender counts
// its timeout in protocol time, which stands still while the question is
// open, and the answer gets its verdict.
func testPredictOutlastsTheSendersTimeout(t *testing.T, bin string) {
	exp := predictOf(t, "clientserver")
	l, log := start(t, bin, "clientserver")
	p := launch.NewPlayer(l, exp)
	var asked catalog.Step
	for {
		step, err := p.Next(t.Context())
		require.NoError(t, err)
		if step.Kind == catalog.StepPredict {
			asked = step
			break
		}
	}
	time.Sleep(3 * time.Second) // the class thinks, longer than the client's timeout; nothing to wait for but the clock
	assert.Empty(t, log.Matching(func(e trace.Event) bool {
		return e.Kind == trace.KindSend && e.Fault == "abandoned"
	}), "nobody gave up on a message while the class thought")
	o, err := p.Predict(t.Context(), asked.Answer)
	require.NoError(t, err)
	assert.True(t, o.Right(), "the held message went where the catalogue says: %s, not %s", asked.Answer, o.Actual)
}
