package export

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"dsdemo/tui/history"
)

func TestLabel(t *testing.T) {
	arrow := func(typ, body string, replyTo uint64) *history.Arrow {
		a := &history.Arrow{From: "a", To: "b", Type: typ, ID: 9, ReplyTo: replyTo, SendClock: 1, RecvClock: 2}
		if body != "" {
			a.Body = json.RawMessage(body)
		}
		return a
	}
	lost := func(a *history.Arrow, fault string) *history.Arrow { a.RecvClock, a.Fault = 0, fault; return a }
	cases := []struct {
		name    string
		a       *history.Arrow
		request *history.Arrow
		lang    string
		want    string
	}{
		{"a put", arrow("put", `{"key":"a","value":"1"}`, 0), nil, "", "put a=1 ✓"},
		{"a get", arrow("get", `{"key":"b"}`, 0), nil, "", "get b ✓"},
		{"a reply that only adds a boolean", arrow("get_ok", `{"key":"b","found":false}`, 9), arrow("get", `{"key":"b"}`, 0), "", "get b → not found ✓"},
		{"a reply with a value", arrow("get_ok", `{"key":"b","value":"2","found":true}`, 9), arrow("get", `{"key":"b"}`, 0), "", "get b → 2 found ✓"},
		{"a reply that adds nothing", arrow("put_ok", `{"key":"a","value":"1"}`, 9), arrow("put", `{"key":"a","value":"1"}`, 0), "", "put a=1 → ok ✓"},
		{"an HTTP reply", arrow("200", "", 9), arrow("GET /static/a", "", 0), "", "GET /static/a → 200 ✓"},
		{"an HTTP error", arrow("404", "", 9), arrow("GET /nothing", "", 0), "", "GET /nothing → 404 ⚠"},
		{"an error reply", arrow("error", `{"reason":"unknown type"}`, 9), arrow("frob", `{}`, 0), "", "frob → error reason=unknown type ⚠"},
		{"a reply whose request is not in the run", arrow("get_ok", `{"key":"b","found":true}`, 9), nil, "", "get_ok b found ✓"},
		{"numbers, lists and nested objects", arrow("sync_ok", `{"entries":[{"k":1},{"k":2}],"more":false,"page":3,"newer":{"x":1},"none":null,"empty":""}`, 0), nil, "", "sync_ok entries[2] not more page=3 ✓"},
		{"a value without a key", arrow("join", `{"value":"x"}`, 0), nil, "", "join x ✓"},
		{"a plain body", arrow("ping", `"x"`, 0), nil, "", "ping x ✓"},
		{"a body that is not JSON", arrow("ping", `{"a":`, 0), nil, "", "ping ✓"},
		{"no type", arrow("", "", 0), nil, "", "message ✓"},
		{"long values are cut", arrow("put", `{"key":"`+strings.Repeat("k", 40)+`","value":"`+strings.Repeat("v", 40)+`"}`, 0), nil, "",
			"put kkkkkkkkkkkkkkk…=vvvvvvvvvvvvvv… ✓"},
		{"a long label is cut", arrow("book", `{"flight":1234567,"passenger":"Ada Lovelace","seats":2,"class":"economy"}`, 0), nil, "",
			"book flight=1234567 passenger=Ada L… ✓"},
		{"dropped", lost(arrow("del", `{"key":"a"}`, 0), "drop"), nil, "", "del a ✗ dropped"},
		{"dropped, in German", lost(arrow("del", `{"key":"a"}`, 0), "drop"), nil, "de", "del a ✗ verworfen"},
		{"cut off", lost(arrow("del", `{"key":"a"}`, 0), "partition"), nil, "", "del a ✗ partition"},
		{"given up", lost(arrow("del", `{"key":"a"}`, 0), "abandoned"), nil, "", "del a ⊘ given up"},
		{"held", func() *history.Arrow { a := lost(arrow("del", "", 0), ""); a.Held = true; return a }(), nil, "", "del ⏸ held"},
		{"not received", lost(arrow("del", "", 0), ""), nil, "de", "del nicht empfangen"},
		{"a second copy", func() *history.Arrow { a := arrow("del", "", 0); a.Fault = "duplicate"; return a }(), nil, "", "del ✓ (copy)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := label(c.a, c.request, c.lang)
			assert.Equal(t, c.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), maxWords+len(" ✓ (copy)"))
		})
	}
}
