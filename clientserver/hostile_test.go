package clientserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/clientserver"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// These tests attack cooperating servers the way issue 13 found them to
// break: frozen and restarted replicas, forged clocks, clients posing as
// servers. Each starts real server processes and talks to them over TCP.

// ask sends line, typed by hand as a student with nc (or an attacker)
// would, on a new connection to addr and returns the reply.
func ask(t *testing.T, addr, line string) wire.Envelope {
	t.Helper()
	r := programtest.DialRaw(t, addr)
	r.Line(line)
	return r.Reply()
}

// reason returns the reason of an error envelope, failing the test for any other.
func reason(t *testing.T, e wire.Envelope) string {
	t.Helper()
	require.Equal(t, wire.TypeError, e.Type, "reply %s", e.Body)
	return programtest.Reason(e)
}

// readAllKeys reads keys from each server alone: address to key to value,
// a key not found left out. A replica that is catching up is asked again
// by the client itself, within its timeout.
func readAllKeys(ctx context.Context, t *testing.T, addrs, keys []string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, addr := range addrs {
		c := clientserver.NewClient(wire.NewNode("checker"), []string{addr}, 0, programtest.Patience)
		store := map[string]string{}
		for _, key := range keys {
			res, err := c.Get(ctx, key)
			if err == nil {
				store[key] = res.Value
			} else {
				require.ErrorIs(t, err, clientserver.ErrNotFound, "get %s from %s", key, addr)
			}
		}
		c.Close()
		out[addr] = store
	}
	return out
}

