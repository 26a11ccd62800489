package screen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/history"
	"dsdemo/tui/launch"
)

// demo is a source that runs now: its events come from the launcher over
// a channel, its processes are steered through the Controller, and a
// guided experiment is played on it. Every call of the Controller happens
// in a command, never in Update, and reports back as a message.
type demo struct {
	c      *common
	ctl    Controller
	model  catalog.Model
	events <-chan trace.Event
	auto   bool
	pace   int       // --auto: words a minute a caption is read aloud at
	shown  time.Time // when the caption of the step being carried out was shown

	step  bool           // step mode: messages are held until released
	slow  int            // index into slowMotion
	drop  map[string]int // index into dropRates, by node
	cut   map[string]bool
	way   map[string]int // a one-way partition of the node (P): 0 none, 1 it cannot reach the others, 2 they cannot reach it
	churn bool           // peers of the model's Churn list come and go at random

	session *launch.Session // the experiment x steps through; nil until one is chosen
	player  Player
	lane    *lane  // the order in which controls reach the launcher
	over    func() // called after the launcher closed (see startedMsg.over); may be nil

	// The class watching (Options.Class); nil when nobody watches.
	class   Class
	outbox  []trace.Event // events not yet shown to the class
	asked   string        // the id of the question being asked, for the class's answers
	verdict *ClassVerdict // the last question judged
}

// Messages of a demo.
type (
	procsMsg []launch.Proc // a snapshot of the processes, from the tick
	doneMsg  struct {      // a control finished
		text  string
		procs []launch.Proc // the processes after it; nil when unknown
		seq   uint64        // its ticket in the lane; 0 for a note that took no ticket
	}
	stepMsg struct { // the player carried out a step
		player Player // the one that did: a player the class has left behind is not listened to
		index  int
		step   catalog.Step
		err    error
	}
	predictMsg struct {
		player  Player
		outcome launch.Outcome
		err     error
	}
	autoMsg  struct{ player Player } // --auto: time for the next step of this player's experiment
	churnMsg struct{}
)

func newDemo(c *common, opts Options, ctl Controller, m catalog.Model, events <-chan trace.Event) *demo {
	pace := opts.Pace
	if pace <= 0 {
		pace = DefaultPace
	}
	return &demo{c: c, ctl: ctl, model: m, events: events, auto: opts.Auto, pace: pace,
		drop: map[string]int{}, cut: map[string]bool{}, way: map[string]int{}, lane: &lane{}, class: opts.Class}
}

// choose makes e the experiment that x steps through.
func (d *demo) choose(e catalog.Experiment) {
	if d.ctl == nil {
		return // a replay: nothing to play on
	}
	if p := d.ctl.Play(e); p != nil {
		if d.player != nil {
			d.player.Stop()
		}
		d.session, d.player = launch.NewSession(e), p
	}
}

func (d *demo) init() tea.Cmd {
	if d.session != nil && d.auto { // --auto: the experiment plays by itself from the start
		return tea.Batch(d.listen(), d.next())
	}
	if d.session == nil && len(d.model.Experiments) > 0 {
		// Started without an experiment, the model waits for something to
		// do; say what.
		first := d.model.Experiments[0].Title.In(d.c.lang)
		note := fmt.Sprintf(d.c.t("Von selbst geschieht nichts: x spielt das erste Experiment („%s“), ? zeigt alle Tasten.",
			"Nothing happens by itself: x plays the first experiment (“%s”), ? shows every key."), first)
		return tea.Batch(d.listen(), func() tea.Msg { return doneMsg{text: note} })
	}
	return d.listen()
}

// listen waits for the next batch of events from the launcher.
func (d *demo) listen() tea.Cmd {
	events := d.events
	if events == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		batch := []trace.Event{ev}
		for len(batch) < 4096 {
			select {
			case ev, ok := <-events:
				if !ok {
					return eventsMsg(batch)
				}
				batch = append(batch, ev)
			default:
				return eventsMsg(batch)
			}
		}
		return eventsMsg(batch)
	}
}

func (d *demo) tick(time.Time, bool) tea.Cmd {
	ctl := d.ctl
	return func() tea.Msg { return procsMsg(ctl.Procs()) }
}

func (d *demo) stop() tea.Cmd {
	ctl, over := d.ctl, d.over
	return func() tea.Msg {
		ctl.Close() // returns once every process is reaped and the collector is done
		if over != nil {
			over()
		}
		return stoppedMsg{}
	}
}

