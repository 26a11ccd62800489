package quiz

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/exercises/quiz"
	"dsdemo/tui/theme"
)

// The bank of the engine's tests: one question of each kind.
const goodBank = "../../exercises/quiz/testdata/good.yaml"

func newModel(t *testing.T, opts Options) *Model {
	t.Helper()
	return newTimedModel(t, opts, time.Now)
}

// newTimedModel is newModel with a clock for the exam's timer.
func newTimedModel(t *testing.T, opts Options, now func() time.Time) *Model {
	t.Helper()
	b, err := quiz.LoadFile(goodBank)
	require.NoError(t, err)
	opts.Bank = b
	if opts.Lang == "" {
		opts.Lang = "en"
	}
	if opts.Seed == 0 {
		opts.Seed = 11
	}
	opts.Theme = theme.New(theme.Default)
	m := newTimed(opts, now)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m
}

// press sends keys as a terminal would: named keys by code, others as text.
func press(m *Model, keys ...string) (cmds []tea.Cmd) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		default:
			msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		cmds = append(cmds, m.Update(msg))
	}
	return cmds
}

// typeText types s character by character.
func typeText(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			press(m, "space")
		} else {
			press(m, string(r))
		}
	}
}

// answerRight enters the right answer to the question on screen with the
// keys a student would use, a different way for each kind.
func answerRight(t *testing.T, m *Model) []tea.Cmd {
	t.Helper()
	d := m.in.deal
	pos := func(fileIndex int) int { // where an item of the file is on screen
		for k, i := range d.Shown {
			if i == fileIndex {
				return k
			}
		}
		t.Fatalf("item %d not shown", fileIndex)
		return -1
	}
	switch d.Kind {
	case quiz.Single: // arrow keys to the right choice, then enter
		for i, c := range d.Choices {
			if c.Correct {
				for m.in.cursor != pos(i) {
					press(m, "down")
				}
			}
		}
		return press(m, "enter")
	case quiz.Multiple: // the number of each right choice ticks it
		for i, c := range d.Choices {
			if c.Correct {
				press(m, fmt.Sprint(pos(i)+1))
			}
		}
		return press(m, "enter")
	case quiz.Match: // type the order, "3 1 2"
		var nums []string
		for i := range d.Pairs {
			nums = append(nums, fmt.Sprint(pos(i)+1))
		}
		typeText(m, strings.Join(nums, " "))
		return press(m, "enter")
	case quiz.Order: // grab each step and move it into place
		for want := range d.Steps {
			for m.in.cursor != indexOf(m.in.rows, pos(want)) {
				if m.in.cursor < indexOf(m.in.rows, pos(want)) {
					press(m, "down")
				} else {
					press(m, "up")
				}
			}
			press(m, "space")
			for m.in.cursor > want {
				press(m, "up")
			}
			press(m, "space")
		}
		return press(m, "enter")
	}
	typeText(m, "  Serialization ")
	return press(m, "enter")
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestStartPage(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			m := newModel(t, Options{Lang: lang})
			view := m.View()
			assert.Contains(t, view, map[string]string{"de": "5 Fragen", "en": "5 questions"}[lang])
			for _, topic := range quiz.Topics()[:8] {
				assert.Contains(t, view, topic.Name.In(lang))
			}
			assert.Len(t, strings.Split(view, "\n"), 30, "fills the screen, no more")
			press(m, "esc")
			assert.True(t, m.Done())
		})
	}
	t.Run("a topic without questions", func(t *testing.T) {
		m := newModel(t, Options{Topic: "jini"})
		press(m, "enter")
		assert.Equal(t, startPage, m.page)
		assert.Contains(t, m.View(), "There are no questions for this choice.")
	})
}

