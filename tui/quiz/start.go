package quiz

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"dsdemo/exercises/quiz"
)

// examSizes are the exam lengths +/- step through.
var examSizes = []int{5, 10, 15, 20, 30}

func (m *Model) startKey(k string) tea.Cmd {
	switch k {
	case "up", "k":
		m.cursor = (m.cursor + len(m.topics)) % (len(m.topics) + 1)
	case "down", "j":
		m.cursor = (m.cursor + 1) % (len(m.topics) + 1)
	case "enter", "p":
		return m.begin(quiz.Practice, m.chosenTopic())
	case "x", "e":
		return m.begin(quiz.Exam, m.chosenTopic())
	case "+":
		m.examSize = stepSize(m.examSize, +1)
	case "-":
		m.examSize = stepSize(m.examSize, -1)
	case "w":
		m.page, m.weakCur = weakPage, 0
	case "esc", "q":
		m.done = true
	}
	return nil
}

func (m *Model) chosenTopic() string {
	if m.cursor == 0 {
		return ""
	}
	return m.topics[m.cursor-1].Tag
}

// stepSize is the next exam size up or down from n.
func stepSize(n, dir int) int {
	for i, s := range examSizes {
		if dir > 0 && s > n {
			return s
		}
		if dir < 0 && s >= n {
			return examSizes[max(i-1, 0)]
		}
	}
	if dir > 0 {
		return n
	}
	return examSizes[len(examSizes)-1]
}

// startView lists the topics with their number of questions and, from the
// progress file, the share answered right so far.
func (m *Model) startView() string {
	th, lang := m.opts.Theme, m.opts.Lang
	var b strings.Builder
	b.WriteString(th.Title.Render("Quiz") + " · " + fmt.Sprintf(m.t("%d Fragen", "%d questions"), m.total) + "\n")
	b.WriteString(th.Faint.Render(m.t("Thema wählen, dann üben oder eine Prüfung auf Zeit ablegen.",
		"Choose a topic, then practise, or sit a timed exam.")) + "\n")
	for _, s := range []string{m.opts.Notice, m.err} {
		if s != "" {
			b.WriteString(th.Error.Render(wrap(s, m.width)) + "\n")
		}
	}
	b.WriteString("\n")

	history := make(map[string]quiz.TopicProgress)
	if m.opts.Progress != nil {
		for _, tp := range m.opts.Progress.Topics() {
			history[tp.Topic.Tag] = tp
		}
	}
	nameW := len([]rune(m.t("Alle Themen", "All topics")))
	for _, t := range m.topics {
		nameW = max(nameW, textWidth(t.Name.In(lang)))
	}
	nameW = min(nameW, max(m.width-30, 20))
	rows := []string{m.startRow(0, m.t("Alle Themen", "All topics"), m.total, "", nameW)}
	for i, t := range m.topics {
		seen := ""
		if h := history[t.Tag]; h.Asked > 0 {
			seen = fmt.Sprintf(m.t("%s richtig von %d", "%s right of %d"), strings.TrimSpace(percent(h.Share())), h.Asked)
		}
		rows = append(rows, m.startRow(i+1, t.Name.In(lang), m.counts[t.Tag], seen, nameW))
	}
	used := strings.Count(b.String(), "\n")
	b.WriteString(strings.Join(window(rows, m.cursor, m.height-1-used), "\n"))
	return m.frame(b.String(), []key{
		{"↑/↓", m.t("Thema", "topic")},
		{"enter", m.t("üben", "practise")},
		{"x", fmt.Sprintf(m.t("Prüfung (%d Fragen, +/-)", "exam (%d questions, +/-)"), m.examSize)},
		{"w", m.t("schwache Themen", "weak topics")},
		{"esc", m.t("zurück", "back")},
	})
}

func (m *Model) startRow(i int, name string, count int, seen string, nameW int) string {
	cells := fmt.Sprintf("%s %4d", padRight(cut(name, nameW), nameW), count)
	if i == m.cursor {
		cells = m.opts.Theme.Selected.Render("▸ " + cells)
	} else {
		cells = "  " + cells
	}
	return cells + "   " + m.opts.Theme.Faint.Render(seen)
}