func (d *demo) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case eventsMsg:
		if d.class != nil {
			d.outbox = append(d.outbox, msg...)
			if over := len(d.outbox) - history.DefaultCapacity; over > 0 {
				d.outbox = d.outbox[over:] // the class lost sight: it is told in a reset
			}
		}
		return d.listen()
	case stepMsg:
		if msg.player != d.player {
			return nil // an experiment the class has left
		}
		turn := d.session.Carried(msg.index, msg.step, msg.err)
		if _, asking := d.session.Asking(); asking {
			d.asked = questionID(d.session, d.model.ID, msg.index)
		}
		if _, asking := d.session.Asking(); (asking || !turn.Run && !d.session.Done()) && d.auto {
			wait := d.readFor(time.Now())
			return tea.Batch(d.turn(turn), tea.Tick(wait, func(time.Time) tea.Msg { return autoMsg{player: msg.player} }))
		}
		return d.turn(turn)
	case predictMsg:
		if msg.player != d.player {
			return nil
		}
		d.judgeClass(msg.outcome, msg.err)
		return d.turn(d.session.Judged(msg.outcome, msg.err))
	case autoMsg:
		if msg.player != d.player {
			return nil
		}
		return d.next()
	case churnMsg:
		if !d.churn {
			return nil
		}
		return tea.Batch(churnTick(), d.churnStep())
	}
	return nil
}

// DefaultPace is how many words a minute --auto reads a caption aloud at,
// unless Options.Pace says otherwise: a calm lecturer's pace.
const DefaultPace = 130

// Bounds of the time --auto gives a caption: never too short to look at the
// picture, and a question leaves time to think about it.
const (
	leastRead = 3 * time.Second
	thinkTime = 5 * time.Second
)

// readingTime is how long reading text aloud takes at wpm words a minute.
func readingTime(text string, wpm int) time.Duration {
	return time.Duration(len(strings.Fields(text))) * time.Minute / time.Duration(max(wpm, 1))
}

// readFor is how long --auto waits, at now, before the next step: until the
// caption shown has been read aloud (and, for a question, thought about),
// counting from when it was shown, at least leastRead from now.
func (d *demo) readFor(now time.Time) time.Duration {
	wait := readingTime(d.caption().In(d.c.lang), d.pace)
	if _, asking := d.session.Asking(); asking {
		wait += thinkTime
	}
	return max(wait-now.Sub(d.shown), leastRead)
}

// churnStep lets one node leave or come back.
func (d *demo) churnStep() tea.Cmd {
	ctl, c := d.ctl, d.c
	return d.inLane(func() doneMsg {
		did, err := ctl.Churn(context.Background())
		if err != nil {
			return doneMsg{text: "Churn: " + err.Error(), procs: ctl.Procs()}
		}
		return doneMsg{text: churnWords(c, did), procs: ctl.Procs()}
	})
}

// next is x: the next step of the experiment (the first experiment of the
// model when none was chosen).
func (d *demo) next() tea.Cmd {
	if d.session == nil {
		if len(d.model.Experiments) == 0 {
			return nil
		}
		d.choose(d.model.Experiments[0])
		if d.session == nil {
			return nil
		}
	}
	return d.turn(d.session.Next())
}

// turn does what the session asks: start the player on its next step, and
// put a note in the status bar.
func (d *demo) turn(t launch.Turn) tea.Cmd {
	var cmds []tea.Cmd
	if note := t.Note.In(d.c.lang); note != "" {
		cmds = append(cmds, func() tea.Msg { return doneMsg{text: note} })
	}
	if t.Run {
		d.shown = time.Now()
		p, i := d.player, d.session.Index()
		cmds = append(cmds, func() tea.Msg {
			step, err := p.Next(context.Background())
			return stepMsg{player: p, index: i, step: step, err: err}
		})
	}
	return tea.Batch(cmds...)
}

// predict answers the question being asked with choice i; the held message
// goes on and predictMsg says where it went.
func (d *demo) predict(i int) tea.Cmd {
	if d.session == nil {
		return nil
	}
	choice, turn := d.session.Answer(i)
	if !turn.Run {
		return nil
	}
	p := d.player
	return func() tea.Msg {
		o, err := p.Predict(context.Background(), choice)
		return predictMsg{player: p, outcome: o, err: err}
	}
}

