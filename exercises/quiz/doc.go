// Package quiz is the exam drill of dsdemo: a bank of questions in plain
// YAML files, checked line by line, played as practice or as a timed exam,
// with each student's progress kept over days.
//
//	bank/*.yaml ──Load──▶ Bank ──NewSession──▶ Session ──Current──▶ Deal (shuffled)
//	 (go:embed)    │                              ▲   │                  │
//	               ▼                      Answer  │   └──Score──▶ by topic
//	      file:line: what is wrong                │
//	                                    student ──┘──Record──▶ Progress (quiz.json)
//
// # Questions
//
// A question has a kind (Single, Multiple, Match, Order, Short), a main
// topic and further tags from the syllabus (Topics), a level, the text in
// German and English, and an explanation shown after answering. The file
// format is described in bank/README.md; Load reads a folder of such files
// and reports every mistake at once, each as "file:line: what is wrong", so
// that an instructor can fix a file in one go. The tag DeepeningTag marks a
// question beyond the syllabus: practice asks it, an exam only when
// Config.Deepening says so.
//
// # Answers
//
// Question.Check grades an Answer whose indices name items in the order of
// the file. What a student sees is a Deal: the same question with its
// choices, right sides or steps shuffled by a seeded random source, so a
// test (or a class sitting the same exam) sees the same order every time.
// Deal.Answer translates what was picked on screen back to the file's order.
//
// # Sessions
//
// A Session asks the questions and keeps the score; it does no I/O and
// reads time only through the clock it is given, so it can be driven step by
// step in a test. In Practice mode a wrong answer comes back a few
// questions later; in Exam mode questions are drawn across the topics and
// nothing is said until the time limit or the last answer, then Score gives
// the result by topic.
//
// # Export
//
// Export writes the bank for a learning platform, as Moodle XML or GIFT
// (`dsdemo quiz --export moodle|gift FILE`), each language in categories of
// its own:
//
//	$course$/top/dsdemo/de/transparency   ← one category per language and topic
//	    transparency-count                ← the question in German
//	$course$/top/dsdemo/en/transparency
//	    transparency-count                ← the same question in English
//
// Own categories, not the multilang filter's <span lang="de"
// class="multilang"> pairs: the filter is off in a fresh Moodle, and short
// answers and the right sides of a matching question are plain text that
// the platform compares or lists, where spans would not work. A course
// imports the folder of its language, or exports only that one (--lang).
// The explanation becomes the general feedback; texts are plain text
// (Moodle's plain_text, GIFT's [plain]), and GIFT's reserved characters
// ~ = # { } : are escaped with a backslash. The kinds become:
//
//	single    multichoice with one answer at 100 %
//	multiple  multichoice with several answers: the right ones share 100 %,
//	          each wrong one takes away 100 % / (number of wrong ones), so
//	          that ticking everything scores 0. Moodle gives part marks
//	          where dsdemo grades all or nothing.
//	match     matching: the left sides are asked, the right sides offered
//	order     matching too, each step with its position (1 first): core
//	          Moodle has no ordering question and GIFT cannot write one,
//	          while matching works everywhere and grades the same
//	short     shortanswer with every keyword of both languages at 100 %,
//	          case ignored. Moodle compares the whole answer, so "es sind 8"
//	          is wrong there although Check accepts it.
//
// Questions tagged deepening carry the Moodle tag "deepening" beside their
// topics, so that a course can leave them out of its own exam.
//
// # Progress
//
// Progress counts, per question and per topic, how often it was asked and
// answered right, and per topic also by day. It lives in the user's state
// directory (ProgressFile) and is written atomically; a file that cannot be
// read is reported and left alone, never replaced by an empty one.
package quiz
