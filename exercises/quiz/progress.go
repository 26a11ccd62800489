package quiz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// ProgressFile is the name of the progress file in the user's state
// directory (the one recordings are kept in).
const ProgressFile = "quiz.json"

// progressVersion is the format of the file; a newer one is not touched.
const progressVersion = 1

// keepDays is how many days with answers a topic remembers, enough to see
// a trend over the weeks before an exam.
const keepDays = 30

// Progress is what one student has answered, over many sessions and days:
// for each question how often it was asked and answered right, and for
// each topic the same, also day by day, so that weak topics stand out.
//
// It is kept as JSON, readable with jq:
//
//	{"version":1,
//	 "questions":{"transparency-location-1":{"asked":3,"right":2,"last_seen":"2026-11-22T10:04:05Z"}},
//	 "topics":{"transparency":{"asked":9,"right":5,"days":[{"date":"2026-11-22","asked":4,"right":2}]}}}
type Progress struct {
	mu      sync.Mutex // guards data and unsaved; Record runs in the UI, Save in a command
	data    progressData
	unsaved bool // answers were recorded since the last Save
}

type progressData struct {
	Version   int                        `json:"version"`
	Questions map[string]*QuestionRecord `json:"questions"`
	Topics    map[string]*TopicRecord    `json:"topics"`
}

// QuestionRecord is the history of one question.
type QuestionRecord struct {
	Asked    int       `json:"asked"`
	Right    int       `json:"right"`
	LastSeen time.Time `json:"last_seen"`
}

// TopicRecord is the history of one topic: every answer to a question that
// counts for it.
type TopicRecord struct {
	Asked int   `json:"asked"`
	Right int   `json:"right"`
	Days  []Day `json:"days"` // the last days with answers, oldest first
}

// Day is one day's answers in a topic.
type Day struct {
	Date  string `json:"date"` // 2006-01-02, local time
	Asked int    `json:"asked"`
	Right int    `json:"right"`
}

// Share is the part answered right, from 0 to 1.
func (t TopicRecord) Share() float64 {
	if t.Asked == 0 {
		return 0
	}
	return float64(t.Right) / float64(t.Asked)
}

// NewProgress is a progress with nothing answered yet.
func NewProgress() *Progress {
	return &Progress{data: progressData{Version: progressVersion,
		Questions: make(map[string]*QuestionRecord), Topics: make(map[string]*TopicRecord)}}
}

// ProgressError says that a progress file exists but cannot be used. The
// file is left as it is: a student's weeks of history are not replaced by
// an empty file because of one bad byte.
type ProgressError struct {
	Path string
	Err  error
}

func (e *ProgressError) Error() string {
	return fmt.Sprintf("the quiz progress in %s cannot be read (%v), so it is left untouched and this session is not saved", e.Path, e.Err)
}

func (e *ProgressError) Unwrap() error { return e.Err }

// LoadProgress reads the progress file at path. A file that does not exist
// yet is an empty progress; one that cannot be read or parsed is a
// *ProgressError.
func LoadProgress(path string) (*Progress, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return NewProgress(), nil
	}
	if err != nil {
		return nil, &ProgressError{path, err}
	}
	p := NewProgress()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&p.data); err != nil {
		return nil, &ProgressError{path, fmt.Errorf("not valid JSON: %w", err)}
	}
	if p.data.Version != progressVersion {
		return nil, &ProgressError{path, fmt.Errorf("format version %d, this dsdemo knows %d", p.data.Version, progressVersion)}
	}
	if p.data.Questions == nil {
		p.data.Questions = make(map[string]*QuestionRecord)
	}
	if p.data.Topics == nil {
		p.data.Topics = make(map[string]*TopicRecord)
	}
	return p, nil
}

// Record adds one answer to q, given at time at.
func (p *Progress) Record(q *Question, right bool, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.data.Questions[q.ID]
	if r == nil {
		r = &QuestionRecord{}
		p.data.Questions[q.ID] = r
	}
	p.unsaved = true
	r.Asked++
	r.LastSeen = at.UTC()
	score := 0
	if right {
		r.Right++
		score = 1
	}
	date := at.Local().Format(time.DateOnly)
	for _, tag := range q.TopicTags() {
		t := p.data.Topics[tag]
		if t == nil {
			t = &TopicRecord{}
			p.data.Topics[tag] = t
		}
		t.Asked++
		t.Right += score
		if n := len(t.Days); n == 0 || t.Days[n-1].Date != date {
			t.Days = append(t.Days, Day{Date: date})
		}
		t.Days[len(t.Days)-1].Asked++
		t.Days[len(t.Days)-1].Right += score
		if len(t.Days) > keepDays {
			t.Days = slices.Clone(t.Days[len(t.Days)-keepDays:])
		}
	}
}

// Question is the history of the question with the given id.
func (p *Progress) Question(id string) QuestionRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.data.Questions[id]; r != nil {
		return *r
	}
	return QuestionRecord{}
}

// TopicProgress is a topic and its history.
type TopicProgress struct {
	Topic Topic
	TopicRecord
}

// Topics returns every topic of the syllabus with its history, the weakest
// first: the lowest share right at the top, topics never practised last.
func (p *Progress) Topics() []TopicProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]TopicProgress, 0, len(topics))
	for _, t := range topics {
		tp := TopicProgress{Topic: t}
		if r := p.data.Topics[t.Tag]; r != nil {
			tp.TopicRecord = *r
			tp.Days = slices.Clone(r.Days)
		}
		out = append(out, tp)
	}
	slices.SortStableFunc(out, func(a, b TopicProgress) int {
		switch {
		case (a.Asked == 0) != (b.Asked == 0):
			if a.Asked == 0 {
				return 1
			}
			return -1
		case a.Share() < b.Share():
			return -1
		case a.Share() > b.Share():
			return 1
		}
		return 0
	})
	return out
}

// Save writes the progress to path atomically: into a temporary file in the
// same directory, then renamed over the old one, so that a crash or a full
// disk leaves either the old file or the new one, never half of one.
func (p *Progress) Save(path string) error {
	// The lock is held through the write, so that of two saves in a row the
	// later one, which has every answer, is the one that stays on disk.
	p.mu.Lock()
	defer p.mu.Unlock()
	data, err := json.MarshalIndent(p.data, "", " ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save quiz progress: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".quiz-*.json")
	if err != nil {
		return fmt.Errorf("save quiz progress: %w", err)
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save quiz progress: %w", err)
	}
	p.unsaved = false
	return nil
}

// Unsaved reports whether answers were recorded since the last Save.
func (p *Progress) Unsaved() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unsaved
}
