package program_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program"
)

func TestTextWriterShowsWhatATerminalWouldObey(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text passes", "hello, world\n", "hello, world\n"},
		{"tabs and newlines pass", "a\tb\nc\n", "a\tb\nc\n"},
		{"German passes", "Grüße aus München\n", "Grüße aus München\n"},
		{"clear screen", "\x1b[2Jgone?\n", `\x1b[2Jgone?` + "\n"},
		{"window title", "\x1b]0;pwned\x07\n", `\x1b]0;pwned\x07` + "\n"},
		{"carriage return overwrites a line", "ok\rFAIL\n", `ok\x0dFAIL` + "\n"},
		{"one-byte CSI (C1)", "a\u009b2Jb", `a\u009b2Jb`},
		{"delete", "a\x7fb", `a\x7fb`},
		{"bytes that are not UTF-8", "k\xff\xfe", `k\xff\xfe`},
		{"escape among German", "Grüße\x1b[31m", `Grüße\x1b[31m`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := program.TextWriter{W: &buf}.Write([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, len(tt.in), n, "Write reports what it was given")
			assert.Equal(t, tt.want, buf.String())
		})
	}
}
