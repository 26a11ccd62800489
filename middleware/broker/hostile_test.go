package broker_test

import (
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

func TestHostileInputGetsErrorReplies(t *testing.T) {
	b := startBroker(t, "", "--max-depth", "2")
	r := programtest.DialRaw(t, b.Addr)
	cases := []struct {
		name, line, want string
	}{
		{"not JSON", `hello`, "not JSON"},
		{"not an envelope", `[1,2]`, "not an envelope"},
		{"unknown type", `{"from":"x","type":"frob","id":1}`, `unknown request type "frob"`},
		{"no body", `{"from":"x","type":"send","id":2}`, "send message has no body"},
		{"bad body", `{"from":"x","type":"send","id":3,"body":{"dest":7}}`, "bad body"},
		{"no kind", `{"from":"x","type":"send","id":4,"body":{"dest":"orders","text":"a"}}`, "must be queue:NAME or topic:NAME"},
		{"bad name", `{"from":"x","type":"send","id":5,"body":{"dest":"queue:../etc","text":"a"}}`, "may hold only letters"},
		{"long name", `{"from":"x","type":"send","id":6,"body":{"dest":"queue:` + strings.Repeat("a", 100) + `","text":"a"}}`, "longer than 64"},
		{"ack without subscription", `{"from":"x","type":"ack","id":7,"body":{"sub":9,"msg":1}}`, "no subscription 9"},
		{"deliver to the broker", `{"from":"x","type":"deliver","id":8,"body":{}}`, "goes from the broker to a consumer"},
		{"bad mode", `{"from":"x","type":"subscribe","id":9,"body":{"dest":"queue:a","mode":"shout"}}`, "mode must be push or pull"},
		{"huge window", `{"from":"x","type":"subscribe","id":10,"body":{"dest":"queue:a","window":1000000}}`, "window must be from 1 to 1000"},
		{"durable queue", `{"from":"x","type":"subscribe","id":11,"body":{"dest":"queue:a","durable":"d"}}`, "durable applies to topics"},
		{"long pull", `{"from":"x","type":"pull","id":12,"body":{"sub":1,"wait_ms":99999999}}`, "wait_ms must be from 0 to 30000"},
		{"oversized message", `{"from":"x","type":"send","id":13,"body":{"dest":"queue:a","text":"` + strings.Repeat("x", broker.MaxText+1) + `"}}`, "longer than the limit of 65536"},
		{"frame over 1 MiB", `{"from":"x","type":"send","id":14,"body":{"dest":"queue:a","text":"` + strings.Repeat("x", wire.MaxFrame) + `"}}`, "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := r.In(t)
			r.Line(c.line)
			e := r.Reply(broker.TypeDeliver)
			assert.Equal(t, wire.TypeError, e.Type)
			assert.Contains(t, programtest.Reason(e), c.want)
		})
	}
	t.Run("full queue refuses clearly", func(t *testing.T) {
		r := r.In(t)
		for i := range 2 {
			r.Line(fmt.Sprintf(`{"from":"x","type":"send","id":%d,"body":{"dest":"queue:full","text":"a"}}`, 100+i))
			assert.Equal(t, broker.TypeSendOK, r.Reply(broker.TypeDeliver).Type)
		}
		r.Line(`{"from":"x","type":"send","id":102,"body":{"dest":"queue:full","text":"a"}}`)
		e := r.Reply(broker.TypeDeliver)
		assert.Equal(t, wire.TypeError, e.Type)
		assert.Equal(t, "queue:full is full: it holds 2 messages, the most it may (--max-depth)", programtest.Reason(e))
	})
	t.Run("acks for messages the consumer does not hold", func(t *testing.T) {
		r := r.In(t)
		r.Line(`{"from":"x","type":"subscribe","id":200,"body":{"dest":"queue:full","mode":"pull"}}`)
		require.Equal(t, broker.TypeSubscribeOK, r.Reply(broker.TypeDeliver).Type)
		r.Line(`{"from":"x","type":"ack","id":201,"body":{"sub":1,"msg":424242}}`)
		assert.Contains(t, programtest.Reason(r.Reply(broker.TypeDeliver)), "message #424242 is not held by subscription 1")
		r.Line(`{"from":"x","type":"nack","id":202,"body":{"sub":1,"msg":424242}}`)
		assert.Contains(t, programtest.Reason(r.Reply(broker.TypeDeliver)), "is not held")
	})
	t.Run("the broker still serves", func(t *testing.T) {
		c := dial(t, b.Addr)
		res, err := c.Send(programtest.Context(t), "queue:ok", "still here", false)
		require.NoError(t, err)
		assert.Equal(t, 1, res.Copies)
	})
}

