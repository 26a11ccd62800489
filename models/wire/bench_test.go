package wire_test

import (
	"context"
	"net"
	"testing"
	"time"

	"dsdemo/models/faults"
	"dsdemo/models/wire"
)

// sample is a typical request of the key-value demo.
var sample = wire.Envelope{From: "client-1", To: "server", Type: "put", ID: 7, Clock: 12,
	Body: []byte(`{"key":"user:42","value":"Ada Lovelace"}`)}

// BenchmarkEncode measures AppendLine; msgs/s is what one core can encode.
func BenchmarkEncode(b *testing.B) {
	buf := make([]byte, 0, 256)
	var n int
	for b.Loop() {
		line, err := sample.AppendLine(buf[:0])
		if err != nil {
			b.Fatal(err)
		}
		n = len(line)
	}
	b.SetBytes(int64(n))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkDecode measures Decode; msgs/s is what one core can decode.
func BenchmarkDecode(b *testing.B) {
	line, err := sample.AppendLine(nil)
	if err != nil {
		b.Fatal(err)
	}
	line = line[:len(line)-1]
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := wire.Decode(line); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkCall measures a request and its reply between two nodes in one
// process over loopback TCP, 50 calls in flight on 50 connections: the cost
// of the wire itself, with the same machine doing both ends.
func BenchmarkCall(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() {
		served <- wire.Serve(ctx, wire.NewNode("server"), ln, func(ctx context.Context, req wire.Envelope) (any, error) {
			return req.Body, nil
		})
	}()
	defer func() { cancel(); <-served }()

	client := wire.NewNode("client")
	b.SetParallelism(25) // 25 × GOMAXPROCS(2) = 50 goroutines, each with its own connection
	b.RunParallel(func(pb *testing.PB) {
		c, err := wire.Dial(ctx, client, ln.Addr().String())
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		body := map[string]string{"key": "a"}
		for pb.Next() {
			if _, err := c.Call(ctx, "", "get", body); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkWithTimeout is the cost of a protocol-time timeout set and
// cancelled around a call, beside context.WithTimeout's (plain): the price
// of a timer that stands still in step mode.
func BenchmarkWithTimeout(b *testing.B) {
	n := wire.NewNode("client")
	n.Faults = faults.New(1)
	b.Run("protocol time", func(b *testing.B) {
		for b.Loop() {
			_, cancel := n.WithTimeout(context.Background(), time.Second)
			cancel()
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			_, cancel := context.WithTimeout(context.Background(), time.Second)
			cancel()
		}
	})
}
