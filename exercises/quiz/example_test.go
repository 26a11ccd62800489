package quiz_test

import (
	"fmt"
	"time"

	"dsdemo/exercises/quiz"
)

// A practice session over one file: the questions come in a shuffled
// order, a wrong answer is explained and asked again a few questions later.
func Example() {
	bank, err := quiz.LoadFile("testdata/good.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bank.Stats().Total, "questions")

	s, _ := quiz.NewSession(bank, quiz.Config{Mode: quiz.Practice, Topic: "data-formats", Lang: "en", Seed: 1})
	deal := s.Current()
	fmt.Println(deal.Text.EN)

	res, _ := s.Answer(quiz.Answer{Text: "compression"})
	fmt.Println("right:", res.Right, "-", res.Question.Explain.EN)
	res, _ = s.Answer(quiz.Answer{Text: "  Serialization "})
	fmt.Println("right:", res.Right, "- asked again:", res.Again)
	fmt.Printf("score: %d of %d\n", s.Score().Right, s.Score().Total)
	// Output:
	// 5 questions
	// What is packing data for the network called?
	// right: false - Both sides need the same format.
	// right: true - asked again: true
	// score: 0 of 1
}

// Checking a file reports every mistake with its line, as
// `dsdemo quiz --check FILE` prints them.
func ExampleLoadFile() {
	_, err := quiz.LoadFile("testdata/syntax.yaml")
	fmt.Println(err)
	// Output:
	// testdata/syntax.yaml:6: YAML syntax: mapping values are not allowed in this context (a text with ": " in it needs quotes)
}

// An exam ends when its time is up; what was not answered counts as wrong.
func ExampleSession_TimeUp() {
	bank, _ := quiz.LoadFile("testdata/good.yaml")
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	s, _ := quiz.NewSession(bank, quiz.Config{Mode: quiz.Exam, Count: 3, Limit: time.Minute, Seed: 1,
		Now: func() time.Time { return now }})
	now = now.Add(time.Minute)
	sc := s.Score()
	fmt.Println(s.TimeUp(), sc.Right, "of", sc.Total, "unanswered:", sc.Unanswered)
	// Output:
	// true 0 of 3 unanswered: 3
}
