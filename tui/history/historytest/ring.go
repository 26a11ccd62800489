// Package historytest makes the trace events of a long demo for tests and
// benchmarks of the launcher's memory: a lecture runs for half an hour, and
// what the launcher keeps of it must not grow with it.
//
// Ring plays a Chord ring of seven peers and a client, the busiest demo of
// dsdemo, as their programs would report it to the collector:
//
//	peer-1 ── predecessor, notify, ping, closest, replicate ──▶ peer-2 … peer-7
//	  ▲  (background: the maintenance rounds, Rate messages a second)
//	  │ put / get every second, looked up with closest, stored with store / fetch
//	client-1
//
// Every message is a send at its sender and a recv at its receiver, with the
// Lamport clocks of both, and each carries a body of its own, as the
// collector decodes every line anew. Time is simulated: Until makes the
// events of any stretch of the run at once, with the timestamps they would
// have had.
package historytest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"dsdemo/models/trace"
)

// Rate is the ring's background traffic in messages a second, half of them
// requests and half replies: about what seven peers' maintenance rounds
// and their lookups come to (the p2p demo's status bar shows 50 to 120).
const Rate = 120

// step is the stretch of simulated time whose events are made together.
const step = 100 * time.Millisecond

// Ring makes the events of a peer-to-peer demo. It is not safe for
// concurrent use.
type Ring struct {
	start  time.Time
	at     time.Duration // simulated time made so far
	peers  []string
	clock  map[string]uint64 // each node's Lamport clock
	ids    map[string]uint64 // each node's last message id
	seq    map[string]uint64 // each node's last event number
	rnd    *rand.Rand
	ops    int // the client's puts and gets so far
	rounds int // background requests so far
}

// NewRing returns a ring whose run starts at start; the same start gives
// the same events.
func NewRing(start time.Time) *Ring {
	return &Ring{start: start, peers: []string{"peer-1", "peer-2", "peer-3", "peer-4", "peer-5", "peer-6", "peer-7"},
		clock: map[string]uint64{}, ids: map[string]uint64{}, seq: map[string]uint64{}, rnd: rand.New(rand.NewPCG(1, 2))}
}

// Now is the simulated time the events made so far have reached.
func (r *Ring) Now() time.Time { return r.start.Add(r.at) }

// Until returns the events from the end of the last call (the start of the
// run, with every program's hello, for the first) up to end, counted from
// the start of the run, in steps of 100 ms.
func (r *Ring) Until(end time.Duration) []trace.Event {
	var out []trace.Event
	if r.at == 0 {
		for i, p := range r.peers {
			out = append(out, r.event(p, trace.Event{Kind: trace.KindHello, Role: "peer", Model: "p2p", PID: 1000 + i,
				Listen: fmt.Sprintf("127.0.0.1:%d", 40000+i)}))
		}
		out = append(out, r.event("client-1", trace.Event{Kind: trace.KindHello, Role: "client", Model: "p2p", PID: 999}))
	}
	background := []string{"predecessor", "notify", "ping", "closest", "replicate"}
	for ; r.at < end; r.at += step {
		for range Rate / 2 / int(time.Second/step) {
			from := r.peers[r.rounds%len(r.peers)]
			to := r.peers[(r.rounds+1+r.rnd.IntN(3))%len(r.peers)]
			typ := background[r.rounds%len(background)]
			out = append(out, r.exchange(from, to, typ, r.body(typ))...)
			r.rounds++
		}
		if r.at%time.Second == 0 {
			out = append(out, r.clientOp()...)
		}
		if r.at%(3*time.Second) == 0 {
			p := r.peers[r.rnd.IntN(len(r.peers))]
			out = append(out, r.event(p, trace.Event{Kind: trace.KindState, Key: "keys", Value: fmt.Sprintf("%d (%d own)", r.ops/3, r.ops/7)}))
		}
	}
	return out
}

// clientOp is a put or get of the client: it asks peer-1, which looks up
// the key's successor in a hop and stores at it or fetches from it.
func (r *Ring) clientOp() []trace.Event {
	r.ops++
	key := fmt.Sprintf("auto-%d", r.ops)
	owner := r.peers[r.rnd.IntN(len(r.peers))]
	op, inner := "put", "store"
	if r.ops%2 == 0 {
		op, inner, key = "get", "fetch", fmt.Sprintf("auto-%d", r.ops-1)
	}
	body := fmt.Sprintf(`{"key":%q,"value":"%d"}`, key, r.ops)
	out := r.message("client-1", "peer-1", op, 0, body)
	request := r.ids["client-1"]
	out = append(out, r.exchange("peer-1", r.peers[r.rnd.IntN(len(r.peers))], "closest", r.body("closest"))...)
	out = append(out, r.exchange("peer-1", owner, inner, body)...)
	out = append(out, r.message("peer-1", "client-1", op+"_ok", request, fmt.Sprintf(`{"version":%d,"at":%q}`, r.ops, owner))...)
	return append(out, r.event("client-1", trace.Event{Kind: trace.KindLog, Text: op + " " + key + " ok"}))
}

// body is a request body of a type, about as long as the peers' are (80
// bytes; a replicate with the latest keys about 250).
func (r *Ring) body(typ string) string {
	switch typ {
	case "replicate":
		var items []string
		for i := max(r.ops-4, 0); i < r.ops; i++ {
			items = append(items, fmt.Sprintf(`{"key":"auto-%d","value":"%d","version":%d}`, i, i, i))
		}
		return `{"items":[` + strings.Join(items, ",") + `]}`
	case "ping":
		return ""
	}
	return fmt.Sprintf(`{"node":{"name":"peer-%d","addr":"127.0.0.1:%d","id":"%08x"}}`, r.rnd.IntN(7)+1, 40000+r.rnd.IntN(7), r.rnd.Uint32())
}

// exchange is a request and its reply.
func (r *Ring) exchange(from, to, typ, body string) []trace.Event {
	out := r.message(from, to, typ, 0, body)
	reply := fmt.Sprintf(`{"node":{"name":%q,"addr":"127.0.0.1:40001","id":"%08x"}}`, to, r.rnd.Uint32())
	return append(out, r.message(to, from, typ+"_ok", r.ids[from], reply)...)
}

// message is one message: its send at from and its recv at to.
func (r *Ring) message(from, to, typ string, replyTo uint64, body string) []trace.Event {
	r.ids[from]++
	r.clock[from]++
	m := trace.Message{From: from, To: to, Type: typ, ID: r.ids[from], ReplyTo: replyTo, Clock: r.clock[from], Size: 90 + len(body)}
	send, recv := m, m
	if body != "" {
		send.Body, recv.Body = json.RawMessage(body), json.RawMessage(body)
	}
	r.clock[to] = max(r.clock[to], m.Clock) + 1
	return []trace.Event{
		r.event(from, trace.Event{Kind: trace.KindSend, Clock: m.Clock, Msg: &send}),
		r.event(to, trace.Event{Kind: trace.KindRecv, Clock: r.clock[to], Msg: &recv}),
	}
}

// event completes ev as node's next event at the current simulated time.
func (r *Ring) event(node string, ev trace.Event) trace.Event {
	r.seq[node]++
	ev.V, ev.Node, ev.Seq, ev.Time = trace.Version, node, r.seq[node], r.Now().UnixMicro()
	return ev
}
