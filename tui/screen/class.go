package screen

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// The classroom: every student watches the instructor's run on a screen
// of their own and answers its questions there (tui/classroom serves the
// views over SSH).
//
//	instructor's live view ──Show(scene)──▶ Class ──scenes──▶ viewer 1 … n
//	   caption + the class's bar chart ◀──Answers──┘ ◀──Answer(1–9)──┘
//
// Every frame, the instructor's live view hands the class a ClassScene:
// the events since the last one and what a viewer needs to draw the rest
// as the instructor sees it (the processes, the caption, the badges, the
// question being asked). A viewer runs the same live view, fed by a
// watching source instead of a demo: it can select nodes, scroll and open
// the inspector, but no key of it reaches the run. Only 1–9 while a
// question is asked goes back, as that viewer's answer.

// Class is the audience of the instructor's runs; tui/classroom's Hub is
// one. Its methods are called from the UI's Update and must not block.
type Class interface {
	// Show passes on what the instructor's live view shows now.
	Show(s ClassScene)
	// Answers counts the viewers' answers to question q so far, one count
	// per choice.
	Answers(q string) []int
	// Judge closes question q, whose held message went to actual, and
	// returns one trace.KindAnswer event per viewer who answered it, for
	// the run's recording.
	Judge(q, actual string) []trace.Event
	// Status is one line for the instructor's home page: how to join,
	// who watches.
	Status(lang string) string
	// Watching is how many viewers watch now.
	Watching() int
}

// Viewer is the instructor's run as one viewer receives it, from the
// class (tui/classroom's Hub).
type Viewer struct {
	// Scenes are the frames from now on: the first carries the run so far
	// (Reset), as does any after the viewer fell behind. The class closes
	// it when it ends.
	Scenes <-chan ClassScene
	// Answer records this viewer's answer to question q: choice i, from 0.
	Answer func(q string, i int)
	// Answered are the nodes the viewer chose so far, by question; nil
	// for none.
	Answered map[string]string
}

// ClassScene is one frame of the instructor's live view, as a viewer
// needs it.
type ClassScene struct {
	Running bool          // a model runs; false: the instructor is on the home page
	Run     int           // counts the instructor's runs: a new number is a new run
	Model   catalog.Model // the model that runs
	Reset   bool          // Events is the whole run so far, not what came since the last scene
	Events  []trace.Event
	Procs   []launch.Proc
	Caption i18n.Text

	// What the title line's badges say.
	Slow        time.Duration // slow motion per message; 0: none
	Step, Churn bool
	Experiment  i18n.Text

	Marks      map[string]string // what the instructor's view adds to a node's label
	Delay      time.Duration     // how long a message takes to arrive on the picture
	Explaining bool

	Question *ClassQuestion // the question being asked; nil when none
	Verdict  *ClassVerdict  // the last question judged; nil before the first
}

// ClassQuestion is a "predict the flow" question the class answers.
type ClassQuestion struct {
	ID      string // model/experiment#step, unique in a run
	Choices []string
}

// ClassVerdict is where the held message of question ID really went.
type ClassVerdict struct {
	ID, Actual string
}

// questionID names the step i of the experiment of s for answers.
func questionID(s *launch.Session, model string, i int) string {
	return fmt.Sprintf("%s/%s#%d", model, s.Experiment().ID, i+1)
}

// scene is what the demo shows now, for the class.
func (d *demo) scene(events []trace.Event, procs []launch.Proc) ClassScene {
	s := ClassScene{Running: true, Model: d.model, Events: events, Procs: procs, Caption: d.caption(),
		Step: d.step, Churn: d.churn, Delay: d.delay(), Explaining: d.explaining(), Marks: map[string]string{},
		Verdict: d.verdict}
	if d.slow > 0 {
		s.Slow = time.Duration(slowMotion[d.slow]) * time.Millisecond
	}
	for _, p := range procs {
		if m := d.mark(p.Node); m != "" {
			s.Marks[p.Node] = m
		}
	}
	if d.session != nil {
		s.Caption = d.session.Caption() // without the instructor's bar chart
		s.Experiment = d.session.Experiment().Title
		if step, asking := d.session.Asking(); asking {
			s.Question = &ClassQuestion{ID: d.asked, Choices: step.Choices}
		}
	}
	return s
}

// Recorder is a Controller that keeps events of the UI's own in the run's
// recording: the class's answers (tui/app's demo is one).
type Recorder interface {
	Record(ev trace.Event)
}

