// Command dsdemo is the launcher and live visualiser of the dsdemo
// architecture models: it lists the models, starts their programs, shows the
// messages between them, replays recorded runs and exports them as diagrams,
// drills the exam questions and explains the lecture's terms.
//
//	dsdemo [--lang de|en] [--theme default|contrast] [--auto]   the terminal UI
//	dsdemo replay FILE                                           play a recorded run
//	dsdemo export FILE --format mermaid|svg [--out FILE]         write a diagram
//	dsdemo quiz [--topic T] [--exam N] [--stats] [--check FILE]  the question bank
//	dsdemo quiz --export moodle|gift FILE [--topic T] [--lang L]  the bank for Moodle (XML or GIFT)
//	dsdemo glossary [--lang de|en] [--format markdown] [TERM]    the lecture's terms
//	dsdemo --notes                                               the UI with the teacher notes shown (key t)
//	dsdemo handout MODEL/EXPERIMENT [--no-notes] | --all DIR      an experiment as Markdown for the course page
//	dsdemo notes MODEL/EXPERIMENT                                the teacher notes of an experiment
package main

import (
	"os"

	"dsdemo/tui/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdout, os.Stderr))
}
