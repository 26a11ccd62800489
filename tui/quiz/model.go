// Package quiz is the quiz in the terminal UI: the screens that play the
// question bank of dsdemo/exercises/quiz (which has the same package name:
// here "quiz." always means that engine, this package only draws it).
//
//	┌ start ───────────────┐ enter ┌ question ──────────────┐ enter ┌ feedback ─────────┐
//	│ ▸ All topics     162 │ ────▶ │ Which transparency...? │ ────▶ │ ✗ Wrong           │
//	│   Transparency    12 │   x   │ ▸ 1. Location trans... │       │ right answer, why │
//	│   ...   62 % right   │ (exam)│   2. Access trans...   │ ◀──── │ (practice only)   │
//	└──────────┬───────────┘       └───────────┬────────────┘ enter └───────────────────┘
//	           │ w                             │ last answer, time up or esc
//	           ▼                               ▼
//	┌ weak topics ─────────┐       ┌ result ────────────────┐
//	│ from the progress    │       │ score by topic, missed │
//	│ file, weakest first  │       │ questions explained    │
//	└──────────────────────┘       └────────────────────────┘
//
// Model is a child component, as the pages of tui/screen are: Update
// returns only a command, View a string. The home screen opens it as a
// screen.Page (key Q); Program wraps it as a whole program for
// `dsdemo quiz`. All grading and timing is the engine's Session; this
// package turns keys into answers, answers into progress, and draws.
package quiz

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"dsdemo/exercises/quiz"
	"dsdemo/models/i18n"
	"dsdemo/tui/theme"
)

// Options configure the quiz screens.
type Options struct {
	Lang  string // "de" or "en"; only questions written in it are asked
	Theme theme.Theme
	Bank  *quiz.Bank
	// Progress is the student's history: the start page and the weak-topics
	// page show it, and every answer is added to it and saved to
	// ProgressPath. Nil: nothing is shown or saved.
	Progress     *quiz.Progress
	ProgressPath string // "" : answers are added to Progress but not saved
	// Notice is shown on the start page, for example why progress is not saved.
	Notice string
	// Topic is the topic chosen at first ("" for all).
	Topic string
	// ExamSize is the number of exam questions (0: quiz.DefaultExamCount),
	// ExamLimit the time for them (0: a minute per question).
	ExamSize  int
	ExamLimit time.Duration
	// Deepening lets an exam ask questions beyond the syllabus too
	// (quiz.DeepeningTag); practice always asks them.
	Deepening bool
	// Begin starts a session of Mode on Topic at once, without the start
	// page, as `dsdemo quiz --topic T` or `--exam N` does.
	Begin bool
	Mode  quiz.Mode
	// Seed decides the questions and their order; 0 takes one from the clock.
	Seed uint64
}

// page is the screen showing.
type page int

const (
	startPage page = iota
	askPage
	feedbackPage
	resultPage
	weakPage
)

// Model is the quiz screens.
type Model struct {
	opts          Options
	now           func() time.Time // the clock exams are timed by
	width, height int
	page          page
	done          bool // esc on the start page: the caller closes the quiz

	// The start page.
	cursor   int // 0 all topics, i the i-th topic of quiz.Topics
	examSize int
	topics   []quiz.Topic
	counts   map[string]int // questions per topic in the chosen language
	total    int

	// The session being played, and the answer being put together.
	s   *quiz.Session
	gen int // counts sessions, so that a timer tick of an earlier exam is ignored
	in  input

	// The feedback page: the last answer and whether it comes back.
	last      quiz.Result
	lastDeal  quiz.Deal
	comesBack bool

	scroll  int // result page: the first line shown
	weakCur int // weak page: the chosen topic
	err     string
}

// Messages.
type (
	tickMsg  struct{ gen int } // a second of an exam has passed
	savedMsg struct{ err error }
)

// New returns the quiz on its start page, or in a session when opts.Begin.
func New(opts Options) *Model { return newTimed(opts, time.Now) }

// newTimed is New with the clock exams are timed by.
func newTimed(opts Options, now func() time.Time) *Model {
	m := &Model{opts: opts, now: now, width: 80, height: 24, examSize: opts.ExamSize, topics: quiz.Topics(),
		counts: make(map[string]int)}
	if m.examSize <= 0 {
		m.examSize = quiz.DefaultExamCount
	}
	for i, t := range m.topics {
		m.counts[t.Tag] = len(opts.Bank.Select(t.Tag, opts.Lang))
		if t.Tag == opts.Topic {
			m.cursor = i + 1
		}
	}
	m.total = len(opts.Bank.Select("", opts.Lang))
	if opts.Begin {
		m.begin(opts.Mode, opts.Topic)
	}
	return m
}