func TestHostileFullQueueBlocksThenRefuses(t *testing.T) {
	b := startBroker(t, "", "--max-depth", "1", "--when-full", "block", "--block-timeout", "300ms")
	p := dial(t, b.Addr)
	send(t, p, "queue:b", false, "first")
	start := time.Now()
	_, err := p.Send(programtest.Context(t), "queue:b", "second", false)
	assert.ErrorContains(t, err, "queue:b is full")
	assert.ErrorContains(t, err, "waited 300ms for room")
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)

	// With room made while it waits, a blocked send goes through.
	c := dial(t, b.Addr)
	sub := subscribe(t, c, broker.SubscribeRequest{Dest: "queue:b", Mode: broker.Pull})
	done := make(chan error, 1)
	go func() {
		_, err := p.Send(programtest.Context(t), "queue:b", "third", false)
		done <- err
	}()
	got, err := c.Pull(programtest.Context(t), sub, 1, 0)
	require.NoError(t, err)
	_, err = c.Ack(programtest.Context(t), sub, got[0].Msg)
	require.NoError(t, err)
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(programtest.Patience):
		t.Fatal("the blocked send never went through")
	}
}

// TestHostileConsumerThatNeverReads subscribes and then reads nothing,
// while big messages pile up for it: the broker goes on serving others,
// its memory stays bounded, and after each ack deadline the messages go
// round again, half of them to a consumer that does read, until it has
// them all (--max-deliveries 0: none is dead-lettered on the way).
func TestHostileConsumerThatNeverReads(t *testing.T) {
	b := startBroker(t, "", "--ack-timeout", "300ms", "--max-deliveries", "0")
	deaf := programtest.DialRaw(t, b.Addr)
	deaf.Line(`{"from":"deaf","type":"subscribe","id":1,"body":{"dest":"queue:big","window":1000}}`)
	require.Equal(t, broker.TypeSubscribeOK, deaf.Reply(broker.TypeDeliver).Type)

	p := dial(t, b.Addr)
	big := strings.Repeat("x", broker.MaxText)
	sent := 0
	for range 100 {
		if _, err := p.Send(programtest.Context(t), "queue:big", big, false); err != nil {
			assert.Contains(t, err.Error(), "queue:big is full")
			break
		}
		sent++
	}
	require.Positive(t, sent)
	_, err := p.Status(programtest.Context(t))
	require.NoError(t, err, "the broker serves others meanwhile")

	reader := dial(t, b.Addr)
	sub := subscribe(t, reader, broker.SubscribeRequest{Dest: "queue:big", Window: 10})
	got := map[uint64]bool{}
	for len(got) < sent {
		d := next(t, reader)
		got[d.Msg] = true
		// With an ack deadline of 300 ms, a busy machine may let a message
		// go back to the queue before this reader's ack arrives: the
		// broker says so, and the message comes round again.
		if _, err := reader.Ack(programtest.Context(t), sub, d.Msg); err != nil {
			require.ErrorContains(t, err, "is not held by subscription")
		}
	}
	peak := programtest.PeakRSS(t, b.Cmd.Process.Pid)
	assert.Less(t, peak, uint64(200<<20), "peak memory of the broker: %d MiB", peak>>20)
}

func TestHostileManyQueuesStayBounded(t *testing.T) {
	b := startBroker(t, "", "--max-memory", "8388608")
	p := dial(t, b.Addr)
	big := strings.Repeat("y", broker.MaxText)
	var lastErr error
	for i := range broker.MaxDestinations + 10 {
		_, lastErr = p.Send(programtest.Context(t), fmt.Sprintf("queue:q%d", i), big, false)
		if lastErr != nil {
			break
		}
	}
	require.Error(t, lastErr)
	assert.Contains(t, lastErr.Error(), "the broker is full")
	_, err := p.Status(programtest.Context(t))
	assert.NoError(t, err, "the broker keeps serving")
}
