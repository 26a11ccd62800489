package quiz

import (
	"embed"
	"io/fs"
)

// bankFiles are the question files, built into the binary so that the quiz
// works from any folder. The README is embedded too, which keeps the
// pattern valid while the folder has no question file yet.
//
//go:embed bank
var bankFiles embed.FS

// BankDir is where the bank's files are in the repository; errors of the
// embedded bank name their files from there, so an editor can open them.
const BankDir = "exercises/quiz/bank"

// Embedded loads the question bank built into the program. Errors name
// the files as they are in the repository (BankDir), where they are edited.
func Embedded() (*Bank, error) {
	sub, err := fs.Sub(bankFiles, "bank")
	if err != nil {
		return nil, err
	}
	return load(sub, BankDir)
}

// Bank is every question, in the order of the files.
type Bank struct {
	Questions []*Question
}

// Select returns the questions written in lang ("" for any) that count for
// topic ("" for all), in the bank's order.
func (b *Bank) Select(topic, lang string) []*Question {
	var out []*Question
	for _, q := range b.Questions {
		if lang != "" && !q.Has(lang) {
			continue
		}
		if topic != "" && !q.countsFor(topic) {
			continue
		}
		out = append(out, q)
	}
	return out
}

// ByID returns the question with the given id, or nil.
func (b *Bank) ByID(id string) *Question {
	for _, q := range b.Questions {
		if q.ID == id {
			return q
		}
	}
	return nil
}

func (q *Question) countsFor(topic string) bool {
	if q.Topic == topic {
		return true
	}
	for _, t := range q.Tags {
		if t == topic {
			return true
		}
	}
	return false
}

// Stats are the numbers `dsdemo quiz --stats` prints.
type Stats struct {
	Total         int
	BothLanguages int          // questions written in German and English
	Deepening     int          // questions beyond the syllabus (DeepeningTag)
	ByTopic       []TopicCount // every topic of the syllabus, in its order
}

// TopicCount is how many questions count for a topic: those with it as
// their topic and those with it among their tags.
type TopicCount struct {
	Topic     Topic
	Questions int
}

// Stats counts the bank's questions.
func (b *Bank) Stats() Stats {
	s := Stats{Total: len(b.Questions)}
	for _, q := range b.Questions {
		if q.Has("de") && q.Has("en") {
			s.BothLanguages++
		}
		if q.Deepening {
			s.Deepening++
		}
	}
	for _, t := range topics {
		s.ByTopic = append(s.ByTopic, TopicCount{Topic: t, Questions: len(b.Select(t.Tag, ""))})
	}
	return s
}
