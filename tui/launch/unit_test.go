package launch

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
)

func TestShellQuote(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"bin/server", "--listen", "127.0.0.1:0"}, "bin/server --listen 127.0.0.1:0"},
		{[]string{"bin/client", "--peers", "127.0.0.1:1,127.0.0.1:2"}, "bin/client --peers 127.0.0.1:1,127.0.0.1:2"},
		{[]string{"echo", "two words"}, "echo 'two words'"},
		{[]string{"echo", "it's"}, `echo 'it'\''s'`},
		{[]string{"echo", ""}, "echo ''"},
		{[]string{"echo", "$HOME", "a*"}, "echo '$HOME' 'a*'"},
	} {
		got := shellQuote(tc.words)
		assert.Equal(t, tc.want, got, "shellQuote(%q)", tc.words)
	}
}

func TestWatch(t *testing.T) {
	recv := func(node, typ string) trace.Event {
		return trace.Event{Kind: trace.KindRecv, Node: node, Msg: &trace.Message{Type: typ}}
	}
	putOK := catalog.Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}
	matched := func(w *watch) bool {
		select {
		case <-w.matched:
			return true
		default:
			return false
		}
	}

	t.Run("counts only events after it was set", func(t *testing.T) {
		var h events
		h.publish(recv("client-1", "put_ok"))
		w := h.watch(putOK, nil)
		h.publish(recv("client-1", "get_ok"))
		assert.False(t, matched(w), "an earlier event and another type do not count")
		h.publish(recv("client-1", "put_ok"))
		assert.True(t, matched(w))
		assert.Equal(t, "put_ok", w.event.Msg.Type)
		assert.Empty(t, h.watches, "an ended watch is forgotten")
	})
	t.Run("a watch that follows counts after the other ended", func(t *testing.T) {
		var h events
		first := h.watch(putOK, nil)
		second := h.watch(putOK, first)
		h.publish(recv("client-1", "put_ok"))
		assert.True(t, matched(first))
		assert.False(t, matched(second), "the event that ended the first does not count for the second")
		h.publish(recv("client-1", "put_ok"))
		assert.True(t, matched(second))
	})
	t.Run("a watch that follows may end first", func(t *testing.T) {
		// Two waits in a row for events of two programs: the second
		// program's event can reach the collector first, over its own
		// connection, and must still count.
		var h events
		first := h.watch(catalog.Match{Kind: trace.KindRecv, Node: "cacheproxy", Type: "304"}, nil)
		second := h.watch(catalog.Match{Kind: trace.KindRecv, Node: "client-1", Type: "200"}, first)
		h.publish(recv("client-1", "200"))
		assert.True(t, matched(second))
		assert.False(t, matched(first))
		h.publish(recv("cacheproxy", "304"))
		assert.True(t, matched(first))
	})
	t.Run("a watch for one message", func(t *testing.T) {
		var h events
		w := h.watchMessage(catalog.Match{Kind: trace.KindRecv}, "peer-1", 7)
		h.publish(trace.Event{Kind: trace.KindRecv, Node: "peer-2", Msg: &trace.Message{From: "peer-1", ID: 8, Type: "store"}})
		assert.False(t, matched(w), "another message of the same sender")
		h.publish(trace.Event{Kind: trace.KindRecv, Node: "peer-5", Msg: &trace.Message{From: "peer-1", ID: 7, Type: "store"}})
		assert.True(t, matched(w))
		assert.Equal(t, "peer-5", w.event.Node)
	})
	t.Run("a dropped watch never matches", func(t *testing.T) {
		var h events
		first := h.watch(putOK, nil)
		second := h.watch(putOK, first)
		h.drop(first)
		h.publish(recv("client-1", "put_ok"))
		assert.False(t, matched(first))
		assert.True(t, matched(second), "the watch that followed it takes the event")
	})
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		m    catalog.Match
		want string
	}{
		{catalog.Match{Kind: trace.KindRecv, Node: "client-1", Type: "put_ok"}, "a recv of put_ok at client-1"},
		{catalog.Match{Kind: trace.KindSend, Node: "server", Type: "put_ok", Fault: "drop"}, "a send of put_ok (drop) at server"},
		{catalog.Match{Kind: trace.KindRecv, Node: "client-2", Type: "get_ok", Field: "found", Is: "false"}, `a recv of get_ok with found false at client-2`},
		{catalog.Match{Kind: trace.KindRecv, Node: "server", From: "client-3"}, "a recv from client-3 at server"},
	} {
		assert.Equal(t, tc.want, describe(tc.m))
	}
}

