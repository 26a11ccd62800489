package trace_test

import (
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
)

// TestTypedStateEncoding: a timer and a gauge go out as PROTOCOL.md shows
// them, byte for byte what encoding/json writes, and come back the same.
func TestTypedStateEncoding(t *testing.T) {
	timer := trace.Event{V: 1, Kind: trace.KindState, Node: "client", Seq: 3, Time: 1795385315960400, Key: "timeout",
		Value: "reply to put a: 2s", Timer: &trace.Timer{MS: 2000, Label: "reply to put a"}}
	slowed := trace.Event{V: 1, Kind: trace.KindState, Node: "client", Key: "timeout",
		Value: "reply to get a: 2s", Timer: &trace.Timer{MS: 2000, ElapsedMS: 350, Speed: 0.5, Label: "reply to get a"}}
	gauge := trace.Event{V: 1, Kind: trace.KindState, Node: "proxy", Seq: 9, Time: 1795385315960500, Key: "fill",
		Value: "312 KiB/1 MiB", Gauge: &trace.Gauge{Value: 319488, Max: 1 << 20, Unit: "B"}}
	for name, ev := range map[string]trace.Event{"timer": timer, "slowed timer": slowed, "gauge": gauge} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(ev)
			require.NoError(t, err)
			line := ev.AppendJSON(nil)
			assert.Equal(t, string(want)+"\n", string(line))
			var back trace.Event
			require.NoError(t, json.Unmarshal(line, &back))
			assert.Equal(t, ev, back)
		})
	}
	assert.Equal(t, `{"v":1,"ev":"state","node":"client","seq":3,"t":1795385315960400,"key":"timeout","value":"reply to put a: 2s","timer":{"ms":2000,"label":"reply to put a"}}`+"\n",
		string(timer.AppendJSON(nil)), "the line PROTOCOL.md shows")
	assert.Equal(t, `{"v":1,"ev":"state","node":"proxy","seq":9,"t":1795385315960500,"key":"fill","value":"312 KiB/1 MiB","gauge":{"value":319488,"max":1048576,"unit":"B"}}`+"\n",
		string(gauge.AppendJSON(nil)), "the line PROTOCOL.md shows")
}

// TestPlainStateStaysValid: a state line of a program that knows nothing
// of timers is read as before and passes the bounds untouched.
func TestPlainStateStaysValid(t *testing.T) {
	var ev trace.Event
	require.NoError(t, json.Unmarshal([]byte(`{"v":1,"ev":"state","node":"server","seq":3,"t":1795385315960476,"key":"keys","value":"1"}`), &ev))
	assert.Nil(t, ev.Timer)
	assert.Nil(t, ev.Gauge)
	got, err := trace.Bound(ev)
	require.NoError(t, err)
	assert.Equal(t, ev, got)
}

// TestHostileTypedStateIsRefusedOrClamped: every value from the network
// that cannot mean anything leaves a plain state with an error that says
// why; one that is only too big is clamped.
func TestHostileTypedStateIsRefusedOrClamped(t *testing.T) {
	state := func(tm *trace.Timer, g *trace.Gauge) trace.Event {
		return trace.Event{V: 1, Kind: trace.KindState, Node: "x", Key: "k", Value: "text", Timer: tm, Gauge: g}
	}
	refused := map[string]struct {
		ev   trace.Event
		says string
	}{
		"zero timer":        {state(&trace.Timer{}, nil), "timer of 0 ms"},
		"negative timer":    {state(&trace.Timer{MS: -5}, nil), "timer of -5 ms"},
		"timer over a day":  {state(&trace.Timer{MS: trace.MaxTimerMS + 1}, nil), "not between 1 and 86400000"},
		"absurd timer":      {state(&trace.Timer{MS: 1<<63 - 1}, nil), "not between"},
		"negative elapsed":  {state(&trace.Timer{MS: 10, ElapsedMS: -1}, nil), "elapsed_ms -1 is negative"},
		"negative speed":    {state(&trace.Timer{MS: 10, Speed: -0.5}, nil), "speed -0.5"},
		"faster than time":  {state(&trace.Timer{MS: 10, Speed: 3}, nil), "speed 3"},
		"gauge max 0":       {state(nil, &trace.Gauge{Value: 0, Max: 0}), "gauge max 0"},
		"huge gauge max":    {state(nil, &trace.Gauge{Value: 1, Max: 1 << 62}), "not between 1 and 9007199254740992"},
		"negative gauge":    {state(nil, &trace.Gauge{Value: -3, Max: 10}), "value -3 is negative"},
		"timer and gauge":   {state(&trace.Timer{MS: 10}, &trace.Gauge{Value: 1, Max: 2}), "at once"},
		"timer on a log":    {trace.Event{V: 1, Kind: trace.KindLog, Timer: &trace.Timer{MS: 10}}, "only a state"},
		"timer without key": {trace.Event{V: 1, Kind: trace.KindState, Timer: &trace.Timer{MS: 10}}, "only a state with a key"},
	}
	for name, c := range refused {
		t.Run(name, func(t *testing.T) {
			got, err := trace.Bound(c.ev)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.says)
			assert.Nil(t, got.Timer, "the timer is refused")
			assert.Nil(t, got.Gauge, "the gauge is refused")
			assert.Equal(t, c.ev.Value, got.Value, "the value text stays")
		})
	}

	t.Run("clamped", func(t *testing.T) {
		in := state(&trace.Timer{MS: 100, ElapsedMS: 1 << 60, Label: strings.Repeat("ü", 100)}, nil)
		got, err := trace.Bound(in)
		require.NoError(t, err)
		assert.Equal(t, int64(100), got.Timer.ElapsedMS, "an elapsed time over the length is the length: the timer has run out")
		assert.LessOrEqual(t, len(got.Timer.Label), trace.MaxLabel)
		assert.True(t, strings.HasPrefix(strings.Repeat("ü", 100), got.Timer.Label), "cut at a character")
		assert.Equal(t, int64(1<<60), in.Timer.ElapsedMS, "the input is not changed")

		g, err := trace.Bound(state(nil, &trace.Gauge{Value: 1 << 52, Max: 10, Unit: strings.Repeat("u", 40)}))
		require.NoError(t, err)
		assert.Equal(t, int64(10), g.Gauge.Value, "a value over max is max")
		assert.Len(t, g.Gauge.Unit, trace.MaxUnit)
	})
}

