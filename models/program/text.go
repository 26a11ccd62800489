package program

import (
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// TextWriter writes text that came from the network (a value a server
// stored, a script's output, an error reason) so that a terminal shows it
// and does not obey it: control characters, the escape sequences that move
// the cursor, clear the screen or set the window title among them, are
// written escaped (ESC as \x1b), and so is every byte that is not UTF-8.
// Newlines and tabs pass, so text keeps its lines.
//
// Every program's Env.Stdout is one; there is no other way to print.
type TextWriter struct {
	W io.Writer
}

// Write writes p with its control characters escaped. It reports len(p)
// on success, as io.Writer asks, whatever it wrote in their place.
func (t TextWriter) Write(p []byte) (int, error) {
	if plain(p) {
		return t.W.Write(p)
	}
	if _, err := t.W.Write(Escape(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// plain reports whether p needs no escaping.
func plain(p []byte) bool {
	for _, b := range p {
		if b >= 0x80 {
			return utf8.Valid(p) && !hasControl(p)
		}
		if b < 0x20 && b != '\n' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

// hasControl reports whether the UTF-8 text p holds a control character
// other than newline and tab (C1 controls such as U+009B, the one-byte CSI,
// count too).
func hasControl(p []byte) bool {
	for _, r := range string(p) {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return true
		}
	}
	return false
}

// Escape returns p with each control character but newline and tab, and
// each byte that is not UTF-8, written as a Go escape (\x1b, \u009b).
func Escape(p []byte) []byte {
	out := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out = fmt.Appendf(out, `\x%02x`, p[i])
		case unicode.IsControl(r) && r != '\n' && r != '\t':
			if r < 0x80 {
				out = fmt.Appendf(out, `\x%02x`, r)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		default:
			out = append(out, p[i:i+size]...)
		}
		i += max(size, 1)
	}
	return out
}
