package p2p_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
	"dsdemo/p2p"
)

// The hostile tests play an attacker against a ring of real peer
// processes. The attacker speaks the wire by hand, one JSON line at a
// time, as anybody with nc could.

// ref is the true reference of the test ring's peer name.
func (r *testRing) ref(name string) p2p.NodeRef {
	return p2p.NodeRef{ID: p2p.Hash(name), Addr: r.procs[name].Addr, Name: name}
}

// forge sends one hand-written line to the peer at addr and returns the
// envelope it answers with.
func forge(t *testing.T, addr, line string) wire.Envelope {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = fmt.Fprintln(c, line)
	require.NoError(t, err)
	in := bufio.NewScanner(c)
	in.Buffer(nil, wire.MaxFrame+1)
	require.True(t, in.Scan(), "no answer to %s", line)
	e, err := wire.Decode(in.Bytes())
	require.NoError(t, err, "answer %s", in.Text())
	return e
}

// envelope writes one request line from the attacker.
func envelope(typ string, id, clock uint64, body any) string {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf(`{"from":"mallory","type":%q,"id":%d,"clock":%d,"body":%s}`, typ, id, clock, b)
}

// nameBetween returns a name whose hash lies strictly between a and b:
// names are chosen freely, so finding one for any stretch of the ring
// takes a few tries.
func nameBetween(t *testing.T, prefix string, a, b p2p.ID) string {
	for i := range 1 << 20 {
		name := fmt.Sprintf("%s-%d", prefix, i)
		if p2p.Inside(p2p.Hash(name), a, b) {
			return name
		}
	}
	t.Fatalf("no name of %s-N lies in (%s, %s)", prefix, a, b)
	return ""
}

// liar is a hostile process: it listens on loopback and claims to be
// claim. It answers every ring message in the way that does the most
// harm: it is the successor of every key, it acknowledges every store and
// keeps nothing, it holds a forged value for every key, and it hands out
// the successor list succs. It counts the messages it gets by type.
type liar struct {
	addr  string
	claim p2p.NodeRef
	succs []p2p.NodeRef

	mu  sync.Mutex     // guards got
	got map[string]int // message type -> how many arrived
}

func startLiar(t *testing.T) *liar {
	l := &liar{got: map[string]int{}}
	l.addr = lineServer(t, l.answer)
	return l
}

func (l *liar) answer(line string) string {
	var req struct {
		Type string `json:"type"`
		ID   uint64 `json:"id"`
		Body struct {
			Key string `json:"key"`
		} `json:"body"`
	}
	if json.Unmarshal([]byte(line), &req) != nil || req.ID == 0 {
		return ""
	}
	l.mu.Lock()
	l.got[req.Type]++
	claim, succs := l.claim, l.succs
	l.mu.Unlock()
	if succs == nil {
		succs = []p2p.NodeRef{claim}
	}
	var body any = struct{}{}
	switch req.Type {
	case "closest":
		body = map[string]any{"done": true, "succs": []p2p.NodeRef{claim}}
	case "predecessor":
		body = map[string]any{"pred": claim, "succs": succs}
	case "ping":
		body = map[string]any{"node": claim}
	case "store":
		body = map[string]any{"key": "swallowed", "peer": claim}
	case "fetch":
		body = map[string]any{"item": map[string]any{"key": req.Body.Key, "value": "forged", "version": 1 << 40}, "found": true, "peer": claim}
	case "state":
		body = map[string]any{"self": claim, "succs": succs}
	}
	b, _ := json.Marshal(body)
	return fmt.Sprintf(`{"from":%q,"type":"%s_ok","id":%d,"reply_to":%d,"clock":7,"body":%s}`, claim.Name, req.Type, req.ID, req.ID, b)
}

// set makes the liar claim to be claim, with the successor list succs
// (nil: itself alone).
func (l *liar) set(claim p2p.NodeRef, succs []p2p.NodeRef) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.claim, l.succs = claim, succs
}

func (l *liar) count(typ string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.got[typ]
}