// TestHostileTypedStateThroughCollector: a foreign program writes absurd
// typed state straight to a collector. The collector passes the state on as
// plain text with a log line that says why, skips a line whose number does
// not fit, and keeps reading.
func TestHostileTypedStateThroughCollector(t *testing.T) {
	col, rec := collect(t)
	conn, err := net.Dial("tcp", col.Addr())
	require.NoError(t, err)
	defer conn.Close()
	lines := []string{
		`{"v":1,"ev":"hello","node":"foreign","seq":1,"t":1}`,
		`{"v":1,"ev":"state","node":"foreign","seq":2,"t":2,"key":"lease","value":"forever","timer":{"ms":-1}}`,
		`{"v":1,"ev":"state","node":"foreign","seq":3,"t":3,"key":"queue","value":"lots","gauge":{"value":5,"max":0}}`,
		`{"v":1,"ev":"state","node":"foreign","seq":4,"t":4,"key":"huge","timer":{"ms":1e300}}`,
		`{"v":1,"ev":"state","node":"foreign","seq":5,"t":5,"key":"queue","value":"12/10","gauge":{"value":12,"max":10}}`,
	}
	_, err = conn.Write([]byte(strings.Join(lines, "\n") + "\n"))
	require.NoError(t, err)

	rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Seq == 5 })
	var seqs []uint64
	for _, ev := range rec.All() {
		seqs = append(seqs, ev.Seq)
	}
	assert.Equal(t, []uint64{1, 2, 0, 3, 0, 5}, seqs, "each refusal is followed by a log line; the 1e300 line is skipped")
	all := rec.All()
	assert.Nil(t, all[1].Timer)
	assert.Equal(t, "forever", all[1].Value)
	assert.Contains(t, all[2].Text, `state "lease": timer of -1 ms is not between 1 and 86400000; shown as plain text`)
	assert.Nil(t, all[3].Gauge)
	assert.Contains(t, all[4].Text, "gauge max 0")
	require.NotNil(t, all[5].Gauge)
	assert.Equal(t, trace.Gauge{Value: 10, Max: 10}, *all[5].Gauge, "clamped to its max")
	assert.Equal(t, "12/10", all[5].Value, "the text keeps the real amount")
}

// TestTimerLeft: a bar is shorter later, stands still while the timer
// does, empties at the timer's speed and never below zero.
func TestTimerLeft(t *testing.T) {
	at := time.Unix(1000, 0)
	tm := trace.Timer{MS: 2000}
	assert.Equal(t, 2*time.Second, tm.Left(at, at))
	assert.Equal(t, 1500*time.Millisecond, tm.Left(at, at.Add(500*time.Millisecond)))
	assert.InDelta(t, 0.75, tm.Fraction(at, at.Add(500*time.Millisecond)), 1e-9)
	assert.Zero(t, tm.Left(at, at.Add(time.Hour)), "run out")
	assert.Equal(t, 2*time.Second, tm.Left(at, at.Add(-time.Second)), "a clock before the report counts as the report")

	half := trace.Timer{MS: 2000, ElapsedMS: 500, Speed: 0.5}
	assert.Equal(t, 1000*time.Millisecond, half.Left(at, at.Add(time.Second)), "half speed: a second of wall clock is half a second")
	still := trace.Timer{MS: 2000, ElapsedMS: 500, Still: true}
	assert.Equal(t, 1500*time.Millisecond, still.Left(at, at.Add(time.Minute)))
}

// TestEmitterTimerAndGauge: a Go program reports a timer, its end and a
// gauge in one call each.
func TestEmitterTimerAndGauge(t *testing.T) {
	col, rec := collect(t)
	em := dialEmitter(t, col.Addr(), "client", nil)
	em.Hello("client", "clientserver", 1, "")
	em.StartTimer("timeout", "reply to put a", 1500*time.Millisecond+time.Microsecond)
	em.EndTimer("timeout", "answered after 3 ms")
	em.Gauge("fill", 2048, 4096, "B")
	got := rec.WaitN(t, 3, kind(trace.KindState))

	require.NotNil(t, got[0].Timer)
	assert.Equal(t, trace.Timer{MS: 1501, Label: "reply to put a"}, *got[0].Timer, "rounded up to whole milliseconds")
	assert.Equal(t, "reply to put a: 1.501s", got[0].Value, "a viewer that knows no timers shows the text")
	assert.Nil(t, got[1].Timer, "the end replaces the timer by a plain value")
	assert.Equal(t, "answered after 3 ms", got[1].Value)
	require.NotNil(t, got[2].Gauge)
	assert.Equal(t, trace.Gauge{Value: 2048, Max: 4096, Unit: "B"}, *got[2].Gauge)
	assert.Equal(t, "2 KiB/4 KiB", got[2].Value)
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 900: "900 B", 1024: "1 KiB", 1536: "1.5 KiB", 319488: "312 KiB", 1 << 20: "1 MiB", 15 << 20: "15 MiB"} {
		assert.Equal(t, want, trace.Bytes(n), "%d bytes", n)
	}
}