// Init starts the timer of an exam begun by New.
func (m *Model) Init() tea.Cmd {
	if m.s != nil && m.s.Mode() == quiz.Exam && m.page == askPage {
		return m.tick()
	}
	return nil
}

// Done reports whether the student left the quiz (esc on the start page).
func (m *Model) Done() bool { return m.done }

// t picks the German or English text.
func (m *Model) t(de, en string) string { return i18n.Text{DE: de, EN: en}.In(m.opts.Lang) }

// Update handles a message and returns what to do next.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tickMsg:
		if msg.gen != m.gen || m.page != askPage {
			return nil // an earlier exam's timer, or this one is over
		}
		if m.s.Over() {
			m.finish()
			return nil
		}
		return m.tick()
	case savedMsg:
		m.err = ""
		if msg.err != nil {
			m.err = msg.err.Error()
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return nil
}

func (m *Model) tick() tea.Cmd {
	gen := m.gen
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{gen} })
}

func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	switch m.page {
	case askPage:
		return m.askKey(k)
	case feedbackPage:
		switch k.String() {
		case "enter", "space", "n":
			m.next()
		case "esc", "q":
			m.finish()
		}
	case resultPage:
		switch k.String() {
		case "up", "k":
			m.scroll = max(m.scroll-1, 0)
		case "down", "j":
			// Scrolling stops when the last line is on screen.
			m.scroll = min(m.scroll+1, max(len(m.resultLines())-(m.height-1), 0))
		case "w":
			m.page, m.weakCur = weakPage, 0
		case "enter", "esc", "q":
			m.page, m.s = startPage, nil
		}
	case weakPage:
		return m.weakKey(k.String())
	default:
		return m.startKey(k.String())
	}
	return nil
}

// begin starts a session; on the start page with a message when the
// choice has no questions.
func (m *Model) begin(mode quiz.Mode, topic string) tea.Cmd {
	seed := m.opts.Seed
	if seed == 0 {
		seed = uint64(m.now().UnixNano())
	}
	cfg := quiz.Config{Mode: mode, Topic: topic, Lang: m.opts.Lang, Seed: seed, Now: m.now}
	if mode == quiz.Exam {
		cfg.Count, cfg.Limit, cfg.Deepening = m.examSize, m.opts.ExamLimit, m.opts.Deepening
	}
	s, err := quiz.NewSession(m.opts.Bank, cfg)
	if err != nil {
		m.page, m.err = startPage, m.t("Zu dieser Auswahl gibt es keine Fragen.", "There are no questions for this choice.")
		return nil
	}
	m.s, m.err, m.scroll = s, "", 0
	m.gen++
	m.next()
	if mode == quiz.Exam {
		return m.tick()
	}
	return nil
}

// next shows the next question, or the result when there is none.
func (m *Model) next() {
	if m.s.Over() {
		m.finish()
		return
	}
	m.in = newInput(m.s.Current())
	m.page = askPage
}

// finish ends the session early or on time and shows the score.
func (m *Model) finish() {
	m.page, m.scroll = resultPage, 0
}

// submit gives the answer to the session, records it in the progress and
// moves on: to the feedback in practice, to the next question in an exam.
func (m *Model) submit(a quiz.Answer) tea.Cmd {
	_, before := m.s.Position()
	res, ok := m.s.Answer(a)
	if !ok { // the time ran out while the student was typing
		m.finish()
		return nil
	}
	_, after := m.s.Position()
	cmd := m.record(res)
	if m.s.Mode() == quiz.Practice {
		m.last, m.lastDeal, m.comesBack = res, m.in.deal, after > before
		m.page = feedbackPage
		return cmd
	}
	m.next()
	return cmd
}

// record adds an answer to the progress and saves it in a command: the
// write is I/O, which stays out of Update.
func (m *Model) record(res quiz.Result) tea.Cmd {
	p, path := m.opts.Progress, m.opts.ProgressPath
	if p == nil {
		return nil
	}
	p.Record(res.Question, res.Right, res.At)
	if path == "" {
		return nil
	}
	return func() tea.Msg { return savedMsg{p.Save(path)} }
}

// Program is the quiz as a whole program, for `dsdemo quiz`: it quits when
// the quiz is left, and on ctrl+c.
type Program struct{ *Model }

// Update passes msg to the quiz.
func (p Program) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "ctrl+c" {
		return p, tea.Quit
	}
	cmd := p.Model.Update(msg)
	if p.Done() {
		return p, tea.Quit
	}
	return p, cmd
}

// View draws the quiz on the whole screen.
func (p Program) View() tea.View {
	v := tea.NewView(p.Model.View())
	v.AltScreen = true
	v.WindowTitle = "dsdemo quiz"
	return v
}
