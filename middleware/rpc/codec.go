package rpc

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"dsdemo/models/wire"
)

// MaxString is the longest string argument or result, in bytes, any codec
// carries; a longer one is refused when it is marshalled and when it is
// read, so a peer cannot make us allocate what it claims.
const MaxString = 1024

// RawStringSize is the size of a string field in the raw codec: the C
// struct a raw call copies has char[16] for each string, padded with zero
// bytes, so a longer string does not fit.
const RawStringSize = 16

// Encoder marshals the arguments (stub) or results (skeleton) of one call,
// in the order the interface declares them. Each value has the name of
// its parameter; json writes it, binary and raw do not need it because
// both sides know the order from the interface.
type Encoder interface {
	String(name, v string)
	Int64(name string, v int64)
	// Marshal returns the marshalled values as they travel in a Call's
	// Args or a Result's Results, or the first value that did not fit.
	Marshal() (json.RawMessage, error)
	// Layout describes the marshalled values byte by byte, for the trace.
	Layout() string
}

// Decoder unmarshals the arguments (skeleton) or results (stub) of one
// call, in the same order as the Encoder wrote them. After a value that
// does not fit, every later one is the zero value and Err says why.
type Decoder interface {
	String(name string) string
	Int64(name string) int64
	// Err returns the first error, or one for bytes left over after the
	// last value: a call with more arguments than the method takes.
	Err() error
	// Layout describes what was read, value by value, for the trace.
	Layout() string
}

// Codec is one external data format: how a call's values become bytes.
// Order is the byte order of the machine this side pretends to be; only
// the raw codec uses it, as a memory copy would. The other two fix the
// format on the wire, so both sides agree whatever their machines.
type Codec struct {
	Name  string           // CodecJSON, CodecBinary or CodecRaw
	Order binary.ByteOrder // the machine's own byte order (raw only)
}

// ParseCodec checks a codec's name and a byte order's ("big" or "little").
func ParseCodec(name, order string) (Codec, error) {
	var o binary.ByteOrder
	switch order {
	case "big":
		o = binary.BigEndian
	case "little":
		o = binary.LittleEndian
	default:
		return Codec{}, fmt.Errorf("byte order %q: want big or little", order)
	}
	switch name {
	case CodecJSON, CodecBinary, CodecRaw:
		return Codec{Name: name, Order: o}, nil
	}
	return Codec{}, fmt.Errorf("codec %q: want json, binary or raw", name)
}

// NewEncoder returns an empty encoder of the codec.
func (c Codec) NewEncoder() Encoder {
	switch c.Name {
	case CodecJSON:
		return &jsonEncoder{}
	case CodecRaw:
		return &byteEncoder{raw: true, order: c.Order}
	}
	return &byteEncoder{order: binary.BigEndian}
}

// NewDecoder returns a decoder of the values in data, which came in a
// message marked with this codec.
func (c Codec) NewDecoder(data json.RawMessage) (Decoder, error) {
	switch c.Name {
	case CodecJSON:
		return newJSONDecoder(data)
	case CodecRaw:
		return newByteDecoder(data, true, c.Order)
	case CodecBinary:
		return newByteDecoder(data, false, binary.BigEndian)
	}
	return nil, fmt.Errorf("unknown codec %q: want json, binary or raw", c.Name)
}

// jsonEncoder writes one JSON object, its fields in the interface's order.
type jsonEncoder struct {
	buf bytes.Buffer
	err error
}

func (e *jsonEncoder) field(name string, v any) {
	if e.buf.Len() == 0 {
		e.buf.WriteByte('{')
	} else {
		e.buf.WriteByte(',')
	}
	// The names are Go identifiers and need no escaping; a value takes the
	// short way when it can, since this runs for every argument of every
	// call.
	e.buf.WriteByte('"')
	e.buf.WriteString(name)
	e.buf.WriteString(`":`)
	switch v := v.(type) {
	case int64:
		e.buf.Write(strconv.AppendInt(e.buf.AvailableBuffer(), v, 10))
	case string:
		e.buf.Write(wire.AppendText(e.buf.AvailableBuffer(), v))
	default:
		val, _ := json.Marshal(v)
		e.buf.Write(val)
	}
}