// judgeClass closes the class's question when the held message has gone
// where the outcome says: the viewers see the verdict with the next scene,
// and their answers go into the recording.
func (d *demo) judgeClass(o launch.Outcome, err error) {
	if d.class == nil || d.asked == "" {
		return
	}
	q := d.asked
	d.asked = ""
	if err != nil {
		return
	}
	d.verdict = &ClassVerdict{ID: q, Actual: o.Actual}
	answers := d.class.Judge(q, o.Actual)
	if r, ok := d.ctl.(Recorder); ok {
		for _, ev := range answers {
			r.Record(ev)
		}
	}
}

// classChart is the instructor's bar chart of the class's answers to the
// question being asked.
func (d *demo) classChart() string {
	step, asking := d.session.Asking()
	if d.class == nil || !asking {
		return ""
	}
	counts := d.class.Answers(d.asked)
	total := 0
	for _, n := range counts {
		total += n
	}
	most := max(total, 1)
	var b strings.Builder
	b.WriteString(d.c.t("Die Klasse", "The class"))
	for i, choice := range step.Choices {
		n := 0
		if i < len(counts) {
			n = counts[i]
		}
		fmt.Fprintf(&b, "\n[%d] %-12s %s %d", i+1, choice, strings.Repeat("█", n*20/most)+strings.Repeat("·", 20-n*20/most), n)
	}
	fmt.Fprintf(&b, "\n%d %s", total, d.c.t("Antworten", "answers"))
	return b.String()
}

// watching is the source of a viewer in the class: the instructor's run,
// scene by scene, with no key that changes it.
type watching struct {
	c      *common
	answer func(q string, i int)
	last   ClassScene
	// answers are the nodes this viewer chose, by question; shared by the
	// watching sources of one viewer's runs.
	answers map[string]string
}

// Messages of the classroom.
type (
	sceneMsg    ClassScene
	sceneEndMsg struct{} // the class ended: the instructor quit
)

// Watch returns the UI of a viewer in the class: it waits for the
// instructor to start a model, then shows the run as the instructor's
// live view does, with the viewer's own size, language and theme, until
// q or the end of the class.
func Watch(opts Options, v Viewer) *Model {
	m := New(opts)
	m.standalone = true
	m.viewer = &v
	m.answers = map[string]string{}
	for q, node := range v.Answered {
		m.answers[q] = node
	}
	return m
}

// Take shows scene s in a viewer's UI made by Watch, as if it had come
// from the viewer's scenes. With Frame, it lets tui/classroom draw one
// frame for all the viewers who see the same, without a program of its
// own: it calls them in turn, never at once.
func (m *Model) Take(s ClassScene) { m.takeScene(s) }

// Frame lays out a viewer's UI made by Watch at time now and draws it.
func (m *Model) Frame(now time.Time) string {
	m.Update(tickMsg(now))
	return m.View().Content
}

// listenScenes waits for the next scene.
func listenScenes(scenes <-chan ClassScene) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-scenes
		if !ok {
			return sceneEndMsg{}
		}
		return sceneMsg(s)
	}
}

// takeScene shows a scene of the instructor's run: a new run (or a reset)
// gets a live view of its own, any other scene goes on the one there is.
func (m *Model) takeScene(s ClassScene) {
	if !s.Running {
		m.live = nil
		return
	}
	w, _ := m.liveSource().(*watching)
	if m.live == nil || w == nil || s.Reset || w.last.Run != s.Run {
		w = &watching{c: &m.c, answer: m.viewer.Answer, answers: m.answers}
		w.last = s
		m.live = newLive(&m.c, m.opts, w, s.Model)
	}
	w.last = s
	m.live.add(s.Events)
	m.live.procs = s.Procs
	m.live.layout()
}

// liveSource is the source of the live view; nil on the home page.
func (m *Model) liveSource() source {
	if m.live == nil {
		return nil
	}
	return m.live.src
}

// waitingView is a viewer's page until the instructor starts a model.
func (m *Model) waitingView() string {
	c := &m.c
	s := c.theme.Title.Render("dsdemo") + "\n\n" +
		wrap(c.t("Sie sehen zu. Sobald die Lehrperson ein Modell startet, erscheint sein Lauf hier; Fragen an die Klasse beantworten Sie mit 1–9. q verlässt die Klasse.",
			"You are watching. As soon as the instructor starts a model, its run appears here; you answer questions to the class with 1–9. q leaves the class."), c.width)
	return fit(s, c.width, c.height)
}

// showClass hands the class what the instructor's live view shows now.
func (m *Model) showClass() {
	if m.opts.Class == nil || m.viewer != nil {
		return
	}
	d, ok := m.liveSource().(*demo)
	if !ok {
		m.opts.Class.Show(ClassScene{})
		return
	}
	events := d.outbox
	d.outbox = nil
	s := d.scene(events, m.live.procs)
	s.Run = m.runs
	m.opts.Class.Show(s)
}

