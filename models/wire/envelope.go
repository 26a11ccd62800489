package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// MaxFrame is the longest line, in bytes without its newline, a peer accepts.
// Longer frames are skipped and answered with an error envelope.
const MaxFrame = 1 << 20

// TypeError is the message type of an error reply; its body is ErrorBody.
const TypeError = "error"

// Envelope is one message on the wire. ID is unique per sender; a reply
// carries the request's ID in ReplyTo. Clock is the sender's Lamport time at
// the moment of sending. Body is the message's own content, left as raw JSON
// so the wire never needs to know what a demo's messages mean.
//
// The struct tags say what the line looks like. AppendLine and Decode write
// and read it by hand, byte for byte as encoding/json would (see the second
// half of this file): every message of every model passes through them, and
// encoding/json's reflection cost more than half of a busy broker's time.
type Envelope struct {
	From    string          `json:"from"`
	To      string          `json:"to"`
	Type    string          `json:"type"`
	ID      uint64          `json:"id"`
	ReplyTo uint64          `json:"reply_to"`
	Clock   uint64          `json:"clock"`
	Body    json.RawMessage `json:"body,omitempty"`
}

// ErrorBody is the body of an error envelope.
type ErrorBody struct {
	Reason string `json:"reason"`
}

// AppendLine appends e as one JSON line, newline included, to buf. The line
// is the one json.Marshal would write. A body that is not valid JSON is an
// error, and buf comes back as it was.
func (e *Envelope) AppendLine(buf []byte) ([]byte, error) {
	out, err := e.appendJSON(buf)
	if err != nil {
		return buf, fmt.Errorf("encode %s envelope: %w", e.Type, err)
	}
	return append(out, '\n'), nil
}

// DecodeError says why a line is not an envelope. ID is the line's id when it
// could be read, so the error reply can still point at the request.
type DecodeError struct {
	ID     uint64
	Reason string
}

func (e *DecodeError) Error() string { return e.Reason }

// Decode parses one line (without its newline) into an envelope. A line that
// is not JSON, not a JSON object, or lacks from, type or id is refused with a
// *DecodeError, and so is a line that is not valid UTF-8. Unknown fields are
// ignored, so newer peers can add some. Decode accepts what json.Unmarshal
// accepts and gives the same envelope: any spacing, any order of fields,
// escapes, field names in any case, and for a field given twice the last.
func Decode(line []byte) (Envelope, error) {
	var e Envelope
	if !e.parse(line) {
		// Something a program seldom writes (an escape in a name, a
		// number where a text belongs, broken JSON): encoding/json reads
		// it and says what is wrong.
		var slow Envelope // apart from e, which then stays on the stack
		if err := json.Unmarshal(line, &slow); err != nil {
			return Envelope{}, unmarshalError(err, slow.ID)
		}
		e = slow
	}
	switch {
	case !utf8.Valid(line):
		// encoding/json would quietly turn each bad byte into U+FFFD, so
		// two different keys could arrive as one.
		return Envelope{}, &DecodeError{ID: e.ID, Reason: "not an envelope: not valid UTF-8"}
	case e.Type == "":
		return Envelope{}, &DecodeError{ID: e.ID, Reason: `not an envelope: missing "type"`}
	case e.From == "":
		return Envelope{}, &DecodeError{ID: e.ID, Reason: `not an envelope: missing "from"`}
	case e.ID == 0:
		return Envelope{}, &DecodeError{Reason: `not an envelope: missing "id" (a number from 1 up)`}
	}
	if bytes.Equal(e.Body, []byte("null")) {
		e.Body = nil
	}
	return e, nil
}

// unmarshalError turns json.Unmarshal's error into the reason a peer is
// told. id is what the decoder read of the line's id before it gave up.
func unmarshalError(err error, id uint64) *DecodeError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &DecodeError{Reason: fmt.Sprintf("not JSON: %v", err)}
	case errors.As(err, &typ) && typ.Field == "":
		return &DecodeError{Reason: "not an envelope: want a JSON object"}
	case errors.As(err, &typ):
		// The decoder went on past the bad field, so the id may be known.
		return &DecodeError{ID: id, Reason: fmt.Sprintf("not an envelope: field %q must be a %s", typ.Field, typ.Type)}
	default:
		return &DecodeError{Reason: fmt.Sprintf("not an envelope: %v", err)}
	}
}

