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
		assert.Contains(t, out, "put_ok")
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
		{"bad format", []string{"export", "x.jsonl", "--format", "png"}, 2, "--format must be mermaid or svg", "", true},
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
