package quiz

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rightAnswer is the answer a perfect student gives.
func rightAnswer(q *Question) Answer {
	switch q.Kind {
	case Single, Multiple:
		var a Answer
		for i, c := range q.Choices {
			if c.Correct {
				a.Picks = append(a.Picks, i)
			}
		}
		return a
	case Short:
		return Answer{Text: q.Accept.EN[0]}
	}
	n := len(q.Pairs) + len(q.Steps)
	a := Answer{Picks: make([]int, n)}
	for i := range n {
		a.Picks[i] = i
	}
	return a
}

// clock is a fake time a test moves by hand.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

func newClock() *clock { return &clock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)} }

func TestPractice(t *testing.T) {
	b := goodBank(t)
	t.Run("a wrong answer comes back three questions later", func(t *testing.T) {
		s, err := NewSession(b, Config{Mode: Practice, Lang: "en", Seed: 7})
		require.NoError(t, err)
		_, total := s.Position()
		assert.Equal(t, 5, total)

		missed := s.Current().Question
		res, ok := s.Answer(Answer{})
		require.True(t, ok)
		assert.False(t, res.Right)
		assert.Equal(t, missed, res.Question)
		_, total = s.Position()
		assert.Equal(t, 6, total, "the missed question is asked once more")

		var order []string
		for !s.Over() {
			q := s.Current().Question
			order = append(order, q.ID)
			res, _ := s.Answer(rightAnswer(q))
			assert.True(t, res.Right)
			assert.Equal(t, q == missed, res.Again)
		}
		require.Len(t, order, 5)
		assert.Equal(t, missed.ID, order[3], "after three others: %v", order)

		sc := s.Score()
		assert.Equal(t, 4, sc.Right, "graded by the first answer")
		assert.Equal(t, 5, sc.Total)
		assert.Equal(t, []*Question{missed}, sc.Missed)
	})
	t.Run("near the end it comes back at the end", func(t *testing.T) {
		s, err := NewSession(b, Config{Mode: Practice, Lang: "en", Seed: 7})
		require.NoError(t, err)
		for range 4 {
			s.Answer(rightAnswer(s.Current().Question))
		}
		last := s.Current().Question
		s.Answer(Answer{})
		require.False(t, s.Over())
		assert.Equal(t, last, s.Current().Question)
	})
	t.Run("a question comes back at most twice", func(t *testing.T) {
		s, err := NewSession(b, Config{Mode: Practice, Topic: "security", Seed: 1})
		require.NoError(t, err)
		asked := 0
		for !s.Over() {
			s.Answer(Answer{})
			asked++
		}
		assert.Equal(t, 3, asked)
		assert.Equal(t, Score{Right: 0, Total: 1, Missed: []*Question{b.ByID("good-multiple")},
			ByTopic: []TopicScore{{Topic: mustTopic(t, "security"), Right: 0, Total: 1}}}, s.Score())
	})
	t.Run("the same seed, the same session", func(t *testing.T) {
		ids := func() []string {
			s, _ := NewSession(b, Config{Mode: Practice, Seed: 42})
			var ids []string
			for !s.Over() {
				d := s.Current()
				ids = append(ids, d.ID)
				s.Answer(rightAnswer(d.Question))
			}
			return ids
		}
		assert.Equal(t, ids(), ids())
	})
	t.Run("filters", func(t *testing.T) {
		s, err := NewSession(b, Config{Topic: "architecture", Lang: "de"})
		require.NoError(t, err)
		_, total := s.Position()
		assert.Equal(t, 2, total)
		_, err = NewSession(b, Config{Topic: "jini"})
		assert.EqualError(t, err, `the bank has no questions for topic "jini" in language ""`)
	})
}

func mustTopic(t *testing.T, tag string) Topic {
	t.Helper()
	topic, ok := TopicByTag(tag)
	require.True(t, ok)
	return topic
}

