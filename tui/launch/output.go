package launch

import (
	"bytes"
	"slices"
	"sync"
)

// Line is one line a program printed.
type Line struct {
	Stderr bool // printed on stderr; else on stdout
	Text   string
}

// The output the launcher keeps of each node is bounded, so a chatty
// program cannot fill the launcher's memory.
const (
	maxLines    = 200  // the latest lines of each node
	maxLineSize = 4096 // bytes; the rest of a longer line is left out
)

// tail keeps the latest lines a node printed, across its restarts.
type tail struct {
	mu    sync.Mutex // guards lines
	lines []Line
}

func (t *tail) add(l Line) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, l)
	if n := len(t.lines); n > maxLines {
		t.lines = append(t.lines[:0], t.lines[n-maxLines:]...)
	}
}

// snapshot returns the lines kept so far, oldest first.
func (t *tail) snapshot() []Line {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.lines)
}

// stderr returns the latest n lines printed on stderr, for error messages.
func (t *tail) stderr(n int) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, l := range t.lines {
		if l.Stderr {
			out = append(out, l.Text)
		}
	}
	return out[max(0, len(out)-n):]
}

// lineWriter is a process's stdout or stderr: it cuts what the process
// writes into lines for the tail. exec.Cmd copies each stream from its own
// goroutine, so a lineWriter is used by one goroutine at a time.
type lineWriter struct {
	tail    *tail
	stderr  bool
	partial []byte // the start of a line whose end has not come yet
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.keep(p)
			break
		}
		w.keep(p[:i])
		w.emit(w.partial)
		w.partial = w.partial[:0]
		p = p[i+1:]
	}
	return n, nil
}

// keep adds b to the partial line, up to maxLineSize bytes.
func (w *lineWriter) keep(b []byte) {
	room := maxLineSize - len(w.partial)
	w.partial = append(w.partial, b[:min(len(b), max(room, 0))]...)
}

// flush keeps a last line that did not end with a newline.
func (w *lineWriter) flush() {
	if len(w.partial) > 0 {
		w.emit(w.partial)
		w.partial = nil
	}
}

func (w *lineWriter) emit(b []byte) {
	w.tail.add(Line{Stderr: w.stderr, Text: string(bytes.TrimSuffix(b, []byte("\r")))})
}
