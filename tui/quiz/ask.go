package quiz

import (
	"charm.land/lipgloss/v2"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"dsdemo/exercises/quiz"
)

// input is the answer being put together for one question. Positions are
// those on screen; deal.Answer turns them into the file's order.
type input struct {
	deal    quiz.Deal
	cursor  int
	picked  []bool // Multiple: the ticked choices
	rows    []int  // Match and Order: the shown items in the order the student put them
	grabbed bool   // Match and Order: the item under the cursor moves with it
	line    string // Short: the answer; Match and Order: a typed order like "3 1 2"
	hint    string // why the last enter was not taken
}

func newInput(d quiz.Deal) input {
	in := input{deal: d, picked: make([]bool, len(d.Shown)), rows: make([]int, len(d.Shown))}
	for i := range in.rows {
		in.rows[i] = i
	}
	return in
}

// askKey turns a key into a step of the answer, or into the answer.
func (m *Model) askKey(k tea.KeyPressMsg) tea.Cmd {
	in := &m.in
	key := k.String()
	if key == "esc" {
		m.finish()
		return nil
	}
	in.hint = ""
	n := len(in.deal.Shown)
	switch in.deal.Kind {
	case quiz.Short:
		switch key {
		case "enter":
			if strings.TrimSpace(in.line) == "" {
				in.hint = m.t("Erst eine Antwort tippen.", "Type an answer first.")
				return nil
			}
			return m.submit(quiz.Answer{Text: in.line})
		case "backspace":
			in.line = dropLast(in.line)
		default:
			in.line += k.Text // printable keys only carry text
		}

	case quiz.Single, quiz.Multiple:
		single := in.deal.Kind == quiz.Single
		switch key {
		case "up", "k":
			in.cursor = (in.cursor + n - 1) % n
		case "down", "j":
			in.cursor = (in.cursor + 1) % n
		case "space":
			if single {
				return m.submit(in.deal.Answer([]int{in.cursor}))
			}
			in.picked[in.cursor] = !in.picked[in.cursor]
		case "enter":
			if single {
				return m.submit(in.deal.Answer([]int{in.cursor}))
			}
			var chosen []int
			for i, p := range in.picked {
				if p {
					chosen = append(chosen, i)
				}
			}
			if len(chosen) == 0 {
				in.hint = m.t("Mit Leertaste mindestens eine Antwort ankreuzen.", "Tick at least one answer with space.")
				return nil
			}
			return m.submit(in.deal.Answer(chosen))
		default:
			if d, err := strconv.Atoi(key); err == nil && d >= 1 && d <= n {
				in.cursor = d - 1
				if !single {
					in.picked[in.cursor] = !in.picked[in.cursor]
				}
			}
		}

	case quiz.Match, quiz.Order:
		switch key {
		case "up", "k":
			in.move(-1)
		case "down", "j":
			in.move(+1)
		case "space":
			if in.line != "" {
				in.line += " "
			} else {
				in.grabbed = !in.grabbed
			}
		case "backspace":
			in.line = dropLast(in.line)
		case "enter":
			if in.line != "" {
				rows, err := parseOrder(in.line, n)
				if err != nil {
					in.hint = m.t(fmt.Sprintf("Jede Zahl von 1 bis %d genau einmal tippen, etwa %q.", n, example(n)),
						fmt.Sprintf("Type each number from 1 to %d once, like %q.", n, example(n)))
					return nil
				}
				in.rows = rows
			}
			return m.submit(in.deal.Answer(in.rows))
		default:
			if r := []rune(k.Text); len(r) == 1 && (unicode.IsDigit(r[0]) || r[0] == ',') {
				in.line += k.Text
			}
		}
	}
	return nil
}

// move goes up or down a row; with an item grabbed, the item goes along.
func (in *input) move(d int) {
	to := in.cursor + d
	if to < 0 || to >= len(in.rows) {
		return
	}
	if in.grabbed {
		in.rows[in.cursor], in.rows[to] = in.rows[to], in.rows[in.cursor]
	}
	in.cursor = to
}

// parseOrder reads a typed order like "3 1 2" (or "3,1,2", or "312" when
// there are fewer than ten items) into positions on screen.
func parseOrder(s string, n int) ([]int, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(fields) == 1 && len(fields[0]) == n && n < 10 {
		fields = strings.Split(fields[0], "")
	}
	if len(fields) != n {
		return nil, fmt.Errorf("want %d numbers, got %d", n, len(fields))
	}
	rows := make([]int, n)
	seen := make([]bool, n)
	for i, f := range fields {
		d, err := strconv.Atoi(f)
		if err != nil || d < 1 || d > n || seen[d-1] {
			return nil, fmt.Errorf("%q is not a new number from 1 to %d", f, n)
		}
		seen[d-1] = true
		rows[i] = d - 1
	}
	return rows, nil
}

// example is a typed order for n items that is not the identity: "2 3 1".
func example(n int) string {
	parts := make([]string, n)
	for i := range n {
		parts[i] = strconv.Itoa((i+1)%n + 1)
	}
	return strings.Join(parts, " ")
}

func dropLast(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return string(r[:len(r)-1])
}

