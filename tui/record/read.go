package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"dsdemo/models/trace"
)

// Read reads a recording: the programs' events, and the steps and the cut
// the launcher noted. Blank lines are skipped and a trailing "\r" is
// ignored, as in the trace protocol. At the first line that is not a trace
// event (most often the last line of a run that crashed while writing it)
// Read stops and returns what came before that line together with a
// *LineError naming it, so a viewer can still replay what was recorded.
func Read(r io.Reader) (Run, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	var run Run
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := run.add(sc.Bytes()); err != nil {
			return run, &LineError{Line: line, Err: err}
		}
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return run, &LineError{Line: line + 1, Err: ErrLineTooLong}
	case err != nil:
		return run, fmt.Errorf("read the recording after line %d: %w", line, err)
	}
	return run, nil
}

// add takes one line into the run: an event, a step or a cut.
func (r *Run) add(line []byte) error {
	ev, err := parse(line)
	if err != nil {
		return err
	}
	switch ev.Kind {
	case KindStep:
		// Decoded a second time for the step's own fields; steps are a
		// handful in a run of thousands of events.
		var s Step
		if err := json.Unmarshal(line, &s); err != nil {
			return fmt.Errorf("not a step: %w", err)
		}
		r.Steps = append(r.Steps, s)
	case KindCut:
		if r.Cut.Time == 0 {
			r.Cut.Time = ev.Time
		}
		r.Cut.Left = max(r.Cut.Left, ev.Count)
	default:
		r.Events = append(r.Events, ev)
	}
	return nil
}

// parse reads one line as an event, with the same checks as the collector.
func parse(line []byte) (trace.Event, error) {
	var ev trace.Event
	if err := json.Unmarshal(line, &ev); err != nil {
		return ev, fmt.Errorf("not a trace event: %w", err)
	}
	if ev.Kind == "" {
		return ev, errors.New(`not a trace event: it has no "ev" field`)
	}
	if ev.V != trace.Version {
		return ev, fmt.Errorf("trace protocol version %d, but this dsdemo reads version %d", ev.V, trace.Version)
	}
	return ev, nil
}

// ReadFile reads the recording in the file path, like Read. Its errors
// start with the path; a *LineError is still found by errors.As.
func ReadFile(path string) (Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return Run{}, err // it names the path already: "open x.jsonl: no such file or directory"
	}
	defer f.Close()
	run, err := Read(f)
	if err != nil {
		return run, fmt.Errorf("%s: %w", path, err)
	}
	return run, nil
}