func TestPractice(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, quiz.ProgressFile)
	m := newModel(t, Options{Progress: quiz.NewProgress(), ProgressPath: path})
	press(m, "enter") // all topics, practice
	require.Equal(t, askPage, m.page)
	assert.Contains(t, m.View(), "Practice · question 1 of 5")

	for i := range 5 {
		q := m.in.deal.Question
		cmds := answerRight(t, m)
		require.Equal(t, feedbackPage, m.page, "question %d, %s", i+1, q.ID)
		view := m.View()
		assert.Contains(t, view, "✓ Right!", q.ID)
		assert.Contains(t, view, strings.Fields(q.Explain.EN)[0], "the explanation of %s", q.ID)
		// The answer is saved by a command, as I/O belongs outside Update.
		require.NotNil(t, cmds[len(cmds)-1])
		m.Update(cmds[len(cmds)-1]())
		press(m, "enter")
	}
	require.Equal(t, resultPage, m.page)
	view := m.View()
	assert.Contains(t, view, "Result: 5 of 5 right (100 %)")
	assert.Regexp(t, `Architecture models and roles +2/2`, view)

	p, err := quiz.LoadProgress(path)
	require.NoError(t, err)
	assert.Equal(t, 1, p.Question("good-order").Right)

	press(m, "w")
	assert.Contains(t, m.View(), "Weak topics")
	assert.Contains(t, m.View(), "100 %")
	press(m, "esc")
	assert.Equal(t, startPage, m.page)
	assert.Contains(t, m.View(), "100 % right of 1", "the start page shows the history")
}

func TestWrongAnswer(t *testing.T) {
	m := newModel(t, Options{Lang: "de", Topic: "data-formats"})
	press(m, "enter")
	require.Equal(t, quiz.Short, m.in.deal.Kind)

	press(m, "enter")
	assert.Contains(t, m.View(), "Erst eine Antwort tippen.", "an empty answer is not taken")

	typeText(m, "Kompresion")
	press(m, "backspace", "backspace", "enter")
	require.Equal(t, feedbackPage, m.page)
	view := m.View()
	assert.Contains(t, view, "✗ Leider falsch.")
	assert.Contains(t, view, "Deine Antwort: Kompresi")
	assert.Contains(t, view, "Marshalling, Serialisierung")
	assert.Contains(t, view, "Beide Seiten brauchen dasselbe Format.")
	assert.Contains(t, view, "kommt in ein paar Fragen noch einmal")

	press(m, "enter")
	require.Equal(t, askPage, m.page, "the only question comes back")
	assert.Contains(t, m.View(), "Frage 2 von 2")
	typeText(m, "marshalling")
	press(m, "enter", "enter")
	require.Equal(t, resultPage, m.page)
	view = m.View()
	assert.Contains(t, view, "Ergebnis: 0 von 1 richtig (0 %)", "graded by the first answer")
	assert.Contains(t, view, "Zum Nachlesen")
}

func TestOrderInput(t *testing.T) {
	m := newModel(t, Options{Topic: "middleware"})
	press(m, "enter")
	require.Equal(t, quiz.Order, m.in.deal.Kind)
	typeText(m, "1 1 2 3")
	press(m, "enter")
	assert.Equal(t, askPage, m.page)
	assert.Contains(t, m.View(), `Type each number from 1 to 4 once, like "2 3 4 1".`)
	for range 7 {
		press(m, "backspace")
	}
	before := append([]int(nil), m.in.rows...)
	press(m, "space", "down")
	assert.Equal(t, []int{before[1], before[0], before[2], before[3]}, m.in.rows, "the grabbed step moved down")
	assert.Contains(t, m.View(), "⇅ [")
}

