package record

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// A recording has a size limit (Policy.RunBytes). When it is reached the
// Writer notes a cut and from then on writes only what frames the run:
// hellos, byes and the experiment's steps, which are few. Messages, states,
// logs and overflows, which a busy ring sends hundreds of a second, are
// counted instead, and Close notes how many were left out.
//
// Lines collect in a buffer that a ticker flushes. Writing each line to the
// file at once would cost a system call per event, held under the lock the
// collector's goroutines share: on ext4 that more than doubles the cost of a
// Write (BenchmarkWrite: 1.2 µs buffered, 2.8 µs flushing every event), on
// the path that has to take 50,000 events a second.
type Writer struct {
	path  string
	file  *os.File      // locked (see removeUnused) until Close, so no rotation removes it
	limit int64         // Policy.RunBytes
	stop  chan struct{} // closed by Close to end the flushing goroutine
	done  chan struct{} // closed when the flushing goroutine has ended

	mu     sync.Mutex // guards buf, enc, size, cut, left and closed
	buf    *bufio.Writer
	enc    *json.Encoder // writes to buf through size
	size   counter       // bytes written so far
	cut    bool          // the limit was reached
	left   uint64        // events left out since the cut
	closed bool
}

// counter counts the bytes written to the buffer: json.Encoder writes each
// line with one Write.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Create starts a new recording of a run of model that started at start,
// under DefaultPolicy; see Policy.Create.
func Create(dir, model string, start time.Time) (*Writer, error) {
	return DefaultPolicy.Create(dir, model, start)
}

// Create starts a new recording of a run of model that started at start. It
// creates dir if needed and a file in it named by the model and the time,
// such as clientserver-20261122-224501.jsonl; if a recording of that name
// exists already (two runs in one second), it adds -2, -3 and so on. First
// it makes room for the new recording: see Rotate.
func (p Policy) Create(dir, model string, start time.Time) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create the directory for recordings: %w", err)
	}
	// A recording that cannot be removed stays; the run is recorded all the same.
	_, _ = p.Rotate(dir)
	file, err := createUnique(dir, fileSafe(model)+"-"+start.Format(nameTime))
	if err != nil {
		return nil, fmt.Errorf("create a recording: %w", err)
	}
	if err := lock(file); err != nil {
		file.Close()
		return nil, fmt.Errorf("create a recording: lock %s: %w", file.Name(), err)
	}
	w := &Writer{
		path:  file.Name(),
		file:  file,
		limit: p.RunBytes,
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		buf:   bufio.NewWriterSize(file, 64<<10),
	}
	w.size.w = w.buf
	w.enc = json.NewEncoder(&w.size)
	go w.flushPeriodically()
	return w, nil
}

// nameTime is the layout of the time in a recording's name.
const nameTime = "20060102-150405"

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
// Once the recording is cut, Write counts the events it leaves out and
// returns nil for them: the run goes on, only its recording is full.
func (w *Writer) Write(ev trace.Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if !w.cut && w.size.n >= w.limit {
		w.cut = true
		w.note(trace.Event{V: trace.Version, Kind: KindCut, Time: time.Now().UnixMicro(),
			Text: fmt.Sprintf("the recording reached %d MiB: from here on it holds only hellos, byes, faults, answers and steps", w.limit>>20)})
	}
	// A fault (the launcher's action) is kept: a few lines that still
	// explain why the run changed after the cut; so are the class's answers.
	if w.cut && ev.Kind != trace.KindHello && ev.Kind != trace.KindBye && !trace.WrittenByCollector(ev.Kind) {
		w.left++
		return nil
	}
	// Encode writes nothing unless the whole line encoded, so an event that
	// cannot be written (a body that is not JSON) leaves no broken line.
	if err := w.enc.Encode(&ev); err != nil {
		return fmt.Errorf("record event %d of %s: %w", ev.Seq, ev.Node, err)
	}
	return nil
}

// note writes a line of the recording's own; an error stays in the buffer
// and is returned by the next Write or by Close. The caller holds mu.
func (w *Writer) note(line any) { _ = w.enc.Encode(line) }

// stepLine is a Step as a line of the recording.
type stepLine struct {
	V    int        `json:"v"`
	Kind trace.Kind `json:"ev"`
	Step
}

// Step notes a caption of the guided experiment; Time is set to now if it
// is zero. Steps are written even after a cut, so a replay still shows
// every caption.
func (w *Writer) Step(s Step) error {
	if s.Time == 0 {
		s.Time = time.Now().UnixMicro()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if err := w.enc.Encode(stepLine{V: trace.Version, Kind: KindStep, Step: s}); err != nil {
		return fmt.Errorf("record step %d of %s: %w", s.Index+1, s.Experiment, err)
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
	if w.cut {
		w.note(trace.Event{V: trace.Version, Kind: KindCut, Time: time.Now().UnixMicro(), Count: w.left,
			Text: fmt.Sprintf("%d events were left out after the cut", w.left)})
	}
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
