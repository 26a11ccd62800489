package record

import (
	"encoding/json"
	"testing"
	"time"

	"dsdemo/models/trace"
)

// BenchmarkWrite compares the Writer as it is, flushing on a ticker, with
// flushing after every event, the choice the Writer's doc comment explains.
func BenchmarkWrite(b *testing.B) {
	ev := trace.Event{V: 1, Kind: trace.KindSend, Node: "client", Seq: 2, Time: 1795385315960342, Clock: 1,
		Msg: &trace.Message{From: "client", To: "server", Type: "put", ID: 1, Clock: 1, Size: 115,
			Body: json.RawMessage(`{"key":"a","value":"1"}`)}}
	for _, flushEach := range []bool{false, true} {
		name := map[bool]string{false: "buffered", true: "flush-each"}[flushEach]
		b.Run(name, func(b *testing.B) {
			w, err := Create(b.TempDir(), "bench", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			b.ReportAllocs()
			for b.Loop() {
				if err := w.Write(ev); err != nil {
					b.Fatal(err)
				}
				if flushEach {
					w.mu.Lock()
					err = w.buf.Flush()
					w.mu.Unlock()
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
