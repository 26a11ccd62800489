package wire_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// readAll reads frames until an error other than ErrFrameTooLarge, recording
// each frame as a string and each too-large frame as "<too large>".
func readAll(t *testing.T, fr *wire.FrameReader) ([]string, error) {
	t.Helper()
	var got []string
	for {
		line, err := fr.ReadFrame()
		switch {
		case errors.Is(err, wire.ErrFrameTooLarge):
			got = append(got, "<too large>")
		case err != nil:
			return got, err
		default:
			got = append(got, string(line))
		}
	}
}

func TestFrameReaderSplitsLines(t *testing.T) {
	tests := []struct {
		name  string
		input string
		max   int
		want  []string
	}{
		{"one line", "{\"a\":1}\n", 100, []string{`{"a":1}`}},
		{"several lines", "a\nbb\nccc\n", 100, []string{"a", "bb", "ccc"}},
		{"blank lines are skipped", "\n\na\n\n\nb\n\n", 100, []string{"a", "b"}},
		{"carriage returns are stripped", "a\r\nb\r\n\r\nc\n", 100, []string{"a", "b", "c"}},
		{"one carriage return per line end is stripped (CRLF)", "a\r\r\n", 100, []string{"a\r"}},
		{"a carriage return inside a line stays", "a\rb\n", 100, []string{"a\rb"}},
		{"a frame at the limit keeps an extra carriage return", "1234\r\r\n", 5, []string{"1234\r"}},
		{"unterminated last line", "a\nlast", 100, []string{"a", "last"}},
		{"empty input", "", 100, nil},
		{"line of exactly max", "12345\n", 5, []string{"12345"}},
		{"exactly max with carriage return", "12345\r\n", 5, []string{"12345"}},
		{"max plus one is refused, the next line is read", "123456\nok\n", 5, []string{"<too large>", "ok"}},
		{"too large unterminated last line", "ok\n123456", 5, []string{"ok", "<too large>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, wire.NewFrameReader(strings.NewReader(tt.input), tt.max))
			assert.ErrorIs(t, err, io.EOF)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFrameReaderEOFAfterLastLine(t *testing.T) {
	fr := wire.NewFrameReader(strings.NewReader("first\nlast"), wire.MaxFrame)
	for _, want := range []string{"first", "last"} {
		got, err := fr.ReadFrame()
		require.NoError(t, err)
		assert.Equal(t, want, string(got))
	}
	_, err := fr.ReadFrame()
	assert.ErrorIs(t, err, io.EOF, "after the unterminated last line")
	_, err = fr.ReadFrame()
	assert.ErrorIs(t, err, io.EOF, "and again")
}

func TestFrameReaderMaxFrame(t *testing.T) {
	tests := []struct {
		name string
		size int
		want []string
	}{
		{"exactly MaxFrame is accepted", wire.MaxFrame, []string{"<MaxFrame bytes>", "next"}},
		{"MaxFrame+1 is refused and the stream goes on", wire.MaxFrame + 1, []string{"<too large>", "next"}},
		{"5 MiB is skipped and the stream goes on", 5 << 20, []string{"<too large>", "next"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := io.MultiReader(
				&repeatReader{b: 'x', n: tt.size},
				strings.NewReader("\nnext\n"),
			)
			fr := wire.NewFrameReader(r, wire.MaxFrame)
			var got []string
			for {
				line, err := fr.ReadFrame()
				if errors.Is(err, wire.ErrFrameTooLarge) {
					got = append(got, "<too large>")
					continue
				}
				if err != nil {
					require.ErrorIs(t, err, io.EOF)
					break
				}
				if len(line) == wire.MaxFrame {
					require.Equal(t, -1, bytes.IndexFunc(line, func(r rune) bool { return r != 'x' }), "frame content")
					got = append(got, "<MaxFrame bytes>")
					continue
				}
				got = append(got, string(line))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFrameReaderCRLFAtTheLimit(t *testing.T) {
	// A line of exactly max bytes typed with a CRLF ending fits, whatever max
	// is and wherever the reader's internal buffer happens to split the line.
	for _, limit := range []int{5, 64<<10 - 1, 64 << 10, 128<<10 - 1, wire.MaxFrame} {
		t.Run(fmt.Sprintf("max %d", limit), func(t *testing.T) {
			r := io.MultiReader(&repeatReader{b: 'x', n: limit}, strings.NewReader("\r\nnext\r\n"))
			fr := wire.NewFrameReader(r, limit)
			line, err := fr.ReadFrame()
			require.NoError(t, err)
			assert.Len(t, line, limit)
			line, err = fr.ReadFrame()
			require.NoError(t, err)
			assert.Equal(t, "next", string(line))
		})
	}
}

func TestFrameReaderKeepsTheLimitInMemory(t *testing.T) {
	// A 64 MiB line must not be buffered whole: the reader counts what it
	// skips and holds at most the limit.
	const size = 64 << 20
	src := &repeatReader{b: 'y', n: size}
	fr := wire.NewFrameReader(io.MultiReader(src, strings.NewReader("\nok\n")), 1024)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := fr.ReadFrame()
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, wire.ErrFrameTooLarge)
	assert.Equal(t, size, src.read, "the whole line was consumed")
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(size/8), "bytes allocated while skipping a %d byte line", size)
	got, err := fr.ReadFrame()
	require.NoError(t, err)
	assert.Equal(t, "ok", string(got))
}

// repeatReader produces n copies of b without holding them in memory.
type repeatReader struct {
	b    byte
	n    int
	read int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	k := min(len(p), r.n-r.read)
	for i := range k {
		p[i] = r.b
	}
	r.read += k
	return k, nil
}
