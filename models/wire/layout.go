package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"unicode/utf8"
)

// The bodies that pass for every message (a broker's deliver, a remote
// call and its result) are written and read by hand in their packages,
// since encoding/json's reflection cost each of them a third of its
// time. This file holds the two pieces they share:
//
//	writer (appendDelivery, Call.appendJSON, ...)
//	   │  literal names, AppendText for strings, strconv for numbers
//	   ▼
//	{"sub":3,"msg":9,"dest":"queue:q","text":"hi","count":1}
//	   │  LayoutReader: the same literals in the same order
//	   ▼
//	reader (readDelivery, readCall, ...) ── false ──▶ json.Unmarshal
//
// A reader expects exactly the layout its writer produced. Anything else,
// such as a body an outside client spaced, ordered or escaped its own way,
// makes a step report false, and the caller hands the whole body to
// encoding/json instead. So the hand-written reader only needs to be
// right for what it accepts, and encoding/json decides everything else.

// AppendText appends s as a JSON string, the bytes json.Marshal writes for
// it: quotes, backslashes and control characters escaped, and, as
// encoding/json does for a page's sake, <, >, & and the line separators
// U+2028 and U+2029 too. Other text, accents and all, goes as it is. A
// string that is not valid UTF-8 (json.Marshal writes U+FFFD for each bad
// byte) is left to json.Marshal.
func AppendText(buf []byte, s string) []byte {
	if !utf8.ValidString(s) {
		b, _ := json.Marshal(s) // a string always encodes
		return append(buf, b...)
	}
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' && c != 0xe2 {
			continue
		}
		if c == 0xe2 { // U+2028 and U+2029 are e2 80 a8 and e2 80 a9
			if i+2 >= len(s) || s[i+1] != 0x80 || s[i+2]&^1 != 0xa8 {
				continue
			}
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[s[i+2]&0xf])
			i += 2
			start = i + 1
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// LayoutReader reads a JSON body of a known layout, one step at a time:
// the literal names and punctuation its writer puts between the values,
// and the values themselves. A step reports false when the body does not
// go on as the writer would have written it, be it broken JSON or JSON
// only written another way; the caller then gives up and hands the whole
// body to encoding/json. A step that reports false may have moved on or
// not, so after false the reader is used no more.
//
//	r := wire.NewLayoutReader(body)
//	if !r.Literal(`{"dest":`) || !r.Text(&s.Dest) || !r.Literal("}") || !r.AtEnd() {
//		return json.Unmarshal(body, &s)
//	}
//
// The values a LayoutReader reads are those json.Unmarshal would read
// from the same bytes.
type LayoutReader struct {
	data []byte
	i    int // the next byte to read
}

// NewLayoutReader returns a reader at the start of data.
func NewLayoutReader(data []byte) LayoutReader {
	return LayoutReader{data: data}
}

// AtEnd reports whether all of the data has been read: a body with
// anything after its closing brace is not the writer's layout.
func (r *LayoutReader) AtEnd() bool { return r.i == len(r.data) }

// Literal reads s, if the data goes on with it: a field's name with its
// quotes and colon, a comma, a brace, or a whole field such as
// `,"persistent":true` that the writer leaves out when it is false.
func (r *LayoutReader) Literal(s string) bool {
	if !bytes.HasPrefix(r.data[r.i:], []byte(s)) {
		return false
	}
	r.i += len(s)
	return true
}

// Text reads a string with no escapes and no control characters, whose
// JSON meaning is its bytes. One with escapes, or with bytes that are not
// UTF-8 (json.Unmarshal would change them), is left to encoding/json.
func (r *LayoutReader) Text(dst *string) bool {
	raw, ok := r.RawText()
	if ok {
		*dst = string(raw)
	}
	return ok
}

