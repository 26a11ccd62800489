package space_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/space"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

func TestHostileMalformedRequestsGetErrorReplies(t *testing.T) {
	s := startSpace(t)
	r := programtest.DialRaw(t, s.Addr)
	cases := []struct{ body, want string }{
		{`{"from":"x","type":"write","id":1,"body":{"entry":{"type":"","fields":{}}}}`, "type must be 1 to"},
		{`{"from":"x","type":"write","id":2,"body":{"entry":{"type":"a b"}}}`, "may hold only"},
		{`{"from":"x","type":"write","id":3,"body":{"entry":{"type":"t","fields":{"k":null}}}}`, "only a template"},
		{`{"from":"x","type":"write","id":4,"body":{"entry":{"type":"t","fields":{"k":[1,2]}}}}`, "string, number or boolean"},
		{`{"from":"x","type":"write","id":5,"body":{"entry":{"type":"t","fields":{"k":{"a":1}}}}}`, "string, number or boolean"},
		{`{"from":"x","type":"write","id":6,"body":{"entry":{"type":"t"},"lease_ms":-5}}`, "negative"},
		{`{"from":"x","type":"write","id":7,"body":{"entry":{"type":"t"},"txn":99}}`, "transaction #99 is unknown"},
		{`{"from":"x","type":"write","id":8,"body":"not an object"}`, ""},
		{`{"from":"x","type":"take","id":9,"body":{"template":{"type":"t"},"wait_ms":99999999}}`, "wait_ms must be"},
		{`{"from":"x","type":"take","id":10,"body":{"template":{"type":"t"},"wait_ms":-1}}`, "wait_ms must be"},
		{`{"from":"x","type":"read","id":11,"body":{"template":{"type":"t","fields":{"k":[1]}}}}`, "string, number or boolean"},
		{`{"from":"x","type":"commit","id":12,"body":{"txn":0}}`, "starts at 1"},
		{`{"from":"x","type":"abort","id":13,"body":{"txn":12345}}`, "unknown or over"},
		{`{"from":"x","type":"renew","id":14,"body":{"lease":777}}`, "unknown or over"},
		{`{"from":"x","type":"cancel","id":15,"body":{"lease":777}}`, "unknown or over"},
		{`{"from":"x","type":"event","id":16,"body":{}}`, "from the space"},
		{`{"from":"x","type":"launch","id":17,"body":{}}`, "unknown request type"},
		{`{"from":"x","type":"begin","id":18,"body":{"lease_ms":-1}}`, "negative"},
	}
	for _, c := range cases {
		r.Line(c.body)
		e := r.Reply(space.TypeEvent)
		assert.Equal(t, wire.TypeError, e.Type, c.body)
		assert.Contains(t, programtest.Reason(e), c.want, c.body)
	}
	r.Line(`this is not json`)
	assert.Equal(t, wire.TypeError, r.Reply(space.TypeEvent).Type)
	r.Line(`{"from":"x","type":"status","id":20,"body":{}}`)
	assert.Equal(t, space.TypeStatusOK, r.Reply(space.TypeEvent).Type, "the connection survives every bad line")
}

func TestHostileOversizeEntriesAreRefused(t *testing.T) {
	s := startSpace(t)
	c := dial(t, s.Addr)
	ctx := programtest.Context(t)
	_, err := c.Write(ctx, entry("big", "s", strings.Repeat("x", space.MaxEntryBytes)), 0, 0)
	assert.ErrorContains(t, err, "over the limit")
	many := entry("wide")
	for i := range space.MaxFields + 1 {
		many.Fields["f"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+string(rune('a'+i/26))] = 1.0
	}
	_, err = c.Write(ctx, many, 0, 0)
	assert.ErrorContains(t, err, "fields")
	_, err = c.Write(ctx, entry(strings.Repeat("t", space.MaxName+1)), 0, 0)
	assert.ErrorContains(t, err, "1 to")

	r := programtest.DialRaw(t, s.Addr)
	r.Line(`{"from":"x","type":"write","id":1,"body":{"entry":{"type":"t","fields":{"s":"` + strings.Repeat("y", wire.MaxFrame) + `"}}}}`)
	assert.Equal(t, wire.TypeError, r.Reply(space.TypeEvent).Type, "a frame over the wire's limit is refused")
	st, err := c.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, st.Entries, "nothing oversize got in")
}

func TestHostileBadFlagsExitWithUsage(t *testing.T) {
	for _, c := range []struct {
		prog string
		args []string
		want string
	}{
		{"space", []string{"--max-entries", "0"}, "--max-entries"},
		{"space", []string{"--max-lease", "5h"}, "--max-lease"},
		{"worker", []string{"--txn-lease", "1ms"}, "--txn-lease"},
		{"worker", []string{"--wait", "0s"}, "--wait"},
		{"master", []string{"--grid", "0x4", "render"}, "--grid"},
		{"master", []string{"--size", "abc", "render"}, "--size"},
		{"master", []string{"--space", "127.0.0.1:1", "frobnicate"}, "cannot do"},
	} {
		_, stderr, code := programtest.Run(t, bin(t, c.prog), c.args...)
		assert.NotEqual(t, 0, code, "%s %v", c.prog, c.args)
		assert.Contains(t, stderr, c.want, "%s %v", c.prog, c.args)
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
	}
}

func TestHostileBadTaskIsDroppedNotCrashing(t *testing.T) {
	s := startSpace(t)
	w := startWorkers(t, s.Addr, 1)[0]
	c := dial(t, s.Addr)
	write(t, c, entry("task", "job", "evil", "width", 1e9, "height", 1.0, "x1", 1.0, "y1", 1.0, "iter", 5.0), 0, 0)
	w.WaitLine(t, "took a bad task")
	write(t, c, space.Tiles("ok", 8, 8, 1, 1, 10)[0].TaskEntry(), 0, 0)
	res := take(t, c, space.MatchRequest{Template: entry("result", "job", "ok"), WaitMS: 20000})
	assert.True(t, res.Found, "the worker goes on after a bad task")
}