// UnmarshalBody decodes e's body into v, naming the message type when it fails.
func (e *Envelope) UnmarshalBody(v any) error {
	if len(e.Body) == 0 {
		return fmt.Errorf("%s message has no body", e.Type)
	}
	if err := json.Unmarshal(e.Body, v); err != nil {
		return fmt.Errorf("%s message has a bad body: %w", e.Type, err)
	}
	return nil
}

// RemoteError is an error reply from a peer: the peer understood the message
// and said no. It is a different thing from a transport error (the peer could
// not be reached), and callers that fail over treat the two differently.
type RemoteError struct {
	From   string
	Reason string
}

func (e *RemoteError) Error() string { return fmt.Sprintf("%s: %s", e.From, e.Reason) }

// The rest of this file is the envelope's JSON, written by hand. Both
// directions keep to one rule: do the common case fast, and hand anything
// unusual to encoding/json, so the line is always exactly what json.Marshal
// writes and what json.Unmarshal reads.

// appendJSON appends e as json.Marshal writes it, without a newline.
func (e *Envelope) appendJSON(buf []byte) ([]byte, error) {
	buf = growFor(buf, len(e.From)+len(e.To)+len(e.Type)+len(e.Body)+len(`{"from":"","to":"","type":"","id":,"reply_to":,"clock":,"body":}`)+3*20+1)
	buf = append(buf, `{"from":`...)
	buf = AppendText(buf, e.From)
	buf = append(buf, `,"to":`...)
	buf = AppendText(buf, e.To)
	buf = append(buf, `,"type":`...)
	buf = AppendText(buf, e.Type)
	buf = append(buf, `,"id":`...)
	buf = strconv.AppendUint(buf, e.ID, 10)
	buf = append(buf, `,"reply_to":`...)
	buf = strconv.AppendUint(buf, e.ReplyTo, 10)
	buf = append(buf, `,"clock":`...)
	buf = strconv.AppendUint(buf, e.Clock, 10)
	if len(e.Body) > 0 {
		buf = append(buf, `,"body":`...)
		s := jsonScanner{data: e.Body}
		if s.value(0) && s.i == len(s.data) && !s.rewrite {
			// What json.Marshal writes is already in the form it would
			// write it in: no need to compact it once more.
			buf = append(buf, e.Body...)
		} else {
			b, err := json.Marshal(e.Body) // validates, compacts, escapes as before
			if err != nil {
				var syntax *json.SyntaxError
				if errors.As(err, &syntax) {
					err = syntax
				}
				return nil, fmt.Errorf("body is not JSON: %w", err)
			}
			buf = append(buf, b...)
		}
	}
	return append(buf, '}'), nil
}

// growFor makes room for n more bytes in buf at once, instead of the
// several steps of append.
func growFor(buf []byte, n int) []byte {
	if cap(buf)-len(buf) < n {
		buf = append(make([]byte, 0, len(buf)+n), buf...)
	}
	return buf
}

// The kinds of byte inside a JSON string, as far as reading and writing
// one is concerned.
const (
	plain     = iota // stands for itself, and json.Marshal writes it so
	quote            // ends the string
	backslash        // begins an escape
	control          // below 0x20: not allowed in a JSON string
	escaped          // <, >, &: allowed, but json.Marshal writes them as \u003c and so on
	nonASCII         // part of a UTF-8 sequence: json.Marshal escapes U+2028, U+2029 and bad bytes
)

var textByte = func() (t [256]byte) {
	for c := range 0x20 {
		t[c] = control
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = nonASCII
	}
	t['"'], t['\\'] = quote, backslash
	t['<'], t['>'], t['&'] = escaped, escaped, escaped
	return t
}()

// maxFastDepth is how deeply nested a body the hand-written code reads;
// deeper ones go to encoding/json, which allows 10,000 levels.
const maxFastDepth = 64

// jsonScanner reads JSON from data, starting at i. Every method reports
// false for what it does not read itself: broken JSON, or something the
// caller leaves to encoding/json. It never returns an error of its own.
type jsonScanner struct {
	data []byte
	i    int

	// rewrite is set when json.Marshal would write what was read
	// differently: space between tokens, or a character it escapes.
	rewrite bool
}

// space skips white space.
func (s *jsonScanner) space() {
	if s.i < len(s.data) && s.data[s.i] > ' ' {
		return // the usual case, with no white space at all
	}
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
			s.rewrite = true
		default:
			return
		}
	}
}