// rounds waits until every peer of names has started n more maintenance
// rounds (each round begins with a "predecessor" to its successor).
func (r *testRing) rounds(names []string, n int) {
	r.t.Helper()
	sent := func(evs []trace.Event, node string) int {
		count := 0
		for _, e := range evs {
			if programtest.Msg(trace.KindSend, node, "predecessor")(e) {
				count++
			}
		}
		return count
	}
	now := r.rec.All()
	before := map[string]int{}
	for _, name := range names {
		before[name] = sent(now, name)
	}
	r.rec.WaitFor(r.t, fmt.Sprintf("%d maintenance rounds of %v", n, names), func(evs []trace.Event) bool {
		for _, name := range names {
			if sent(evs, name) < before[name]+n {
				return false
			}
		}
		return true
	})
}

// neverNamed asserts that no peer ever reported a predecessor or a
// successor list naming any of forged.
func (r *testRing) neverNamed(forged ...string) {
	r.t.Helper()
	for _, e := range r.rec.Matching(func(e trace.Event) bool { return e.Kind == trace.KindState }) {
		if e.Key != "pred" && e.Key != "succ" {
			continue
		}
		for _, f := range forged {
			assert.NotContains(r.t, strings.Split(e.Value, ","), f, "%s reported %s = %s", e.Node, e.Key, e.Value)
		}
	}
}

// traffic runs puts and gets through the honest peers of names, each get
// twice from different peers, and checks every answer: stored and held by
// the peer the key belongs to, with the value put.
func (r *testRing) traffic(names []string, puts int, prefix string, avoid string) {
	r.t.Helper()
	ctx := programtest.Context(r.t)
	clients := make([]*p2p.Client, len(names))
	for i, n := range names {
		clients[i] = p2p.NewClient(wire.NewNode("client"), r.procs[n].Addr)
		defer clients[i].Close()
	}
	swallowed, served, wrong := 0, 0, 0
	for i := range puts {
		key := fmt.Sprintf("%s-%d", prefix, i)
		s, err := clients[i%len(clients)].Put(ctx, key, "v-"+key)
		if err != nil || s.Peer.Name == avoid || s.Peer.Name != owner(names, key) {
			r.t.Logf("put %s: stored at %s, %v", key, s.Peer, err)
			swallowed++
		}
	}
	for i := range 2 * puts {
		key := fmt.Sprintf("%s-%d", prefix, i%puts)
		f, err := clients[(i+1)%len(clients)].Get(ctx, key)
		if f.Peer.Name == avoid {
			served++
		}
		if err != nil || f.Value != "v-"+key {
			r.t.Logf("get %s: %q from %s, %v", key, f.Value, f.Peer, err)
			wrong++
		}
	}
	assert.Zero(r.t, swallowed, "puts of %d not stored at the key's successor", puts)
	assert.Zero(r.t, served, "gets of %d answered by %s", 2*puts, avoid)
	assert.Zero(r.t, wrong, "gets of %d without the value put", 2*puts)
}

// TestHostileForgedNotifyIsIgnored is the lying peer: one notify that
// claims a position the sender does not have. Believed, it makes the
// victim take the liar as its predecessor, and the victim's predecessor
// then takes the liar as its successor: the liar serves and swallows the
// victim's keys. A peer now checks what a notify claims.
func TestHostileForgedNotifyIsIgnored(t *testing.T) {
	r := newRing(t)
	names := r.grow(4)
	r.waitStable(names)
	ring := order(names)
	victim, before, after := r.ref(ring[1]), r.ref(ring[0]), r.ref(ring[2])

	l := startLiar(t)
	// Just before the victim: nearly all of its keys would be the liar's.
	l.set(p2p.NodeRef{ID: victim.ID - 1, Addr: l.addr, Name: "liar"}, nil)
	impostor := nameBetween(t, "impostor", before.ID, victim.ID)
	nobody := nameBetween(t, "nobody", before.ID, victim.ID)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := closed.Addr().String()
	closed.Close()

	for _, tc := range []struct {
		name   string
		claim  p2p.NodeRef
		reason string
	}{
		{"a position that is not the hash of its name or address", p2p.NodeRef{ID: victim.ID - 1, Addr: l.addr, Name: "liar"}, "is the hash of neither"},
		{"a name whose address answers as another peer", p2p.NodeRef{ID: p2p.Hash(impostor), Addr: after.Addr, Name: impostor}, "answers as " + after.Name},
		{"an address where nobody answers", p2p.NodeRef{ID: p2p.Hash(nobody), Addr: closedAddr, Name: nobody}, "cannot reach"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply := forge(t, victim.Addr, envelope("notify", 1, 1, map[string]any{"node": tc.claim}))
			assert.Equal(t, wire.TypeError, reply.Type, "answer %s", reply.Body)
			assert.Contains(t, string(reply.Body), tc.reason)
		})
	}

	// Had the victim believed it, its predecessor would have learnt of the
	// liar within a round or two.
	r.rounds(names, 3)
	r.traffic(names, 100, "lie", "liar")
	r.neverNamed("liar", impostor, nobody)
	assert.Zero(t, l.count("store"), "stores the liar got")
	assert.Zero(t, l.count("fetch"), "fetches the liar got")
}