func (w *watching) init() tea.Cmd { return nil }

func (w *watching) update(msg tea.Msg) tea.Cmd { return nil }

func (w *watching) tick(time.Time, bool) tea.Cmd { return nil }

// key answers the question being asked with 1–9; every other key of the
// run's is turned off (enable).
func (w *watching) key(msg tea.KeyPressMsg, _ selection) (tea.Cmd, bool) {
	q := w.last.Question
	if !pressed(msg, w.c.liveKeys.Predict) || q == nil {
		return nil, false
	}
	i := int(msg.String()[0] - '1')
	if i < 0 || i >= len(q.Choices) {
		return nil, true
	}
	w.answers[q.ID] = q.Choices[i]
	w.answer(q.ID, i)
	return nil, true
}

func (w *watching) stop() tea.Cmd { return func() tea.Msg { return stoppedMsg{} } }

// caption is the instructor's caption, and the viewer's own line.
func (w *watching) caption() i18n.Text {
	text := w.last.Caption
	chosen := ""
	if q := w.last.Question; q != nil {
		chosen = w.answers[q.ID]
	} else if v := w.last.Verdict; v != nil {
		chosen = w.answers[v.ID]
	}
	if de, en := AnswerLine("de", w.last, chosen), AnswerLine("en", w.last, chosen); en != "" {
		text = i18n.Text{DE: text.DE + "\n" + de, EN: text.EN + "\n" + en}
	}
	return text
}

// AnswerLine is the line of a viewer's caption that is theirs alone: the
// prompt to answer the question of s, the answer they chose, or the
// verdict on it; "" when there is none. chosen is "" for a viewer who has
// not answered. tui/classroom draws one frame for many viewers with
// chosen "", and puts each viewer's own line in its place.
func AnswerLine(lang string, s ClassScene, chosen string) string {
	t := func(de, en string) string { return i18n.Text{DE: de, EN: en}.In(lang) }
	q, v := s.Question, s.Verdict
	switch {
	case q != nil && chosen == "":
		return t("▶ Antworten Sie mit 1–9 auf Ihrer Tastatur.", "▶ Answer with 1–9 on your keyboard.")
	case q != nil:
		return t("Ihre Antwort: "+chosen+" (mit 1–9 ändern)", "Your answer: "+chosen+" (1–9 changes it)")
	case v == nil:
		return ""
	case chosen == "":
		return t("Die Nachricht ging an "+v.Actual+".", "The message went to "+v.Actual+".")
	case chosen == v.Actual:
		return t("✓ Ihre Antwort "+chosen+" war richtig.", "✓ Your answer "+chosen+" was right.")
	}
	return t("✗ Ihre Antwort war "+chosen+", die Nachricht ging an "+v.Actual+".", "✗ You said "+chosen+"; the message went to "+v.Actual+".")
}

func (w *watching) badges(c *common) []string {
	var out []string
	if w.last.Slow > 0 {
		out = append(out, fmt.Sprintf(c.t("Zeitlupe %g s", "slow motion %g s"), w.last.Slow.Seconds()))
	}
	if w.last.Step {
		out = append(out, c.theme.Held.Render(c.t("⏸ Schrittmodus", "⏸ step mode")))
	}
	if w.last.Churn {
		out = append(out, c.theme.Held.Render("Churn"))
	}
	if w.last.Experiment != (i18n.Text{}) {
		out = append(out, c.t("Experiment: ", "experiment: ")+w.last.Experiment.In(c.lang))
	}
	return append(out, c.t("Zuschauer", "watching"))
}

func (w *watching) mark(node string) string         { return w.last.Marks[node] }
func (w *watching) delay() time.Duration            { return max(w.last.Delay, 500*time.Millisecond) }
func (w *watching) runTime(now time.Time) time.Time { return now }
func (w *watching) explaining() bool                { return w.last.Explaining }
func (w *watching) enable(keys *liveKeys) {
	// What a viewer may do changes only their own screen; the teacher
	// notes would tell the answers.
	for _, b := range []*binding{&keys.Next, &keys.Step, &keys.Slow, &keys.Kill, &keys.Freeze, &keys.Restart,
		&keys.Partition, &keys.OneWay, &keys.Drop, &keys.AddClient, &keys.Churn, &keys.Notes, &keys.Export} {
		b.SetEnabled(false)
	}
	keys.Predict.long = t("Antwort auf die Frage an die Klasse", "answer the question to the class")
	keys.Back.short, keys.Back.long = t("verlassen", "leave"), t("die Klasse verlassen", "leave the class")
}
