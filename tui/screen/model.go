// Package screen is the terminal UI of the dsdemo launcher, built with
// bubbletea: a home page listing the architecture models, and a live view of
// a running (or recorded) demo.
//
//	┌ home ────────────────────────┐   enter   ┌ live ─────────────────────────────┐
//	│ models    │ title, summary,  │ ────────▶ │ caption of the experiment step    │
//	│ ▸ Client/ │ roles,           │           │ [server] [client-1] [client-2]    │
//	│   Server  │ experiments,     │ ◀──────── │ client-1 ───●put──▶ server        │
//	│   ...     │ transparencies   │     q     │ sequence │ log │ inspector (tab)  │
//	└──────────────────────────────┘           │ status bar · keys                 │
//	                                           └───────────────────────────────────┘
//
// One top-level Model routes messages to the page that is showing, in the
// manner of soft-serve: the live view routes them on to its components
// (caption, topology, sequence diagram, event log, inspector, footer), each
// with its own update and view, which never reach up. What they share (the
// language, styles, size and keys) is one common struct.
//
// The live view does not know whether it shows a demo running now or a
// recording: both are a source (source.go) that reaches it only through
// messages. Trace events come in batches from a command that waits on a
// channel (the launcher's OnEvent fills the channel), so a busy demo costs
// one Update per batch, not per event; snapshots of the processes come from
// the redraw ticker's command, and every control (kill, restart, stop) runs
// in a command, never in Update. The view is laid out in Update on each
// tick; View only draws what the layout prepared.
package screen

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
	"dsdemo/tui/theme"
)

// Controller is what the live view can do to a running demo: tui/app's
// demo, a *launch.Launcher with its recording, is one.
type Controller interface {
	Procs() []launch.Proc
	Kill(node string) error
	Freeze(node string) error
	Thaw(node string) error
	Restart(ctx context.Context, node string) error
	AddClient(ctx context.Context) (string, error)
	Churn(ctx context.Context) (string, error)
	Partition(node string, on bool) error
	Control(node string, c trace.Control) error
	// Play returns a player for the experiment e on this demo, or nil
	// when it cannot play experiments.
	Play(e catalog.Experiment) Player
	Close() error
}

// Starter starts a model whose events are passed to onEvent; the live view
// drives it, and plays its experiments, through the returned Controller.
type Starter func(ctx context.Context, m catalog.Model, onEvent func(trace.Event)) (Controller, error)

// Options configure the UI.
type Options struct {
	Lang    string // "de" or "en"
	Theme   string // theme.Default or theme.Contrast
	Auto    bool   // play experiments without waiting for a key
	Pace    int    // with Auto: words a minute a caption is read aloud at before the next step; 0: DefaultPace
	Notes   bool   // the live view opens with the experiment's teacher notes in place of the lower pane (t toggles them)
	Catalog []catalog.Model
	// Warning is shown on the home page until the first model is started,
	// e.g. which of the instructor's own experiment files has a mistake.
	Warning string
	Start   Starter
	// Export writes a diagram of the events and returns where; may be nil.
	Export func(events []trace.Event) (string, error)
	// Quiz returns the quiz page the home page opens with Q; may be nil.
	Quiz func() Page
	// Notice is shown on the home page under the title: how programs of
	// other machines join (dsdemo --class). "": nothing.
	Notice string
	// Class is the audience of the runs (dsdemo serve --ssh): it is shown
	// every frame, and its answers to a question are counted in the
	// caption. Nil: nobody watches.
	Class Class
}

// Player plays a guided experiment step by step; *launch.Player is one.
type Player interface {
	Next(ctx context.Context) (catalog.Step, error)
	Done() bool
	// Predict answers the predict step just carried out with a node name
	// and tells where the held message really went.
	Predict(ctx context.Context, choice string) (launch.Outcome, error)
	// Stop ends what the player still does in the background, when the
	// class leaves its experiment for another.
	Stop()
}

// common is what every page and component shares: the language, the
// styles, the window's size, the key bindings and the help bubble that
// shows them.
type common struct {
	lang     string
	theme    theme.Theme
	width    int
	height   int
	homeKeys homeKeys
	liveKeys liveKeys
	help     help.Model
}

// t picks the German or English text.
func (c *common) t(de, en string) string { return i18n.Text{DE: de, EN: en}.In(c.lang) }

// Model is the top-level model: it routes every message to the page that
// is showing (home, live view, or another package's page) and is the only
// one that returns a tea.View.
type Model struct {
	opts Options
	c    common
	home home
	live *live // nil on the home page
	page Page  // a page of another package (the quiz), nil when none is open
	help bool
	quit bool
	// standalone: there is no home page (a replay); when the live view
	// ends, the program ends.
	standalone bool
	runs       int // the runs started, for the class
	// viewer is the instructor's run for a viewer in the class (Watch);
	// nil for the instructor. answers are the nodes the viewer chose, by
	// question.
	viewer  *Viewer
	answers map[string]string
}

// Messages of the top model.
type (
	tickMsg    time.Time
	startedMsg struct {
		ctl    Controller
		m      catalog.Model
		exp    int
		events <-chan trace.Event
		// over is called once the demo's launcher has closed: no event
		// comes after that, and over closes the channel, so the view's
		// listener ends and nothing holds the run's events. Nil: nothing to do.
		over func()
	}
	failedMsg struct{ err error }
)

// redraw is how often the live view is laid out and drawn while events arrive.
const redraw = 100 * time.Millisecond

