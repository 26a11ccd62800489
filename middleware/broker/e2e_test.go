package broker_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/broker"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// programs are the model's programs, built once for all its tests.
var programs = programtest.Programs{Pkgs: []string{"dsdemo/middleware/broker/broker", "dsdemo/middleware/broker/producer", "dsdemo/middleware/broker/consumer"}}

// bin returns the path of one of the model's programs.
func bin(t testing.TB, name string) string { return programs.Path(t, name) }

func TestMain(m *testing.M) {
	code := m.Run()
	programs.Remove()
	os.Exit(code)
}

// startBroker starts a broker on a free port with a data directory of its
// own, unless args name one.
func startBroker(t *testing.T, data string, args ...string) *programtest.Proc {
	t.Helper()
	if data == "" {
		data = t.TempDir()
	}
	return programtest.StartServer(t, bin(t, "broker"), append([]string{"--listen", "127.0.0.1:0", "--data", data}, args...)...)
}

// dial connects a client of the test to the broker at addr.
func dial(t *testing.T, addr string) *broker.Client {
	t.Helper()
	c, err := broker.Dial(programtest.Context(t), wire.NewNode(fmt.Sprintf("test-%d", time.Now().UnixNano()%1e6)), addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func send(t *testing.T, c *broker.Client, dest string, persistent bool, texts ...string) []uint64 {
	t.Helper()
	var ids []uint64
	for _, text := range texts {
		res, err := c.Send(programtest.Context(t), dest, text, persistent)
		require.NoError(t, err)
		ids = append(ids, res.Msg)
	}
	return ids
}

func texts(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i+1)
	}
	return out
}

func subscribe(t *testing.T, c *broker.Client, r broker.SubscribeRequest) uint64 {
	t.Helper()
	res, err := c.Subscribe(programtest.Context(t), r)
	require.NoError(t, err)
	return res.Sub
}

// next waits for the next pushed message.
func next(t *testing.T, c *broker.Client) broker.Delivery {
	t.Helper()
	d, err := c.Next(programtest.Context(t))
	require.NoError(t, err)
	return d
}

// status returns the state of one destination.
func status(t *testing.T, c *broker.Client, name string) broker.DestinationStatus {
	t.Helper()
	st, err := c.Status(programtest.Context(t))
	require.NoError(t, err)
	for _, d := range st.Destinations {
		if d.Name == name {
			return d
		}
	}
	return broker.DestinationStatus{Name: name}
}