// askView draws the question and the answer so far.
func (m *Model) askView() string {
	th, in, lang := m.opts.Theme, &m.in, m.opts.Lang
	width := min(m.width, 100)
	var b strings.Builder
	b.WriteString(m.header() + "\n\n")
	b.WriteString(th.Title.Render(wrap(in.deal.Text.In(lang), width)) + "\n\n")

	switch in.deal.Kind {
	case quiz.Single, quiz.Multiple:
		for k := range in.deal.Shown {
			mark := ""
			if in.deal.Kind == quiz.Multiple {
				mark = "[ ] "
				if in.picked[k] {
					mark = "[x] "
				}
			}
			b.WriteString(m.row(k == in.cursor, false, fmt.Sprintf("%s%d. %s", mark, k+1, in.deal.Item(k).In(lang)), width) + "\n")
		}
	case quiz.Match:
		leftW := 0
		for _, p := range in.deal.Pairs {
			leftW = max(leftW, textWidth(p.Left.In(lang)))
		}
		leftW = min(leftW, (width-10)/2) // the left and right columns share the line
		for i, p := range in.deal.Pairs {
			k := in.rows[i]
			left := wrap(fmt.Sprintf("%d. %s", i+1, p.Left.In(lang)), leftW+3)
			right := wrap(fmt.Sprintf("[%d] %s", k+1, in.deal.Item(k).In(lang)), width-2-(leftW+3)-5)
			line := lipgloss.JoinHorizontal(lipgloss.Top, left, "  ↔  ", right)
			b.WriteString(m.row(i == in.cursor, in.grabbed, line, width) + "\n")
		}
	case quiz.Order:
		for i, k := range in.rows {
			b.WriteString(m.row(i == in.cursor, in.grabbed, fmt.Sprintf("[%d] %s", k+1, in.deal.Item(k).In(lang)), width) + "\n")
		}
	case quiz.Short:
		b.WriteString("  > " + in.line + "█\n")
	}

	if (in.deal.Kind == quiz.Match || in.deal.Kind == quiz.Order) && in.line != "" {
		b.WriteString("\n  " + m.t("Reihenfolge", "Order") + " > " + in.line + "█\n")
	}
	if in.hint != "" {
		b.WriteString("\n" + th.Error.Render(wrap(in.hint, width)) + "\n")
	}
	return m.frame(b.String(), m.askKeys())
}

// row is one item, wrapped under its mark: the cursor as a reversed bar,
// a grabbed item with a mark, so the state shows without colour too.
// Nothing is cut: a long option takes more lines.
func (m *Model) row(cursor, grabbed bool, s string, width int) string {
	mark := "  "
	switch {
	case cursor && grabbed:
		mark = "⇅ "
	case cursor:
		mark = "▸ "
	}
	lines := strings.Split(wrap(s, width-2), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = mark + lines[i]
		} else {
			lines[i] = "  " + lines[i]
		}
	}
	out := strings.Join(lines, "\n")
	if cursor {
		return m.opts.Theme.Selected.Render(out)
	}
	return out
}

// header is the first line of a session: mode, position, topic, level, time.
func (m *Model) header() string {
	th := m.opts.Theme
	answered, total := m.s.Position()
	mode := m.t("Übung", "Practice")
	if m.s.Mode() == quiz.Exam {
		mode = m.t("Prüfung", "Exam")
	}
	number := answered + 1
	if m.page == feedbackPage {
		number = answered // the feedback is about the question just answered
	}
	parts := []string{th.Title.Render("Quiz"), mode, fmt.Sprintf(m.t("Frage %d von %d", "question %d of %d"), number, total)}
	if q := m.in.deal.Question; q != nil {
		if t, ok := quiz.TopicByTag(q.Topic); ok {
			parts = append(parts, t.Name.In(m.opts.Lang))
		}
		parts = append(parts, strings.Repeat("●", q.Level)+strings.Repeat("○", 3-q.Level))
		if q.Deepening {
			parts = append(parts, m.t("Vertiefung", "beyond the syllabus"))
		}
	}
	if m.s.Mode() == quiz.Exam {
		parts = append(parts, th.Caption.Render("⏱ "+clock(m.s.Left())))
	}
	return fold(parts, " · ", m.width)
}

func (m *Model) askKeys() []key {
	done := key{"esc", m.t("beenden", "end")}
	switch m.in.deal.Kind {
	case quiz.Single:
		return []key{{"↑/↓", m.t("wählen", "choose")}, {"enter", m.t("antworten", "answer")}, done}
	case quiz.Multiple:
		return []key{{"↑/↓", m.t("wählen", "choose")}, {"space", m.t("ankreuzen", "tick")}, {"enter", m.t("antworten", "answer")}, done}
	case quiz.Match, quiz.Order:
		return []key{{"1-9", m.t("Reihenfolge tippen", "type the order")}, {"space", m.t("greifen/ablegen", "grab/drop")},
			{"↑/↓", m.t("bewegen", "move")}, {"enter", m.t("antworten", "answer")}, done}
	}
	return []key{{"enter", m.t("antworten", "answer")}, done}
}
