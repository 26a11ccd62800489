package app_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/app"
	"dsdemo/tui/record"
)

func main(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = app.Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// recording writes a small run: a put and its reply.
func recording(t *testing.T) string {
	w, err := record.Create(t.TempDir(), "clientserver", time.Now())
	require.NoError(t, err)
	msg := func(kind trace.Kind, node, from, to, typ string, id, replyTo, clock uint64) trace.Event {
		return trace.Event{V: 1, Kind: kind, Node: node, Clock: clock, Msg: &trace.Message{From: from, To: to, Type: typ, ID: id, ReplyTo: replyTo, Clock: clock}}
	}
	for _, ev := range []trace.Event{
		{V: 1, Kind: trace.KindHello, Node: "server", Role: "server", Listen: "127.0.0.1:7100"},
		{V: 1, Kind: trace.KindHello, Node: "client", Role: "client"},
		msg(trace.KindSend, "client", "client", "127.0.0.1:7100", "put", 1, 0, 1),
		msg(trace.KindRecv, "server", "client", "server", "put", 1, 0, 2),
		msg(trace.KindSend, "server", "server", "client", "put_ok", 1, 1, 4),
		msg(trace.KindRecv, "client", "server", "client", "put_ok", 1, 1, 5),
	} {
		require.NoError(t, w.Write(ev))
	}
	require.NoError(t, w.Close())
	return w.Path()
}

func TestExport(t *testing.T) {
	file := recording(t)
	t.Run("mermaid", func(t *testing.T) {
		code, out, errOut := main("export", file, "--format", "mermaid")
		require.Equal(t, 0, code, errOut)
		assert.True(t, strings.HasPrefix(out, "sequenceDiagram\n"), out)
		assert.Contains(t, out, "server-->>client: put → ok ✓")
	})
	t.Run("svg to a file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "run.svg")
		code, _, errOut := main("export", "--format", "svg", "--out", out, file)
		require.Equal(t, 0, code, errOut)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, "the SVG is well-formed XML")
		}
	})
	t.Run("a broken file names the line and still exports what it read", func(t *testing.T) {
		broken := filepath.Join(t.TempDir(), "broken.jsonl")
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		lines := strings.SplitAfter(string(data), "\n")
		require.NoError(t, os.WriteFile(broken, []byte(strings.Join(lines[:4], "")+"{\"v\":1,\"ev\":\n"), 0o644))
		code, out, errOut := main("export", broken)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "line 5")
		assert.Contains(t, out, "sequenceDiagram")
	})
	t.Run("missing file", func(t *testing.T) {
		code, _, errOut := main("export", filepath.Join(t.TempDir(), "nope.jsonl"))
		assert.Equal(t, 1, code)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	})
}

// TestExportWindow exports parts of a real recording (tui/record's
// testdata): the client/server model playing its first experiment.
func TestExportWindow(t *testing.T) {
	file := filepath.Join("..", "record", "testdata", "clientserver.jsonl")
	arrows := func(out string) []string {
		var got []string
		for _, line := range strings.Split(out, "\n") {
			if _, label, ok := strings.Cut(line, ": "); ok && !strings.Contains(line, "participant") {
				got = append(got, label)
			}
		}
		return got
	}
	t.Run("a step", func(t *testing.T) {
		code, out, errOut := main("export", file, "--steps", "6")
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, []string{"get b ✓", "get b → not found server=server ✓"}, arrows(out))
	})
	t.Run("steps", func(t *testing.T) {
		code, out, errOut := main("export", file, "--steps", "2-5")
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, []string{"put a=1 ✓", "put a=1 → found server=server ✓", "get a ✓", "get a → 1 found server=server ✓"}, arrows(out))
	})
	t.Run("a window of time", func(t *testing.T) {
		// The run's first put was sent 35 ms after the first hello.
		code, out, errOut := main("export", file, "--from", "0s", "--to", "30ms")
		require.Equal(t, 0, code, errOut)
		assert.Empty(t, arrows(out))
		code, out, errOut = main("export", file, "--from", "30ms", "--to", "1h", "--no-background", "--lang", "de")
		require.Equal(t, 0, code, errOut)
		assert.Len(t, arrows(out), 10, "every message, as the client/server model has no background traffic")
	})
	t.Run("help", func(t *testing.T) {
		code, out, _ := main("export", "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "-steps FIRST-LAST")
	})
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"steps that were not recorded", []string{"--steps", "7-9"}, 1, "steps 7-9: the recording holds steps 1-7 of experiment first-request"},
		{"steps in the wrong order", []string{"--steps", "4-2"}, 2, "--steps must be FIRST-LAST"},
		{"steps that are no numbers", []string{"--steps", "two"}, 2, "--steps must be FIRST-LAST"},
		{"steps and times", []string{"--steps", "2", "--from", "1m"}, 2, "give one of them"},
		{"to before from", []string{"--from", "2m", "--to", "1m"}, 2, "--to 1m0s must come after --from 2m0s"},
		{"a negative time", []string{"--from", "-1m"}, 2, "0 or more"},
		{"a time that is no time", []string{"--to", "soon"}, 2, "invalid value"},
		{"a language", []string{"--lang", "fr"}, 2, "--lang must be de or en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := main(append([]string{"export", file}, c.args...)...)
			assert.Equal(t, c.code, code)
			assert.Contains(t, errOut, c.stderr)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.Empty(t, out)
		})
	}
	t.Run("no background of a model this dsdemo does not know", func(t *testing.T) {
		code, _, errOut := main("export", recording(t), "--no-background")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, `--no-background: the recording's model "" is not one this dsdemo knows`)
	})
}

func TestCommandLine(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		code    int
		stderr  string
		stdout  string
		lineOne bool
	}{
		{"help", []string{"--help"}, 0, "", "dsdemo replay", false},
		{"bad flag", []string{"--colour"}, 2, "-colour", "", true},
		{"bad language", []string{"--lang", "fr"}, 2, "--lang must be de or en", "", true},
		{"bad theme", []string{"--theme", "neon"}, 2, "--theme must be default or contrast", "", true},
		{"bad pace", []string{"--auto", "--pace", "5"}, 2, "--pace must be 20 to 600 words a minute", "", true},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command", "", true},
		{"replay without file", []string{"replay"}, 2, "replay needs one FILE", "", true},
		{"export without file", []string{"export"}, 2, "export needs one FILE", "", true},
		{"bad format", []string{"export", "x.jsonl", "--format", "png"}, 2, "--format must be mermaid, svg or shiviz", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := main(c.args...)
			assert.Equal(t, c.code, code)
			assert.Contains(t, errOut, c.stderr)
			assert.Contains(t, out, c.stdout)
			if c.lineOne {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			}
		})
	}
}