func (e *jsonEncoder) String(name, v string) {
	if len(v) > MaxString && e.err == nil {
		e.err = fmt.Errorf("%s: %d bytes, at most %d fit", name, len(v), MaxString)
	}
	e.field(name, v)
}

func (e *jsonEncoder) Int64(name string, v int64) { e.field(name, v) }

func (e *jsonEncoder) Marshal() (json.RawMessage, error) {
	if e.buf.Len() == 0 {
		return json.RawMessage("{}"), e.err
	}
	return json.RawMessage(e.buf.String() + "}"), e.err
}

func (e *jsonEncoder) Layout() string {
	m, _ := e.Marshal()
	return string(m)
}

// jsonDecoder reads the fields of one JSON object by name.
type jsonDecoder struct {
	fields map[string]json.RawMessage
	used   int
	err    error
	names  []string // the fields read, in order, for Layout
}

func newJSONDecoder(data json.RawMessage) (*jsonDecoder, error) {
	d := &jsonDecoder{fields: make(map[string]json.RawMessage, 4)}
	if readFields(data, d.fields) {
		return d, nil
	}
	d.fields = nil
	if err := json.Unmarshal(data, &d.fields); err != nil || d.fields == nil {
		return nil, errors.New("json codec: the values must be a JSON object, one field per parameter")
	}
	return d, nil
}

func (d *jsonDecoder) read(name, want string, v any) {
	if d.err != nil {
		return
	}
	raw, ok := d.fields[name]
	if !ok {
		d.err = fmt.Errorf("missing %s (%s)", name, want)
		return
	}
	d.used++
	if readValue(raw, v) {
		d.names = append(d.names, name)
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		d.err = fmt.Errorf("%s: want %s, got %s", name, want, clip(string(raw)))
		return
	}
	d.names = append(d.names, name)
}

func (d *jsonDecoder) String(name string) string {
	var s string
	d.read(name, "a string", &s)
	if len(s) > MaxString && d.err == nil {
		d.err = fmt.Errorf("%s: %d bytes, at most %d fit", name, len(s), MaxString)
		return ""
	}
	return s
}

func (d *jsonDecoder) Int64(name string) int64 {
	var n int64
	d.read(name, "a whole number (int64)", &n)
	return n
}

func (d *jsonDecoder) Err() error {
	if d.err == nil && d.used < len(d.fields) {
		return fmt.Errorf("%d values the method does not take", len(d.fields)-d.used)
	}
	return d.err
}

// Layout lists the fields read as name=value; it is built only when asked
// for (with tracing on), not for every call.
func (d *jsonDecoder) Layout() string {
	parts := make([]string, len(d.names))
	for i, name := range d.names {
		parts[i] = name + "=" + string(d.fields[name])
	}
	return strings.Join(parts, " ")
}

// byteEncoder writes the binary codec (big-endian, strings with a length)
// or, when raw, a memory image in the machine's own byte order with
// strings in fixed fields of RawStringSize bytes.
type byteEncoder struct {
	raw    bool
	order  binary.ByteOrder
	buf    []byte
	err    error
	layout []laidOut
}

func (e *byteEncoder) String(name, v string) {
	start := len(e.buf)
	switch {
	case e.raw && len(v) > RawStringSize:
		e.fail(fmt.Errorf("%s: %d bytes do not fit the raw codec's %d-byte field", name, len(v), RawStringSize))
		return
	case e.raw:
		e.buf = append(e.buf, v...)
		e.buf = append(e.buf, make([]byte, RawStringSize-len(v))...)
	case len(v) > MaxString:
		e.fail(fmt.Errorf("%s: %d bytes, at most %d fit", name, len(v), MaxString))
		return
	default:
		e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(len(v)))
		e.buf = append(e.buf, v...)
	}
	e.layout = append(e.layout, laidOut{name: name, start: start, end: len(e.buf), text: v, isText: true})
}