// waitStatus polls the broker until cond holds for destination name.
func waitStatus(t *testing.T, c *broker.Client, name string, cond func(broker.DestinationStatus) bool) broker.DestinationStatus {
	t.Helper()
	deadline := time.Now().Add(programtest.Patience)
	for {
		d := status(t, c, name)
		if cond(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never reached the state wanted; last %+v", name, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestQueueOneConsumerPerMessage(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	consumers := []*broker.Client{dial(t, b.Addr), dial(t, b.Addr), dial(t, b.Addr)}
	for _, c := range consumers {
		subscribe(t, c, broker.SubscribeRequest{Dest: "queue:orders", Window: 100})
	}
	ids := send(t, p, "queue:orders", false, texts("order", 30)...)

	var mu sync.Mutex
	got := map[uint64]int{}
	perConsumer := make([]int, len(consumers))
	var wg sync.WaitGroup
	for i, c := range consumers {
		wg.Go(func() {
			for {
				mu.Lock()
				if len(got) == len(ids) {
					mu.Unlock()
					return
				}
				mu.Unlock()
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				d, err := c.Next(ctx)
				cancel()
				if err != nil {
					return
				}
				_, err = c.Ack(programtest.Context(t), d.Sub, d.Msg)
				assert.NoError(t, err)
				mu.Lock()
				got[d.Msg]++
				perConsumer[i]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Len(t, got, len(ids))
	for _, id := range ids {
		assert.Equal(t, 1, got[id], "message #%d went to one consumer", id)
	}
	for i, n := range perConsumer {
		assert.Positive(t, n, "competing consumer %d got a share", i)
	}
	assert.Equal(t, 0, status(t, p, "queue:orders").Ready)
}

func TestTopicCopies(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	subs := []*broker.Client{dial(t, b.Addr), dial(t, b.Addr)}
	for _, c := range subs {
		subscribe(t, c, broker.SubscribeRequest{Dest: "topic:news", Ack: broker.AckAuto, Window: 10})
	}
	res, err := p.Send(programtest.Context(t), "topic:news", "hello", false)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Copies)
	for _, c := range subs {
		d := next(t, c)
		assert.Equal(t, "hello", d.Text)
		assert.Equal(t, res.Msg, d.Msg)
		assert.Equal(t, "topic:news", d.Dest)
	}
}

func TestPushWindow(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	c := dial(t, b.Addr)
	sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:w", Window: 2})
	send(t, p, "queue:w", false, texts("m", 5)...)
	first, second := next(t, c), next(t, c)
	st := waitStatus(t, p, "queue:w", func(d broker.DestinationStatus) bool { return d.Unacked == 2 })
	assert.Equal(t, 3, st.Ready, "the rest waits while the window is full")

	_, err := c.Ack(programtest.Context(t), sub, first.Msg)
	require.NoError(t, err)
	third := next(t, c)
	assert.Equal(t, []string{"m-1", "m-2", "m-3"}, []string{first.Text, second.Text, third.Text})
	st = status(t, p, "queue:w")
	assert.Equal(t, 2, st.Unacked)
	assert.Equal(t, 2, st.Ready)
}

func TestPullWithWait(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	c := dial(t, b.Addr)
	sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:p", Mode: broker.Pull, Window: 5})
	ctx := programtest.Context(t)

	t.Run("nothing there: empty after the wait", func(t *testing.T) {
		start := time.Now()
		got, err := c.Pull(ctx, sub, 0, 200*time.Millisecond)
		require.NoError(t, err)
		assert.Empty(t, got)
		assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
	})
	t.Run("what is there, at most max", func(t *testing.T) {
		send(t, p, "queue:p", false, texts("m", 3)...)
		got, err := c.Pull(ctx, sub, 2, time.Second)
		require.NoError(t, err)
		require.Len(t, got, 2)
		_, err = c.Ack(ctx, sub, got[0].Msg, got[1].Msg)
		require.NoError(t, err)
		got, err = c.Pull(ctx, sub, 2, time.Second)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "m-3", got[0].Text)
		_, err = c.Ack(ctx, sub, got[0].Msg)
		require.NoError(t, err)
	})
	t.Run("a message sent during the wait ends it", func(t *testing.T) {
		result := make(chan []broker.Delivery, 1)
		go func() {
			got, err := c.Pull(ctx, sub, 1, 20*time.Second)
			assert.NoError(t, err)
			result <- got
		}()
		waitStatus(t, p, "queue:p", func(d broker.DestinationStatus) bool { return d.Consumers == 1 })
		time.Sleep(50 * time.Millisecond) // let the pull arrive; either order must work
		send(t, p, "queue:p", false, "late")
		select {
		case got := <-result:
			require.Len(t, got, 1)
			assert.Equal(t, "late", got[0].Text)
		case <-time.After(10 * time.Second):
			t.Fatal("the pull did not end when a message came")
		}
	})
}

func TestAckModes(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	ctx := programtest.Context(t)

	t.Run("auto: forgotten on delivery, not redelivered", func(t *testing.T) {
		c := dial(t, b.Addr)
		subscribe(t, c, broker.SubscribeRequest{Dest: "queue:auto", Ack: broker.AckAuto})
		send(t, p, "queue:auto", false, "a")
		assert.Equal(t, "a", next(t, c).Text)
		c.Close()
		st := waitStatus(t, p, "queue:auto", func(d broker.DestinationStatus) bool { return d.Consumers == 0 })
		assert.Equal(t, 0, st.Ready+st.Unacked, "a message acknowledged on delivery is gone with its consumer")
	})
	t.Run("explicit: each message by itself", func(t *testing.T) {
		c := dial(t, b.Addr)
		sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:explicit"})
		send(t, p, "queue:explicit", false, "a", "b")
		a, bb := next(t, c), next(t, c)
		res, err := c.Ack(ctx, sub, bb.Msg)
		require.NoError(t, err)
		assert.Equal(t, []uint64{bb.Msg}, res.Acked)
		assert.Equal(t, 1, status(t, p, "queue:explicit").Unacked, "a is still unacknowledged")
		_, err = c.Ack(ctx, sub, a.Msg)
		require.NoError(t, err)
	})
	t.Run("client: an ack takes every earlier message along (the pitfall)", func(t *testing.T) {
		c := dial(t, b.Addr)
		sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:client", Ack: broker.AckClient})
		ids := send(t, p, "queue:client", false, "ok-1", "poison", "ok-3")
		for range ids {
			next(t, c)
		}
		// The consumer failed on "poison" and acknowledges only ok-3 ...
		res, err := c.Ack(ctx, sub, ids[2])
		require.NoError(t, err)
		// ... and the broker takes all three: poison is lost.
		assert.Equal(t, ids, res.Acked)
		c.Close()
		st := waitStatus(t, p, "queue:client", func(d broker.DestinationStatus) bool { return d.Consumers == 0 })
		assert.Equal(t, 0, st.Ready, "the failed message does not come back")
	})
}

func TestRedeliveryWhenTheConsumerDies(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	id := send(t, p, "queue:orders", false, "order-1", "order-2")[0]

	// A consumer program that crashes on its first message, holding it.
	out, _, code := programtest.Run(t, bin(t, "consumer"), "--broker", b.Addr, "--fail-every", "1", "--window", "1")
	assert.Equal(t, 1, code, "a crash is exit code 1")
	assert.Contains(t, out, fmt.Sprintf("#%d delivery 1: order-1 -> crash", id))

	out, _, code = programtest.Run(t, bin(t, "consumer"), "--broker", b.Addr, "--count", "2", "--window", "1")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, fmt.Sprintf("#%d REDELIVERED, delivery 2: order-1 -> acked", id))
	assert.Contains(t, out, "delivery 1: order-2 -> acked")
	assert.Equal(t, int64(1), status(t, p, "queue:orders").Redelivered)
}

func TestRedeliveryAfterTheAckDeadline(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	slow, other := dial(t, b.Addr), dial(t, b.Addr)
	subscribe(t, slow, broker.SubscribeRequest{Dest: "queue:d", AckTimeoutMS: 300, Window: 1})
	id := send(t, p, "queue:d", false, "x")[0]
	d := next(t, slow)
	require.Equal(t, id, d.Msg)
	subscribe(t, other, broker.SubscribeRequest{Dest: "queue:d", Window: 1})
	// slow never acknowledges: after 300 ms the message goes round again.
	again := next(t, other)
	assert.Equal(t, id, again.Msg)
	assert.True(t, again.Redelivered)
	assert.GreaterOrEqual(t, again.Count, 2, "slow may have had it twice: its window was free again")
	_, err := slow.Ack(programtest.Context(t), d.Sub, d.Msg)
	assert.ErrorContains(t, err, "not held", "a late ack is refused: the message is another consumer's now")
}

func TestDeadLetterQueue(t *testing.T) {
	b := startBroker(t, "", "--max-deliveries", "3")
	p := dial(t, b.Addr)
	send(t, p, "queue:jobs", true, "job-1", "poison pill", "job-3")
	out, _, code := programtest.Run(t, bin(t, "consumer"), "--broker", b.Addr, "--from", "queue:jobs", "--count", "5", "--window", "1")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "delivery 1: poison pill -> failed: given back for another delivery")
	assert.Contains(t, out, "REDELIVERED, delivery 3: poison pill -> failed: given back, and the broker moved it to queue:jobs.dlq")
	st := status(t, p, "queue:jobs")
	assert.Equal(t, int64(1), st.DeadLettered)
	assert.Equal(t, 0, st.Ready+st.Unacked)
	dlq := status(t, p, "queue:jobs.dlq")
	assert.Equal(t, 1, dlq.Ready, "the poison message waits in the dead-letter queue")

	c := dial(t, b.Addr)
	sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:jobs.dlq", Mode: broker.Pull})
	got, err := c.Pull(programtest.Context(t), sub, 1, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "poison pill", got[0].Text)
}

// kill stops a process with SIGKILL and waits for it to be gone.
func kill(t *testing.T, p *programtest.Proc) {
	t.Helper()
	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	p.Wait(t)
}

func TestPersistentSurvivesAKilledBroker(t *testing.T) {
	data := t.TempDir()
	b := startBroker(t, data)
	p := dial(t, b.Addr)
	persistent := send(t, p, "queue:orders", true, "kept-1", "kept-2")
	send(t, p, "queue:orders", false, "lost")
	acked := send(t, p, "queue:orders", true, "acked")[0]
	c := dial(t, b.Addr)
	sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:orders", Window: 10})
	var seen []broker.Delivery
	for range 4 {
		seen = append(seen, next(t, c))
	}
	_, err := c.Ack(programtest.Context(t), sub, acked)
	require.NoError(t, err)
	kill(t, b)

	b = startBroker(t, data)
	c = dial(t, b.Addr)
	sub = subscribe(t, c, broker.SubscribeRequest{Dest: "queue:orders", Mode: broker.Pull, Window: 10})
	got, err := c.Pull(programtest.Context(t), sub, 10, 300*time.Millisecond)
	require.NoError(t, err)
	var ids []uint64
	for _, d := range got {
		ids = append(ids, d.Msg)
		assert.True(t, d.Redelivered, "#%d may have been delivered before the crash, and says so", d.Msg)
	}
	assert.Equal(t, persistent, ids, "the persistent messages survive; the non-persistent and the acknowledged one do not")
	assert.Len(t, seen, 4)

	// Ids are never given twice, not even across the restart.
	next := send(t, dial(t, b.Addr), "queue:orders", false, "after")[0]
	for _, d := range seen {
		assert.Greater(t, next, d.Msg)
	}
}

func TestDurableSubscriberCatchesUp(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	durable, plain := dial(t, b.Addr), dial(t, b.Addr)
	dsub := subscribe(t, durable, broker.SubscribeRequest{Dest: "topic:news", Durable: "audit"})
	subscribe(t, plain, broker.SubscribeRequest{Dest: "topic:news"})
	require.NoError(t, durable.Unsubscribe(programtest.Context(t), dsub, false))
	plain.Close()
	waitStatus(t, p, "topic:news#audit", func(d broker.DestinationStatus) bool { return d.Consumers == 0 })
	// The plain subscription ("topic:news#~N") is gone with its consumer.
	deadline := time.Now().Add(programtest.Patience)
	for {
		st, err := p.Status(programtest.Context(t))
		require.NoError(t, err)
		if !slices.ContainsFunc(st.Destinations, func(d broker.DestinationStatus) bool {
			return strings.HasPrefix(d.Name, "topic:news#~") && d.Consumers > 0
		}) {
			break
		}
		require.False(t, time.Now().After(deadline), "the plain subscriber's close never reached the broker: %+v", st.Destinations)
		time.Sleep(10 * time.Millisecond) // a poll's pace
	}

	res, err := p.Send(programtest.Context(t), "topic:news", "while-away", false)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Copies, "only the durable subscription keeps a copy")

	back := dial(t, b.Addr)
	subscribe(t, back, broker.SubscribeRequest{Dest: "topic:news", Durable: "audit"})
	assert.Equal(t, "while-away", next(t, back).Text, "the durable subscriber catches up")

	again := dial(t, b.Addr)
	sub := subscribe(t, again, broker.SubscribeRequest{Dest: "topic:news", Mode: broker.Pull})
	got, err := again.Pull(programtest.Context(t), sub, 1, 0)
	require.NoError(t, err)
	assert.Empty(t, got, "a subscriber that is not durable missed it")
}

// TestKilledBrokerWithSendsInFlight kills the broker while producers send
// persistent messages and a consumer takes them: every send the broker
// confirmed arrives after the restart, or had been acknowledged before,
// and a message delivered a second time always carries the mark.
func TestKilledBrokerWithSendsInFlight(t *testing.T) {
	data := t.TempDir()
	b := startBroker(t, data)
	var mu sync.Mutex
	confirmed := map[uint64]bool{}
	ctx, stop := context.WithCancel(programtest.Context(t))
	var producers sync.WaitGroup
	for i := range 4 {
		p := dial(t, b.Addr)
		producers.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				res, err := p.Send(ctx, "queue:orders", fmt.Sprintf("p%d-%d", i, n), true)
				if err != nil {
					return
				}
				mu.Lock()
				confirmed[res.Msg] = true
				mu.Unlock()
			}
		})
	}
	deliveries := map[uint64][]broker.Delivery{}
	acked := map[uint64]bool{}
	c := dial(t, b.Addr)
	sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:orders", Window: 20})
	for len(acked) < 100 {
		d := next(t, c)
		deliveries[d.Msg] = append(deliveries[d.Msg], d)
		if _, err := c.Ack(ctx, sub, d.Msg); err == nil {
			acked[d.Msg] = true
		}
	}
	kill(t, b)
	stop()
	producers.Wait()

	b = startBroker(t, data)
	c = dial(t, b.Addr)
	sub = subscribe(t, c, broker.SubscribeRequest{Dest: "queue:orders", Mode: broker.Pull, Window: 100})
	for {
		got, err := c.Pull(programtest.Context(t), sub, 100, 200*time.Millisecond)
		require.NoError(t, err)
		if len(got) == 0 {
			break
		}
		var ids []uint64
		for _, d := range got {
			deliveries[d.Msg] = append(deliveries[d.Msg], d)
			ids = append(ids, d.Msg)
		}
		res, err := c.Ack(programtest.Context(t), sub, ids...)
		require.NoError(t, err)
		for _, id := range res.Acked {
			acked[id] = true
		}
	}
	require.Greater(t, len(confirmed), 100)
	for id := range confirmed {
		assert.True(t, acked[id], "confirmed send #%d was lost", id)
	}
	for id, ds := range deliveries {
		for _, d := range ds[1:] {
			assert.True(t, d.Redelivered, "#%d delivered again without the redelivered mark", id)
		}
	}
}

