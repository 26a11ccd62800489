package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// The bodies of call and call_ok, and the json codec's values, are
// written and read here without encoding/json's reflection: they pass
// for every remote call, and reflection cost a call a third of its time.
// The writers give the bytes json.Marshal gives. The readers take the
// layout the writers give, with texts that need no escapes and whole
// numbers as values, and report false for anything else, which the
// callers then hand to json.Unmarshal: both read the same.

// appendJSON appends the call as json.Marshal writes it, or says, as it
// would, that the arguments are not one JSON value.
func (c *Call) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, `{"interface":`...)
	buf = appendText(buf, c.Interface)
	buf = append(buf, `,"method":`...)
	buf = appendText(buf, c.Method)
	buf = append(buf, `,"codec":`...)
	buf = appendText(buf, c.Codec)
	buf = append(buf, `,"args":`...)
	buf, err := appendRaw(buf, c.Args)
	if err != nil {
		return nil, fmt.Errorf("call %s: args: %w", c.Method, err)
	}
	if c.Caller != "" {
		buf = append(buf, `,"caller":`...)
		buf = appendText(buf, c.Caller)
	}
	if c.Request != 0 {
		buf = append(buf, `,"request":`...)
		buf = strconv.AppendUint(buf, c.Request, 10)
	}
	if c.Attempt != 0 {
		buf = append(buf, `,"attempt":`...)
		buf = strconv.AppendInt(buf, int64(c.Attempt), 10)
	}
	return append(buf, '}'), nil
}

// readCall reads what Call.appendJSON writes into c.
func readCall(body []byte, c *Call) bool {
	r := layoutReader{data: body}
	if !r.literal(`{"interface":`) || !r.text(&c.Interface) || !r.literal(`,"method":`) || !r.text(&c.Method) ||
		!r.literal(`,"codec":`) || !r.text(&c.Codec) || !r.literal(`,"args":`) || !r.values(&c.Args) {
		return false
	}
	if r.literal(`,"caller":`) && !r.text(&c.Caller) {
		return false
	}
	if r.literal(`,"request":`) && !r.uint(&c.Request) {
		return false
	}
	var attempt uint64
	if r.literal(`,"attempt":`) && (!r.uint(&attempt) || attempt > math.MaxInt32) {
		return false
	}
	c.Attempt = int(attempt)
	return r.literal("}") && r.i == len(body)
}

// appendJSON appends the result as json.Marshal writes it, or says, as it
// would, that the results are not one JSON value.
func (res *Result) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, `{"codec":`...)
	buf = appendText(buf, res.Codec)
	buf = append(buf, `,"results":`...)
	buf, err := appendRaw(buf, res.Results)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if res.Replayed {
		buf = append(buf, `,"replayed":true`...)
	}
	return append(buf, '}'), nil
}

// readResult reads what Result.appendJSON writes into res.
func readResult(body []byte, res *Result) bool {
	r := layoutReader{data: body}
	if !r.literal(`{"codec":`) || !r.text(&res.Codec) || !r.literal(`,"results":`) || !r.values(&res.Results) {
		return false
	}
	res.Replayed = r.literal(`,"replayed":true`)
	return r.literal("}") && r.i == len(body)
}

// readFields reads what the json codec's encoder writes, an object of
// texts and whole numbers, into fields as json.Unmarshal reads it into a
// map; with fields nil it only checks. The values point into data.
func readFields(data []byte, fields map[string]json.RawMessage) bool {
	r := layoutReader{data: data}
	if !r.literal("{") {
		return false
	}
	if r.literal("}") {
		return r.i == len(data)
	}
	for {
		name, ok := r.plainString()
		if !ok || !r.literal(":") {
			return false
		}
		start := r.i
		if !r.scalar() {
			return false
		}
		if fields != nil {
			fields[string(name)] = data[start:r.i:r.i]
		}
		if r.literal("}") {
			return r.i == len(data)
		}
		if !r.literal(",") {
			return false
		}
	}
}

