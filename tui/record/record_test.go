package record_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/record"
)

var start = time.Date(2026, 11, 22, 22, 45, 1, 0, time.UTC)

// run is a short client/server run with one event of every kind.
func run() []trace.Event {
	put := &trace.Message{From: "client", To: "127.0.0.1:7100", Type: "put", ID: 1, Clock: 1, Size: 115,
		Body: json.RawMessage(`{"key":"a","value":"1"}`)}
	return []trace.Event{
		{V: 1, Kind: trace.KindHello, Node: "server", Seq: 1, Time: 10, Role: "server", Model: "clientserver", PID: 42, Listen: "127.0.0.1:7100"},
		{V: 1, Kind: trace.KindHello, Node: "client", Seq: 1, Time: 11, Role: "client", Model: "clientserver", PID: 43},
		{V: 1, Kind: trace.KindSend, Node: "client", Seq: 2, Time: 12, Clock: 1, Msg: put},
		{V: 1, Kind: trace.KindRecv, Node: "server", Seq: 2, Time: 13, Clock: 2, Msg: put},
		{V: 1, Kind: trace.KindState, Node: "server", Seq: 3, Time: 14, Key: "keys", Value: "1"},
		{V: 1, Kind: trace.KindLog, Node: "server", Seq: 4, Time: 15, Text: "a <tag> & \"quotes\", ünïcödé"},
		{V: 1, Kind: trace.KindOverflow, Node: "server", Seq: 9, Time: 16, Count: 3},
		{V: 1, Kind: trace.KindBye, Node: "client", Seq: 3, Time: 17, Text: "finished"},
	}
}

func TestStateDir(t *testing.T) {
	t.Run("XDG_STATE_HOME", func(t *testing.T) {
		t.Setenv("XDG_STATE_HOME", "/xdg/state")
		got, err := record.StateDir()
		require.NoError(t, err)
		assert.Equal(t, "/xdg/state/dsdemo", got)
	})
	t.Run("home", func(t *testing.T) {
		t.Setenv("XDG_STATE_HOME", "")
		t.Setenv("HOME", "/home/student")
		got, err := record.StateDir()
		require.NoError(t, err)
		assert.Equal(t, "/home/student/.local/state/dsdemo", got)
	})
}

func TestRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	w, err := record.Create(dir, "clientserver", start)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "clientserver-20261122-224501.jsonl"), w.Path())
	for _, ev := range run() {
		require.NoError(t, w.Write(ev))
	}
	require.NoError(t, w.Close())

	got, err := record.ReadFile(w.Path())
	require.NoError(t, err)
	assert.Equal(t, run(), got.Events)
}

func TestUniqueNames(t *testing.T) {
	dir := t.TempDir()
	var got []string
	for range 3 {
		w, err := record.Create(dir, "p2p", start)
		require.NoError(t, err)
		got = append(got, filepath.Base(w.Path()))
		require.NoError(t, w.Close())
	}
	want := []string{"p2p-20261122-224501.jsonl", "p2p-20261122-224501-2.jsonl", "p2p-20261122-224501-3.jsonl"}
	assert.Equal(t, want, got)

	t.Run("a model id with a slash or colon stays one file name", func(t *testing.T) {
		w, err := record.Create(dir, "../a:b", start)
		require.NoError(t, err)
		defer w.Close()
		assert.Equal(t, dir, filepath.Dir(w.Path()))
		assert.Equal(t, "___a_b-20261122-224501.jsonl", filepath.Base(w.Path()))
	})
}

func TestWriter(t *testing.T) {
	t.Run("concurrent writes give whole lines", func(t *testing.T) {
		w, err := record.Create(t.TempDir(), "clientserver", start)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for node := range 8 {
			wg.Go(func() {
				for seq := range 200 {
					ev := trace.Event{V: 1, Kind: trace.KindLog, Node: fmt.Sprint("n", node), Seq: uint64(seq + 1), Text: strings.Repeat("x", 300)}
					assert.NoError(t, w.Write(ev))
				}
			})
		}
		wg.Wait()
		require.NoError(t, w.Close())
		got, err := record.ReadFile(w.Path())
		require.NoError(t, err)
		assert.Len(t, got.Events, 8*200)
	})

	t.Run("events reach the file without Close", func(t *testing.T) {
		w, err := record.Create(t.TempDir(), "clientserver", start)
		require.NoError(t, err)
		defer w.Close()
		require.NoError(t, w.Write(run()[0]))
		assert.Eventually(t, func() bool {
			got, err := record.ReadFile(w.Path())
			return err == nil && len(got.Events) == 1
		}, 5*record.FlushEvery, 10*time.Millisecond, "a crash after this write would lose the event")
	})

	t.Run("an event that cannot be encoded leaves no broken line", func(t *testing.T) {
		w, err := record.Create(t.TempDir(), "clientserver", start)
		require.NoError(t, err)
		bad := run()[2]
		bad.Msg = &trace.Message{From: "client", Type: "put", Body: json.RawMessage(`{"key":`)}
		assert.Error(t, w.Write(bad))
		require.NoError(t, w.Write(run()[0]))
		require.NoError(t, w.Close())
		got, err := record.ReadFile(w.Path())
		require.NoError(t, err)
		assert.Equal(t, run()[:1], got.Events)
	})

	t.Run("write after close", func(t *testing.T) {
		w, err := record.Create(t.TempDir(), "clientserver", start)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		assert.ErrorIs(t, w.Write(run()[0]), record.ErrClosed)
		assert.NoError(t, w.Close(), "a second Close does nothing")
	})
}