// TestKilledConsumersUnderLoad kills consumer processes while they work:
// in the end every message is acknowledged exactly once.
func TestKilledConsumersUnderLoad(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	const n = 200
	ids := send(t, p, "queue:load", true, texts("job", n)...)
	consumer := bin(t, "consumer")
	args := []string{"--broker", b.Addr, "--from", "queue:load", "--window", "5", "--work", "2ms"}

	var procs []*programtest.Proc
	for round := 0; ; round++ {
		st := status(t, p, "queue:load")
		if st.Ready+st.Unacked == 0 {
			break
		}
		require.Less(t, round, 200, "the queue does not drain")
		extra := []string{}
		if round%2 == 0 {
			extra = []string{"--fail-every", "7"}
		}
		proc := programtest.Start(t, consumer, append(args, extra...)...)
		procs = append(procs, proc)
		if round%2 == 1 {
			proc.WaitLine(t, "-> acked")
		} else {
			// It crashes on its 7th message, unless fewer are left.
			waitUntil(t, func() bool {
				out, _ := proc.Output()
				st := status(t, p, "queue:load")
				return st.Ready+st.Unacked == 0 || slices.ContainsFunc(out, func(l string) bool { return strings.HasSuffix(l, "-> crash (every 7 messages)") })
			})
		}
		kill(t, proc)
	}
	ackedBy := map[uint64]int{}
	for _, proc := range procs {
		out, _ := proc.Output()
		for _, line := range out {
			var id uint64
			if strings.HasSuffix(line, "-> acked") && scanID(line, &id) {
				ackedBy[id]++
			}
		}
	}
	// The queue drained: the broker took an ack for every message. No
	// message was acknowledged twice. (A consumer killed after the
	// broker's ack_ok but before it printed "-> acked" leaves a message
	// the broker has counted and the output has not, so the output may
	// miss an ack, never add one.)
	missed := 0
	for _, id := range ids {
		assert.LessOrEqual(t, ackedBy[id], 1, "message #%d acknowledged once", id)
		if ackedBy[id] == 0 {
			missed++
		}
	}
	assert.LessOrEqual(t, missed, len(procs), "at most one ack unprinted per killed consumer")
	slices.Sort(ids)
}

// waitUntil polls cond until it holds.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(programtest.Patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("waited in vain")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func scanID(line string, id *uint64) bool {
	_, err := fmt.Sscanf(line, "#%d ", id)
	return err == nil
}
