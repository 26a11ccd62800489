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

// Read reads a recording. Blank lines are skipped and a trailing "\r" is
// ignored, as in the trace protocol. At the first line that is not a trace
// event (most often the last line of a run that crashed while writing it)
// Read stops and returns the events before that line together with a
// *LineError naming it, so a viewer can still replay what was recorded.
func Read(r io.Reader) ([]trace.Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	var events []trace.Event
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		ev, err := parse(sc.Bytes())
		if err != nil {
			return events, &LineError{Line: line, Err: err}
		}
		events = append(events, ev)
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return events, &LineError{Line: line + 1, Err: ErrLineTooLong}
	case err != nil:
		return events, fmt.Errorf("read the recording after line %d: %w", line, err)
	}
	return events, nil
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
func ReadFile(path string) ([]trace.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // it names the path already: "open x.jsonl: no such file or directory"
	}
	defer f.Close()
	events, err := Read(f)
	if err != nil {
		return events, fmt.Errorf("%s: %w", path, err)
	}
	return events, nil
}
