package broker

import (
	"bytes"
	"encoding/json"
	"math"
	"unicode/utf8"
)

// The bodies the broker and its clients read for every message, publish
// and deliver, are read here without encoding/json's reflection, which
// cost a busy broker a third of its time. Each reader takes exactly the
// layout this package writes (appendDelivery, Client.Publish) and hands
// anything else, such as a body an outside client spaced or ordered its
// own way, to json.Unmarshal: both give the same result.

// decodeDelivery reads the body of a deliver message.
func decodeDelivery(body []byte, d *Delivery) error {
	if readDelivery(body, d) {
		return nil
	}
	*d = Delivery{}
	return json.Unmarshal(body, d)
}

// readDelivery reads what appendDelivery writes; false for anything else.
func readDelivery(body []byte, d *Delivery) bool {
	r := bodyReader{data: body}
	var count uint64
	ok := r.literal(`{"sub":`) && r.uint(&d.Sub) &&
		r.literal(`,"msg":`) && r.uint(&d.Msg) &&
		r.literal(`,"dest":`) && r.text(&d.Dest) &&
		r.literal(`,"text":`) && r.text(&d.Text)
	d.Persistent = ok && r.literal(`,"persistent":true`)
	d.Redelivered = ok && r.literal(`,"redelivered":true`)
	if !ok || !r.literal(`,"count":`) || !r.uint(&count) || count > math.MaxInt32 || !r.literal("}") || !r.atEnd() {
		return false
	}
	d.Count = int(count)
	return true
}

// readSendRequest reads what Client.Publish and json.Marshal write into
// the body of a send or publish; false for anything else.
func readSendRequest(body []byte, s *SendRequest) bool {
	r := bodyReader{data: body}
	if !r.literal(`{"dest":`) || !r.text(&s.Dest) || !r.literal(`,"text":`) || !r.text(&s.Text) {
		return false
	}
	s.Persistent = r.literal(`,"persistent":true`)
	return r.literal("}") && r.atEnd()
}

// bodyReader reads JSON of a known layout from data, starting at i.
type bodyReader struct {
	data []byte
	i    int
}

// literal reads s, if the data goes on with it.
func (r *bodyReader) literal(s string) bool {
	if !bytes.HasPrefix(r.data[r.i:], []byte(s)) {
		return false
	}
	r.i += len(s)
	return true
}

func (r *bodyReader) atEnd() bool { return r.i == len(r.data) }

// uint reads a number of digits only, as strconv.AppendUint writes it.
func (r *bodyReader) uint(dst *uint64) bool {
	d, i := r.data, r.i
	if i >= len(d) || d[i] < '0' || d[i] > '9' || d[i] == '0' && i+1 < len(d) && '0' <= d[i+1] && d[i+1] <= '9' {
		return false
	}
	var n uint64
	for ; i < len(d) && '0' <= d[i] && d[i] <= '9'; i++ {
		digit := uint64(d[i] - '0')
		if n > (math.MaxUint64-digit)/10 {
			return false
		}
		n = n*10 + digit
	}
	if i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E') {
		return false
	}
	*dst, r.i = n, i
	return true
}

// text reads a string without escapes or control characters, which means
// the same in JSON as its bytes; one with escapes is left to encoding/json.
func (r *bodyReader) text(dst *string) bool {
	d := r.data
	if r.i >= len(d) || d[r.i] != '"' {
		return false
	}
	start := r.i + 1
	for i := start; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			if !utf8.Valid(d[start:i]) {
				return false
			}
			*dst, r.i = string(d[start:i]), i+1
			return true
		case c == '\\' || c < 0x20:
			return false
		}
	}
	return false
}
