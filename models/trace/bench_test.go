package trace_test

import (
	"context"
	"sync/atomic"
	"testing"

	"dsdemo/models/trace"
)

// BenchmarkEmit measures what one event costs the program that emits it,
// with a collector on loopback that decodes every event. lost/op is the share
// of events the emitter had to drop because the collector fell behind, and
// kept/s the rate of events that went through: the most a collector of this
// kind can follow.
func BenchmarkEmit(b *testing.B) {
	var got atomic.Int64
	c, err := trace.Listen("127.0.0.1:0", func(trace.Event) { got.Add(1) })
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	e, err := trace.Dial(context.Background(), c.Addr(), "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close("done")
	e.Hello("client", "bench", 1, "")
	ev := trace.Event{Kind: trace.KindSend, Clock: 12, Msg: &trace.Message{From: "client-1", To: "server", Type: "put", ID: 7, Clock: 12, Size: 120,
		Body: []byte(`{"key":"user:42","value":"Ada Lovelace"}`)}}
	for b.Loop() {
		e.Emit(ev)
	}
	b.ReportMetric(float64(e.Dropped())/float64(b.N), "lost/op")
	b.ReportMetric(float64(uint64(b.N)-e.Dropped())/b.Elapsed().Seconds(), "kept/s")
}

// BenchmarkEmitNil is the cost of an event when no collector is attached.
func BenchmarkEmitNil(b *testing.B) {
	var e *trace.Emitter
	for b.Loop() {
		e.Emit(trace.Event{Kind: trace.KindLog})
	}
}
