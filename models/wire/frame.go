package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ErrFrameTooLarge is returned by FrameReader.ReadFrame for a line longer than
// its limit. The line has been skipped; the next call reads the line after it.
var ErrFrameTooLarge = errors.New("frame too large: over 1 MiB")

// FrameReader splits a byte stream into JSON lines of at most max bytes.
// Blank lines are skipped and a trailing "\r" is removed, so lines typed into
// nc or telnet work as well as those a program writes.
type FrameReader struct {
	r   *bufio.Reader
	max int
	buf []byte

	held     *heldBytes // nil: no budget shared with other readers
	reserved int        // cap(buf), as taken from held
}

// NewFrameReader returns a reader of lines of at most max bytes from r.
func NewFrameReader(r io.Reader, max int) *FrameReader {
	return &FrameReader{r: bufio.NewReaderSize(r, 16<<10), max: max}
}

// waitForData waits until at least one byte can be read, so that a caller
// can tell the silence between frames from the time a frame takes.
func (fr *FrameReader) waitForData() error {
	_, err := fr.r.Peek(1)
	return err
}

// ReadFrame returns the next line without its newline. The slice is valid
// until the next call. A line over the limit is consumed and reported as
// ErrFrameTooLarge without ever holding more than the limit in memory; a
// line the shared budget has no room for is consumed the same way and
// reported as ErrBusy.
func (fr *FrameReader) ReadFrame() ([]byte, error) {
	for {
		line, err := fr.readLine()
		if err != nil || len(line) > 0 {
			return line, err
		}
	}
}

// Close gives the reader's buffer back to the shared budget.
func (fr *FrameReader) Close() { fr.setBuf(nil) }

// setBuf replaces the line buffer and settles the budget for the change.
// Every byte of buffer capacity counts, so what the budget says is what the
// reader really holds.
func (fr *FrameReader) setBuf(b []byte) {
	if fr.held != nil {
		fr.held.give(fr.reserved)
		fr.reserved = cap(b)
	}
	fr.buf = b
}

// appendChunk appends chunk to the line buffer, growing it the way append
// would once the budget has room for the new capacity.
func (fr *FrameReader) appendChunk(chunk []byte) error {
	need := len(fr.buf) + len(chunk)
	if need > cap(fr.buf) {
		newCap := min(max(need, 2*cap(fr.buf), 4<<10), fr.max+len("\r\n"))
		if fr.held != nil && !fr.held.take(newCap) {
			return ErrBusy
		}
		grown := make([]byte, len(fr.buf), newCap)
		copy(grown, fr.buf)
		if fr.held != nil {
			fr.held.give(fr.reserved)
			fr.reserved = newCap
		}
		fr.buf = grown
	}
	fr.buf = append(fr.buf, chunk...)
	return nil
}

func (fr *FrameReader) readLine() ([]byte, error) {
	if cap(fr.buf) > 64<<10 {
		fr.setBuf(nil) // do not keep a large buffer alive after one large frame
	}
	fr.buf = fr.buf[:0]
	var refused error // ErrFrameTooLarge or ErrBusy: the rest of the line is skipped
	for {
		chunk, err := fr.r.ReadSlice('\n')
		if refused == nil {
			if len(fr.buf)+len(chunk) > fr.max+len("\r\n") {
				refused = ErrFrameTooLarge
			} else {
				refused = fr.appendChunk(chunk)
			}
			if refused != nil {
				fr.setBuf(nil)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && (refused != nil || len(fr.buf) == 0):
			if refused != nil {
				return nil, refused
			}
			return nil, err
		case refused != nil:
			return nil, refused
		}
		// A complete line, or the unterminated last line before EOF: the
		// next call reports the EOF.
		line := bytes.TrimSuffix(bytes.TrimSuffix(fr.buf, []byte("\n")), []byte("\r"))
		if len(line) > fr.max {
			return nil, ErrFrameTooLarge
		}
		return line, nil
	}
}
