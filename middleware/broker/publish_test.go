package broker_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/broker"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// TestPublishWithoutReceipt: a publish gets no answer, and its message is
// delivered all the same, in order, to a queue's consumer and to each of
// a topic's subscribers, one deliver each or in deliver_batch messages.
func TestPublishWithoutReceipt(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	q, one, many := dial(t, b.Addr), dial(t, b.Addr), dial(t, b.Addr)
	subscribe(t, q, broker.SubscribeRequest{Dest: "queue:fast", Ack: broker.AckAuto})
	subscribe(t, one, broker.SubscribeRequest{Dest: "topic:fast", Ack: broker.AckAuto, Window: 50})
	subscribe(t, many, broker.SubscribeRequest{Dest: "topic:fast", Ack: broker.AckAuto, Window: 50, Batch: 50})
	for _, text := range texts("q", 5) {
		_, err := p.Publish(programtest.Context(t), "queue:fast", text)
		require.NoError(t, err)
	}
	for _, text := range texts("t", 200) {
		_, err := p.Publish(programtest.Context(t), "topic:fast", text)
		require.NoError(t, err)
	}
	for _, want := range texts("q", 5) {
		assert.Equal(t, want, next(t, q).Text)
	}
	for _, c := range []*broker.Client{one, many} {
		for _, want := range texts("t", 200) {
			d := next(t, c)
			require.Equal(t, want, d.Text)
			assert.Equal(t, 1, d.Count)
		}
	}
	select {
	case pe := <-p.Refused():
		t.Fatalf("a publish was refused: %v", pe)
	default:
	}

	// By hand: nothing comes back for a publish, and the next request's
	// answer is the next line.
	r := programtest.DialRaw(t, b.Addr)
	r.Line(`{"from":"nc","type":"publish","id":7,"body":{"dest":"queue:fast","text":"by hand"}}`)
	r.Line(`{"from":"nc","type":"status","id":8}`)
	e := r.Reply(broker.TypeDeliver)
	assert.Equal(t, broker.TypeStatusOK, e.Type)
	assert.Equal(t, uint64(8), e.ReplyTo)
	assert.Equal(t, "by hand", next(t, q).Text)

	// A persistent message always gets its receipt, once it is on disk.
	r.Line(`{"from":"nc","type":"publish","id":9,"body":{"dest":"queue:fast","text":"kept","persistent":true}}`)
	e = r.Reply(broker.TypeDeliver)
	require.Equal(t, broker.TypePublishOK, e.Type, programtest.Reason(e))
	assert.Equal(t, uint64(9), e.ReplyTo)
}

// TestPublishRefusedComesBackLater: a publish the broker cannot take
// comes back as an error line that answers nothing (reply_to 0) and
// names the publish by its id, while the producer has gone on.
func TestPublishRefusedComesBackLater(t *testing.T) {
	b := startBroker(t, "")
	p := dial(t, b.Addr)
	id, err := p.Publish(programtest.Context(t), "nowhere:x", "lost")
	require.NoError(t, err, "the producer does not wait: it learns of the refusal later")
	good, err := p.Publish(programtest.Context(t), "queue:ok", "fine")
	require.NoError(t, err)
	long, err := p.Publish(programtest.Context(t), "queue:ok", strings.Repeat("z", broker.MaxText+1))
	require.NoError(t, err)
	for _, want := range []struct {
		id     uint64
		reason string
	}{{id, "must be queue:NAME or topic:NAME"}, {long, "longer than the limit"}} {
		select {
		case pe := <-p.Refused():
			assert.Equal(t, want.id, pe.Publish)
			assert.Contains(t, pe.Reason, want.reason)
			assert.NotEqual(t, good, pe.Publish)
		case <-time.After(programtest.Patience):
			t.Fatalf("no refusal for publish %d", want.id)
		}
	}
	assert.Equal(t, 1, status(t, p, "queue:ok").Ready, "the good publish went through")

	// On the wire, for a program in another language.
	r := programtest.DialRaw(t, b.Addr)
	r.Line(`{"from":"nc","type":"publish","id":5,"body":{"dest":"queue:","text":"x"}}`)
	e := r.Reply(broker.TypeDeliver)
	require.Equal(t, wire.TypeError, e.Type)
	assert.Equal(t, uint64(0), e.ReplyTo)
	var pe broker.PublishError
	require.NoError(t, json.Unmarshal(e.Body, &pe))
	assert.Equal(t, uint64(5), pe.Publish)
	assert.Equal(t, "queue:", pe.Dest)
	assert.Contains(t, pe.Reason, "needs a name")
}

// TestHostilePublishFloodStaysBounded: a producer publishes far more to a
// queue than it may hold, without waiting for anything. The queue keeps
// --max-depth messages, each one more is refused with an error line
// naming it, the broker's memory stays bounded, and it serves others
// meanwhile.
func TestHostilePublishFloodStaysBounded(t *testing.T) {
	const depth, flood = 100, 20000
	b := startBroker(t, "", "--max-depth", fmt.Sprint(depth))
	p := dial(t, b.Addr)
	text := strings.Repeat("f", 1000)
	refused := make(chan int)
	go func() {
		n := 0
		for n+int(p.Dropped()) < flood-depth {
			select {
			case pe := <-p.Refused():
				if !strings.Contains(pe.Reason, "queue:flood is full") {
					refused <- -1
					return
				}
				n++
			case <-time.After(programtest.Patience):
				refused <- n + int(p.Dropped())
				return
			}
		}
		refused <- n + int(p.Dropped())
	}()
	for range flood {
		_, err := p.Publish(programtest.Context(t), "queue:flood", text)
		require.NoError(t, err)
	}
	assert.Equal(t, flood-depth, <-refused, "one refusal for each publish past --max-depth (kept, or counted when the client had a full list)")
	other := dial(t, b.Addr)
	st := status(t, other, "queue:flood")
	assert.Equal(t, depth, st.Ready)
	assert.LessOrEqual(t, st.Bytes, int64(depth*len(text)))
	peak := programtest.PeakRSS(t, b.Cmd.Process.Pid)
	assert.Less(t, peak, uint64(100<<20), "peak memory of the broker: %d MiB", peak>>20)
}

// TestProducerPublishes: the producer program with --publish prints a
// line per message it hands over without a receipt, and the refusals that
// came back before it ended.
func TestProducerPublishes(t *testing.T) {
	b := startBroker(t, "", "--max-depth", "2")
	out, errOut, code := programtest.Run(t, bin(t, "producer"), "--broker", b.Addr, "--publish", "burst", "3", "x")
	require.Equal(t, 0, code, "stderr: %s", errOut)
	assert.Regexp(t, `(?s)published \d+ to queue:orders \(no receipt\): x-1\n.*x-3\npublish \d+ to queue:orders refused: queue:orders is full`, out)
}
