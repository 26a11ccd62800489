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
// One top-level Model routes messages to the page that is showing. Trace
// events reach it in batches from a command that waits on a channel (the
// launcher's OnEvent fills the channel), so a busy demo costs one Update per
// batch, not per event; the screen redraws on a ticker.
package screen

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// Controller is what the live view can do to a running demo; *launch.Launcher is one.
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
	Close() error
}

// Starter starts a model whose events are passed to onEvent; the live view
// plays experiments through the returned player function.
type Starter func(ctx context.Context, m catalog.Model, onEvent func(trace.Event)) (Controller, error)

// Options configure the UI.
type Options struct {
	Lang    string // "de" or "en"
	Theme   string // "default" or "contrast"
	Auto    bool   // play experiments without waiting for a key
	Catalog []catalog.Model
	Start   Starter
	// NewPlayer returns a player for an experiment on a started demo.
	NewPlayer func(c Controller, e catalog.Experiment) Player
	// Export writes a diagram of the events and returns where; may be nil.
	Export func(events []trace.Event) (string, error)
	// Quiz returns the quiz page the home page opens with Q; may be nil.
	Quiz func() Page
}

// Player plays a guided experiment step by step; *launch.Player is one.
type Player interface {
	Next(ctx context.Context) (catalog.Step, error)
	Done() bool
	// Predict answers the predict step just carried out with a node name
	// and tells where the held message really went.
	Predict(ctx context.Context, choice string) (launch.Outcome, error)
}

// common is what every page shares.
type common struct {
	lang   string
	theme  Theme
	width  int
	height int
}

// t picks the German or English text.
func (c *common) t(de, en string) string {
	if c.lang == "de" {
		return de
	}
	return en
}

// Model is the top-level model.
type Model struct {
	opts Options
	c    common
	home home
	live *live // nil on the home page
	page Page  // a page of another package (the quiz), nil when none is open
	help bool
	quit bool
}

// Messages.
type (
	tickMsg    time.Time
	eventsMsg  []trace.Event
	startedMsg struct {
		ctl    Controller
		m      catalog.Model
		exp    int
		events <-chan trace.Event
	}
	failedMsg struct{ err error }
	stepMsg   struct {
		step catalog.Step
		err  error
	}
	doneMsg    struct{ text string } // a control finished; text says how
	predictMsg struct {
		outcome launch.Outcome
		err     error
	}
)

// redraw is how often the live view is drawn while events arrive.
const redraw = 100 * time.Millisecond

// New returns the UI on its home page.
func New(opts Options) *Model {
	return &Model{opts: opts, c: common{lang: opts.Lang, theme: NewTheme(opts.Theme), width: 80, height: 24},
		home: home{models: opts.Catalog, experiment: -1}}
}

// Init starts the redraw ticker.
func (m *Model) Init() tea.Cmd { return tick() }

func tick() tea.Cmd { return tea.Tick(redraw, func(t time.Time) tea.Msg { return tickMsg(t) }) }

// Update routes a message to the page that is showing.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.page != nil {
		return m, m.pageUpdate(msg)
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		return m, nil
	case tickMsg:
		if m.live != nil {
			m.live.tick(time.Time(msg))
		}
		return m, tick()
	case startedMsg:
		m.live = newLive(&m.c, m.opts, msg.ctl, msg.m, msg.events)
		if msg.exp < 0 {
			return m, m.live.listen()
		}
		m.live.choose(msg.m.Experiments[msg.exp])
		if m.opts.Auto { // --auto: the experiment plays by itself from the start
			return m, tea.Batch(m.live.listen(), m.live.nextStep())
		}
		return m, m.live.listen()
	case failedMsg:
		m.home.err = msg.err.Error()
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg.String())
	case tea.MouseClickMsg:
		if m.live != nil {
			m.live.click(msg.X, msg.Y)
		}
		return m, nil
	}
	if m.live != nil {
		return m, m.live.update(msg)
	}
	return m, nil
}

func (m *Model) key(k string) tea.Cmd {
	replay := m.live != nil && m.live.replay != nil
	if k == "ctrl+c" || (replay && (k == "q" || k == "esc") && !m.help && !m.live.filtering) {
		if !replay {
			m.stop()
		}
		m.quit = true
		return tea.Quit // a replay has no home page to go back to
	}
	if m.help {
		m.help = false // any key closes the help
		return nil
	}
	if k == "?" {
		m.help = true
		return nil
	}
	if m.live != nil {
		if m.live.filtering {
			m.live.typeFilter(k)
			return nil
		}
		if k == "q" || k == "esc" {
			m.stop()
			return nil
		}
		return m.live.key(k)
	}
	switch k {
	case "q", "esc":
		m.quit = true
		return tea.Quit
	case "Q":
		if m.opts.Quiz != nil {
			return m.openPage(m.opts.Quiz())
		}
	case "enter":
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
			return startedMsg{ctl: ctl, m: model, exp: exp, events: events}
		}
	}
	m.home.key(k)
	return nil
}

// stop ends the live view and its demo.
func (m *Model) stop() {
	if m.live != nil {
		m.live.close()
		m.live = nil
	}
}

// View draws the page that is showing.
func (m *Model) View() tea.View {
	var s string
	switch {
	case m.page != nil:
		s = m.page.View()
	case m.help:
		s = helpView(&m.c, m.live != nil)
	case m.live != nil:
		s = m.live.view()
	default:
		s = m.home.view(&m.c, m.c.width, m.c.height)
	}
	v := tea.NewView(s)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "dsdemo"
	return v
}

// helpView lists the keys of the page.
func helpView(c *common, live bool) string {
	keys := homeKeys
	if live {
		keys = liveKeys
	}
	var b strings.Builder
	b.WriteString(c.theme.Title.Render(c.t("Tasten", "Keys")) + "\n\n")
	for _, k := range keys {
		b.WriteString("  " + c.theme.Key.Render(padRight(k.Key, 7)) + " " + k.Does.In(c.lang) + "\n")
	}
	b.WriteString("\n" + c.theme.Faint.Render(c.t("Eine beliebige Taste schließt die Hilfe.", "Any key closes the help.")))
	return fit(b.String(), c.width, c.height)
}

// footer is one line of keys, as many as fit.
func footer(c *common, keys []binding, width int) string {
	var parts []string
	used := 0
	for _, k := range keys {
		p := c.theme.Key.Render(k.Key) + " " + firstWord(k.Does.In(c.lang))
		w := lipgloss.Width(p) + 2
		if used+w > width {
			break
		}
		parts = append(parts, p)
		used += w
	}
	return strings.Join(parts, "  ")
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, ":(/"); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
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
