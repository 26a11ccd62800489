package export_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/export"
)

func hello(node, listen string) trace.Event {
	return trace.Event{V: 1, Kind: trace.KindHello, Node: node, Role: node, Listen: listen}
}

// message returns the event of kind (send, recv or hold) that node reports
// for a message; clock is the node's Lamport time at the event.
func message(kind trace.Kind, node, from, to, typ string, id, replyTo, sendClock, clock uint64, body, fault string) trace.Event {
	m := &trace.Message{From: from, To: to, Type: typ, ID: id, ReplyTo: replyTo, Clock: sendClock}
	if body != "" {
		m.Body = json.RawMessage(body)
	}
	return trace.Event{V: 1, Kind: kind, Node: node, Clock: clock, Msg: m, Fault: fault}
}

// cooperatingServers is a short run of two cooperating servers: a put and
// its reply, a get that server-1 forwards to server-2, a del the network
// drops, a del it duplicates, and a reply held in step mode. The events are
// in the order they might reach a collector, not in clock order.
func cooperatingServers() []trace.Event {
	const (
		send = trace.KindSend
		recv = trace.KindRecv
		hold = trace.KindHold
	)
	return []trace.Event{
		hello("server-1", "127.0.0.1:7101"),
		hello("server-2", "127.0.0.1:7102"),
		hello("client", ""),
		message(send, "client", "client", "127.0.0.1:7101", "put", 1, 0, 1, 1, `{"key":"a","value":"1"}`, ""),
		message(recv, "server-1", "client", "127.0.0.1:7101", "put", 1, 0, 1, 2, `{"key":"a","value":"1"}`, ""),
		message(send, "server-1", "server-1", "client", "put_ok", 1, 1, 3, 3, `{"key":"a","value":"1","found":true}`, ""),
		message(recv, "client", "server-1", "client", "put_ok", 1, 1, 3, 4, `{"key":"a","value":"1","found":true}`, ""),
		message(send, "client", "client", "server-1", "get", 2, 0, 5, 5, `{"key":"b"}`, ""),
		message(recv, "server-1", "client", "server-1", "get", 2, 0, 5, 6, `{"key":"b"}`, ""),
		message(send, "server-1", "server-1", "127.0.0.1:7102", "get", 2, 0, 7, 7, `{"key":"b"}`, ""),
		// server-2's reply reaches the collector before server-2's recv.
		message(send, "server-2", "server-2", "server-1", "get_ok", 1, 2, 9, 9, `{"key":"b","value":"2","found":true}`, ""),
		message(recv, "server-2", "server-1", "127.0.0.1:7102", "get", 2, 0, 7, 8, `{"key":"b"}`, ""),
		message(recv, "server-1", "server-2", "server-1", "get_ok", 1, 2, 9, 10, `{"key":"b","value":"2","found":true}`, ""),
		message(send, "server-1", "server-1", "client", "get_ok", 3, 2, 11, 11, `{"key":"b","value":"2","found":true}`, ""),
		message(recv, "client", "server-1", "client", "get_ok", 3, 2, 11, 12, `{"key":"b","value":"2","found":true}`, ""),
		message(send, "client", "client", "server-1", "del", 3, 0, 13, 13, `{"key":"a"}`, "drop"),
		message(send, "client", "client", "server-1", "del", 4, 0, 14, 14, `{"key":"b"}`, ""),
		message(send, "client", "client", "server-1", "del", 4, 0, 14, 14, `{"key":"b"}`, "duplicate"),
		message(recv, "server-1", "client", "server-1", "del", 4, 0, 14, 15, `{"key":"b"}`, ""),
		message(recv, "server-1", "client", "server-1", "del", 4, 0, 14, 16, `{"key":"b"}`, ""),
		message(hold, "server-1", "server-1", "client", "del_ok", 4, 4, 17, 17, `{"key":"b","found":true}`, ""),
	}
}

func TestMermaid(t *testing.T) {
	t.Run("cooperating servers", func(t *testing.T) {
		var out strings.Builder
		require.NoError(t, export.Mermaid(&out, cooperatingServers(), export.Options{}))
		want := `sequenceDiagram
    participant p1 as server-1
    participant p2 as server-2
    participant client
    client->>p1: put a=1 ✓
    p1-->>client: put a=1 → found ✓
    client->>p1: get b ✓
    p1->>p2: get b ✓
    p2-->>p1: get b → 2 found ✓
    p1-->>client: get b → 2 found ✓
    client-xp1: del a ✗ dropped
    client->>p1: del b ✓
    client->>p1: del b ✓ (copy)
    p1--)client: del b → found ⏸ held
`
		assert.Equal(t, want, out.String())
	})

	t.Run("names Mermaid cannot read get an alias", func(t *testing.T) {
		events := []trace.Event{
			message(trace.KindSend, "end", "end", "127.0.0.1:7100", "ping", 1, 0, 1, 1, "", ""),
			message(trace.KindSend, "p1", "p1", "a<&>b", "ping", 1, 0, 1, 1, `"x#1;y"`, "partition"),
		}
		var out strings.Builder
		require.NoError(t, export.Mermaid(&out, events, export.Options{}))
		want := `sequenceDiagram
    participant p2 as end
    participant p1
    participant p3 as 127.0.0.1:7100
    participant p4 as a#lt;#amp;#gt;b
    p2-)p3: ping not received
    p1-xp4: ping x#35;1#59;y ✗ partition
`
		assert.Equal(t, want, out.String())
	})

	t.Run("an empty run", func(t *testing.T) {
		var out strings.Builder
		require.NoError(t, export.Mermaid(&out, nil, export.Options{}))
		assert.Equal(t, "sequenceDiagram\n", out.String())
	})

	t.Run("a failing writer", func(t *testing.T) {
		err := export.Mermaid(failingWriter{}, cooperatingServers(), export.Options{})
		assert.ErrorIs(t, err, errDiskFull)
	})
}

