package screen

import (
	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
)

// NewReplay returns the UI showing a recorded run, with no home page: when
// the replay ends, the program ends.
func NewReplay(events []trace.Event, opts Options) *Model {
	m := New(opts)
	m.standalone = true
	m.live = newLive(&m.c, opts, newRecording(&m.c, events), catalog.Model{Title: i18n.Text{DE: "Aufzeichnung", EN: "Recording"}})
	return m
}

// Notice shows a line in the status bar, e.g. why a recording ends early.
func (m *Model) Notice(text string) {
	if m.live != nil {
		m.live.update(doneMsg{text: text})
	}
}
