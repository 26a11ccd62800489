package broker_test

import (
	"context"
	"sync"
	"testing"

	"dsdemo/middleware/broker"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// pipeline is how many sends one benchmark producer keeps in flight on
// its connection, so the figures measure the broker, not round trips.
const pipeline = 256

// sendAll sends n messages over c with up to pipeline of them in flight.
func sendAll(b *testing.B, c *broker.Client, dest string, n int, persistent bool) {
	slots := make(chan struct{}, pipeline)
	var wg sync.WaitGroup
	for range n {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			if _, err := c.Send(context.Background(), dest, "0123456789abcdef", persistent); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
}

func benchDial(b *testing.B, addr string) *broker.Client {
	c, err := broker.Dial(context.Background(), wire.NewNode("bench"), addr, programtest.Patience)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c
}

// BenchmarkPublishDeliver: non-persistent 16-byte messages through a
// topic to one push subscriber with auto ack (at most once), from the
// producer's send to the subscriber's receipt. Compare with NATS core.
func BenchmarkPublishDeliver(b *testing.B) {
	brk := programtest.StartServer(b, bin(b, "broker"), "--listen", "127.0.0.1:0", "--data", b.TempDir(), "--max-depth", "100000", "--max-bytes", "67108864", "--max-memory", "67108864")
	p, c := benchDial(b, brk.Addr), benchDial(b, brk.Addr)
	if _, err := c.Subscribe(context.Background(), broker.SubscribeRequest{Dest: "topic:bench", Ack: broker.AckAuto, Window: broker.MaxWindow}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range b.N {
			if _, err := c.Next(context.Background()); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	sendAll(b, p, "topic:bench", b.N, false)
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkPersistentAck: persistent 16-byte messages into a queue (each
// on disk, fsynced with group commit, before send_ok), taken by one push
// consumer that acknowledges each message explicitly. Compare with
// JetStream (sync_interval: always, explicit acks).
func BenchmarkPersistentAck(b *testing.B) {
	brk := programtest.StartServer(b, bin(b, "broker"), "--listen", "127.0.0.1:0", "--data", b.TempDir(), "--max-depth", "100000", "--max-bytes", "67108864", "--max-memory", "67108864")
	p, c := benchDial(b, brk.Addr), benchDial(b, brk.Addr)
	res, err := c.Subscribe(context.Background(), broker.SubscribeRequest{Dest: "queue:bench", Window: broker.MaxWindow})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The window (MaxWindow) bounds the acks in flight.
		var acks sync.WaitGroup
		for range b.N {
			d, err := c.Next(context.Background())
			if err != nil {
				b.Error(err)
				return
			}
			acks.Go(func() {
				if _, err := c.Ack(context.Background(), res.Sub, d.Msg); err != nil {
					b.Error(err)
				}
			})
		}
		acks.Wait()
	}()
	sendAll(b, p, "queue:bench", b.N, true)
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