// RawText reads a string as Text does and returns what is between its
// quotes, pointing into the data.
func (r *LayoutReader) RawText() ([]byte, bool) {
	d := r.data
	if r.i >= len(d) || d[r.i] != '"' {
		return nil, false
	}
	start := r.i + 1
	for i := start; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			if !utf8.Valid(d[start:i]) {
				return nil, false
			}
			r.i = i + 1
			return d[start:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// Uint reads a number of digits only, as strconv.AppendUint writes it.
// A sign, a fraction, an exponent, a leading zero or a number too big
// for a uint64 is left to encoding/json.
func (r *LayoutReader) Uint(dst *uint64) bool {
	start := r.i
	if !r.Scalar() || r.data[start] == '"' || r.data[start] == '-' {
		return false
	}
	n, ok := decimal(r.data[start:r.i])
	if ok {
		*dst = n
	}
	return ok
}

// Int reads a whole number, as strconv.AppendInt writes it, that fits an
// int64.
func (r *LayoutReader) Int(dst *int64) bool {
	start := r.i
	if !r.Scalar() || r.data[start] == '"' {
		return false
	}
	raw := r.data[start:r.i]
	neg := raw[0] == '-'
	if neg {
		raw = raw[1:]
	}
	n, ok := decimal(raw)
	switch {
	case !ok || n > 1<<63 || n == 1<<63 && !neg:
		return false // json.Unmarshal says it does not fit
	case neg:
		*dst = -int64(n)
	default:
		*dst = int64(n)
	}
	return true
}

// decimal returns the value of a run of decimal digits, and false when it
// does not fit a uint64.
func decimal(d []byte) (uint64, bool) {
	var n uint64
	for _, c := range d {
		digit := uint64(c - '0')
		if n > (math.MaxUint64-digit)/10 {
			return 0, false
		}
		n = n*10 + digit
	}
	return n, true
}

// Scalar reads a string as Text does, or a whole number:
// -?(0|[1-9][0-9]*), with no fraction or exponent after it.
func (r *LayoutReader) Scalar() bool {
	d, i := r.data, r.i
	if i < len(d) && d[i] == '"' {
		_, ok := r.RawText()
		return ok
	}
	i, ok := wholeNumber(d, i)
	if !ok {
		return false
	}
	if i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E' || isDigit(d[i])) {
		return false // a fraction, an exponent, or a leading zero
	}
	r.i = i
	return true
}

// Object reads a flat object whose values are scalars (see Scalar), such
// as {"from":"alice","cents":500}, and calls field, unless it is nil, for
// each of its fields in order. The name and value point into the data;
// the value is the field's JSON, quotes included for a string. Object
// may call field before it finds that the object is not one it reads.
func (r *LayoutReader) Object(field func(name, value []byte)) bool {
	if !r.Literal("{") {
		return false
	}
	if r.Literal("}") {
		return true
	}
	for {
		name, ok := r.RawText()
		if !ok || !r.Literal(":") {
			return false
		}
		start := r.i
		if !r.Scalar() {
			return false
		}
		if field != nil {
			field(name, r.data[start:r.i:r.i])
		}
		if r.Literal("}") {
			return true
		}
		if !r.Literal(",") {
			return false
		}
	}
}

// Values reads a value that is a string as Text reads it, or an object as
// Object reads it; these are what an rpc codec writes for the arguments
// and results of a call. dst points into the data.
func (r *LayoutReader) Values(dst *json.RawMessage) bool {
	start := r.i
	if r.i < len(r.data) && r.data[r.i] == '{' {
		rest := r.data[r.i:]
		end := bytes.IndexByte(rest, '}')
		if end < 0 {
			return false
		}
		// The object ends at its first '}', unless a string in it holds
		// one: then Object finds that string unterminated.
		obj := NewLayoutReader(rest[:end+1])
		if !obj.Object(nil) || !obj.AtEnd() {
			return false
		}
		r.i += end + 1
	} else if _, ok := r.RawText(); !ok {
		return false
	}
	*dst = r.data[start:r.i:r.i]
	return true
}