func (e *byteEncoder) Int64(name string, v int64) {
	start := len(e.buf)
	var b [8]byte
	e.order.PutUint64(b[:], uint64(v))
	e.buf = append(e.buf, b[:]...)
	e.layout = append(e.layout, laidOut{name: name, start: start, end: len(e.buf), num: v})
}

func (e *byteEncoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *byteEncoder) Marshal() (json.RawMessage, error) {
	s, _ := json.Marshal(hex.EncodeToString(e.buf))
	return s, e.err
}

func (e *byteEncoder) Layout() string { return layoutOf(e.buf, e.layout) }

// laidOut is one value of the binary or raw codec as the trace shows it:
// its bytes, buf[start:end], and what they mean. The text is built only
// when Layout is asked for (with tracing on), not for every call.
type laidOut struct {
	name       string
	start, end int
	text       string // the value, when isText
	isText     bool
	num        int64 // the value, when not
}

// layoutOf writes values as "name: 00 05 61 ... = "alice" | ...".
func layoutOf(buf []byte, values []laidOut) string {
	parts := make([]string, len(values))
	for i, v := range values {
		val := strconv.FormatInt(v.num, 10)
		if v.isText {
			val = strconv.Quote(v.text)
		}
		parts[i] = fmt.Sprintf("%s: %s = %s", v.name, spaced(buf[v.start:v.end]), val)
	}
	return strings.Join(parts, " | ")
}

// byteDecoder reads what a byteEncoder of the same kind wrote.
type byteDecoder struct {
	raw    bool
	order  binary.ByteOrder
	buf    []byte
	off    int
	err    error
	layout []laidOut
}

func newByteDecoder(data json.RawMessage, raw bool, order binary.ByteOrder) (*byteDecoder, error) {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, errors.New("binary and raw codecs: the values must be a string of hex digits")
	}
	if len(s) > 2*MaxArgBytes {
		return nil, fmt.Errorf("%d bytes of values, at most %d", len(s)/2, MaxArgBytes)
	}
	buf, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the values are not hex digits: %v", err)
	}
	return &byteDecoder{raw: raw, order: order, buf: buf}, nil
}

// MaxArgBytes is the most bytes of marshalled values a call or result
// carries in the binary and raw codecs.
const MaxArgBytes = 64 << 10

func (d *byteDecoder) take(name, what string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if left := len(d.buf) - d.off; n > left {
		d.err = fmt.Errorf("%s (%s): %d bytes needed, %d left", name, what, n, left)
		return nil
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b
}

func (d *byteDecoder) String(name string) string {
	start := d.off
	var s string
	if d.raw {
		b := d.take(name, "string", RawStringSize)
		s = string(bytes.TrimRight(b, "\x00"))
	} else {
		n := d.take(name, "string length", 2)
		if n == nil {
			return ""
		}
		s = string(d.take(name, "string", int(binary.BigEndian.Uint16(n))))
	}
	if d.err != nil {
		return ""
	}
	if !utf8.ValidString(s) {
		d.err = fmt.Errorf("%s: not UTF-8 text", name)
		return ""
	}
	d.layout = append(d.layout, laidOut{name: name, start: start, end: d.off, text: s, isText: true})
	return s
}

func (d *byteDecoder) Int64(name string) int64 {
	b := d.take(name, "int64", 8)
	if b == nil {
		return 0
	}
	v := int64(d.order.Uint64(b))
	d.layout = append(d.layout, laidOut{name: name, start: d.off - 8, end: d.off, num: v})
	return v
}

func (d *byteDecoder) Err() error {
	if d.err == nil && d.off < len(d.buf) {
		return fmt.Errorf("%d bytes left after the last value", len(d.buf)-d.off)
	}
	return d.err
}

func (d *byteDecoder) Layout() string { return layoutOf(d.buf, d.layout) }

// spaced writes bytes as hex with a space after every byte: "00 05 61".
func spaced(b []byte) string {
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02x", c)
	}
	return s.String()
}

// clip shortens a value quoted back in an error reply.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