// lines returns the recording of run() as its lines, newlines included.
func lines(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, ev := range run() {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		out = append(out, string(b)+"\n")
	}
	return out
}

func TestRead(t *testing.T) {
	all := lines(t)
	tests := []struct {
		name     string
		file     string
		want     []trace.Event
		wantLine int    // 0: no error
		wantErr  string // part of the error message
	}{
		{name: "empty file", file: "", want: nil},
		{name: "blank lines and CRLF", file: "\n" + strings.ReplaceAll(strings.Join(all[:3], "\n"), "\n", "\r\n"), want: run()[:3]},
		{name: "last line without newline", file: strings.Join(all[:2], "") + strings.TrimSuffix(all[2], "\n"), want: run()[:3]},
		{name: "broken line in the middle", file: all[0] + all[1] + "{\"v\":1,\"ev\":\"se\n" + all[2],
			want: run()[:2], wantLine: 3, wantErr: "line 3: not a trace event: unexpected end of JSON input"},
		{name: "truncated last line", file: strings.Join(all[:4], "") + all[4][:20],
			want: run()[:4], wantLine: 5, wantErr: "line 5: not a trace event"},
		{name: "over-long line", file: all[0] + `{"v":1,"ev":"log","text":"` + strings.Repeat("x", record.MaxLine) + "\"}\n" + all[1],
			want: run()[:1], wantLine: 2, wantErr: "line 2: longer than 1 MiB"},
		{name: "JSON that is not an event", file: all[0] + "[1,2]\n",
			want: run()[:1], wantLine: 2, wantErr: "line 2: not a trace event: json: cannot unmarshal array"},
		{name: "an object without a kind", file: "{}\n",
			wantLine: 1, wantErr: `line 1: not a trace event: it has no "ev" field`},
		{name: "another protocol version", file: all[0] + `{"v":2,"ev":"log","node":"x"}` + "\n",
			want: run()[:1], wantLine: 2, wantErr: "line 2: trace protocol version 2, but this dsdemo reads version 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := record.Read(strings.NewReader(tt.file))
			assert.Equal(t, tt.want, got.Events)
			if tt.wantLine == 0 {
				require.NoError(t, err)
				return
			}
			var lineErr *record.LineError
			require.ErrorAs(t, err, &lineErr)
			assert.Equal(t, tt.wantLine, lineErr.Line)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestLongestLine(t *testing.T) {
	ev := `{"v":1,"ev":"log","node":"n","text":"`
	line := ev + strings.Repeat("x", record.MaxLine-len(ev)-3) + "\"}\n"
	require.Len(t, line, record.MaxLine)
	got, err := record.Read(strings.NewReader(line))
	require.NoError(t, err, "a line of exactly 1 MiB, newline included, is allowed")
	assert.Len(t, got.Events, 1)
}

func TestReadFile(t *testing.T) {
	t.Run("the error names the file and the line", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "run.jsonl")
		require.NoError(t, os.WriteFile(path, []byte(lines(t)[0]+"not json\n"), 0o644))
		got, err := record.ReadFile(path)
		assert.Len(t, got.Events, 1)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), path+": line 2: not a trace event: "), "got %q", err)
		var lineErr *record.LineError
		assert.True(t, errors.As(err, &lineErr))
	})
	t.Run("a missing file", func(t *testing.T) {
		_, err := record.ReadFile(filepath.Join(t.TempDir(), "missing.jsonl"))
		assert.ErrorIs(t, err, os.ErrNotExist)
		assert.Contains(t, err.Error(), "missing.jsonl")
	})
}
