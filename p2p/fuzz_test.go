package p2p

import (
	"context"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// replyBodies are the replies a peer reads from the network, by the type
// of the reply envelope, each with a new value to decode into.
var replyBodies = map[string]func() checked{
	TypeClosestOK:     func() checked { return new(Step) },
	TypePredecessorOK: func() checked { return new(Neighbours) },
	TypePingOK:        func() checked { return new(NodeBody) },
	TypeFetchOK:       func() checked { return new(Fetched) },
	TypeStateOK:       func() checked { return new(State) },
	TypeStoreOK:       func() checked { return new(Stored) },
	TypePutOK:         func() checked { return new(Stored) },
	TypeGetOK:         func() checked { return new(Found) },
	TypeRingOK:        func() checked { return new(RingView) },
}

// FuzzRingMessage feeds every ring message, request or reply, with any
// body, to the code that reads it from the network. A request goes to
// the handler of a peer alone in its ring (its only way out to the
// network is to ask a peer a notify or leave names, which is refused
// unless the peer's position is right, and answered quickly then); a
// reply goes through readBody. Neither may panic, a refusal must say why,
// and what is accepted must be within the limits and read the same way
// again after a round trip through JSON.
func FuzzRingMessage(f *testing.F) {
	here := NodeRef{ID: Hash("peer-2"), Addr: "127.0.0.1:2", Name: "peer-2"} // nobody listens there
	ref, _ := json.Marshal(here)
	for _, seed := range []struct{ typ, body string }{
		{"closest", `{"id":123}`},
		{"closest", `{"id":4294967296}`},
		{"closest", `{"id":-1}`},
		{"predecessor", `{}`},
		{"notify", `{"node":` + string(ref) + `}`},
		{"notify", `{"node":{"id":1,"addr":"127.0.0.1:1","name":"n"}}`},
		{"notify", `{"node":{"id":1,"addr":"[::1]:99999","name":"n"}}`},
		{"ping", ``},
		{"store", `{"items":[{"key":"a","value":"1"}]}`},
		{"store", `{"items":[{"key":"a"},{"key":"b"}]}`},
		{"replicate", `{"items":[{"key":"a","value":"1","version":1}]}`},
		{"replicate", `{"items":[{"key":"a","value":"1","version":18446744073709551614}]}`},
		{"handover", `{"items":[]}`},
		{"handover", `{"items":null}`},
		{"fetch", `{"key":"a"}`},
		{"fetch", `{"key":""}`},
		{"leave", `{"node":` + string(ref) + `,"pred":{},"succs":[` + string(ref) + `]}`},
		{"leave", `{"node":{},"succs":[]}`},
		{"state", `{}`},
		{"put", `{"items":[{"key":"apple","value":"red"}]}`},
		{"put", `{"items":[{"key":"\u0000<&>","value":"\u2028"}]}`},
		{"get", `{"key":"apple"}`},
		{"ring", `{}`},
		{"join-me", `{}`},
		{"closest_ok", `{"done":true,"succs":[` + string(ref) + `]}`},
		{"closest_ok", `{"done":true}`},
		{"closest_ok", `{"next":[` + string(ref) + `,` + string(ref) + `]}`},
		{"predecessor_ok", `{"pred":{},"succs":[` + string(ref) + `]}`},
		{"predecessor_ok", `{"pred":{"id":0,"addr":"","name":"x"}}`},
		{"ping_ok", `{"node":` + string(ref) + `}`},
		{"fetch_ok", `{"item":{"key":"a","value":"1","version":3},"found":true,"peer":` + string(ref) + `}`},
		{"state_ok", `{"self":` + string(ref) + `,"pred":{},"succs":[],"fingers":[],"keys":2,"own":3}`},
		{"store_ok", `{"key":"a","peer":` + string(ref) + `,"hops":-1}`},
		{"get_ok", `{"key":"a","value":"1","peer":` + string(ref) + `,"hops":2}`},
		{"ring_ok", `{"self":{"self":` + string(ref) + `},"walk":[{"self":` + string(ref) + `}]}`},
	} {
		f.Add(seed.typ, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, typ string, body []byte) {
		if !utf8.Valid(body) {
			return // the wire refuses such lines before a peer sees them
		}
		e := wire.Envelope{From: "fuzz", Type: typ, ID: 1, Clock: 1 << 20, Body: body}
		if len(body) == 0 || string(body) == "null" {
			e.Body = nil
		}
		if newBody, ok := replyBodies[typ]; ok {
			v := newBody()
			if err := readBody(e, v); err != nil {
				require.NotEmpty(t, err.Error(), "a refusal says why")
				return
			}
			again, err := json.Marshal(v)
			require.NoError(t, err)
			require.NoError(t, readBody(wire.Envelope{Type: typ, Body: again}, newBody()), "read again: %s", again)
			return
		}
		p := newPeer(wire.NewNode("peer-1"), "127.0.0.1:1", true, PeerConfig{Timeout: 50 * time.Millisecond})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		reply, err := p.handle(ctx, e)
		if err != nil {
			require.NotEmpty(t, err.Error(), "a refusal says why")
			return
		}
		out, err := json.Marshal(reply)
		require.NoError(t, err)
		require.Less(t, len(out), wire.MaxFrame, "a reply fits in a frame")
		for k, it := range p.items {
			require.NoError(t, it.check(), "kept %q", k)
			require.LessOrEqual(t, it.Version, max(e.Clock, p.node.Clock.Now()), "kept %q from the future", k)
		}
		require.NoError(t, p.state().check(), "the peer's own state")
	})
}
