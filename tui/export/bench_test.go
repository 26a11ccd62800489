package export_test

import (
	"fmt"
	"io"
	"testing"

	"dsdemo/models/trace"
	"dsdemo/tui/export"
)

// busyRun returns n events of four clients putting keys into one server:
// every request and every reply is a send and a recv.
func busyRun(n int) []trace.Event {
	events := []trace.Event{hello("server", "127.0.0.1:7100")}
	clocks := map[string]uint64{}
	tick := func(node string, seen uint64) uint64 {
		clocks[node] = max(clocks[node], seen) + 1
		return clocks[node]
	}
	for i := uint64(1); len(events) < n; i++ {
		client := fmt.Sprint("client-", i%4)
		body := fmt.Sprintf(`{"key":"k%d","value":"%d"}`, i, i)
		put := tick(client, 0)
		events = append(events, message(trace.KindSend, client, client, "127.0.0.1:7100", "put", i, 0, put, put, body, ""))
		events = append(events, message(trace.KindRecv, "server", client, "127.0.0.1:7100", "put", i, 0, put, tick("server", put), body, ""))
		ok := tick("server", 0)
		events = append(events, message(trace.KindSend, "server", "server", client, "put_ok", i, i, ok, ok, body, ""))
		events = append(events, message(trace.KindRecv, client, "server", client, "put_ok", i, i, ok, tick(client, ok), body, ""))
	}
	return events[:n]
}

func BenchmarkMermaid(b *testing.B) {
	events := busyRun(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := export.Mermaid(io.Discard, events, export.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSVG(b *testing.B) {
	events := busyRun(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := export.SVG(io.Discard, events, export.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