// TestHostileSuccessorListIsCheckedByAsking: a peer that did get into
// the ring (its name lies where it wants to be, and it answers as itself)
// hands its predecessor a successor list of peers that are not what the
// list says. Each entry is asked before it is adopted, and a list longer
// than any peer keeps is refused whole.
func TestHostileSuccessorListIsCheckedByAsking(t *testing.T) {
	r := newRing(t)
	names := r.grow(4)
	r.waitStable(names)
	ring := order(names)
	victim, before, after := r.ref(ring[1]), r.ref(ring[0]), r.ref(ring[2])

	l := startLiar(t)
	name := nameBetween(t, "sybil", before.ID, victim.ID)
	sybil := p2p.NodeRef{ID: p2p.Hash(name), Addr: l.addr, Name: name}
	impostor := nameBetween(t, "impostor", sybil.ID, victim.ID)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nobody := p2p.NodeRef{Addr: closed.Addr().String(), Name: "nobody"}
	nobody.ID = p2p.Hash(nobody.Addr)
	closed.Close()
	l.set(sybil, []p2p.NodeRef{
		{ID: p2p.Hash(impostor), Addr: after.Addr, Name: impostor}, // answers as another peer
		nobody, // nobody there
		victim,
	})

	// The sybil joins the way any peer does: it notifies its successor.
	reply := forge(t, victim.Addr, envelope("notify", 1, 1, map[string]any{"node": sybil}))
	require.Equal(t, "notify_ok", reply.Type, "answer %s", reply.Body)
	r.rec.WaitFor(t, before.Name+" to take the sybil as its successor", programtest.Has(func(e trace.Event) bool {
		return e.Node == before.Name && e.Key == "succ" && strings.HasPrefix(e.Value, name+",")
	}))
	sent := func(e trace.Event) bool {
		return programtest.Msg(trace.KindSend, before.Name, "predecessor")(e) && e.Msg.To == name
	}
	asked := len(r.rec.Matching(sent))
	r.rec.WaitN(t, asked+3, sent)
	r.neverNamed(impostor, "nobody")

	t.Run("a list longer than any peer keeps is refused", func(t *testing.T) {
		long := make([]p2p.NodeRef, 0, 1000)
		for range 1000 {
			long = append(long, victim)
		}
		reply := forge(t, victim.Addr, envelope("leave", 2, 1, map[string]any{"node": before, "pred": before, "succs": long}))
		assert.Equal(t, wire.TypeError, reply.Type)
		assert.Contains(t, string(reply.Body), "successors")
	})
}

