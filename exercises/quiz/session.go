package quiz

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Mode is how a session is played.
type Mode int

const (
	// Practice shows right or wrong and the explanation after each answer,
	// and asks a wrongly answered question again a few questions later.
	Practice Mode = iota
	// Exam draws questions across the topics, runs against a time limit
	// and says nothing until the end, then gives a score by topic.
	Exam
)

// Config says what a session asks and how.
type Config struct {
	Mode  Mode
	Topic string // only questions that count for this topic; "" for all
	Lang  string // "de" or "en": only questions written in it; "" for any
	// Deepening lets an exam ask questions tagged DeepeningTag too. An exam
	// stays on the syllabus without it; practice always asks them.
	Deepening bool
	// Count is how many questions an exam has (0: DefaultExamCount); in
	// practice, at most this many (0: all that match).
	Count int
	// Limit is the time an exam allows (0: a minute per question).
	Limit time.Duration
	// Seed decides the draw and the shuffles: the same seed gives the same
	// session, which is what tests and a class doing the same exam need.
	Seed uint64
	// Now is the clock; nil means time.Now. Tests pass a fake one.
	Now func() time.Time
}

// DefaultExamCount is the number of exam questions when Config.Count is 0.
const DefaultExamCount = 10

// How often a wrong answer comes back in practice, and how much later.
const (
	reaskGap = 3 // questions in between, when that many are left
	maxReask = 2 // times one question comes back in one session
)

// Session is one quiz being played. It does no I/O and keeps no clock of
// its own, so a test can drive it answer by answer:
//
//	s, _ := quiz.NewSession(bank, quiz.Config{Mode: quiz.Practice, Lang: "en"})
//	for !s.Over() {
//		deal := s.Current()   // show deal.Text and deal.Item(k) ...
//		res, _ := s.Answer(deal.Answer(positions))
//		// practice: show res.Right and res.Question.Explain
//	}
//	score := s.Score()
type Session struct {
	cfg      Config
	rng      *rand.Rand
	planned  []*Question // the questions drawn, each once
	queue    []*Question // still to ask, the current one first; may repeat in practice
	current  Deal
	reasked  map[string]int
	results  []Result
	started  time.Time
	deadline time.Time // zero in practice
}

// Result is one answer given.
type Result struct {
	Question *Question
	Answer   Answer
	Right    bool
	Again    bool // practice: the question came back after a wrong answer
	At       time.Time
}

// NewSession draws the questions of a session from b.
func NewSession(b *Bank, cfg Config) (*Session, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pool := b.Select(cfg.Topic, cfg.Lang)
	if cfg.Mode == Exam && !cfg.Deepening {
		pool = slices.DeleteFunc(pool, func(q *Question) bool { return q.Deepening })
	}
	if len(pool) == 0 {
		return nil, fmt.Errorf("the bank has no questions for topic %q in language %q", cfg.Topic, cfg.Lang)
	}
	s := &Session{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		reasked: make(map[string]int), started: cfg.Now()}
	switch cfg.Mode {
	case Exam:
		if s.cfg.Count <= 0 {
			s.cfg.Count = DefaultExamCount
		}
		s.planned = s.drawAcrossTopics(pool, s.cfg.Count)
		if s.cfg.Limit <= 0 {
			s.cfg.Limit = time.Duration(len(s.planned)) * time.Minute
		}
		s.deadline = s.started.Add(s.cfg.Limit)
	default:
		s.planned = slices.Clone(pool)
		s.rng.Shuffle(len(s.planned), func(i, j int) { s.planned[i], s.planned[j] = s.planned[j], s.planned[i] })
		if cfg.Count > 0 && cfg.Count < len(s.planned) {
			s.planned = s.planned[:cfg.Count]
		}
	}
	s.queue = slices.Clone(s.planned)
	s.deal()
	return s, nil
}

// drawAcrossTopics takes n questions, one topic after the other, so that an
// exam of ten questions does not ask six about transparency.
func (s *Session) drawAcrossTopics(pool []*Question, n int) []*Question {
	byTopic := make(map[string][]*Question)
	var order []string
	for _, q := range pool {
		if byTopic[q.Topic] == nil {
			order = append(order, q.Topic)
		}
		byTopic[q.Topic] = append(byTopic[q.Topic], q)
	}
	s.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, t := range order {
		qs := byTopic[t]
		s.rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	}
	var drawn []*Question
	for len(drawn) < n && len(drawn) < len(pool) {
		for _, t := range order {
			if qs := byTopic[t]; len(qs) > 0 && len(drawn) < n {
				drawn = append(drawn, qs[0])
				byTopic[t] = qs[1:]
			}
		}
	}
	// Round robin puts the topics in a fixed cycle; mix them.
	s.rng.Shuffle(len(drawn), func(i, j int) { drawn[i], drawn[j] = drawn[j], drawn[i] })
	return drawn
}

