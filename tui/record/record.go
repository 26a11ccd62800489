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
//	                                                 |
//	            replay, export <------ReadFile-------'
//
// Recordings live in the user's state directory (StateDir), one file per
// run, named by the model and the time the run started.
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
