package classroom

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"dsdemo/tui/screen"
)

// student is the UI of one viewer: the shared frame of its key with its
// own answer line while it only watches, and a live view of its own once
// it presses a key that changes what it sees.
type student struct {
	hub     *Hub
	name    string
	key     viewKey
	shared  *sharedView       // nil once the viewer has a view of its own
	own     *screen.Model     // the viewer's own UI; nil while it shares
	cancel  func()            // ends own's subscription
	answers map[string]string // the nodes this viewer chose, by question
	mine    bool              // the shared frame cannot show this viewer's line: go own at the next message
}

type tickMsg time.Time

func tick() tea.Cmd { return tea.Tick(redraw, func(t time.Time) tea.Msg { return tickMsg(t) }) }

// newStudent returns the UI of viewer name, sharing at first.
func newStudent(hub *Hub, name string, k viewKey) *student {
	return &student{hub: hub, name: name, key: k, shared: hub.share(k), answers: map[string]string{}}
}

func (s *student) Init() tea.Cmd { return tick() }

func (s *student) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s.own != nil {
		_, cmd := s.own.Update(msg)
		return s, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		s.key.width, s.key.height = msg.Width, msg.Height
		s.hub.unshare(s.shared.key(), s.shared)
		s.shared = s.hub.share(s.key)
	case tickMsg:
		if s.hub.ended() {
			return s, tea.Quit
		}
		if s.mine {
			return s, s.goOwn(nil)
		}
		return s, tick()
	case tea.KeyPressMsg:
		switch k := msg.String(); {
		case k == "q" || k == "esc" || k == "ctrl+c":
			return s, tea.Quit
		case len(k) == 1 && k >= "1" && k <= "9":
			if q := s.hub.asking(); q != nil {
				if i := int(k[0] - '1'); i < len(q.Choices) {
					s.answers[q.ID] = q.Choices[i]
					s.hub.answer(s.name, q.ID, i)
				}
			}
		default:
			return s, s.goOwn(msg)
		}
	}
	return s, nil
}

// goOwn gives the viewer a live view of its own, fed the run so far, and
// passes it key (nil for none).
func (s *student) goOwn(key tea.Msg) tea.Cmd {
	s.hub.unshare(s.shared.key(), s.shared)
	s.shared = nil
	v, cancel := s.hub.Subscribe(s.name)
	v.Answered = s.answers
	s.own, s.cancel = screen.Watch(screen.Options{Lang: s.key.lang, Theme: s.key.theme}, v), cancel
	s.own.Update(tea.WindowSizeMsg{Width: s.key.width, Height: s.key.height})
	cmds := []tea.Cmd{s.own.Init()}
	if key != nil {
		_, cmd := s.own.Update(key)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// View is the shared frame with this viewer's own answer line.
func (s *student) View() tea.View {
	if s.own != nil {
		return s.own.View()
	}
	frame, scene := s.shared.draw(time.Now())
	chosen := ""
	if q := scene.Question; q != nil {
		chosen = s.answers[q.ID]
	} else if v := scene.Verdict; v != nil {
		chosen = s.answers[v.ID]
	}
	if chosen != "" {
		lang := s.key.lang
		var ok bool
		frame, ok = withOwnLine(frame, screen.AnswerLine(lang, scene, ""), screen.AnswerLine(lang, scene, chosen))
		s.mine = s.mine || !ok
	}
	v := tea.NewView(frame)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "dsdemo"
	return v
}

// leave ends what the viewer holds in the hub.
func (s *student) leave() {
	if s.shared != nil {
		s.hub.unshare(s.shared.key(), s.shared)
		s.shared = nil
	}
	if s.cancel != nil {
		s.cancel()
	}
}