// waitAgree reads keys from every replica until all hold the same, and
// returns what they hold.
func waitAgree(ctx context.Context, t *testing.T, addrs, keys []string) map[string]string {
	t.Helper()
	for {
		stores := readAllKeys(ctx, t, addrs, keys)
		first := stores[addrs[0]]
		agree := true
		for _, s := range stores {
			agree = agree && maps.Equal(first, s)
		}
		if agree {
			return first
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the replicas never agreed: %v", stores)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func keyList(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = prefix + strconv.Itoa(i)
	}
	return keys
}

// TestHostileLateWriteNeverBeatsAcknowledgedOne is item 11: with server-2
// frozen, writers put v1 (their first server, server-2, does not answer:
// they fail over to server-3) and then v2, which server-3 acknowledges.
// When server-2 thaws it finds the v1 requests the writers sent it first,
// long given up on. They must not win over v2.
func TestHostileLateWriteNeverBeatsAcknowledgedOne(t *testing.T) {
	server, _ := programs(t)
	rec := programtest.NewRecorder(t)
	srvs := group(t, server, clientserver.Replicate, 3, func(i int) []string {
		if i == 1 {
			return []string{"--trace", rec.Addr()}
		}
		return nil
	})
	addrs := []string{srvs[0].Addr, srvs[1].Addr, srvs[2].Addr}
	ctx := programtest.Context(t)
	keys := keyList("late-", 10)
	first := clientserver.NewClient(wire.NewNode("setup"), addrs, 0, programtest.Patience)
	defer first.Close()
	for _, key := range keys {
		_, err := first.Put(ctx, key, "v0")
		require.NoError(t, err)
	}

	require.NoError(t, srvs[1].Cmd.Process.Signal(syscall.SIGSTOP))
	var writers sync.WaitGroup
	for i, key := range keys {
		writers.Go(func() {
			c := clientserver.NewClient(wire.NewNode(fmt.Sprintf("writer-%d", i)), []string{srvs[1].Addr, srvs[2].Addr}, 0, 2*time.Second)
			defer c.Close()
			_, err := c.Put(ctx, key, "v1")
			assert.NoError(t, err, "put %s v1", key)
			_, err = c.Put(ctx, key, "v2")
			assert.NoError(t, err, "put %s v2", key)
		})
	}
	// Ordinary traffic through server-1 goes on meanwhile.
	for i := range 10 {
		writers.Go(func() {
			_, err := first.Put(ctx, "other-"+strconv.Itoa(i), "x")
			assert.NoError(t, err)
		})
	}
	writers.Wait()
	require.NoError(t, srvs[1].Cmd.Process.Signal(syscall.SIGCONT))

	// server-2 answers each late v1 (to writers that have moved on long ago).
	rec.WaitN(t, len(keys), func(e trace.Event) bool {
		return e.Kind == trace.KindSend && e.Node == "server-2" && e.Msg != nil &&
			strings.HasPrefix(e.Msg.To, "writer-") && e.Msg.ReplyTo != 0
	})
	final := waitAgree(ctx, t, addrs, keys)
	for _, key := range keys {
		assert.Equal(t, "v2", final[key], "the acknowledged write of %s", key)
	}

	// Which request a thawed server reads first is up to its scheduler.
	// The worst case on purpose: the late v1 arrives after server-2 has
	// seen v2, carrying the clock its writer sent it with.
	t.Run("a late request after the newer write", func(t *testing.T) {
		e := ask(t, srvs[1].Addr, `{"from":"writer-0","type":"put","id":1,"clock":1,"body":{"key":"late-0","value":"v1"}}`)
		assert.Contains(t, reason(t, e), "stale write")
		assert.Equal(t, "v2", waitAgree(ctx, t, addrs, keys[:1])["late-0"])
	})
}

// TestHostileForgedClockLosesNoWrite is item 12: a get whose clock is
// 2^64-2 wrapped every server's Lamport clock to 0, and every put of an
// existing key after it was acknowledged and lost. The clock is refused
// now, and the writes after it stay.
func TestHostileForgedClockLosesNoWrite(t *testing.T) {
	server, _ := programs(t)
	srvs := group(t, server, clientserver.Replicate, 3, func(int) []string { return nil })
	addrs := []string{srvs[0].Addr, srvs[1].Addr, srvs[2].Addr}
	ctx := programtest.Context(t)
	keys := keyList("clock-", 20)
	c := clientserver.NewClient(wire.NewNode("writer"), addrs, 0, programtest.Patience)
	defer c.Close()
	for _, key := range keys {
		_, err := c.Put(ctx, key, "before")
		require.NoError(t, err)
	}

	for _, addr := range addrs {
		e := ask(t, addr, `{"from":"mallory","type":"get","id":1,"clock":18446744073709551614,"body":{"key":"clock-0"}}`)
		assert.Contains(t, reason(t, e), "clock too far ahead", "the forged clock at %s", addr)
	}

	later := clientserver.NewClient(wire.NewNode("later"), addrs, 1, programtest.Patience)
	defer later.Close()
	for _, key := range keys {
		_, err := later.Put(ctx, key, "after")
		require.NoError(t, err)
	}
	for addr, store := range readAllKeys(ctx, t, addrs, keys) {
		for _, key := range keys {
			assert.Equal(t, "after", store[key], "%s at %s", key, addr)
		}
	}
}

// TestHostileRestartedReplicaCatchesUpAfterFrozenPeers is item 13: a
// replica that restarts while both its peers are frozen cannot copy their
// stores. It must not give up and answer "not found": it refuses clients
// ("catching up", so they ask another server), asks again until the peers
// answer, and then holds every key.
func TestHostileRestartedReplicaCatchesUpAfterFrozenPeers(t *testing.T) {
	server, _ := programs(t)
	rec := programtest.NewRecorder(t)
	srvs := group(t, server, clientserver.Replicate, 3, func(i int) []string {
		if i == 0 {
			return []string{"--trace", rec.Addr()}
		}
		return nil
	})
	addrs := []string{srvs[0].Addr, srvs[1].Addr, srvs[2].Addr}
	ctx := programtest.Context(t)
	keys := keyList("kept-", 50)
	c := clientserver.NewClient(wire.NewNode("writer"), addrs, 1, programtest.Patience)
	defer c.Close()
	for _, key := range keys {
		_, err := c.Put(ctx, key, "v-"+key)
		require.NoError(t, err)
	}

	require.NoError(t, srvs[0].Cmd.Process.Kill())
	srvs[0].Wait(t)
	for _, p := range srvs[1:] {
		require.NoError(t, p.Cmd.Process.Signal(syscall.SIGSTOP))
	}
	failures := len(rec.Matching(copyFailed))
	programtest.StartServer(t, server, srvs[0].Cmd.Args[1:]...)
	rec.WaitN(t, failures+2, copyFailed)

	t.Run("while the peers are frozen it refuses clients", func(t *testing.T) {
		e := ask(t, addrs[0], `{"from":"nc","type":"get","id":1,"body":{"key":"kept-0"}}`)
		assert.Contains(t, reason(t, e), "catching up")
		assert.True(t, programtest.Has(func(e trace.Event) bool {
			return e.Node == "server-1" && e.Kind == trace.KindState && e.Key == "sync" && e.Value == "catching up"
		})(rec.All()), "server-1 reports that it is catching up")
	})

	for _, p := range srvs[1:] {
		require.NoError(t, p.Cmd.Process.Signal(syscall.SIGCONT))
	}
	store := readAllKeys(ctx, t, addrs[:1], keys)[addrs[0]]
	for _, key := range keys {
		assert.Equal(t, "v-"+key, store[key], "%s on the restarted replica", key)
	}
}

// copyFailed matches a restarted replica's report that it could not copy
// a peer's store (yet).
func copyFailed(e trace.Event) bool {
	return e.Node == "server-1" && e.Kind == trace.KindLog && strings.HasPrefix(e.Text, "cannot")
}

// TestHostileClientCannotPlantAShadowCopy is item 14: in partition mode a
// client set "forwarded" itself and stored a copy of a key on a server that
// does not own it. Only a server of the group may forward (the request is
// sealed under the group key), only a key's owner stores it, even when a
// genuine forwarded request says otherwise, and the messages between
// replicas are refused in partition mode.
func TestHostileClientCannotPlantAShadowCopy(t *testing.T) {
	server, _ := programs(t)
	srvs := group(t, server, clientserver.Partition, 3, func(int) []string { return nil })
	ctx := programtest.Context(t)
	c := clientserver.NewClient(wire.NewNode("client"), []string{srvs[0].Addr}, 0, programtest.Patience)
	defer c.Close()
	// A key that server-1 does not own.
	var key string
	for i := 0; key == ""; i++ {
		require.Less(t, i, 100, "no key among 100 lives elsewhere")
		k := "k" + strconv.Itoa(i)
		res, err := c.Put(ctx, k, "real")
		require.NoError(t, err)
		if res.Server != "server-1" {
			key = k
		}
	}

	mallory := programtest.DialRaw(t, srvs[0].Addr)
	forwarded := func(typ string, r clientserver.Request) string {
		sealed, err := clientserver.SealRequest(testGroupKey, "server-2", typ, srvs[1].Addr, srvs[0].Addr, r)
		require.NoError(t, err)
		body, err := json.Marshal(sealed)
		require.NoError(t, err)
		return string(body)
	}
	t.Run("a forwarded put without the group key", func(t *testing.T) {
		mallory := mallory.In(t)
		mallory.Line(`{"from":"server-2","type":"put","id":1,"body":{"msg":{"key":"` + key + `","value":"shadow"},"sender":"` +
			srvs[1].Addr + `","receiver":"` + srvs[0].Addr + `","nonce":"n","mac":"` + strings.Repeat("ab", 32) + `"}}`)
		assert.Contains(t, reason(t, mallory.Reply()), "not from a member of the group")
	})
	t.Run("a genuine forwarded put to a server that does not own the key", func(t *testing.T) {
		mallory := mallory.In(t)
		mallory.Line(`{"from":"server-2","type":"put","id":2,"body":` + forwarded("put", clientserver.Request{Key: key, Value: "shadow"}) + `}`)
		assert.Contains(t, reason(t, mallory.Reply()), "not here")
	})
	t.Run("a genuine forwarded get there finds no copy", func(t *testing.T) {
		mallory := mallory.In(t)
		mallory.Line(`{"from":"server-2","type":"get","id":3,"body":` + forwarded("get", clientserver.Request{Key: key}) + `}`)
		assert.Contains(t, reason(t, mallory.Reply()), "not here")
	})
	t.Run("every server answers with the owner's value", func(t *testing.T) {
		for _, s := range srvs {
			c := clientserver.NewClient(wire.NewNode("reader"), []string{s.Addr}, 0, programtest.Patience)
			res, err := c.Get(ctx, key)
			c.Close()
			require.NoError(t, err)
			assert.Equal(t, "real", res.Value, "%s from %s", key, s.Addr)
		}
	})
	t.Run("messages between replicas are refused", func(t *testing.T) {
		mallory := mallory.In(t)
		for i, line := range []string{
			`{"from":"mallory","type":"replicate","id":4,"body":{"key":"` + key + `","value":"shadow","version":{"clock":1,"node":"x"}}}`,
			`{"from":"mallory","type":"sync","id":5,"body":{"after":""}}`,
			`{"from":"mallory","type":"catch_up","id":6,"body":{}}`,
		} {
			mallory.Line(line)
			assert.Contains(t, reason(t, mallory.Reply()), "not one (--mode replicate)", "line %d", i)
		}
	})
}

// TestHostileFrozenReplicaDoesNotSlowWrites is item 19: one frozen replica
// made every write of the group wait the full timeout. It is suspected
// after one missed deadline; later writes neither go to it nor wait for it;
// when it thaws it is asked to catch up and then holds every write.
func TestHostileFrozenReplicaDoesNotSlowWrites(t *testing.T) {
	server, _ := programs(t)
	rec := programtest.NewRecorder(t)
	srvs := group(t, server, clientserver.Replicate, 3, func(i int) []string {
		if i != 2 {
			return []string{"--trace", rec.Addr()}
		}
		return nil
	})
	addrs := []string{srvs[0].Addr, srvs[1].Addr, srvs[2].Addr}
	ctx := programtest.Context(t)
	rec.WaitFor(t, "server-1 to know server-2 by name", programtest.Has(func(e trace.Event) bool {
		return e.Node == "server-1" && e.Kind == trace.KindRecv && e.Msg != nil && e.Msg.From == "server-2"
	}))

	require.NoError(t, srvs[1].Cmd.Process.Signal(syscall.SIGSTOP))
	c := clientserver.NewClient(wire.NewNode("writer"), addrs[:1], 0, programtest.Patience)
	defer c.Close()
	keys := keyList("fast-", 20)
	for _, key := range keys {
		_, err := c.Put(ctx, key, "v-"+key)
		require.NoError(t, err)
	}
	// server-1's events come in the order it reported them: after it
	// suspected server-2, no write went there any more. They reach the
	// recorder a little after they happen: wait for the suspicion.
	rec.WaitFor(t, "server-1 to report server-2 as suspect", programtest.Has(suspects("server-2")))
	events := rec.Matching(func(e trace.Event) bool { return e.Node == "server-1" })
	suspected := slices.IndexFunc(events, suspects("server-2"))
	require.GreaterOrEqual(t, suspected, 0, "server-1 reports server-2 as suspect")
	for _, e := range events[suspected:] {
		if e.Kind == trace.KindSend && e.Msg.Type == "replicate" && (e.Msg.To == "server-2" || e.Msg.To == addrs[1]) {
			t.Errorf("a write went to the suspect server-2: %s", e.Msg.Body)
		}
	}

	require.NoError(t, srvs[1].Cmd.Process.Signal(syscall.SIGCONT))
	rec.WaitFor(t, "server-1 to trust server-2 again", programtest.Has(suspects("none")))
	store := readAllKeys(ctx, t, addrs[1:2], keys)[addrs[1]]
	for _, key := range keys {
		assert.Equal(t, "v-"+key, store[key], "%s on server-2 after it caught up", key)
	}
}

// suspects matches server-1's report of the peers it suspects.
func suspects(value string) func(trace.Event) bool {
	return func(e trace.Event) bool {
		return e.Node == "server-1" && e.Kind == trace.KindState && e.Key == "suspect" && e.Value == value
	}
}

// TestHostileSyncPagesFitInAFrame is item 18's part of the server: what
// one request makes it hold or send is bounded. Keys and values have a
// limit, and a page of sync_ok fits in one wire frame however large the
// values are. The test asks for the pages as a member of the group would.
func TestHostileSyncPagesFitInAFrame(t *testing.T) {
	server, _ := programs(t)
	srvs := group(t, server, clientserver.Replicate, 2, func(int) []string { return nil })
	ctx := programtest.Context(t)
	c := clientserver.NewClient(wire.NewNode("writer"), []string{srvs[0].Addr}, 0, programtest.Patience)
	defer c.Close()
	big := strings.Repeat("<", clientserver.MaxValue) // six bytes each in JSON, as \u003c
	for i := range 20 {
		_, err := c.Put(ctx, fmt.Sprintf("big-%02d", i), big)
		require.NoError(t, err)
	}

	p := programtest.DialRaw(t, srvs[0].Addr)
	t.Run("limits", func(t *testing.T) {
		p := p.In(t)
		p.Line(`{"from":"nc","type":"put","id":1,"body":{"key":"` + strings.Repeat("k", clientserver.MaxKey+1) + `","value":"1"}}`)
		assert.Contains(t, reason(t, p.Reply()), "longer than the limit")
		p.Line(`{"from":"nc","type":"put","id":2,"body":{"key":"k","value":"` + strings.Repeat("v", clientserver.MaxValue+1) + `"}}`)
		assert.Contains(t, reason(t, p.Reply()), "longer than the limit")
	})
	t.Run("sync pages", func(t *testing.T) {
		p := p.In(t)
		after, entries, pages := "", 0, 0
		for more := true; more; pages++ {
			require.Less(t, pages, 100, "sync never ends")
			sealed, err := clientserver.SealRequest(testGroupKey, "nc", "sync", "127.0.0.1:1", srvs[0].Addr, clientserver.SyncRequest{After: after})
			require.NoError(t, err)
			body, err := json.Marshal(sealed)
			require.NoError(t, err)
			p.Line(fmt.Sprintf(`{"from":"nc","type":"sync","id":%d,"body":%s}`, 10+pages, body))
			line := p.ReadLine()
			e, err := wire.Decode(line[:len(line)-1])
			require.NoError(t, err)
			require.Equal(t, "sync_ok", e.Type, "reply %.200s", e.Body)
			assert.LessOrEqual(t, len(line), wire.MaxFrame, "page %d", pages)
			var reply clientserver.Sealed
			require.NoError(t, json.Unmarshal(e.Body, &reply))
			var page clientserver.SyncPage
			require.NoError(t, json.Unmarshal(reply.Msg, &page))
			require.NotEmpty(t, page.Entries)
			entries += len(page.Entries)
			after, more = page.Entries[len(page.Entries)-1].Key, page.More
		}
		assert.Equal(t, 20, entries)
		assert.Greater(t, pages, 1, "20 values of 64 KiB take more than one page")
	})
}

// TestHostileOnlyGroupMembersMayReplicate is item 14 for every message
// between servers: any client could send replicate, sync or catch_up to a
// replica (planting a value, reading the store, making it refuse clients)
// and a forwarded put to a key's owner. Each of them now needs a MAC under
// the group key; one without is refused and changes nothing, and a genuine
// message sent to another server than the one it was sealed for is refused
// too.
func TestHostileOnlyGroupMembersMayReplicate(t *testing.T) {
	server, _ := programs(t)
	ctx := programtest.Context(t)
	forged := func(key, value string, receiver string) string {
		return `{"msg":{"key":"` + key + `","value":"` + value + `"},"sender":"127.0.0.1:1","receiver":"` + receiver +
			`","nonce":"n","mac":"` + strings.Repeat("00", 32) + `"}`
	}

	t.Run("replicate mode", func(t *testing.T) {
		rec := programtest.NewRecorder(t)
		srvs := group(t, server, clientserver.Replicate, 3, func(i int) []string {
			if i == 0 {
				return []string{"--trace", rec.Addr()}
			}
			return nil
		})
		addrs := []string{srvs[0].Addr, srvs[1].Addr, srvs[2].Addr}
		c := clientserver.NewClient(wire.NewNode("writer"), addrs, 0, programtest.Patience)
		defer c.Close()
		_, err := c.Put(ctx, "k", "real")
		require.NoError(t, err)

		mallory := programtest.DialRaw(t, srvs[1].Addr)
		for i, line := range []string{
			`{"from":"mallory","type":"replicate","id":1,"clock":1000,"body":{"key":"k","value":"planted","version":{"clock":999,"node":"zz"}}}`,
			`{"from":"mallory","type":"replicate","id":2,"clock":1000,"body":` + forged("k", "planted", addrs[1]) + `}`,
			`{"from":"mallory","type":"sync","id":3,"body":{"after":""}}`,
			`{"from":"mallory","type":"catch_up","id":4,"body":{}}`,
		} {
			mallory.Line(line)
			assert.Contains(t, reason(t, mallory.Reply()), "not from a member of the group", "line %d", i)
		}

		// A genuine replicate from server-1 to server-2, as the trace shows
		// it, sent to server-3 instead: it was sealed for server-2 only.
		sent := rec.WaitN(t, 1, func(e trace.Event) bool {
			return e.Node == "server-1" && e.Kind == trace.KindSend && e.Msg != nil && e.Msg.Type == "replicate" &&
				(e.Msg.To == "server-2" || e.Msg.To == addrs[1])
		})[0].Msg
		genuine := wire.Envelope{From: sent.From, To: sent.To, Type: sent.Type, ID: sent.ID, Clock: sent.Clock, Body: sent.Body}
		line, err := json.Marshal(genuine)
		require.NoError(t, err)
		e := ask(t, srvs[2].Addr, string(line))
		assert.Contains(t, reason(t, e), "not for this server", "a message reflected to another replica")
		// Sent again to server-2, it is harmless: server-2 holds that
		// version already, and versions are compared.
		e = ask(t, srvs[1].Addr, string(line))
		assert.Equal(t, "replicate_ok", e.Type, "a replayed replicate: %s", e.Body)

		_, err = c.Put(ctx, "after", "works")
		require.NoError(t, err, "the group still takes writes")
		final := waitAgree(ctx, t, addrs, []string{"k", "after"})
		assert.Equal(t, map[string]string{"k": "real", "after": "works"}, final)
	})

	t.Run("partition mode", func(t *testing.T) {
		srvs := group(t, server, clientserver.Partition, 3, func(int) []string { return nil })
		c := clientserver.NewClient(wire.NewNode("client"), []string{srvs[0].Addr}, 0, programtest.Patience)
		defer c.Close()
		// A key that server-1 does not own, and its owner.
		var key, owner string
		for i := 0; key == ""; i++ {
			require.Less(t, i, 100, "no key among 100 lives elsewhere")
			k := "k" + strconv.Itoa(i)
			res, err := c.Put(ctx, k, "real")
			require.NoError(t, err)
			for i, srv := range srvs[1:] {
				if res.Server == fmt.Sprintf("server-%d", i+2) {
					key, owner = k, srv.Addr
				}
			}
		}
		e := ask(t, owner, `{"from":"server-1","type":"put","id":1,"body":`+forged(key, "planted", owner)+`}`)
		assert.Contains(t, reason(t, e), "not from a member of the group", "a forged forwarded put to the owner")
		for _, s := range srvs {
			r := clientserver.NewClient(wire.NewNode("reader"), []string{s.Addr}, 0, programtest.Patience)
			res, err := r.Get(ctx, key)
			r.Close()
			require.NoError(t, err)
			assert.Equal(t, "real", res.Value, "%s from %s", key, s.Addr)
		}
	})
}

// TestHostileReplayedForwardedPutIsRefused: in partition mode the owner of
// a key gives a forwarded put a fresh version from its own clock, so a
// genuine sealed put captured on the way from server-1 to the owner and
// sent again later would overwrite every newer write of the key. The owner
// takes each sealed forwarded request once, and only while it is fresh: a
// replay is refused and the newer value stays.
func TestHostileReplayedForwardedPutIsRefused(t *testing.T) {
	server, _ := programs(t)
	rec := programtest.NewRecorder(t)
	beforeStart := time.Now()
	srvs := group(t, server, clientserver.Partition, 3, func(i int) []string {
		if i == 0 {
			return []string{"--trace", rec.Addr()}
		}
		return nil
	})
	ctx := programtest.Context(t)
	// forwarded is a put forwarded from server-1 to the server at receiver,
	// sealed at the time issued, as a member whose clock is wrong would.
	forwarded := func(receiver string, issued time.Time, key string) wire.Envelope {
		sealed, err := clientserver.SealRequestAt(issued, testGroupKey, "server-1", "put", srvs[0].Addr, receiver,
			clientserver.Request{Key: key, Value: "planted"})
		require.NoError(t, err)
		body, err := json.Marshal(sealed)
		require.NoError(t, err)
		return ask(t, receiver, `{"from":"server-1","type":"put","id":1,"body":`+string(body)+`}`)
	}
	// Sealed within the window, but before server-2 started: it cannot
	// know whether it took it before a restart.
	e := forwarded(srvs[1].Addr, beforeStart.Add(-time.Second), "x")
	assert.Contains(t, reason(t, e), "sealed before what this server remembers", "a put sealed before the owner started")

	c := clientserver.NewClient(wire.NewNode("client"), []string{srvs[0].Addr}, 0, programtest.Patience)
	defer c.Close()
	// A key that server-1 does not own: its put goes out forwarded.
	var key string
	for i := 0; key == ""; i++ {
		require.Less(t, i, 100, "no key among 100 lives elsewhere")
		k := "r" + strconv.Itoa(i)
		res, err := c.Put(ctx, k, "old")
		require.NoError(t, err)
		if res.Server != "server-1" {
			key = k
		}
	}
	// The forwarded put as the trace shows it: what a listener on the
	// network captured.
	sent := rec.WaitN(t, 1, func(e trace.Event) bool {
		return e.Node == "server-1" && e.Kind == trace.KindSend && e.Msg != nil && e.Msg.Type == "put" &&
			strings.Contains(string(e.Msg.Body), `"key":"`+key+`"`)
	})[0].Msg
	var sealed clientserver.Sealed
	require.NoError(t, json.Unmarshal(sent.Body, &sealed))
	captured, err := json.Marshal(wire.Envelope{From: sent.From, To: sent.To, Type: sent.Type, ID: sent.ID, Clock: sent.Clock, Body: sent.Body})
	require.NoError(t, err)
	_, err = c.Put(ctx, key, "new")
	require.NoError(t, err)

	t.Run("the captured put sent again", func(t *testing.T) {
		e := ask(t, sealed.Receiver, string(captured))
		assert.Contains(t, reason(t, e), "a replay")
	})
	t.Run("a put sealed long ago, or in the future", func(t *testing.T) {
		assert.Contains(t, reason(t, forwarded(sealed.Receiver, time.Now().Add(-time.Minute), key)), "stale")
		assert.Contains(t, reason(t, forwarded(sealed.Receiver, time.Now().Add(time.Minute), key)), "in the future")
	})
	for _, s := range srvs {
		r := clientserver.NewClient(wire.NewNode("reader"), []string{s.Addr}, 0, programtest.Patience)
		res, err := r.Get(ctx, key)
		r.Close()
		require.NoError(t, err)
		assert.Equal(t, "new", res.Value, "%s from %s", key, s.Addr)
	}
	_, err = c.Put(ctx, key, "newest")
	require.NoError(t, err, "forwarding goes on working")
}

// TestHostileClocklessWriteInReplicateMode: clock is optional on the wire,
// and a replica used the envelope's clock as the write's version, so a
// client that sends none (nc) wrote with version 0 and every later put of
// the same key was a "stale write" forever. A write without a clock takes
// the server's own Lamport time instead, so nc can overwrite its own keys,
// and every replica keeps the last one.
func TestHostileClocklessWriteInReplicateMode(t *testing.T) {
	server, _ := programs(t)
	srvs := group(t, server, clientserver.Replicate, 3, func(int) []string { return nil })
	addrs := []string{srvs[0].Addr, srvs[1].Addr, srvs[2].Addr}
	ctx := programtest.Context(t)
	nc := programtest.DialRaw(t, addrs[0])
	for i, value := range []string{"1", "2", "3"} {
		nc.Line(fmt.Sprintf(`{"from":"nc","type":"put","id":%d,"body":{"key":"a","value":"%s"}}`, i+1, value))
		e := nc.Reply()
		require.Equal(t, "put_ok", e.Type, "put a %s without a clock: %s", value, e.Body)
	}
	e := ask(t, addrs[1], `{"from":"nc-2","type":"put","id":1,"body":{"key":"a","value":"4"}}`)
	require.Equal(t, "put_ok", e.Type, "put a 4 without a clock at another replica: %s", e.Body)
	nc.Line(`{"from":"nc","type":"del","id":4,"body":{"key":"a"}}`)
	e = nc.Reply()
	require.Equal(t, "del_ok", e.Type, "del a without a clock: %s", e.Body)
	nc.Line(`{"from":"nc","type":"put","id":5,"body":{"key":"a","value":"5"}}`)
	e = nc.Reply()
	require.Equal(t, "put_ok", e.Type, "put a 5 after the delete: %s", e.Body)
	assert.Equal(t, map[string]string{"a": "5"}, waitAgree(ctx, t, addrs, []string{"a"}))
}
