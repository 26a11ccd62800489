package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzDecodeEvent feeds bytes to the collector's reader as a program's
// connection would: lines are cut at a limit before they are held whole,
// and every line is decoded into an event or skipped. An event passed on
// has this protocol's version and a kind, its typed state keeps the
// bounds of Bound (or is gone, with the reason), and it can be written
// down again as JSON, as a recording does.
func FuzzDecodeEvent(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"ev":"hello","node":"server","seq":1,"t":1795385315451322,"role":"server","model":"clientserver","pid":6435,"listen":"127.0.0.1:37893"}`,
		`{"v":1,"ev":"send","node":"client","seq":2,"t":1,"clock":3,"msg":{"from":"client","to":"server","type":"put","id":1,"reply_to":0,"clock":3,"size":40,"body":{"key":"a"}}}`,
		`{"v":1,"ev":"state","node":"s","seq":3,"t":1,"key":"lease","value":"5s","timer":{"ms":5000,"elapsed_ms":9000,"speed":0.5,"label":"lease"}}`,
		`{"v":1,"ev":"state","node":"s","seq":4,"t":1,"key":"queue","value":"12/10","gauge":{"value":12,"max":10,"unit":"messages"}}`,
		`{"v":1,"ev":"state","node":"s","key":"x","timer":{"ms":1},"gauge":{"value":1,"max":1}}`,
		`{"v":1,"ev":"log","node":"s","timer":{"ms":1e300}}`,
		`{"v":2,"ev":"hello","node":"s"}`,
		"{\"v\":1,\"ev\":\"log\",\"node\":\"\xff\",\"text\":\"\xfe\"}\r\n\n{\"v\":1,\"ev\":\"bye\"}",
	} {
		f.Add([]byte(seed), uint16(2048))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		max := int(limit)%maxHelloLine + 1
		r := bufio.NewReaderSize(bytes.NewReader(data), 16) // small, so that lines span many reads
		var buf []byte
		for calls := 0; ; calls++ {
			require.LessOrEqual(t, calls, len(data)+1, "readLine does not reach the end")
			line, err := readLine(r, buf[:0], max)
			if errors.Is(err, io.EOF) || errors.Is(err, bufio.ErrTooLong) {
				return // the collector closes the connection on either
			}
			require.NoError(t, err)
			require.LessOrEqual(t, len(line), max, "a line is never longer than the limit")
			require.NotContains(t, string(line), "\n")
			buf = line
			checkDecoded(t, line)
		}
	})
}

func checkDecoded(t *testing.T, line []byte) {
	ev, refused, ok := decodeEvent(line)
	if !ok {
		require.Nil(t, refused)
		return
	}
	require.Equal(t, Version, ev.V)
	require.NotEmpty(t, ev.Kind)
	if refused != nil {
		require.Nil(t, ev.Timer, "a refused timer is gone")
		require.Nil(t, ev.Gauge, "a refused gauge is gone")
		require.NotEmpty(t, refused.Error())
	}
	if ev.Timer != nil || ev.Gauge != nil {
		require.Equal(t, KindState, ev.Kind)
		require.NotEmpty(t, ev.Key)
		require.False(t, ev.Timer != nil && ev.Gauge != nil, "a timer or a gauge, not both")
	}
	if tm := ev.Timer; tm != nil {
		require.True(t, tm.MS >= 1 && tm.MS <= MaxTimerMS, "ms %d", tm.MS)
		require.True(t, tm.ElapsedMS >= 0 && tm.ElapsedMS <= tm.MS, "elapsed %d of %d", tm.ElapsedMS, tm.MS)
		require.True(t, tm.Speed >= 0 && tm.Speed <= 1, "speed %v", tm.Speed)
		require.LessOrEqual(t, len(tm.Label), MaxLabel)
	}
	if g := ev.Gauge; g != nil {
		require.True(t, g.Max >= 1 && g.Max <= MaxGauge, "max %d", g.Max)
		require.True(t, g.Value >= 0 && g.Value <= g.Max, "value %d of %d", g.Value, g.Max)
		require.LessOrEqual(t, len(g.Unit), MaxUnit)
	}
	_, err := json.Marshal(ev)
	require.NoError(t, err, "an event passed on can be recorded")
}
