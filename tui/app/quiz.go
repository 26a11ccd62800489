package app

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"dsdemo/exercises/quiz"
	"dsdemo/models/i18n"
	quizscreen "dsdemo/tui/quiz"
	"dsdemo/tui/record"
	"dsdemo/tui/screen"
	"dsdemo/tui/theme"
)

const quizUsage = `usage: dsdemo quiz [--topic T] [--exam N [--deepening]] [--lang de|en]   practise, or sit an exam of N questions
       dsdemo quiz --stats                                     count the questions per topic
       dsdemo quiz --check FILE                                check a question file
       dsdemo quiz --export moodle|gift FILE [--topic T] [--lang de|en]
                                                               the bank for a learning platform (Moodle XML
                                                               or GIFT); both languages unless --lang; FILE - is stdout

Progress is kept in %s.
Topics: %s

flags:
`

// runQuiz is `dsdemo quiz`. It returns the exit code itself, because
// --check prints its errors one per line as file:line: message, without
// the "dsdemo:" prefix, so that editors can jump to them.
func runQuiz(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quiz", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lang := fs.String("lang", i18n.FromEnv(), "language of the questions: `de` or en (default from $LANG)")
	themeName := fs.String("theme", theme.Default, "colours: `default` or contrast (for projectors)")
	topic := fs.String("topic", "", "only questions of the `TOPIC`")
	exam := fs.Int("exam", 0, "an exam of `N` questions across the topics, with a time limit")
	deepening := fs.Bool("deepening", false, "let the exam ask questions beyond the syllabus too (practice always does)")
	limit := fs.Duration("time", 0, "the exam's time `limit` (default a minute per question)")
	stats := fs.Bool("stats", false, "print the number of questions in total and per topic")
	check := fs.String("check", "", "check the question `FILE` and print every mistake")
	format := fs.String("export", "", "write the bank as `moodle` XML or gift to the FILE that follows")
	// --export's FILE may stand between flags: read on after it.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(stdout, quizUsage, progressPath(), strings.Join(topicTags(), ", "))
				fs.SetOutput(stdout)
				fs.PrintDefaults()
				return 0
			}
			return exit(stderr, usageErr(fmt.Sprintf("quiz: %v (see dsdemo quiz --help)", err)))
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case *format != "" && len(files) != 1:
		return exit(stderr, usageErr("--export needs one FILE: dsdemo quiz --export moodle|gift FILE"))
	case *format != "" && !slices.Contains(quiz.ExportFormats, *format):
		return exit(stderr, usageErr(fmt.Sprintf("--export must be moodle or gift, not %q", *format)))
	case *format == "" && len(files) > 0:
		return exit(stderr, usageErr(fmt.Sprintf("quiz takes no arguments, only flags: %q", files[0])))
	case !i18n.Known(*lang):
		return exit(stderr, usageErr(fmt.Sprintf("--lang must be de or en, not %q", *lang)))
	case !theme.Known(*themeName):
		return exit(stderr, usageErr(fmt.Sprintf("--theme must be default or contrast, not %q", *themeName)))
	case *exam < 0:
		return exit(stderr, usageErr(fmt.Sprintf("--exam must be a number of questions, not %d", *exam)))
	case *limit < 0:
		return exit(stderr, usageErr(fmt.Sprintf("--time must be positive, not %v", *limit)))
	}
	if _, ok := quiz.TopicByTag(*topic); *topic != "" && !ok {
		return exit(stderr, usageErr(fmt.Sprintf("--topic %q is not a topic (want one of %s)", *topic, strings.Join(topicTags(), ", "))))
	}

	if *check != "" {
		b, err := quiz.LoadFile(*check)
		if err != nil {
			var errs quiz.Errors
			if errors.As(err, &errs) {
				fmt.Fprintln(stderr, errs.Error())
				return 1
			}
			return exit(stderr, err)
		}
		fmt.Fprintf(stdout, "%s: %d questions, no mistakes\n", *check, len(b.Questions))
		return 0
	}

	bank, err := quiz.Embedded()
	if err != nil {
		fmt.Fprintf(stderr, "dsdemo: the built-in question bank has mistakes:\n%v\n", err)
		return 1
	}
	if *stats {
		printStats(stdout, bank.Stats(), *lang)
		return 0
	}
	if *format != "" {
		var langs []string // both, unless --lang is given
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "lang" {
				langs = []string{*lang}
			}
		})
		return exit(stderr, exportQuiz(stdout, files[0], *format, bank.Select(*topic, ""), langs))
	}

	opts := quizOptions(bank, *lang, *themeName)
	opts.Topic, opts.ExamSize, opts.ExamLimit, opts.Deepening = *topic, *exam, *limit, *deepening
	opts.Begin = *topic != "" || *exam > 0
	if *exam > 0 {
		opts.Mode = quiz.Exam
	}
	_, err = tea.NewProgram(quizscreen.Program{Model: quizscreen.New(opts)}).Run()
	// Each answer is saved as it is given; this catches one given just
	// before ctrl+c, whose save the program may not have waited for.
	if p := opts.Progress; p != nil && p.Unsaved() && opts.ProgressPath != "" {
		err = errors.Join(err, p.Save(opts.ProgressPath))
	}
	return exit(stderr, err)
}