// next skips white space and then c, if c is the next byte.
func (s *jsonScanner) next(c byte) bool {
	s.space()
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

// value reads one JSON value of any kind; depth is how many objects and
// arrays enclose it.
func (s *jsonScanner) value(depth int) bool {
	s.space()
	if s.i >= len(s.data) {
		return false
	}
	switch s.data[s.i] {
	case '{':
		if depth >= maxFastDepth {
			return false
		}
		s.i++
		if s.next('}') {
			return true
		}
		for {
			s.space()
			if _, _, ok := s.text(); !ok || !s.next(':') || !s.value(depth+1) {
				return false
			}
			if s.next('}') {
				return true
			}
			if !s.next(',') {
				return false
			}
		}
	case '[':
		if depth >= maxFastDepth {
			return false
		}
		s.i++
		if s.next(']') {
			return true
		}
		for {
			if !s.value(depth + 1) {
				return false
			}
			if s.next(']') {
				return true
			}
			if !s.next(',') {
				return false
			}
		}
	case '"':
		_, _, ok := s.text()
		return ok
	case 't':
		return s.word("true")
	case 'f':
		return s.word("false")
	case 'n':
		return s.word("null")
	default:
		return s.number()
	}
}

// word reads the literal w.
func (s *jsonScanner) word(w string) bool {
	if !bytes.HasPrefix(s.data[s.i:], []byte(w)) {
		return false
	}
	s.i += len(w)
	return true
}

// text reads a string and returns what is between its quotes, and whether
// that has escapes (the scanner checks them but does not decode them).
func (s *jsonScanner) text() (raw []byte, hasEscape, ok bool) {
	d := s.data
	if s.i >= len(d) || d[s.i] != '"' {
		return nil, false, false
	}
	start := s.i + 1
	for i := start; i < len(d); i++ {
		switch textByte[d[i]] {
		case plain:
		case quote:
			s.i = i + 1
			return d[start:i], hasEscape, true
		case backslash:
			// json.Marshal leaves escapes in a body as they are.
			hasEscape = true
			if i+1 >= len(d) {
				return nil, false, false
			}
			i++
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d) || !isHex(d[i+1]) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) {
					return nil, false, false
				}
				i += 4
			default:
				return nil, false, false
			}
		case control:
			return nil, false, false
		case escaped:
			s.rewrite = true
		case nonASCII:
			if d[i] == 0xE2 && i+2 < len(d) && d[i+1] == 0x80 && d[i+2]&^1 == 0xA8 {
				s.rewrite = true // U+2028 or U+2029
			}
		}
	}
	return nil, false, false // no closing quote
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// wholeNumber reads the whole part of a JSON number, -?(0|[1-9][0-9]*),
// from d[i:] and returns where it ends.
func wholeNumber(d []byte, i int) (end int, ok bool) {
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		return i + 1, true
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		return digits(d, i), true
	}
	return i, false
}

// number reads a number as JSON spells it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) number() bool {
	d := s.data
	i, ok := wholeNumber(d, s.i)
	if !ok {
		return false
	}
	if i < len(d) && d[i] == '.' {
		if i+1 >= len(d) || !isDigit(d[i+1]) {
			return false
		}
		i = digits(d, i+1)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return false
		}
		i = digits(d, i)
	}
	s.i = i
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits returns the index after the run of digits that starts at i.
func digits(d []byte, i int) int {
	for i < len(d) && isDigit(d[i]) {
		i++
	}
	return i
}

// The envelope's fields, as parse tells them apart.
const (
	otherField = iota
	fromField
	toField
	typeField
	idField
	replyToField
	clockField
	bodyField
	unsureField // a name with bytes beyond ASCII: encoding/json's Unicode case folding decides
)

// envelopeField says which field a name is. encoding/json matches names
// without regard to case, and so does this.
func envelopeField(name []byte) int {
	for _, c := range name {
		if c >= utf8.RuneSelf {
			return unsureField
		}
	}
	for _, f := range [...]struct {
		name  string
		field int
	}{
		{"from", fromField}, {"to", toField}, {"type", typeField}, {"id", idField},
		{"reply_to", replyToField}, {"clock", clockField}, {"body", bodyField},
	} {
		if asciiEqualFold(name, f.name) {
			return f.field
		}
	}
	return otherField
}