func TestParseOrder(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
	}{
		{"3 1 2", []int{2, 0, 1}},
		{"3,1,2", []int{2, 0, 1}},
		{" 3, 1 ,2 ", []int{2, 0, 1}},
		{"312", []int{2, 0, 1}},
		{"3 1", nil},
		{"3 1 1", nil},
		{"4 1 2", nil},
		{"0 1 2", nil},
	} {
		got, err := parseOrder(c.in, 3)
		assert.Equal(t, c.want, got, c.in)
		assert.Equal(t, c.want == nil, err != nil, c.in)
	}
}

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestExam(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	m := newTimedModel(t, Options{ExamLimit: 2 * time.Minute}, clock.Now)
	press(m, "-", "-") // 10 → 5 → 5: the smallest exam
	assert.Contains(t, m.View(), "exam (5 questions, +/-)")
	cmds := press(m, "x")
	require.NotNil(t, cmds[0], "the timer starts")
	require.Equal(t, askPage, m.page)
	assert.Contains(t, m.View(), "Exam · question 1 of 5")
	assert.Contains(t, m.View(), "⏱ 2:00")

	answerRight(t, m)
	assert.Equal(t, askPage, m.page, "no feedback in an exam")
	assert.Contains(t, m.View(), "question 2 of 5")
	press(m, "enter") // a wrong answer for anything but single choice; still no feedback
	if m.in.deal.Kind == quiz.Short {
		press(m, "x", "enter")
	}

	clock.now = clock.now.Add(90 * time.Second)
	require.NotNil(t, m.Update(tickMsg{m.gen}), "the timer goes on")
	assert.Contains(t, m.View(), "⏱ 0:30")
	assert.Nil(t, m.Update(tickMsg{m.gen - 1}), "a tick of an earlier exam is ignored")

	clock.now = clock.now.Add(30 * time.Second)
	assert.Nil(t, m.Update(tickMsg{m.gen}), "the timer stops")
	require.Equal(t, resultPage, m.page)
	view := m.View()
	assert.Contains(t, view, "Time is up: 3 questions were left open.")
	assert.Regexp(t, `Result: [12] of 5 right`, view)
	assert.Contains(t, view, "A question counts for its topic")

	press(m, "enter")
	assert.Equal(t, startPage, m.page)
}

func TestBeginAtOnce(t *testing.T) {
	m := newTimedModel(t, Options{Begin: true, Mode: quiz.Exam, ExamSize: 3}, (&fakeClock{now: time.Unix(0, 0)}).Now)
	assert.Equal(t, askPage, m.page)
	assert.NotNil(t, m.Init(), "the exam's timer")
	assert.Contains(t, m.View(), "question 1 of 3")
	assert.Contains(t, m.View(), "⏱ 3:00")
}

func TestCorruptProgressNotice(t *testing.T) {
	path := filepath.Join(t.TempDir(), quiz.ProgressFile)
	require.NoError(t, os.WriteFile(path, []byte("{"), 0o600))
	_, err := quiz.LoadProgress(path)
	require.Error(t, err)
	m := newModel(t, Options{Notice: err.Error()})
	assert.Contains(t, m.View(), "cannot be read")
	press(m, "w")
	assert.Contains(t, m.View(), "No progress is saved.")
}

func TestProgram(t *testing.T) {
	p := Program{Model: newModel(t, Options{})}
	_, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	require.NotNil(t, cmd)
	assert.IsType(t, tea.QuitMsg{}, cmd(), "leaving the start page ends the program")
	v := p.View()
	assert.True(t, v.AltScreen)
}

// TestNarrowNothingIsCut: on a narrow screen every option and every pair
// of a question wraps instead of ending in "…".
func TestNarrowNothingIsCut(t *testing.T) {
	m := newModel(t, Options{Progress: quiz.NewProgress(), ProgressPath: filepath.Join(t.TempDir(), quiz.ProgressFile)})
	m.Update(tea.WindowSizeMsg{Width: 44, Height: 40})
	press(m, "enter")
	for range 5 {
		d := m.in.deal
		view := m.View()
		assert.NotContains(t, view, "…", "%s: a line is cut", d.Question.ID)
		words := strings.Join(strings.Fields(view), " ")
		for k := range d.Shown {
			for _, w := range strings.Fields(d.Item(k).EN) {
				assert.Contains(t, words, w, "%s: option %d is not whole", d.Question.ID, k+1)
			}
		}
		for _, p := range d.Pairs {
			for _, w := range strings.Fields(p.Left.EN) {
				assert.Contains(t, words, w, "%s: the left side of a pair is not whole", d.Question.ID)
			}
		}
		cmds := answerRight(t, m)
		m.Update(cmds[len(cmds)-1]())
		press(m, "enter")
	}
}
