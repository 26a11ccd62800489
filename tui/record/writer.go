package record

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"dsdemo/models/trace"
)

// FlushEvery is how long a written event may wait in the Writer's buffer
// before it reaches the file.
const FlushEvery = 500 * time.Millisecond

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("the recording is closed")

// Writer appends events to one recording. It is safe for concurrent use: the
// collector calls Write from one goroutine per program.
//
// Lines collect in a buffer that a ticker flushes. Writing each line to the
// file at once would cost a system call per event, held under the lock the
// collector's goroutines share: on ext4 that more than doubles the cost of a
// Write (BenchmarkWrite: 1.2 µs buffered, 2.8 µs flushing every event), on
// the path that has to take 50,000 events a second.
type Writer struct {
	path string
	file *os.File
	stop chan struct{} // closed by Close to end the flushing goroutine
	done chan struct{} // closed when the flushing goroutine has ended

	mu     sync.Mutex // guards buf, enc and closed
	buf    *bufio.Writer
	enc    *json.Encoder
	closed bool
}

// Create starts a new recording of a run of model that started at start. It
// creates dir if needed and a file in it named by the model and the time,
// such as clientserver-20261122-224501.jsonl; if a recording of that name
// exists already (two runs in one second), it adds -2, -3 and so on.
func Create(dir, model string, start time.Time) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create the directory for recordings: %w", err)
	}
	file, err := createUnique(dir, fileSafe(model)+"-"+start.Format("20060102-150405"))
	if err != nil {
		return nil, fmt.Errorf("create a recording: %w", err)
	}
	w := &Writer{
		path: file.Name(),
		file: file,
		stop: make(chan struct{}),
		done: make(chan struct{}),
		buf:  bufio.NewWriterSize(file, 64<<10),
	}
	w.enc = json.NewEncoder(w.buf)
	go w.flushPeriodically()
	return w, nil
}

// createUnique creates base.jsonl, or base-2.jsonl, base-3.jsonl ... if it
// exists. O_EXCL makes the check and the creation one step, so two launchers
// starting in the same second cannot both take the same name.
func createUnique(dir, base string) (*os.File, error) {
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name += "-" + strconv.Itoa(n)
		}
		file, err := os.OpenFile(filepath.Join(dir, name+".jsonl"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) || n == 1000 {
			return file, err
		}
	}
}

// fileSafe turns a model id into a part of a file name: letters, digits, '-'
// and '_' stay, anything else (a slash, a colon) becomes '_'.
func fileSafe(model string) string {
	if model == "" {
		return "run"
	}
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, model)
}

// Path returns the file name of the recording.
func (w *Writer) Path() string { return w.path }

// Write appends ev as one line. The line reaches the file within FlushEvery.
func (w *Writer) Write(ev trace.Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	// Encode writes nothing unless the whole line encoded, so an event that
	// cannot be written (a body that is not JSON) leaves no broken line.
	if err := w.enc.Encode(&ev); err != nil {
		return fmt.Errorf("record event %d of %s: %w", ev.Seq, ev.Node, err)
	}
	return nil
}

func (w *Writer) flushPeriodically() {
	defer close(w.done)
	ticker := time.NewTicker(FlushEvery)
	defer ticker.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-ticker.C:
			w.mu.Lock()
			if w.buf.Buffered() > 0 {
				// A failed flush is remembered by the bufio.Writer and
				// returned by the next Write or by Close.
				_ = w.buf.Flush()
			}
			w.mu.Unlock()
		}
	}
}

// Close writes what is buffered and closes the file. Calling it again does
// nothing.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	<-w.done

	err := w.buf.Flush()
	if cerr := w.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close the recording %s: %w", w.path, err)
	}
	return nil
}