func TestExam(t *testing.T) {
	b := goodBank(t)
	t.Run("score by topic, no second chance", func(t *testing.T) {
		c := newClock()
		s, err := NewSession(b, Config{Mode: Exam, Count: 4, Seed: 3, Now: c.Now})
		require.NoError(t, err)
		assert.Equal(t, 4*time.Minute, s.Limit(), "a minute per question by default")
		seen := make(map[string]bool)
		for i := 0; !s.Over(); i++ {
			q := s.Current().Question
			seen[q.Topic] = true
			a := rightAnswer(q)
			if q.ID == "good-order" || q.ID == "good-single" {
				a = Answer{}
			}
			res, ok := s.Answer(a)
			require.True(t, ok)
			assert.False(t, res.Again)
			c.advance(10 * time.Second)
		}
		assert.Len(t, seen, 4, "four questions from four topics")
		sc := s.Score()
		assert.Equal(t, 4, sc.Total)
		assert.Equal(t, 4-len(sc.Missed), sc.Right)
		for _, ts := range sc.ByTopic {
			want := 1
			switch ts.Topic.Tag {
			case "transparency", "middleware", "messaging", "sockets":
				want = 0 // the two questions answered wrong and their tags
			}
			assert.Equal(t, want, ts.Right, ts.Topic.Tag)
			assert.Positive(t, ts.Total, ts.Topic.Tag)
		}
	})
	t.Run("the timer ends the exam; what is left counts as wrong", func(t *testing.T) {
		c := newClock()
		s, err := NewSession(b, Config{Mode: Exam, Count: 5, Limit: time.Minute, Seed: 3, Now: c.Now})
		require.NoError(t, err)
		first := s.Current().Question
		_, ok := s.Answer(rightAnswer(first))
		require.True(t, ok)
		c.advance(59 * time.Second)
		assert.False(t, s.TimeUp())
		assert.Equal(t, time.Second, s.Left())
		c.advance(time.Second)
		assert.True(t, s.TimeUp())
		assert.True(t, s.Over())
		assert.Zero(t, s.Left())
		assert.Nil(t, s.Current().Question)
		_, ok = s.Answer(rightAnswer(b.Questions[0]))
		assert.False(t, ok, "an answer after the end is not taken")

		sc := s.Score()
		assert.Equal(t, 1, sc.Right)
		assert.Equal(t, 5, sc.Total)
		assert.Equal(t, 4, sc.Unanswered)
		assert.Len(t, sc.Missed, 4)
		assert.NotContains(t, sc.Missed, first)
	})
	t.Run("more questions asked than the bank has", func(t *testing.T) {
		s, err := NewSession(b, Config{Mode: Exam, Count: 50, Now: newClock().Now})
		require.NoError(t, err)
		_, total := s.Position()
		assert.Equal(t, 5, total)
	})
}

// TestDeepening proves that an exam stays on the syllabus unless asked:
// good-order of testdata/good.yaml, tagged deepening here.
func TestDeepening(t *testing.T) {
	data, err := os.ReadFile("testdata/good.yaml")
	require.NoError(t, err)
	tagged := strings.Replace(string(data), "tags: [messaging, sockets]", "tags: [messaging, deepening, sockets]", 1)
	b, err := Load(fstest.MapFS{"good.yaml": {Data: []byte(tagged)}})
	require.NoError(t, err)
	deep := b.ByID("good-order")
	require.True(t, deep.Deepening)
	assert.Equal(t, []string{"middleware", "messaging", "sockets"}, deep.TopicTags(), "deepening is no topic")
	assert.Equal(t, 1, b.Stats().Deepening)

	asked := func(cfg Config) []string {
		t.Helper()
		s, err := NewSession(b, cfg)
		require.NoError(t, err)
		var ids []string
		for !s.Over() {
			q := s.Current().Question
			ids = append(ids, q.ID)
			s.Answer(rightAnswer(q))
		}
		return ids
	}
	t.Run("an exam leaves it out", func(t *testing.T) {
		ids := asked(Config{Mode: Exam, Count: 10, Seed: 1, Now: newClock().Now})
		assert.Len(t, ids, len(b.Questions)-1)
		assert.NotContains(t, ids, "good-order")
	})
	t.Run("an exam with Deepening asks it", func(t *testing.T) {
		ids := asked(Config{Mode: Exam, Count: 10, Deepening: true, Seed: 1, Now: newClock().Now})
		assert.Contains(t, ids, "good-order")
	})
	t.Run("practice asks it", func(t *testing.T) {
		assert.Contains(t, asked(Config{Mode: Practice, Seed: 1}), "good-order")
	})
	t.Run("an exam on a topic with only deepening questions has none", func(t *testing.T) {
		only := &Bank{Questions: []*Question{deep}}
		_, err := NewSession(only, Config{Mode: Exam, Topic: "middleware"})
		assert.Error(t, err)
	})
	t.Run("the tag given twice is a mistake", func(t *testing.T) {
		_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(`- id: twice
  topic: jini
  tags: [deepening, deepening]
  level: 1
  kind: short
  question: {de: Wort, en: Word}
  accept: {de: [Lookup], en: [lookup]}
  explain: {de: So., en: So.}
`)}})
		assert.EqualError(t, err, `a.yaml:3: tag "deepening" is given twice`)
	})
}