func TestOutput(t *testing.T) {
	t.Run("lines across writes", func(t *testing.T) {
		var tl tail
		w := &lineWriter{tail: &tl}
		for _, s := range []string{"listen", "ing on 127.0.0.1:1\nsecond\r\nthi", "rd"} {
			w.Write([]byte(s))
		}
		w.flush()
		assert.Equal(t, []Line{{Text: "listening on 127.0.0.1:1"}, {Text: "second"}, {Text: "third"}}, tl.snapshot())
	})
	t.Run("bounded", func(t *testing.T) {
		var tl tail
		out, errOut := &lineWriter{tail: &tl}, &lineWriter{tail: &tl, stderr: true}
		for i := range maxLines + 50 {
			out.Write([]byte("line " + strconv.Itoa(i) + "\n"))
		}
		errOut.Write([]byte(strings.Repeat("x", 3*maxLineSize) + "\n"))
		lines := tl.snapshot()
		require.Len(t, lines, maxLines)
		assert.Equal(t, "line 51", lines[0].Text, "the oldest lines go first")
		last := lines[len(lines)-1]
		assert.True(t, last.Stderr)
		assert.Len(t, last.Text, maxLineSize, "a long line is cut")
		assert.Equal(t, []string{last.Text}, tl.stderr(5))
	})
}

func TestFindModuleDir(t *testing.T) {
	dir := findModuleDir()
	require.NotEmpty(t, dir, "the tests run inside the dsdemo module")
	assert.True(t, isDsdemoModule(filepath.Join(dir, "go.mod")))
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "tui", "launch"), wd)
	t.Run("another module", func(t *testing.T) {
		other := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644))
		assert.False(t, isDsdemoModule(filepath.Join(other, "go.mod")))
	})
}

func TestPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	assert.True(t, portTaken(addr), "while we listen on %s", addr)
	ln.Close()
	assert.False(t, portTaken(addr), "after we closed %s", addr)
}

func TestReserveAddr(t *testing.T) {
	addr, err := reserveAddr()
	require.NoError(t, err)
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", host)
	assert.NotEqual(t, "0", port, "got port 0, want the port the system chose")

	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err, "the reserved port must be free again for the program")
	ln.Close()
}

// The collector's door: the launcher's own programs come in with its
// token; nobody else may take one of their names; in a class's demo a
// program from elsewhere needs the class's token, on the home machine
// none.
func TestAdmit(t *testing.T) {
	m, _ := catalog.ByID("clientserver")
	hello := func(node, token string) trace.Event {
		return trace.Event{V: trace.Version, Kind: trace.KindHello, Node: node, Token: token}
	}
	for _, tc := range []struct {
		name  string
		class *Class
		hello trace.Event
		want  string // "" for admitted, else a piece of the reason
	}{
		{"the launcher's own program", nil, hello("server", "own"), ""},
		{"own token, in a class too", &Class{Token: "class"}, hello("client-3", "own"), ""},
		{"a program of this machine", nil, hello("laptop-1", ""), ""},
		{"a student's program with the class's token", &Class{Token: "class"}, hello("laptop-1", "class"), ""},
		{"without the class's token", &Class{Token: "class"}, hello("laptop-1", ""), "join token"},
		{"with a wrong token", &Class{Token: "class"}, hello("laptop-1", "clasz"), "join token"},
		{"taking a name of the demo's", nil, hello("server", ""), "belongs to a program of the demo"},
		{"taking a name of the demo's, with the class's token", &Class{Token: "class"}, hello("client-1", "class"), "belongs to a program"},
		{"taking the name of an added client", nil, hello("client-9", ""), "belongs to a program"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &Launcher{cfg: Config{Model: m, Class: tc.class}, token: "own", nodes: map[string]*node{"client-9": {}}}
			err := l.admit(tc.hello)
			if tc.want == "" {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
			}
		})
	}
}