func (d *demo) key(msg tea.KeyPressMsg, sel selection) (tea.Cmd, bool) {
	keys, ctl, node := d.c.liveKeys, d.ctl, sel.node
	switch k := msg.String(); {
	case pressed(msg, keys.Pause):
		if !d.step {
			return nil, false // the view pauses
		}
		d.step = false
		return d.do(d.c.t("Schrittmodus aus", "step mode off"), func() error {
			return ctl.Control("", trace.Control{Op: trace.OpHold, On: false})
		}), true
	case pressed(msg, keys.Step):
		return d.stepMessage(sel), true
	case pressed(msg, keys.Slow):
		if k == "-" {
			d.slow = max(d.slow-1, 0)
		} else {
			d.slow = min(d.slow+1, len(slowMotion)-1)
		}
		ms := slowMotion[d.slow]
		return d.do(fmt.Sprintf(d.c.t("Zeitlupe %d ms", "slow motion %d ms"), ms), func() error {
			return ctl.Control("", trace.Control{Op: trace.OpDelay, Ms: ms})
		}), true
	case pressed(msg, keys.Kill):
		return d.onNode(node, d.c.t("hart beendet", "kill"), ctl.Kill), true
	case pressed(msg, keys.Freeze):
		if sel.frozen {
			return d.onNode(node, d.c.t("aufgetaut", "thaw"), ctl.Thaw), true
		}
		return d.onNode(node, d.c.t("eingefroren", "freeze"), ctl.Freeze), true
	case pressed(msg, keys.Restart):
		return d.onNode(node, d.c.t("neu gestartet", "restart"), func(n string) error { return ctl.Restart(context.Background(), n) }), true
	case pressed(msg, keys.Partition):
		if node == "" {
			return nil, true
		}
		on := !d.cut[node]
		d.cut[node] = on
		what := fmt.Sprintf(d.c.t("%s wieder verbunden", "partition %s healed"), node)
		if on {
			what = fmt.Sprintf(d.c.t("%s abgetrennt", "partition %s cut off"), node)
		}
		return d.do(what, func() error { return ctl.Partition(node, on) }), true
	case pressed(msg, keys.OneWay):
		return d.oneWay(node), true
	case pressed(msg, keys.Drop):
		if node == "" {
			return nil, true
		}
		d.drop[node] = (d.drop[node] + 1) % len(dropRates)
		p := dropRates[d.drop[node]]
		return d.do(fmt.Sprintf(d.c.t("Verlust %s %.0f %%", "drop %s %.0f%%"), node, p*100), func() error {
			return ctl.Control(node, trace.Control{Op: trace.OpDrop, P: p})
		}), true
	case pressed(msg, keys.AddClient):
		added, failed := d.c.t("hinzugefügt: ", "added "), d.c.t("Client hinzufügen: ", "add client: ")
		return d.inLane(func() doneMsg {
			name, err := ctl.AddClient(context.Background())
			if err != nil {
				return doneMsg{text: failed + err.Error(), procs: ctl.Procs()}
			}
			return doneMsg{text: added + name, procs: ctl.Procs()}
		}), true
	case pressed(msg, keys.Churn):
		return d.toggleChurn(), true
	case pressed(msg, keys.Next):
		return d.next(), true
	case pressed(msg, keys.Predict):
		return d.predict(int(k[0] - '1')), true
	}
	return nil, false
}

func (d *demo) toggleChurn() tea.Cmd {
	note := func(s string) tea.Cmd { return func() tea.Msg { return doneMsg{text: s} } }
	if len(d.model.Churn) == 0 {
		return note(d.c.t("Dieses Modell kennt kein Churn", "this model has no churn"))
	}
	d.churn = !d.churn
	if !d.churn {
		return note(d.c.t("Churn aus", "churn off"))
	}
	return tea.Batch(note(d.c.t("Churn an: Peers gehen und kommen", "churn on: peers leave and join")), churnTick())
}

// churnTick schedules the next step of churn, two to five seconds from
// now: irregular, as real peers come and go, but slow enough for the ring
// to repair itself in between.
func churnTick() tea.Cmd {
	return tea.Tick(time.Duration(2000+rand.IntN(3000))*time.Millisecond, func(time.Time) tea.Msg { return churnMsg{} })
}

// stepMessage turns step mode on, then releases the oldest held message.
func (d *demo) stepMessage(sel selection) tea.Cmd {
	ctl := d.ctl
	if !d.step {
		d.step = true
		return d.do(d.c.t("Schrittmodus: n gibt die nächste Nachricht frei", "step mode: n releases the next message"), func() error {
			return ctl.Control("", trace.Control{Op: trace.OpHold, On: true})
		})
	}
	for _, a := range sel.store.InFlight() {
		if a.Held {
			return d.do(fmt.Sprintf(d.c.t("freigegeben: %s %s→%s", "released %s %s→%s"), a.Type, a.From, a.To), func() error {
				return ctl.Control(a.From, trace.Control{Op: trace.OpRelease, ID: a.ID})
			})
		}
	}
	note := d.c.t("Keine Nachricht wartet.", "No message is waiting.")
	return func() tea.Msg { return doneMsg{text: note} }
}