func (s *Session) deal() {
	if len(s.queue) > 0 {
		s.current = s.queue[0].Deal(s.rng)
	} else {
		s.current = Deal{}
	}
}

// Mode is the session's mode.
func (s *Session) Mode() Mode { return s.cfg.Mode }

// Lang is the language the session is played in ("" for any).
func (s *Session) Lang() string { return s.cfg.Lang }

// Current is the question to answer now, with its items shuffled. Its
// Question is nil when the session is over.
func (s *Session) Current() Deal {
	if s.Over() {
		return Deal{}
	}
	return s.current
}

// Answer grades a for the current question and moves on. It returns false,
// and changes nothing, when the session is over (in an exam: also when the
// time is up, however late the answer comes in).
func (s *Session) Answer(a Answer) (Result, bool) {
	if s.Over() {
		return Result{}, false
	}
	q := s.current.Question
	res := Result{Question: q, Answer: a, Right: q.Check(a), Again: s.reasked[q.ID] > 0, At: s.cfg.Now()}
	s.results = append(s.results, res)
	s.queue = s.queue[1:]
	if !res.Right && s.cfg.Mode == Practice && s.reasked[q.ID] < maxReask {
		// Asked again soon, while the explanation is fresh, but not at once:
		// the student should remember it, not the screen before.
		s.reasked[q.ID]++
		at := min(reaskGap, len(s.queue))
		s.queue = slices.Insert(s.queue, at, q)
	}
	s.deal()
	return res, true
}

// Over reports whether every question is answered or the exam's time is up.
func (s *Session) Over() bool { return len(s.queue) == 0 || s.TimeUp() }

// TimeUp reports whether an exam's time limit has passed.
func (s *Session) TimeUp() bool {
	return s.cfg.Mode == Exam && !s.cfg.Now().Before(s.deadline)
}

// Left is the time an exam has left; zero in practice and when time is up.
func (s *Session) Left() time.Duration {
	if s.cfg.Mode != Exam {
		return 0
	}
	return max(s.deadline.Sub(s.cfg.Now()), 0)
}

// Limit is the exam's time limit; zero in practice.
func (s *Session) Limit() time.Duration {
	if s.cfg.Mode != Exam {
		return 0
	}
	return s.cfg.Limit
}

// Position is how many answers were given and how many questions the
// session has in all, counting the ones that come back.
func (s *Session) Position() (answered, total int) {
	return len(s.results), len(s.results) + len(s.queue)
}

// Results are the answers given so far, in order.
func (s *Session) Results() []Result { return slices.Clone(s.results) }

// Score is the outcome of a session.
type Score struct {
	// Right of Total: each drawn question once, graded by its first answer;
	// an exam question left unanswered when time ran out counts as wrong.
	Right, Total int
	// ByTopic has a row for each topic with questions in the session, in the
	// syllabus order. A question counts for its topic and for each tag, so
	// the rows can add up to more than Total.
	ByTopic []TopicScore
	// Missed are the questions answered wrong at first, or not at all.
	Missed []*Question
	// Unanswered is how many of the missed ones got no answer.
	Unanswered int
}

// TopicScore is the score of one topic.
type TopicScore struct {
	Topic        Topic
	Right, Total int
}

// Share is the part answered right, from 0 to 1.
func (t TopicScore) Share() float64 {
	if t.Total == 0 {
		return 0
	}
	return float64(t.Right) / float64(t.Total)
}

// Score grades the session so far: each drawn question by its first answer.
func (s *Session) Score() Score {
	first := make(map[*Question]bool)
	answered := make(map[*Question]bool)
	for _, r := range s.results {
		if !answered[r.Question] {
			answered[r.Question] = true
			first[r.Question] = r.Right
		}
	}
	var sc Score
	right := make(map[string]int)
	total := make(map[string]int)
	for _, q := range s.planned {
		if s.cfg.Mode == Practice && !answered[q] {
			continue // practice left early: only what was asked counts
		}
		sc.Total++
		if first[q] {
			sc.Right++
		} else {
			sc.Missed = append(sc.Missed, q)
			if !answered[q] {
				sc.Unanswered++
			}
		}
		for _, tag := range q.TopicTags() {
			total[tag]++
			if first[q] {
				right[tag]++
			}
		}
	}
	for _, t := range topics {
		if total[t.Tag] > 0 {
			sc.ByTopic = append(sc.ByTopic, TopicScore{Topic: t, Right: right[t.Tag], Total: total[t.Tag]})
		}
	}
	return sc
}
