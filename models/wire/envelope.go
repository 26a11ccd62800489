package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// AppendLine appends e as one JSON line, newline included, to buf.
func (e *Envelope) AppendLine(buf []byte) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return buf, fmt.Errorf("encode %s envelope: %w", e.Type, err)
	}
	buf = append(buf, b...)
	return append(buf, '\n'), nil
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
// *DecodeError, and so is a line that is not valid UTF-8. Unknown fields are ignored, so newer peers can add some.
func Decode(line []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(line, &e); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			return Envelope{}, &DecodeError{Reason: fmt.Sprintf("not JSON: %v", err)}
		case errors.As(err, &typ) && typ.Field == "":
			return Envelope{}, &DecodeError{Reason: "not an envelope: want a JSON object"}
		case errors.As(err, &typ):
			// The decoder went on past the bad field, so the id may be known.
			return Envelope{}, &DecodeError{ID: e.ID, Reason: fmt.Sprintf("not an envelope: field %q must be a %s", typ.Field, typ.Type)}
		default:
			return Envelope{}, &DecodeError{Reason: fmt.Sprintf("not an envelope: %v", err)}
		}
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
