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
}

// NewFrameReader returns a reader of lines of at most max bytes from r.
func NewFrameReader(r io.Reader, max int) *FrameReader {
	return &FrameReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// ReadFrame returns the next line without its newline. The slice is valid
// until the next call. A line over the limit is consumed and reported as
// ErrFrameTooLarge without ever holding more than the limit in memory.
func (fr *FrameReader) ReadFrame() ([]byte, error) {
	for {
		line, err := fr.readLine()
		if err != nil || len(line) > 0 {
			return line, err
		}
	}
}

func (fr *FrameReader) readLine() ([]byte, error) {
	if cap(fr.buf) > 256<<10 {
		fr.buf = nil // do not keep a large buffer alive after one large frame
	}
	fr.buf = fr.buf[:0]
	tooLarge := false
	for {
		chunk, err := fr.r.ReadSlice('\n')
		if !tooLarge {
			if len(fr.buf)+len(chunk) > fr.max+len("\r\n") {
				tooLarge = true
				fr.buf = fr.buf[:0]
			} else {
				fr.buf = append(fr.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && (tooLarge || len(fr.buf) == 0):
			if tooLarge {
				return nil, ErrFrameTooLarge
			}
			return nil, err
		case tooLarge:
			return nil, ErrFrameTooLarge
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
