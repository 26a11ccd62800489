package history_test

import (
	"runtime"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

func hello(node, listen string) trace.Event {
	return trace.Event{V: 1, Kind: trace.KindHello, Node: node, Role: node, Listen: listen}
}

func msg(kind trace.Kind, node, from, to, typ string, id, replyTo, sendClock, clock uint64, fault string) trace.Event {
	return trace.Event{V: 1, Kind: kind, Node: node, Clock: clock, Fault: fault,
		Msg: &trace.Message{From: from, To: to, Type: typ, ID: id, ReplyTo: replyTo, Clock: sendClock}}
}

func TestArrows(t *testing.T) {
	s := history.New(100)
	s.Add(hello("server", "127.0.0.1:7100"))
	s.Add(hello("client", ""))
	// The reply's recv reaches the collector before the request's send.
	s.Add(msg(trace.KindRecv, "server", "client", "127.0.0.1:7100", "put", 1, 0, 1, 2, ""))
	s.Add(msg(trace.KindSend, "client", "client", "127.0.0.1:7100", "put", 1, 0, 1, 1, ""))
	s.Add(msg(trace.KindSend, "server", "server", "client", "put_ok", 1, 1, 3, 3, ""))
	s.Add(msg(trace.KindRecv, "client", "server", "client", "put_ok", 1, 1, 3, 4, ""))
	// A request the network drops, and one it duplicates.
	s.Add(msg(trace.KindSend, "client", "client", "server", "get", 2, 0, 5, 5, "drop"))
	s.Add(msg(trace.KindSend, "client", "client", "server", "del", 3, 0, 6, 6, ""))
	s.Add(msg(trace.KindSend, "client", "client", "server", "del", 3, 0, 6, 6, "duplicate"))
	s.Add(msg(trace.KindRecv, "server", "client", "server", "del", 3, 0, 6, 7, ""))

	arrows := s.Arrows()
	type row struct {
		from, to, typ string
		delivered     bool
		fault         string
	}
	var got []row
	for _, a := range arrows {
		got = append(got, row{a.From, a.To, a.Type, a.Delivered(), a.Fault})
	}
	want := []row{
		{"client", "server", "put", true, ""},
		{"server", "client", "put_ok", true, ""},
		{"client", "server", "get", false, "drop"},
		{"client", "server", "del", true, ""},
		{"client", "server", "del", false, "duplicate"},
	}
	assert.Equal(t, want, got)
	assert.Len(t, s.InFlight(), 1, "the second copy of del is still on its way")
	assert.Equal(t, uint64(10), s.Total())
}

func TestHold(t *testing.T) {
	s := history.New(10)
	s.Add(msg(trace.KindHold, "c", "c", "s", "put", 1, 0, 1, 1, ""))
	require.Len(t, s.InFlight(), 1)
	assert.True(t, s.InFlight()[0].Held)
	s.Add(msg(trace.KindSend, "c", "c", "s", "put", 1, 0, 1, 1, ""))
	require.Len(t, s.Arrows(), 1, "the send after a hold is the same arrow")
	assert.False(t, s.Arrows()[0].Held)
	s.Add(msg(trace.KindHold, "c", "c", "s", "get", 2, 0, 2, 2, ""))
	s.Add(msg(trace.KindSend, "c", "c", "s", "get", 2, 0, 2, 2, "abandoned"))
	assert.True(t, s.Arrows()[1].Lost(), "an abandoned message is lost")

	// A delayed message is on its way when its sender gives up.
	s.Add(msg(trace.KindSend, "c", "c", "s", "del", 3, 0, 3, 3, ""))
	s.Add(msg(trace.KindSend, "c", "c", "s", "del", 3, 0, 3, 3, "abandoned"))
	require.Len(t, s.Arrows(), 3, "giving up is not a new message")
	assert.True(t, s.Arrows()[2].Lost())
}

func TestNodes(t *testing.T) {
	s := history.New(10)
	s.Add(hello("server", "127.0.0.1:7100"))
	s.Add(trace.Event{V: 1, Kind: trace.KindState, Node: "server", Key: "keys", Value: "1"})
	s.Add(trace.Event{V: 1, Kind: trace.KindState, Node: "server", Key: "mode", Value: "replicate"})
	s.Add(trace.Event{V: 1, Kind: trace.KindState, Node: "server", Key: "keys", Value: "2"})
	s.Add(trace.Event{V: 1, Kind: trace.KindOverflow, Node: "server", Count: 7})
	s.Add(trace.Event{V: 1, Kind: trace.KindBye, Node: "server", Text: "stopped"})
	n := s.Node("server")
	require.NotNil(t, n)
	assert.Equal(t, []string{"keys", "mode"}, n.Keys)
	assert.Equal(t, "2", n.State["keys"])
	assert.Equal(t, "stopped", n.Bye)
	assert.Equal(t, uint64(7), s.Lost())
	s.Add(hello("server", "127.0.0.1:7100"))
	assert.Empty(t, s.Node("server").Bye, "a restarted node is running again")
}

func TestRestartedSenderStartsIDsAgain(t *testing.T) {
	s := history.New(10)
	s.Add(hello("c", ""))
	s.Add(msg(trace.KindSend, "c", "c", "s", "put", 1, 0, 1, 1, ""))
	// c is killed before its put arrives, then restarted: its ids begin at 1 again.
	s.Add(hello("c", ""))
	s.Add(msg(trace.KindSend, "c", "c", "s", "get", 1, 0, 1, 1, ""))
	s.Add(msg(trace.KindRecv, "s", "c", "s", "get", 1, 0, 1, 2, ""))
	arrows := s.Arrows()
	require.Len(t, arrows, 2)
	assert.False(t, arrows[0].Delivered(), "the old put never arrived")
	assert.True(t, arrows[1].Delivered(), "the new get did")
}

// A message sent just before its sender was killed may still arrive, after
// the restarted sender has said hello and sent its own first messages with
// the same ids: each recv completes the arrow of its own life, told apart
// by the sender's clock, and nothing is drawn as never arrived.
func TestMessageOfAKilledSenderStillArrives(t *testing.T) {
	s := history.New(10)
	s.Add(hello("w", ""))
	s.Add(msg(trace.KindSend, "w", "w", "s", "take", 1, 0, 7, 7, ""))
	s.Add(hello("w", "")) // killed and restarted: ids and clock from the start again
	s.Add(msg(trace.KindSend, "w", "w", "s", "take", 1, 0, 1, 1, ""))
	s.Add(msg(trace.KindRecv, "s", "w", "s", "take", 1, 0, 7, 8, "")) // the old one, late
	s.Add(msg(trace.KindRecv, "s", "w", "s", "take", 1, 0, 1, 9, ""))
	received := map[uint64]uint64{} // send clock to recv clock
	for _, a := range s.Arrows() {
		received[a.SendClock] = a.RecvClock
	}
	assert.Equal(t, map[uint64]uint64{7: 8, 1: 9}, received, "the old take and the new one each arrived")
}

// A program started later: the server's recv of its first message may
// reach the collector before the program's own hello and send. The hello
// does not part the recv from its send.
func TestRecvBeforeTheSendersHello(t *testing.T) {
	s := history.New(10)
	s.Add(hello("broker", "127.0.0.1:7100"))
	s.Add(msg(trace.KindRecv, "broker", "consumer-2", "broker", "subscribe", 1, 0, 1, 2, ""))
	s.Add(hello("consumer-2", ""))
	s.Add(msg(trace.KindSend, "consumer-2", "consumer-2", "127.0.0.1:7100", "subscribe", 1, 0, 1, 1, ""))
	arrows := s.Arrows()
	require.Len(t, arrows, 1, "one message, one arrow")
	assert.True(t, arrows[0].Delivered())

	// A long run after it: the store forgets old index entries, the
	// retired ones included, and stays whole.
	for i := range uint64(100) {
		s.Add(msg(trace.KindSend, "consumer-2", "consumer-2", "127.0.0.1:7100", "ack", i+2, 0, i+2, i+2, ""))
	}
	assert.Len(t, s.Arrows(), 10)
}

// TestBounded feeds a million events and checks that the store keeps only
// its capacity: the "memory stays bounded" requirement.
func TestBounded(t *testing.T) {
	const capacity = 1000
	s := history.New(capacity)
	for i := range uint64(1_000_000) {
		s.Add(msg(trace.KindSend, "c", "c", "s", "put", i+1, 0, i+1, i+1, ""))
		if i == 10_000 {
			runtime.GC()
		}
	}
	assert.Len(t, s.Events(), capacity)
	assert.Len(t, s.Arrows(), capacity)
	assert.Equal(t, uint64(1_000_000), s.Total())
	assert.Equal(t, uint64(1_000_000), s.Arrows()[capacity-1].ID, "the newest are kept")
}

// BenchmarkAdd is the cost of taking one message event into the history.
func BenchmarkAdd(b *testing.B) {
	s := history.New(history.DefaultCapacity)
	s.Add(hello("server", "127.0.0.1:7100"))
	var i uint64
	for b.Loop() {
		i++
		s.Add(msg(trace.KindSend, "client", "client", "127.0.0.1:7100", "put", i, 0, i, i, ""))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkMemory reports the heap a store holds after a million events.
func BenchmarkMemory(b *testing.B) {
	for b.Loop() {
		s := history.New(history.DefaultCapacity)
		for i := range uint64(1_000_000) {
			s.Add(msg(trace.KindSend, "c", "c", "s", "put", i+1, 0, i+1, i+1, ""))
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MiB")
		runtime.KeepAlive(s)
	}
}

func TestDuplicateReceivedBeforeSent(t *testing.T) {
	s := history.New(10)
	s.Add(msg(trace.KindRecv, "s", "c", "s", "put", 1, 0, 1, 15, ""))
	s.Add(msg(trace.KindRecv, "s", "c", "s", "put", 1, 0, 1, 16, ""))
	s.Add(msg(trace.KindSend, "c", "c", "s", "put", 1, 0, 1, 1, ""))
	s.Add(msg(trace.KindSend, "c", "c", "s", "put", 1, 0, 1, 1, "duplicate"))
	assert.Len(t, s.Arrows(), 2, "two copies, two arrows")
	assert.Empty(t, s.InFlight(), "both copies arrived")
}

func TestReceiverNamedAfterSend(t *testing.T) {
	s := history.New(10)
	s.Add(msg(trace.KindSend, "c", "c", "127.0.0.1:7100", "put", 1, 0, 1, 1, "drop"))
	s.Add(hello("server", "127.0.0.1:7100"))
	assert.Equal(t, "server", s.Arrows()[0].To)
}

// TestHostileEscapeSequences: a program's names and texts cannot steer
// the terminal they are shown on: control characters are written out.
func TestHostileEscapeSequences(t *testing.T) {
	s := history.New(10)
	s.Add(trace.Event{V: trace.Version, Kind: trace.KindLog, Node: "evil\x1b[2J", Text: "clear\x1b]0;pwned\x07 the screen\nnow"})
	s.Add(trace.Event{V: trace.Version, Kind: trace.KindState, Node: "evil\x1b[2J", Key: "k\x9b", Value: "v\x1b[31m"})
	for _, ev := range s.Events() {
		for _, f := range []string{ev.Node, ev.Text, ev.Key, ev.Value} {
			assert.False(t, strings.ContainsFunc(f, unicode.IsControl), "%q keeps a control character", f)
		}
	}
	assert.Equal(t, `clear\x1b]0;pwned\x07 the screen now`, s.Events()[0].Text)
}
