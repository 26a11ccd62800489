package history_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/tui/history"
)

func TestBackground(t *testing.T) {
	ring := func(typ string) bool { return typ == "stabilize" }
	arrows := []history.Arrow{
		{From: "peer-1", To: "peer-2", Type: "stabilize", ID: 7},
		{From: "peer-2", To: "peer-1", Type: "stabilize_ok", ID: 3, ReplyTo: 7},
		{From: "client", To: "peer-1", Type: "lookup", ID: 7},
		{From: "peer-1", To: "client", Type: "lookup_ok", ID: 8, ReplyTo: 7},
	}
	requests := history.BackgroundRequests(arrows, ring)
	var got []bool
	for i := range arrows {
		got = append(got, history.IsBackground(&arrows[i], ring, requests))
	}
	assert.Equal(t, []bool{true, true, false, false}, got,
		"a reply to a background request is background; a reply with the same id to another sender's request is not")

	t.Run("a model without background traffic", func(t *testing.T) {
		assert.Empty(t, history.BackgroundRequests(arrows, nil))
		assert.False(t, history.IsBackground(&arrows[0], nil, nil))
	})
}

func TestErrorReply(t *testing.T) {
	for typ, want := range map[string]bool{
		"error": true, "404": true, "500": true, "200": false, "304": false, "get_ok": false, "4000": false, "GET /a": false,
	} {
		a := history.Arrow{Type: typ}
		assert.Equal(t, want, a.ErrorReply(), typ)
	}
}