func ExampleMermaid() {
	put := &trace.Message{From: "client", To: "server", Type: "put", ID: 1, Clock: 1, Body: json.RawMessage(`{"key":"a","value":"1"}`)}
	ok := &trace.Message{From: "server", To: "client", Type: "put_ok", ID: 1, ReplyTo: 1, Clock: 3}
	events := []trace.Event{
		{V: 1, Kind: trace.KindSend, Node: "client", Clock: 1, Msg: put},
		{V: 1, Kind: trace.KindRecv, Node: "server", Clock: 2, Msg: put},
		{V: 1, Kind: trace.KindSend, Node: "server", Clock: 3, Msg: ok, Fault: "drop"},
	}
	if err := export.Mermaid(os.Stdout, events, export.Options{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// sequenceDiagram
	//     participant client
	//     participant server
	//     client->>server: put a=1 ✓
	//     server--xclient: put a=1 → ok ✗ dropped
}

// svgElement is an element of the SVG, as far as the tests look at it.
type svgElement struct {
	name  string
	class []string
	text  string
}

// parseSVG reads the whole document with an XML decoder, failing the test
// at the first error, and returns its elements in document order.
func parseSVG(t *testing.T, doc []byte) []svgElement {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var elements []svgElement
	var open []int // indexes of the open elements
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			el := svgElement{name: tok.Name.Local}
			for _, attr := range tok.Attr {
				if attr.Name.Local == "class" {
					el.class = strings.Fields(attr.Value)
				}
			}
			open = append(open, len(elements))
			elements = append(elements, el)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				elements[open[len(open)-1]].text += string(tok)
			}
		}
	}
	require.Empty(t, open, "every element is closed")
	return elements
}

// withClass returns the elements whose class list starts with class.
func withClass(elements []svgElement, class string) []svgElement {
	var out []svgElement
	for _, el := range elements {
		if len(el.class) > 0 && el.class[0] == class {
			out = append(out, el)
		}
	}
	return out
}

func TestSVG(t *testing.T) {
	t.Run("cooperating servers", func(t *testing.T) {
		var out bytes.Buffer
		require.NoError(t, export.SVG(&out, cooperatingServers(), export.Options{}))
		elements := parseSVG(t, out.Bytes())
		require.NotEmpty(t, elements)
		assert.Equal(t, "svg", elements[0].name)

		assert.Len(t, withClass(elements, "lifeline"), 3, "one lifeline per node")
		messages := withClass(elements, "message")
		require.Len(t, messages, 10, "one arrow per message")
		var classes []string
		for _, m := range messages {
			classes = append(classes, strings.Join(m.class, " "))
		}
		want := []string{
			"message", "message", "message", "message", "message", "message",
			"message lost", "message", "message duplicate", "message held",
		}
		assert.Equal(t, want, classes)
		assert.Len(t, withClass(elements, "event"), 17, "a dot for each send and recv: 9 sends (the copies of a duplicate share one), 8 recvs")
	})

	t.Run("names are escaped", func(t *testing.T) {
		events := []trace.Event{
			hello("a<&>b", ""),
			message(trace.KindSend, "a<&>b", "a<&>b", "x\"y", "<script>", 1, 0, 1, 1, "", ""),
		}
		var out bytes.Buffer
		require.NoError(t, export.SVG(&out, events, export.Options{}))
		assert.Contains(t, out.String(), "a&lt;&amp;&gt;b")
		assert.NotContains(t, out.String(), "<script>")
		elements := parseSVG(t, out.Bytes())
		var texts []string
		for _, el := range elements {
			if el.name == "text" {
				texts = append(texts, el.text)
			}
		}
		assert.Contains(t, texts, "a<&>b")
		assert.Contains(t, texts, `x"y`)
		assert.Contains(t, texts, "<script> not received")
	})

	t.Run("a message a node sends itself", func(t *testing.T) {
		events := []trace.Event{
			message(trace.KindSend, "peer", "peer", "peer", "stabilize", 1, 0, 1, 1, "", ""),
			message(trace.KindRecv, "peer", "peer", "peer", "stabilize", 1, 0, 1, 2, "", ""),
		}
		var out bytes.Buffer
		require.NoError(t, export.SVG(&out, events, export.Options{}))
		elements := parseSVG(t, out.Bytes())
		assert.Len(t, withClass(elements, "lifeline"), 1)
		assert.Len(t, withClass(elements, "message"), 1)
		assert.Len(t, withClass(elements, "event"), 2)
	})

	t.Run("an empty run", func(t *testing.T) {
		var out bytes.Buffer
		require.NoError(t, export.SVG(&out, nil, export.Options{}))
		assert.Equal(t, "svg", parseSVG(t, out.Bytes())[0].name)
	})

	t.Run("a failing writer", func(t *testing.T) {
		assert.ErrorIs(t, export.SVG(failingWriter{}, cooperatingServers(), export.Options{}), errDiskFull)
	})
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }
