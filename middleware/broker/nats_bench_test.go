package broker_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"dsdemo/middleware/broker"
	"dsdemo/models/program/programtest"
)

// BenchmarkVsNATS measures the broker side by side with NATS, a real
// broker (nats-server, built from the module pinned in go.mod as a tool,
// on loopback, with a store directory of its own), in one run:
//
//   - publish: fire-and-forget messages to one subscriber, a dsdemo topic
//     (publish: non-persistent, no receipt; auto ack; a deliver per
//     message, or deliver_batch for dsdemo-batch) against a NATS core
//     subject.
//   - persistent: persistent messages through a queue, taken by one
//     consumer that acknowledges each explicitly: dsdemo (fsync before
//     send_ok, group commit) against JetStream with the same durability
//     (a file stream with sync_interval: always, a pull consumer with
//     explicit acks).
//
// Each reports msgs/s and the 99th percentile of the time from a
// message's send to its consumer's receipt (p99-ms). The persistent
// producers keep up to pipeline messages in flight. Run it with
//
//	go test -run '^$' -bench VsNATS -benchtime 20000x ./middleware/broker/
func BenchmarkVsNATS(b *testing.B) {
	url := startNATS(b)
	brokerArgs := []string{"--listen", "127.0.0.1:0", "--max-depth", "100000", "--max-bytes", "67108864", "--max-memory", "67108864"}
	b.Run("publish/dsdemo", func(b *testing.B) {
		brk := programtest.StartServer(b, bin(b, "broker"), append(brokerArgs, "--data", b.TempDir())...)
		dsdemoFlow(b, brk.Addr, "topic:bench", false, 0)
	})
	b.Run("publish/dsdemo-batch", func(b *testing.B) {
		brk := programtest.StartServer(b, bin(b, "broker"), append(brokerArgs, "--data", b.TempDir())...)
		dsdemoFlow(b, brk.Addr, "topic:bench", false, broker.MaxWindow)
	})
	b.Run("publish/nats-core", func(b *testing.B) { natsCore(b, url) })
	b.Run("persistent/dsdemo", func(b *testing.B) {
		brk := programtest.StartServer(b, bin(b, "broker"), append(brokerArgs, "--data", b.TempDir())...)
		dsdemoFlow(b, brk.Addr, "queue:bench", true, 0)
	})
	b.Run("persistent/jetstream", func(b *testing.B) { jetStream(b, url) })
}

// stamp is a message's text: the time it was sent, in nanoseconds.
func stamp() []byte { return strconv.AppendInt(nil, time.Now().UnixNano(), 10) }

// latencies collects the send-to-receipt times of one benchmark.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(b *testing.B, text []byte) {
	sent, err := strconv.ParseInt(string(text), 10, 64)
	if err != nil {
		b.Errorf("a message without its stamp: %q", text)
		return
	}
	l.mu.Lock()
	l.d = append(l.d, time.Since(time.Unix(0, sent)))
	l.mu.Unlock()
}

// report adds msgs/s and p99-ms to the benchmark's figures.
func (l *latencies) report(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) > 0 {
		slices.Sort(l.d)
		b.ReportMetric(float64(l.d[len(l.d)*99/100])/float64(time.Millisecond), "p99-ms")
	}
}

// dsdemoFlow sends b.N stamped messages to dest to one push consumer:
// published (no receipt) with auto acks for a topic, sent persistent with
// explicit acks (each waiting for its ack_ok, up to the window at a time)
// for a queue. batch above 1 lets the broker push that many messages in
// one deliver_batch.
func dsdemoFlow(b *testing.B, addr, dest string, persistent bool, batch int) {
	p, c := benchDial(b, addr), benchDial(b, addr)
	req := broker.SubscribeRequest{Dest: dest, Window: broker.MaxWindow, Batch: batch}
	if !persistent {
		req.Ack = broker.AckAuto
	}
	res, err := c.Subscribe(context.Background(), req)
	if err != nil {
		b.Fatal(err)
	}
	var lat latencies
	b.ResetTimer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		var acks sync.WaitGroup
		defer acks.Wait()
		for range b.N {
			d, err := c.Next(context.Background())
			if err != nil {
				b.Error(err)
				return
			}
			lat.add(b, []byte(d.Text))
			if persistent {
				acks.Go(func() {
					if _, err := c.Ack(context.Background(), res.Sub, d.Msg); err != nil {
						b.Error(err)
					}
				})
			}
		}
	}()
	if !persistent {
		// Fire and forget, as NATS core publishes: no receipt to wait for.
		for range b.N {
			if _, err := p.Publish(context.Background(), dest, string(stamp())); err != nil {
				b.Fatal(err)
			}
		}
		<-done
		select {
		case pe := <-p.Refused():
			b.Fatal(pe)
		default:
		}
		lat.report(b)
		return
	}
	slots := make(chan struct{}, pipeline)
	var sends sync.WaitGroup
	for range b.N {
		slots <- struct{}{}
		sends.Go(func() {
			defer func() { <-slots }()
			if _, err := p.Send(context.Background(), dest, string(stamp()), persistent); err != nil {
				b.Error(err)
			}
		})
	}
	sends.Wait()
	<-done
	lat.report(b)
}