// asciiEqualFold reports whether b is lower-case s in any case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// parse reads line into e as json.Unmarshal would, and reports false for
// anything it leaves to json.Unmarshal: broken JSON, a value of the wrong
// kind, an escape in a name or in from, to or type, a field name beyond
// ASCII, a number with a sign, fraction or exponent, a body nested deeper
// than maxFastDepth. After false, e holds garbage.
func (e *Envelope) parse(line []byte) bool {
	s := jsonScanner{data: line}
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		s.space()
		return s.i == len(line)
	}
	var texts [3]span // from, to and type: where in line they are
	expect := 0       // the field AppendLine writes next
	for {
		s.space()
		var field int
		if expect < len(lineOrder) && bytes.HasPrefix(line[s.i:], []byte(lineOrder[expect].name)) {
			// The order and spelling AppendLine writes: no need to
			// look the name up.
			field = lineOrder[expect].field
			s.i += len(lineOrder[expect].name)
			expect++
		} else {
			expect = len(lineOrder)
			name, hasEscape, ok := s.text()
			if !ok || hasEscape || !s.next(':') {
				return false
			}
			field = envelopeField(name)
		}
		s.space()
		ok := false
		switch field {
		case fromField, toField, typeField:
			ok = s.textField(&texts[field-fromField])
		case idField:
			ok = s.countField(&e.ID)
		case replyToField:
			ok = s.countField(&e.ReplyTo)
		case clockField:
			ok = s.countField(&e.Clock)
		case bodyField:
			start := s.i
			ok = s.value(0)
			if ok && !bytes.Equal(line[start:s.i], []byte("null")) {
				e.Body = append(json.RawMessage(nil), line[start:s.i]...) // the line's buffer is reused
			} else {
				e.Body = nil
			}
		case otherField:
			ok = s.value(0) // unknown fields are skipped
		}
		if !ok {
			return false
		}
		if s.next('}') {
			s.space()
			if s.i != len(line) {
				return false
			}
			e.From, e.To, e.Type = strings3(line, texts)
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// lineOrder is the order and spelling of the fields AppendLine writes.
var lineOrder = [...]struct {
	name  string
	field int
}{
	{`"from":`, fromField}, {`"to":`, toField}, {`"type":`, typeField}, {`"id":`, idField},
	{`"reply_to":`, replyToField}, {`"clock":`, clockField}, {`"body":`, bodyField},
}

// span is where a string's text is in a line; the zero span is none.
type span struct{ start, end int }

// textField reads a string field without escapes, and notes where it is;
// null leaves it as it is, as in json.Unmarshal.
func (s *jsonScanner) textField(at *span) bool {
	if s.i < len(s.data) && s.data[s.i] == 'n' {
		return s.word("null")
	}
	raw, hasEscape, ok := s.text()
	if !ok || hasEscape {
		return false
	}
	*at = span{s.i - 1 - len(raw), s.i - 1}
	return true
}

// strings3 makes strings of the three texts in line. They usually stand
// close together, and then one allocation serves all three.
func strings3(line []byte, at [3]span) (a, b, c string) {
	lo, hi := len(line), 0
	for _, sp := range at {
		if sp != (span{}) {
			lo, hi = min(lo, sp.start), max(hi, sp.end)
		}
	}
	if lo >= hi {
		return "", "", ""
	}
	var out [3]string
	if hi-lo <= 256 {
		all := string(line[lo:hi])
		for i, sp := range at {
			if sp != (span{}) {
				out[i] = all[sp.start-lo : sp.end-lo]
			}
		}
	} else {
		for i, sp := range at {
			out[i] = string(line[sp.start:sp.end])
		}
	}
	return out[0], out[1], out[2]
}

// countField reads a uint64 field written as digits only; null leaves it
// as it is, as in json.Unmarshal. A number that does not fit is left to
// encoding/json, which refuses it.
func (s *jsonScanner) countField(dst *uint64) bool {
	d, i := s.data, s.i
	if i < len(d) && d[i] == 'n' {
		return s.word("null")
	}
	if i >= len(d) || !isDigit(d[i]) || d[i] == '0' && i+1 < len(d) && isDigit(d[i+1]) {
		return false
	}
	var n uint64
	for ; i < len(d) && isDigit(d[i]); i++ {
		digit := uint64(d[i] - '0')
		if n > (math.MaxUint64-digit)/10 {
			return false
		}
		n = n*10 + digit
	}
	if i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E') {
		return false // a float: encoding/json says it is not a uint64
	}
	*dst = n
	s.i = i
	return true
}
