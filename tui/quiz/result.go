package quiz

import (
	"fmt"
	"strings"

	"dsdemo/exercises/quiz"
)

// feedbackView says right or wrong, gives the right answer after a wrong
// one, and the explanation: practice mode's immediate feedback.
func (m *Model) feedbackView() string {
	th, lang := m.opts.Theme, m.opts.Lang
	width := min(m.width, 100)
	q := m.last.Question
	var b strings.Builder
	b.WriteString(m.header() + "\n\n")
	b.WriteString(th.Title.Render(wrap(q.Text.In(lang), width)) + "\n\n")
	if m.last.Right {
		b.WriteString(th.Running.Render("✓ "+m.t("Richtig!", "Right!")) + "\n\n")
	} else {
		b.WriteString(th.Down.Render("✗ "+m.t("Leider falsch.", "Not right.")) + "\n")
		if q.Kind == quiz.Short {
			b.WriteString(m.t("Deine Antwort: ", "Your answer: ") + m.last.Answer.Text + "\n")
		}
		b.WriteString(m.t("Richtig ist:", "The right answer:") + "\n")
		for _, line := range q.Solution(lang) {
			b.WriteString(wrap("  "+line, width) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(wrap(q.Explain.In(lang), width) + "\n")
	if m.comesBack {
		b.WriteString("\n" + th.Faint.Render(m.t("Diese Frage kommt in ein paar Fragen noch einmal.", "This question comes back in a few questions.")) + "\n")
	}
	return m.frame(b.String(), []key{{"enter", m.t("weiter", "next")}, {"esc", m.t("beenden", "end")}})
}

// resultView is the end of a session: the score, by topic, and every
// missed question with its right answer and explanation.
func (m *Model) resultView() string {
	lines := m.resultLines()
	first := min(m.scroll, max(len(lines)-(m.height-1), 0))
	return m.frame(strings.Join(lines[first:], "\n"), []key{
		{"↑/↓", m.t("blättern", "scroll")}, {"w", m.t("schwache Themen", "weak topics")}, {"enter", m.t("zurück", "back")},
	})
}

// resultLines are the lines of the result page, before scrolling.
func (m *Model) resultLines() []string {
	th, lang := m.opts.Theme, m.opts.Lang
	width := min(m.width, 100)
	sc := m.s.Score()
	var lines []string
	add := func(s string) { lines = append(lines, strings.Split(s, "\n")...) }

	share := 0.0
	if sc.Total > 0 {
		share = float64(sc.Right) / float64(sc.Total)
	}
	add(th.Title.Render(fmt.Sprintf(m.t("Ergebnis: %d von %d richtig (%s)", "Result: %d of %d right (%s)"),
		sc.Right, sc.Total, strings.TrimSpace(percent(share)))))
	if m.s.Mode() == quiz.Exam {
		used := m.s.Limit() - m.s.Left()
		if m.s.TimeUp() {
			add(th.Caption.Render(fmt.Sprintf(m.t("Die Zeit ist um: %d Fragen blieben offen.", "Time is up: %d questions were left open."), sc.Unanswered)))
		} else {
			add(fmt.Sprintf(m.t("Zeit: %s von %s", "Time: %s of %s"), clock(used), clock(m.s.Limit())))
		}
	}
	add("")

	nameW := 0
	for _, ts := range sc.ByTopic {
		nameW = max(nameW, textWidth(ts.Topic.Name.In(lang)))
	}
	nameW = min(nameW, max(width-30, 16))
	for _, ts := range sc.ByTopic {
		add(fmt.Sprintf("  %s %2d/%-2d %s %s", padRight(cut(ts.Topic.Name.In(lang), nameW), nameW),
			ts.Right, ts.Total, bar(ts.Share(), 10), percent(ts.Share())))
	}
	add(th.Faint.Render(m.t("Eine Frage zählt für ihr Thema und jedes ihrer weiteren Themen.",
		"A question counts for its topic and for each of its further topics.")))

	if len(sc.Missed) > 0 {
		add("")
		add(th.Title.Render(m.t("Zum Nachlesen", "To read up on")))
		for _, q := range sc.Missed {
			add("")
			add(th.Down.Render("✗ ") + wrap(q.Text.In(lang), width-2))
			for _, s := range q.Solution(lang) {
				add(wrap("  → "+s, width))
			}
			add(th.Faint.Render(wrap("  "+q.Explain.In(lang), width)))
		}
	}
	return lines
}
