package trace

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// AppendJSON appends ev as one JSON line, newline included. The output is
// byte for byte what encoding/json writes for an Event; it exists because an
// emitter encodes two events per message, and doing that without reflection
// is what keeps tracing cheap (see BENCHMARKS.md).
func (ev *Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, int64(ev.V), 10)
	b = append(b, `,"ev":`...)
	b = appendString(b, string(ev.Kind))
	b = append(b, `,"node":`...)
	b = appendString(b, ev.Node)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, ev.Seq, 10)
	b = append(b, `,"t":`...)
	b = strconv.AppendInt(b, ev.Time, 10)
	b = appendUint(b, `,"clock":`, ev.Clock)
	b = appendField(b, `,"role":`, ev.Role)
	b = appendField(b, `,"model":`, ev.Model)
	if ev.PID != 0 {
		b = append(b, `,"pid":`...)
		b = strconv.AppendInt(b, int64(ev.PID), 10)
	}
	b = appendField(b, `,"listen":`, ev.Listen)
	b = appendField(b, `,"token":`, ev.Token)
	if m := ev.Msg; m != nil {
		b = append(b, `,"msg":{"from":`...)
		b = appendString(b, m.From)
		b = append(b, `,"to":`...)
		b = appendString(b, m.To)
		b = append(b, `,"type":`...)
		b = appendString(b, m.Type)
		b = append(b, `,"id":`...)
		b = strconv.AppendUint(b, m.ID, 10)
		b = append(b, `,"reply_to":`...)
		b = strconv.AppendUint(b, m.ReplyTo, 10)
		b = append(b, `,"clock":`...)
		b = strconv.AppendUint(b, m.Clock, 10)
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, int64(m.Size), 10)
		if len(m.Body) > 0 {
			b = append(b, `,"body":`...)
			b = appendRaw(b, m.Body)
		}
		b = append(b, '}')
	}
	b = appendField(b, `,"fault":`, ev.Fault)
	b = appendField(b, `,"key":`, ev.Key)
	b = appendField(b, `,"value":`, ev.Value)
	b = appendTyped(b, ev.Timer, ev.Gauge, ev.Tile)
	b = appendField(b, `,"text":`, ev.Text)
	b = appendUint(b, `,"count":`, ev.Count)
	return append(b, "}\n"...)
}

// appendTyped appends a state's timer, gauge or tile. They are rare, so
// encoding/json writes them (a float's format is its business).
func appendTyped(b []byte, t *Timer, g *Gauge, tl *Tile) []byte {
	if t != nil {
		q, _ := json.Marshal(t)
		b = append(append(b, `,"timer":`...), q...)
	}
	if g != nil {
		q, _ := json.Marshal(g)
		b = append(append(b, `,"gauge":`...), q...)
	}
	if tl != nil {
		q, _ := json.Marshal(tl)
		b = append(append(b, `,"tile":`...), q...)
	}
	return b
}

// appendField appends name and s, unless s is empty (omitempty).
func appendField(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(append(b, name...), s)
}

// appendUint appends name and n, unless n is 0 (omitempty).
func appendUint(b []byte, name string, n uint64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendUint(append(b, name...), n, 10)
}

// appendString appends s as a JSON string. Plain ASCII, by far the common
// case, is copied as it is; anything else is left to encoding/json, so the
// escaping is always the standard library's.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendRaw appends a JSON value as encoding/json writes a RawMessage:
// compacted and HTML-escaped. A value that is not valid JSON becomes null, so
// a broken body can never break the line.
func appendRaw(b []byte, raw json.RawMessage) []byte {
	if plain(raw) && json.Valid(raw) {
		return append(b, raw...)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return append(b, "null"...)
	}
	var out bytes.Buffer
	json.HTMLEscape(&out, buf.Bytes())
	return append(b, out.Bytes()...)
}

// plain reports whether raw needs neither compacting nor escaping: no
// whitespace, no <, > or &, no byte outside ASCII.
func plain(raw []byte) bool {
	for _, c := range raw {
		if c <= ' ' || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