// exportQuiz writes qs for a learning platform to file ("-": stdout). The
// file is written whole or not at all, so a failed export leaves no half
// file behind for the platform to choke on.
func exportQuiz(stdout io.Writer, file, format string, qs []*quiz.Question, langs []string) error {
	var buf bytes.Buffer
	if err := quiz.Export(&buf, format, qs, langs...); err != nil {
		return err
	}
	if file == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, file); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// quizOptions are the quiz screens' options with the student's progress
// from the state directory. A progress file that cannot be read is named
// on the start page and left alone; the quiz runs without saving.
func quizOptions(bank *quiz.Bank, lang, themeName string) quizscreen.Options {
	opts := quizscreen.Options{Lang: lang, Theme: theme.New(themeName), Bank: bank}
	path := progressPath()
	if path == "" {
		opts.Notice = "Cannot find the state directory; progress is not saved."
		return opts
	}
	p, err := quiz.LoadProgress(path)
	if err != nil {
		opts.Notice = err.Error()
		return opts
	}
	opts.Progress, opts.ProgressPath = p, path
	return opts
}

// quizPage opens the quiz from the home screen: bank and progress are read
// when it opens, so the weak topics include the last session.
func (o options) quizPage() screen.Page {
	bank, err := quiz.Embedded()
	if err != nil {
		opts := quizscreen.Options{Lang: o.lang, Theme: theme.New(o.theme), Bank: &quiz.Bank{},
			Notice: "The built-in question bank has mistakes; run dsdemo quiz --stats to see them."}
		return quizscreen.New(opts)
	}
	return quizscreen.New(quizOptions(bank, o.lang, o.theme))
}

// progressPath is the progress file in the state directory the recordings
// use, or "" when there is none.
func progressPath() string {
	dir, err := record.StateDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, quiz.ProgressFile)
}

func topicTags() []string {
	var tags []string
	for _, t := range quiz.Topics() {
		tags = append(tags, t.Tag)
	}
	return tags
}

// minPerTopic is what the syllabus asks of each topic; --stats marks the
// topics below it, so the question writers see what is missing.
const minPerTopic = 5

func printStats(w io.Writer, s quiz.Stats, lang string) {
	fmt.Fprintf(w, "questions:          %d\n", s.Total)
	fmt.Fprintf(w, "in both languages:  %d\n", s.BothLanguages)
	fmt.Fprintf(w, "by topic (a question counts for its topic and each of its tags):\n")
	for _, tc := range s.ByTopic {
		mark := ""
		if tc.Questions < minPerTopic {
			mark = fmt.Sprintf("   (fewer than %d)", minPerTopic)
		}
		fmt.Fprintf(w, "  %-16s %4d  %s%s\n", tc.Topic.Tag, tc.Questions, tc.Topic.Name.In(lang), mark)
	}
	fmt.Fprintf(w, "beyond the syllabus: %d   (tag %s; an exam asks them only with --deepening)\n", s.Deepening, quiz.DeepeningTag)
}