// TestHostileForgedClockIsRefused is the clock trick of the cooperating
// servers tried on the ring. A message whose Lamport clock is 2^64-2 would
// wrap the peer's clock round to 0; it is refused with an error reply (the
// wire does that for every program). The same trick works with the
// version of an item: a copy at version 2^64-2 wins over every later put
// of its key, and once the key's successor dies, the next peer answers
// with the forged value. An item whose version is later than the clock of
// the message that carries it is refused too; one no later than that is
// no better than a put, since the receiver's clock moves past it.
func TestHostileForgedClockIsRefused(t *testing.T) {
	r := newRing(t)
	names := r.grow(4)
	r.waitStable(names)
	const key = "clockwork"
	home := owner(names, key)
	c := p2p.NewClient(wire.NewNode("client"), r.procs[names[0]].Addr)
	defer c.Close()
	ctx := programtest.Context(t)
	_, err := c.Put(ctx, key, "first")
	require.NoError(t, err)

	t.Run("a clock of 2^64-2 in the envelope", func(t *testing.T) {
		reply := forge(t, r.procs[home].Addr, envelope("get", 1, 1<<64-2, map[string]any{"key": key}))
		assert.Equal(t, wire.TypeError, reply.Type)
		assert.Contains(t, string(reply.Body), "clock too far ahead")
	})
	t.Run("an item version of 2^64-2", func(t *testing.T) {
		// To every peer, so that the copies of the key would all be forged.
		items := []p2p.Item{{Key: key, Value: "forged", Version: 1<<64 - 2}}
		for _, n := range names {
			reply := forge(t, r.procs[n].Addr, envelope("replicate", 1, 5, map[string]any{"items": items}))
			assert.Equal(t, wire.TypeError, reply.Type, "%s answers %s", n, reply.Body)
			assert.Contains(t, string(reply.Body), "version")
		}
	})
	t.Run("an item version as late as its message's clock", func(t *testing.T) {
		// Taken, as the wire takes a clock up to 2^32 ahead; but the clock
		// of every peer it reaches moves past it, so the next put wins.
		const late = 1 << 31
		items := []p2p.Item{{Key: key, Value: "forged", Version: late}}
		for _, n := range names {
			reply := forge(t, r.procs[n].Addr, envelope("replicate", 1, late, map[string]any{"items": items}))
			assert.Equal(t, "replicate_ok", reply.Type, "%s answers %s", n, reply.Body)
		}
	})

	_, err = c.Put(ctx, key, "second")
	require.NoError(t, err)
	f, err := c.Get(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, "second", f.Value, "get from %s", f.Peer)

	// The key's successor dies: its next peer answers, with the last value.
	require.NoError(t, r.procs[home].Cmd.Process.Signal(syscall.SIGKILL))
	r.procs[home].Wait(t)
	var alive []string
	for _, n := range names {
		if n != home {
			alive = append(alive, n)
		}
	}
	r.waitStable(alive)
	via := p2p.NewClient(wire.NewNode("client"), r.procs[alive[0]].Addr)
	defer via.Close()
	f, err = via.Get(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, "second", f.Value, "get from %s after %s died", f.Peer, home)
}

// TestHostileHandoverOutlastsTheNotify: a newcomer, played by hand,
// notifies a peer and hangs up as soon as it has the answer, as nc does.
// The keys that are now the newcomer's still reach it: the handover runs
// on the peer's own context, not on that of the notify's request.
func TestHostileHandoverOutlastsTheNotify(t *testing.T) {
	r := newRing(t)
	r.grow(1)
	self := r.ref("peer-1")
	for _, key := range []string{"k-0", "k-1", "k-2"} {
		r.ask("peer-1", "put", key, "v")
	}
	// Alone, peer-1 holds every key; with the newcomer before it, k-0 is
	// the newcomer's.
	newcomer := startLiar(t)
	name := nameBetween(t, "newcomer", p2p.Hash("k-0"), self.ID)
	claim := p2p.NodeRef{ID: p2p.Hash(name), Addr: newcomer.addr, Name: name}
	newcomer.set(claim, nil)

	reply := forge(t, self.Addr, envelope("notify", 1, 1, map[string]any{"node": claim}))
	require.Equal(t, "notify_ok", reply.Type, "answer %s", reply.Body)
	require.Eventually(t, func() bool { return newcomer.count("handover") > 0 },
		programtest.Patience, 10*time.Millisecond, "the newcomer gets its keys after it hung up")
}