// readValue decodes a value the json codec's encoder writes, a text into
// a *string or a whole number into an *int64, as json.Unmarshal would; it
// reports false for anything else.
func readValue(raw []byte, v any) bool {
	r := layoutReader{data: raw}
	switch v := v.(type) {
	case *string:
		return r.text(v) && r.i == len(raw)
	case *int64:
		if !r.scalar() || r.i != len(raw) || raw[0] == '"' {
			return false
		}
		neg := raw[0] == '-'
		if neg {
			raw = raw[1:]
		}
		n, ok := digits(raw)
		switch {
		case !ok || n > 1<<63 || n == 1<<63 && !neg:
			return false // json.Unmarshal says it does not fit
		case neg:
			*v = -int64(n)
		default:
			*v = int64(n)
		}
		return true
	}
	return false
}

// appendText appends s as json.Marshal writes a string.
func appendText(buf []byte, s string) []byte {
	if plainJSON(s) {
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"')
	}
	b, _ := json.Marshal(s) // a string always encodes
	return append(buf, b...)
}

// appendRaw appends a json.RawMessage, which must be one JSON value, as
// json.Marshal insists: two values and a comma between them would make a
// body that is JSON again, with fields of their own (a forged caller or
// request id). The wire compacts the body if it needs it.
func appendRaw(buf []byte, raw json.RawMessage) ([]byte, error) {
	if raw == nil {
		return append(buf, "null"...), nil
	}
	if !json.Valid(raw) {
		return nil, errors.New("not one JSON value")
	}
	return append(buf, raw...), nil
}

// layoutReader reads JSON of a known layout from data, starting at i.
type layoutReader struct {
	data []byte
	i    int
}

// literal reads s, if the data goes on with it.
func (r *layoutReader) literal(s string) bool {
	if !bytes.HasPrefix(r.data[r.i:], []byte(s)) {
		return false
	}
	r.i += len(s)
	return true
}

// text reads a string with no escapes and no control characters, whose
// JSON meaning is its bytes.
func (r *layoutReader) text(dst *string) bool {
	raw, ok := r.plainString()
	if ok {
		*dst = string(raw)
	}
	return ok
}

// plainString reads a string as text does and returns what is between
// its quotes.
func (r *layoutReader) plainString() ([]byte, bool) {
	d := r.data
	if r.i >= len(d) || d[r.i] != '"' {
		return nil, false
	}
	start := r.i + 1
	for i := start; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			if !utf8.Valid(d[start:i]) {
				return nil, false // json.Unmarshal would change the bad bytes
			}
			r.i = i + 1
			return d[start:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// uint reads a number of digits only.
func (r *layoutReader) uint(dst *uint64) bool {
	start := r.i
	if !r.scalar() || r.data[start] == '"' || r.data[start] == '-' {
		return false
	}
	n, ok := digits(r.data[start:r.i])
	*dst = n
	return ok
}

// digits returns the value of a run of decimal digits, and false when it
// does not fit a uint64.
func digits(d []byte) (uint64, bool) {
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

// scalar reads a plain string or a whole number: -?(0|[1-9][0-9]*).
func (r *layoutReader) scalar() bool {
	d, i := r.data, r.i
	if i < len(d) && d[i] == '"' {
		_, ok := r.plainString()
		return ok
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E' || '0' <= d[i] && d[i] <= '9') {
		return false // a fraction, an exponent, or a leading zero
	}
	r.i = i
	return true
}

// values reads the values of a call or result as a codec writes them: a
// plain string (binary, raw) or an object of texts and numbers (json).
// They point into data.
func (r *layoutReader) values(dst *json.RawMessage) bool {
	start := r.i
	if r.i < len(r.data) && r.data[r.i] == '{' {
		rest := r.data[r.i:]
		end := bytes.IndexByte(rest, '}')
		if end < 0 {
			return false
		}
		// The object ends at its first '}', unless a string in it holds
		// one: then readFields finds that string unterminated.
		if !readFields(rest[:end+1], nil) {
			return false
		}
		r.i += end + 1
	} else if _, ok := r.plainString(); !ok {
		return false
	}
	*dst = r.data[start:r.i:r.i]
	return true
}