// New returns the UI on its home page.
func New(opts Options) *Model {
	c := common{lang: opts.Lang, theme: theme.New(opts.Theme), width: 80, height: 24,
		homeKeys: newHomeKeys(), liveKeys: newLiveKeys(), help: help.New()}
	c.help.Styles = help.Styles{ShortKey: c.theme.Key, FullKey: c.theme.Key, ShortSeparator: c.theme.Faint,
		FullSeparator: c.theme.Faint, Ellipsis: c.theme.Faint}
	return &Model{opts: opts, c: c, home: home{models: opts.Catalog, experiment: -1, err: opts.Warning, class: opts.Class, notice: opts.Notice}}
}

// Init starts the redraw ticker.
func (m *Model) Init() tea.Cmd {
	if m.viewer != nil {
		return tea.Batch(tick(), listenScenes(m.viewer.Scenes))
	}
	return tick()
}

func tick() tea.Cmd { return tea.Tick(redraw, func(t time.Time) tea.Msg { return tickMsg(t) }) }

// Update routes a message to the page that is showing.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.page != nil {
		return m, m.pageUpdate(msg)
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		if m.live != nil {
			m.live.layout()
		}
		return m, nil
	case tickMsg:
		if m.live == nil {
			return m, tick()
		}
		cmd := m.live.update(msg)
		m.showClass()
		return m, tea.Batch(tick(), cmd)
	case sceneMsg:
		m.takeScene(ClassScene(msg))
		return m, listenScenes(m.viewer.Scenes)
	case sceneEndMsg:
		m.quit = true
		return m, tea.Quit
	case startedMsg:
		m.runs++
		d := newDemo(&m.c, m.opts, msg.ctl, msg.m, msg.events)
		d.over = msg.over
		if msg.exp >= 0 {
			d.choose(msg.m.Experiments[msg.exp])
		}
		m.live = newLive(&m.c, m.opts, d, msg.m)
		return m, d.init()
	case failedMsg:
		m.home.err = msg.err.Error()
		return m, nil
	case stoppedMsg:
		if m.quit {
			return m, nil // the program ends; the last frame stays as it was
		}
		m.live = nil
		m.showClass()
		if m.standalone {
			m.quit = true
			return m, tea.Quit
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	if m.live != nil {
		return m, m.live.update(msg)
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		m.quit = true
		if m.live != nil {
			return tea.Sequence(m.live.stop(), tea.Quit)
		}
		return tea.Quit
	}
	if m.help {
		m.help = false // any key closes the help
		return nil
	}
	if m.live != nil {
		switch keys := m.c.liveKeys; {
		case m.live.typing():
		case pressed(msg, keys.Help):
			m.help = true
			return nil
		case pressed(msg, keys.Back):
			return m.live.stop()
		}
		return m.live.update(msg)
	}
	keys := m.c.homeKeys
	if m.viewer != nil { // a viewer waiting for a run: only help and q
		switch {
		case pressed(msg, keys.Help):
			m.help = true
		case pressed(msg, keys.Quit), pressed(msg, m.c.liveKeys.Back):
			m.quit = true
			return tea.Quit
		}
		return nil
	}
	switch {
	case pressed(msg, keys.Help):
		m.help = true
	case pressed(msg, keys.Quit):
		m.quit = true
		return tea.Quit
	case pressed(msg, keys.Quiz):
		if m.opts.Quiz != nil {
			return m.openPage(m.opts.Quiz())
		}
	case pressed(msg, keys.Glossary):
		p, err := newGlossaryPage(&m.c, m.opts.Catalog)
		if err != nil {
			m.home.err = err.Error()
			return nil
		}
		return m.openPage(p)
	case pressed(msg, keys.Start):
		return m.start()
	default:
		m.home.key(msg.String())
	}
	return nil
}

// start starts the model chosen on the home page; its events come through
// a channel the live view listens on.
func (m *Model) start() tea.Cmd {
	if m.opts.Start == nil || len(m.home.models) == 0 {
		return nil
	}
	model, exp := m.home.model(), m.home.experiment
	m.home.err = ""
	start, events := m.opts.Start, make(chan trace.Event, eventBuffer)
	return func() tea.Msg {
		ctl, err := start(context.Background(), model, func(ev trace.Event) {
			select {
			case events <- ev:
			default: // the UI is behind: the history shows what it could take
			}
		})
		if err != nil {
			return failedMsg{err}
		}
		return startedMsg{ctl: ctl, m: model, exp: exp, events: events, over: func() { close(events) }}
	}
}

// View draws the page that is showing.
func (m *Model) View() tea.View {
	var s string
	switch {
	case m.page != nil:
		s = m.page.View()
	case m.help:
		s = m.helpView()
	case m.live != nil:
		s = m.live.view()
	case m.viewer != nil:
		s = m.waitingView()
	default:
		s = m.home.view(&m.c, m.c.width, m.c.height)
	}
	v := tea.NewView(s)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "dsdemo"
	return v
}

// helpView lists the keys of the page with what each does.
func (m *Model) helpView() string {
	c := &m.c
	keys := c.homeKeys.list()
	if m.live != nil {
		keys = c.liveKeys.list()
	}
	h := c.help
	h.FullSeparator = "  "
	var b strings.Builder
	b.WriteString(c.theme.Title.Render(c.t("Tasten", "Keys")) + "\n\n")
	b.WriteString(h.FullHelpView([][]key.Binding{helpKeys(keys, c.lang, true)}))
	b.WriteString("\n\n" + c.theme.Faint.Render(c.t("Eine beliebige Taste schließt die Hilfe.", "Any key closes the help.")))
	return fit(b.String(), c.width, c.height)
}

// fit cuts or pads s to exactly height lines of at most width cells.
func fit(s string, width, height int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > height {
		lines = lines[:max(height, 0)]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// wrap breaks text into lines of at most width cells.
func wrap(s string, width int) string {
	return lipgloss.NewStyle().Width(max(width, 10)).Render(s)
}

func padRight(s string, n int) string {
	if w := lipgloss.Width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}
