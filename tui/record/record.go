// Package record keeps a run of a demo on disk, so that it can be replayed
// in class and exported for the slides long after the programs have stopped.
//
// A recording is the trace events of a run exactly as the collector received
// them, one JSON object a line: the same format the programs send (see
// models/trace/PROTOCOL.md), so a recording can be read with jq, grep or the
// Python collector's parser, and replaying it feeds the viewer the very
// events it saw live.
//
//	programs --events--> collector --Write--> clientserver-20261122-224501.jsonl
//	experiment player --Narrator--Step------------^      |
//	            replay, export <------ReadFile-----------'
//
// Besides the programs' events a recording holds two kinds of line of its
// own, in the same shape: a step (KindStep) is a caption of the guided
// experiment as the class read it, so a replay shows the captions and an
// export can take one step's messages; a cut (KindCut) says the recording
// reached its size limit and stopped taking messages there.
//
// Recordings live in the user's state directory (StateDir), one file per
// run, named by the model and the time the run started. They do not pile
// up: Create removes the oldest ones first when there are too many or they
// take too much room (Policy), and never one a launcher is still writing.
//
// A crash of the launcher must not cost the run: the Writer buffers lines but
// flushes them within half a second, so at most the last moment is lost, and
// a line cut off in the middle is only ever the last one. Read is written for
// such files: it returns every event before a broken line, together with a
// *LineError that names the line.
package record

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
)

// StateDir returns the directory recordings are kept in:
// $XDG_STATE_HOME/dsdemo, or ~/.local/state/dsdemo when XDG_STATE_HOME is
// not set (see the XDG Base Directory Specification).
func StateDir() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return filepath.Join(dir, "dsdemo"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the directory for recordings: %w", err)
	}
	return filepath.Join(home, ".local", "state", "dsdemo"), nil
}

// MaxLine is the longest line, newline included, a recording may hold: the
// line limit of the trace protocol, 1 MiB.
const MaxLine = 1 << 20

// ErrLineTooLong is the Err of a LineError for a line over MaxLine.
var ErrLineTooLong = errors.New("longer than 1 MiB")

// LineError says which line of a recording could not be read, and why.
// Lines count from 1.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// The kinds of the recording's own lines. No program sends them; a viewer
// that knows only the trace protocol skips them as kinds it does not know.
const (
	KindStep trace.Kind = "step" // a caption of the guided experiment was shown (Step)
	KindCut  trace.Kind = "cut"  // the recording stopped taking messages (Cut)
)

// Run is a recording as Read returns it.
type Run struct {
	Events []trace.Event // the programs' events, in the order the collector got them
	Steps  []Step        // the captions of the guided experiment, in the order shown
	Cut    Cut           // the zero Cut unless the recording reached its size limit
}

// Step is a caption of a guided experiment as the class read it above the
// picture: a step's text, a question with its choices, the verdict on an
// answer. A predict step gives several, one for each caption it showed.
type Step struct {
	Time       int64     `json:"t"`          // when it was shown, µs since 1970, as an event's Time
	Experiment string    `json:"experiment"` // the experiment's id
	Title      i18n.Text `json:"title"`      // the experiment's title
	// Index is the step, counted from 0 (people count from 1); -1 is the
	// experiment's summary, shown before its first step.
	Index   int       `json:"index"`
	Caption i18n.Text `json:"caption"`
	Choices []string  `json:"choices,omitempty"` // a question's choices, in order
	Chosen  string    `json:"chosen,omitempty"`  // a verdict: the class's answer ...
	Actual  string    `json:"actual,omitempty"`  // ... and where the message really went
}

// Cut says where a recording stopped taking messages (see Policy.RunBytes).
type Cut struct {
	Time int64  // when, µs since 1970; 0: the recording was never cut
	Left uint64 // how many events were left out after it, as far as known
}

// Start is when the run started: the time of its earliest event. It is the
// zero time for a run without events.
func (r Run) Start() time.Time {
	var first int64
	for _, ev := range r.Events {
		if ev.Time != 0 && (first == 0 || ev.Time < first) {
			first = ev.Time
		}
	}
	if first == 0 {
		return time.Time{}
	}
	return time.UnixMicro(first)
}

// Model is the id of the model that was recorded, as its programs said in
// their hello; "" when none said.
func (r Run) Model() string {
	for _, ev := range r.Events {
		if ev.Kind == trace.KindHello && ev.Model != "" {
			return ev.Model
		}
	}
	return ""
}

// StepWindow is the time from the moment step first was shown to the moment
// the class went on past step last (a zero to when nothing came after it):
// the messages of steps first to last. Steps count from 1, as people count
// them. Only the first experiment of the recording counts; a second one
// played after it ends its last step.
func (r Run) StepWindow(first, last int) (from, to time.Time, err error) {
	if len(r.Steps) == 0 {
		return from, to, errors.New("the recording holds no experiment steps (no experiment was played, or an older dsdemo recorded it)")
	}
	name := fmt.Sprintf("steps %d-%d", first, last)
	if first == last {
		name = fmt.Sprintf("step %d", first)
	}
	if first < 1 || last < first {
		return from, to, fmt.Errorf("%s: want FIRST-LAST with 1 <= FIRST <= LAST", name)
	}
	exp, most := r.Steps[0].Experiment, -1
	for _, s := range r.Steps {
		if s.Experiment == exp {
			most = max(most, s.Index)
		}
	}
	if last > most+1 {
		return from, to, fmt.Errorf("%s: the recording holds steps 1-%d of experiment %s", name, most+1, exp)
	}
	begun := false
	for _, s := range r.Steps {
		switch {
		case !begun && s.Experiment == exp && s.Index == first-1:
			begun, from = true, time.UnixMicro(s.Time)
		case begun && (s.Experiment != exp || s.Index > last-1):
			return from, time.UnixMicro(s.Time), nil
		}
	}
	if !begun {
		return from, to, fmt.Errorf("%s: step %d of experiment %s was not shown", name, first, exp)
	}
	return from, to, nil
}