// natsCore publishes b.N stamped messages to a core NATS subject with one
// subscriber: no acknowledgement, no store.
func natsCore(b *testing.B, url string) {
	pub, sub := natsConnect(b, url), natsConnect(b, url)
	var lat latencies
	got := make(chan struct{}, 1)
	n := 0
	s, err := sub.Subscribe("bench.core", func(m *nats.Msg) {
		lat.add(b, m.Data)
		if n++; n == b.N {
			got <- struct{}{}
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SetPendingLimits(-1, -1); err != nil { // never drop as a slow consumer
		b.Fatal(err)
	}
	if err := sub.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if err := pub.Publish("bench.core", stamp()); err != nil {
			b.Fatal(err)
		}
	}
	if err := pub.Flush(); err != nil {
		b.Fatal(err)
	}
	waitFor(b, got)
	lat.report(b)
}

// jetStream publishes b.N stamped messages into a file stream, each
// confirmed by a PubAck once stored, and takes them with a durable pull
// consumer that acknowledges each explicitly.
func jetStream(b *testing.B, url string) {
	ctx := context.Background()
	pubConn, subConn := natsConnect(b, url), natsConnect(b, url)
	js, err := jetstream.New(pubConn, jetstream.WithPublishAsyncMaxPending(2*pipeline))
	if err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("BENCH%d", b.N)
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{"bench." + name},
		Storage: jetstream.FileStorage, Retention: jetstream.WorkQueuePolicy})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { js.DeleteStream(ctx, name) })
	jsSub, err := jetstream.New(subConn)
	if err != nil {
		b.Fatal(err)
	}
	cons, err := jsSub.CreateOrUpdateConsumer(ctx, stream.CachedInfo().Config.Name,
		jetstream.ConsumerConfig{Durable: "worker", AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: broker.MaxWindow})
	if err != nil {
		b.Fatal(err)
	}
	var lat latencies
	got := make(chan struct{}, 1)
	n := 0
	cc, err := cons.Consume(func(m jetstream.Msg) {
		lat.add(b, m.Data())
		if err := m.Ack(); err != nil {
			b.Error(err)
		}
		if n++; n == b.N {
			got <- struct{}{}
		}
	}, jetstream.PullMaxMessages(broker.MaxWindow))
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Stop()
	b.ResetTimer()
	slots := make(chan struct{}, pipeline) // as many in flight as dsdemoFlow
	for range b.N {
		slots <- struct{}{}
		f, err := js.PublishAsync("bench."+name, stamp())
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			defer func() { <-slots }()
			select {
			case <-f.Ok():
			case err := <-f.Err():
				b.Error(err)
			}
		}()
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("JetStream did not confirm the sends within a minute")
	}
	waitFor(b, got)
	lat.report(b)
}

func waitFor(b *testing.B, got <-chan struct{}) {
	select {
	case <-got:
	case <-time.After(time.Minute):
		b.Fatal("the subscriber did not get every message within a minute")
	}
}

func natsConnect(b *testing.B, url string) *nats.Conn {
	nc, err := nats.Connect(url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	return nc
}

// startNATS builds nats-server from the module go.mod pins, starts it on a
// free loopback port with JetStream storing into a temporary directory
// and fsyncing every write, and returns its URL once it answers.
func startNATS(b *testing.B) string {
	dir := b.TempDir()
	exe := filepath.Join(dir, "nats-server")
	if out, err := exec.Command("go", "build", "-o", exe, "github.com/nats-io/nats-server/v2").CombinedOutput(); err != nil {
		b.Fatalf("cannot build nats-server: %v\n%s", err, out)
	}
	port := freePort(b)
	conf := filepath.Join(dir, "nats.conf")
	text := fmt.Sprintf("listen: 127.0.0.1:%d\njetstream {\n  store_dir: %q\n  sync_interval: always\n}\n", port, filepath.Join(dir, "store"))
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-c", conf)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	deadline := time.Now().Add(programtest.Patience)
	for {
		nc, err := nats.Connect(url)
		if err == nil {
			nc.Close()
			return url
		}
		if time.Now().After(deadline) {
			b.Fatalf("nats-server did not answer at %s: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort is a loopback port nobody listens on at the moment.
func freePort(b *testing.B) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