// do runs a control in a command and reports how it went, with the
// processes as they are after it.
func (d *demo) do(what string, f func() error) tea.Cmd {
	ctl := d.ctl
	return d.inLane(func() doneMsg {
		if err := f(); err != nil {
			return doneMsg{text: what + ": " + err.Error(), procs: ctl.Procs()}
		}
		return doneMsg{text: what, procs: ctl.Procs()}
	})
}

// inLane makes f a command that runs in the lane, after every control
// asked for before it.
func (d *demo) inLane(f func() doneMsg) tea.Cmd {
	l := d.lane
	c := l.add(f)
	return func() tea.Msg { return l.wait(c) }
}

func (d *demo) onNode(node, verb string, f func(string) error) tea.Cmd {
	if node == "" {
		return nil
	}
	return d.do(verb+" "+node, func() error { return f(node) })
}

func (d *demo) caption() i18n.Text {
	if d.session == nil {
		return i18n.Text{}
	}
	if chart := d.classChart(); chart != "" {
		c := d.session.Caption()
		return i18n.Text{DE: c.DE + "\n" + chart, EN: c.EN + "\n" + chart}
	}
	return d.session.Caption()
}

func (d *demo) badges(c *common) []string {
	var out []string
	if d.slow > 0 {
		out = append(out, fmt.Sprintf(c.t("Zeitlupe %g s", "slow motion %g s"), float64(slowMotion[d.slow])/1000))
	}
	if d.step {
		out = append(out, c.theme.Held.Render(c.t("⏸ Schrittmodus", "⏸ step mode")))
	}
	if d.churn {
		out = append(out, c.theme.Held.Render("Churn"))
	}
	if d.class != nil { // before the experiment's title, which may be cut off
		out = append(out, fmt.Sprintf(c.t("%d sehen zu", "%d watching"), d.class.Watching()))
	}
	if d.session != nil {
		out = append(out, c.t("Experiment: ", "experiment: ")+d.session.Experiment().Title.In(c.lang))
	}
	return out
}

func (d *demo) mark(node string) string {
	var s string
	if d.cut[node] {
		s += "⛓"
	}
	if i := d.drop[node]; i > 0 {
		s += fmt.Sprintf(" %.0f%%", dropRates[i]*100)
	}
	return s
}

func (d *demo) delay() time.Duration {
	return time.Duration(max(slowMotion[d.slow], 500)) * time.Millisecond
}

// enable names the role key a adds when the model adds another than a
// client (the broker adds consumers).
func (d *demo) enable(keys *liveKeys) {
	if role := d.model.Adds; role != "" && role != "client" {
		keys.AddClient.short = t(role, role)
		keys.AddClient.long = t(role+" hinzufügen", "add a "+role)
	}
}

func (d *demo) runTime(now time.Time) time.Time { return now }

func (d *demo) explaining() bool { return d.session != nil }

// oneWayPartitioner is a Controller that can cut a link in one direction
// only (the launcher can, launch.Launcher.PartitionOneWay).
type oneWayPartitioner interface {
	PartitionOneWay(node string, peers ...string) error
}

// oneWay is the P key: each press moves node on to the next direction of
// a one-way partition: it cannot reach the others, the others cannot reach
// it, healed again. Each change first heals what was cut before.
func (d *demo) oneWay(node string) tea.Cmd {
	ctl, ok := d.ctl.(oneWayPartitioner)
	if node == "" || !ok {
		return nil
	}
	d.way[node] = (d.way[node] + 1) % 3
	d.cut[node] = false
	way := d.way[node]
	what := []string{
		fmt.Sprintf(d.c.t("%s wieder verbunden", "partition %s healed"), node),
		fmt.Sprintf(d.c.t("Einbahn: %s erreicht die anderen nicht", "one-way: %s cannot reach the others"), node),
		fmt.Sprintf(d.c.t("Einbahn: die anderen erreichen %s nicht", "one-way: the others cannot reach %s"), node),
	}[way]
	return d.do(what, func() error {
		if err := d.ctl.Partition(node, false); err != nil || way == 0 {
			return err
		}
		var others []string
		for _, p := range d.ctl.Procs() {
			if p.Node != node {
				others = append(others, p.Node)
			}
		}
		if way == 1 {
			return ctl.PartitionOneWay(node, others...)
		}
		var errs []error
		for _, o := range others {
			errs = append(errs, ctl.PartitionOneWay(o, node))
		}
		return errors.Join(errs...)
	})
}
