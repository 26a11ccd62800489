package rpc

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"dsdemo/models/wire"
)

// The bodies of call and call_ok, and the json codec's values, are
// written and read here without encoding/json's reflection: they pass
// for every remote call, and reflection cost a call a third of its time.
// The writers give the bytes json.Marshal gives. The readers take the
// layout the writers give, with texts that need no escapes and whole
// numbers as values, and report false for anything else, which the
// callers then hand to json.Unmarshal: both read the same. The pieces,
// wire.AppendText and wire.LayoutReader, are the wire's, shared with the
// broker.

// appendJSON appends the call as json.Marshal writes it, or says, as it
// would, that the arguments are not one JSON value.
func (c *Call) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, `{"interface":`...)
	buf = wire.AppendText(buf, c.Interface)
	buf = append(buf, `,"method":`...)
	buf = wire.AppendText(buf, c.Method)
	buf = append(buf, `,"codec":`...)
	buf = wire.AppendText(buf, c.Codec)
	buf = append(buf, `,"args":`...)
	buf, err := appendRaw(buf, c.Args)
	if err != nil {
		return nil, fmt.Errorf("call %s: args: %w", c.Method, err)
	}
	if c.Caller != "" {
		buf = append(buf, `,"caller":`...)
		buf = wire.AppendText(buf, c.Caller)
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
	r := wire.NewLayoutReader(body)
	if !r.Literal(`{"interface":`) || !r.Text(&c.Interface) || !r.Literal(`,"method":`) || !r.Text(&c.Method) ||
		!r.Literal(`,"codec":`) || !r.Text(&c.Codec) || !r.Literal(`,"args":`) || !r.Values(&c.Args) {
		return false
	}
	if r.Literal(`,"caller":`) && !r.Text(&c.Caller) {
		return false
	}
	if r.Literal(`,"request":`) && !r.Uint(&c.Request) {
		return false
	}
	var attempt uint64
	if r.Literal(`,"attempt":`) && (!r.Uint(&attempt) || attempt > math.MaxInt32) {
		return false
	}
	c.Attempt = int(attempt)
	return r.Literal("}") && r.AtEnd()
}

// appendJSON appends the result as json.Marshal writes it, or says, as it
// would, that the results are not one JSON value.
func (res *Result) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, `{"codec":`...)
	buf = wire.AppendText(buf, res.Codec)
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
	r := wire.NewLayoutReader(body)
	if !r.Literal(`{"codec":`) || !r.Text(&res.Codec) || !r.Literal(`,"results":`) || !r.Values(&res.Results) {
		return false
	}
	res.Replayed = r.Literal(`,"replayed":true`)
	return r.Literal("}") && r.AtEnd()
}

// readFields reads what the json codec's encoder writes, an object of
// texts and whole numbers, into fields as json.Unmarshal reads it into a
// map. The values point into data.
func readFields(data []byte, fields map[string]json.RawMessage) bool {
	r := wire.NewLayoutReader(data)
	return r.Object(func(name, value []byte) { fields[string(name)] = value }) && r.AtEnd()
}

// readValue decodes a value the json codec's encoder writes, a text into
// a *string or a whole number into an *int64, as json.Unmarshal would; it
// reports false for anything else.
func readValue(raw []byte, v any) bool {
	r := wire.NewLayoutReader(raw)
	switch v := v.(type) {
	case *string:
		return r.Text(v) && r.AtEnd()
	case *int64:
		return r.Int(v) && r.AtEnd()
	}
	return false
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