func (m *Model) weakKey(k string) tea.Cmd {
	practised := m.practised()
	switch k {
	case "up", "k":
		m.weakCur = max(m.weakCur-1, 0)
	case "down", "j":
		m.weakCur = min(m.weakCur+1, max(len(practised)-1, 0))
	case "enter", "p":
		if len(practised) > 0 {
			return m.begin(quiz.Practice, practised[m.weakCur].Topic.Tag)
		}
	case "esc", "q":
		m.page = startPage
	}
	return nil
}

// practised are the topics with answers, weakest first.
func (m *Model) practised() []quiz.TopicProgress {
	if m.opts.Progress == nil {
		return nil
	}
	var out []quiz.TopicProgress
	for _, tp := range m.opts.Progress.Topics() {
		if tp.Asked > 0 {
			out = append(out, tp)
		}
	}
	return out
}

// trendDays is how many days of a topic the weak-topics page draws.
const trendDays = 7

// weakView shows every practised topic, weakest first, with its share
// right over all days and a small chart of the last days, so that a
// student sees where to practise and whether it helps.
func (m *Model) weakView() string {
	th, lang := m.opts.Theme, m.opts.Lang
	var b strings.Builder
	b.WriteString(th.Title.Render(m.t("Schwache Themen", "Weak topics")) + "\n")
	b.WriteString(th.Faint.Render(wrap(m.t("Anteil richtiger Antworten über alle Tage, die schwächsten oben; rechts die letzten Tage.",
		"Share of right answers over all days, weakest at the top; on the right, the last days."), m.width)) + "\n\n")
	keys := []key{{"↑/↓", m.t("Thema", "topic")}, {"enter", m.t("dieses Thema üben", "practise this topic")}, {"esc", m.t("zurück", "back")}}
	if m.opts.Progress == nil {
		b.WriteString(m.t("Kein Fortschritt gespeichert.", "No progress is saved.") + "\n")
		return m.frame(b.String(), keys)
	}
	practised := m.practised()
	if len(practised) == 0 {
		b.WriteString(m.t("Noch nichts beantwortet: erst üben, dann steht hier, wo es hakt.",
			"Nothing answered yet: practise first, then this page shows where it hurts.") + "\n")
	}
	nameW := 0
	for _, tp := range practised {
		nameW = max(nameW, textWidth(tp.Topic.Name.In(lang)))
	}
	nameW = min(nameW, max(m.width-40, 16))
	var rows []string
	for i, tp := range practised {
		line := fmt.Sprintf("%s %s %s  %s  %s", padRight(cut(tp.Topic.Name.In(lang), nameW), nameW),
			bar(tp.Share(), 10), percent(tp.Share()), fmt.Sprintf(m.t("%3d Antw.", "%3d ans."), tp.Asked), trend(tp.Days))
		rows = append(rows, m.row(i == m.weakCur, false, line, m.width))
	}
	var fresh []string
	for _, tp := range m.opts.Progress.Topics() {
		if tp.Asked == 0 {
			fresh = append(fresh, tp.Topic.Name.In(lang))
		}
	}
	used := strings.Count(b.String(), "\n")
	tail := ""
	if len(fresh) > 0 {
		tail = "\n\n" + th.Faint.Render(wrap(m.t("Noch nicht geübt: ", "Not practised yet: ")+strings.Join(fresh, " · "), m.width))
	}
	b.WriteString(strings.Join(window(rows, m.weakCur, m.height-1-used-strings.Count(tail, "\n")-1), "\n"))
	b.WriteString(tail)
	return m.frame(b.String(), keys)
}

// trend draws the share right of each of the last days as a block from
// ▁ (none right) to █ (all right).
func trend(days []quiz.Day) string {
	blocks := []rune("▁▂▃▄▅▆▇█")
	if len(days) > trendDays {
		days = days[len(days)-trendDays:]
	}
	var b strings.Builder
	for _, d := range days {
		share := float64(d.Right) / float64(max(d.Asked, 1))
		b.WriteRune(blocks[int(share*float64(len(blocks)-1)+0.5)])
	}
	return b.String()
}
