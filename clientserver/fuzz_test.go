package clientserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// messageTypes are the keys of Messages, sorted: a fuzz input's first byte
// picks one of them, or one past the end for a type nobody knows.
var messageTypes = slices.Sorted(func(yield func(string) bool) {
	for typ := range Messages {
		if !yield(typ) {
			return
		}
	}
})

// The group the fuzzed replica belongs to: this server and one peer whose
// address nobody listens on, under a group key.
const (
	fuzzKey  = "fuzz-group-key"
	fuzzSelf = "127.0.0.1:7100"
	fuzzPeer = "127.0.0.1:1"
)

// FuzzServerMessages sends a server a message of each type in Messages
// with any body, as a line from the network arrives (through
// wire.Decode). A client's request goes to a server alone; a message
// between replicas goes to a replica, sealed by its peer when sealed is
// set, so the fuzzer reaches the checks behind the seal (a member of the
// group, or whoever holds its key, can send any body). A reply type is
// decoded into its body type, as a client or a replica reads an answer.
//
// Each request is answered or refused with a reason, never a panic; what
// a server answers keeps its bounds and fits in one frame, and a replica
// keeps only writes that pass checkReplica.
func FuzzServerMessages(f *testing.F) {
	seeds := []struct {
		typ    string
		body   string
		clock  uint64
		sealed bool
	}{
		{TypePut, `{"key":"a","value":"1"}`, 5, false},
		{TypeGet, `{"key":"a"}`, 5, false},
		{TypeDel, `{"key":"` + strings.Repeat("k", MaxKey+1) + `"}`, 5, false},
		{TypeReplicate, `{"key":"a","value":"2","version":{"clock":7,"node":"server-2"}}`, 9, true},
		{TypeReplicate, `{"key":"a","version":{"clock":18446744073709551615,"node":"server-2"}}`, 9, true},
		{TypeSync, `{"after":""}`, 3, true},
		{TypeCatchUp, `{}`, 3, true},
		{TypeSyncOK, `{"entries":[{"key":"a","version":{"clock":1,"node":"x"}}],"more":true}`, 3, false},
		{TypePut, `{"key":` + strings.Repeat("[", 3000) + `}`, 1, false},
		{"nope", `null`, 1, false},
	}
	for _, s := range seeds {
		f.Add(byte(slices.Index(messageTypes, s.typ)), []byte(s.body), s.clock, s.sealed)
	}
	alone, err := newServer(wire.NewNode("server"), fuzzSelf, ServerConfig{Mode: Alone})
	require.NoError(f, err)
	replica, err := newServer(wire.NewNode("server-1"), fuzzSelf, ServerConfig{Mode: Replicate, Peers: []string{fuzzPeer}, GroupKey: fuzzKey})
	require.NoError(f, err)
	f.Cleanup(func() {
		for _, p := range replica.peers {
			p.pool.Close()
		}
	})

	f.Fuzz(func(t *testing.T, pick byte, body []byte, clock uint64, sealed bool) {
		typ := "unknown"
		if int(pick) < len(messageTypes) {
			typ = messageTypes[pick]
		}
		if sealed && json.Valid(body) {
			sd, err := SealRequest(fuzzKey, "server-2", typ, fuzzPeer, fuzzSelf, json.RawMessage(body))
			require.NoError(t, err)
			body, err = json.Marshal(sd)
			require.NoError(t, err)
		}
		line := fmt.Appendf(nil, `{"from":"server-2","to":"server-1","type":%q,"id":1,"clock":%d,"body":%s}`, typ, clock, body)
		env, err := wire.Decode(line)
		if err != nil {
			require.ErrorAs(t, err, new(*wire.DecodeError), "the wire refuses a line with a *DecodeError")
			return
		}
		switch typ {
		case TypeGet, TypePut, TypeDel:
			res, err := alone.handle(context.Background(), env)
			checkClientAnswer(t, res, err)
		case TypeReplicate, TypeSync, TypeCatchUp:
			res, err := replica.handle(context.Background(), env)
			checkReplicaAnswer(t, replica, env, res, err)
		default:
			if body, known := Messages[typ]; known {
				v := reflect.New(reflect.TypeOf(body))
				if env.UnmarshalBody(v.Interface()) == nil {
					_, err := json.Marshal(v.Interface())
					require.NoError(t, err, "a decoded %s body can be written again", typ)
				}
				return
			}
			_, err := alone.handle(context.Background(), env)
			require.Error(t, err, "an unknown type is refused")
		}
	})
}

func checkClientAnswer(t *testing.T, res any, err error) {
	if err != nil {
		require.NotEmpty(t, err.Error(), "a refusal says why")
		return
	}
	r, ok := res.(Result)
	require.True(t, ok, "a client gets a Result, not %T", res)
	require.True(t, r.Key != "" && len(r.Key) <= MaxKey, "a key of 1 to %d bytes, not %d", MaxKey, len(r.Key))
	require.True(t, utf8.ValidString(r.Key), "a key is valid UTF-8")
	require.LessOrEqual(t, len(r.Value), MaxValue)
	fits(t, res)
}

func checkReplicaAnswer(t *testing.T, s *server, env wire.Envelope, res any, err error) {
	if err != nil {
		require.NotEmpty(t, err.Error(), "a refusal says why")
		require.False(t, errors.As(err, new(*wire.RemoteError)), "the server's own errors are not remote")
		return
	}
	_, ok := res.(Sealed)
	require.True(t, ok, "a replica seals its answers, not %T", res)
	fits(t, res)
	if env.Type != TypeReplicate {
		return
	}
	// The replica took the write: it passed the checks, and the store
	// holds it or a newer version of its key.
	var sd Sealed
	require.NoError(t, env.UnmarshalBody(&sd))
	var w Replica
	require.NoError(t, json.Unmarshal(sd.Msg, &w))
	require.NoError(t, checkReplica(w, env.Clock), "a replica took a write its checks refuse")
	_, kept := s.apply(w)
	require.NotNil(t, kept, "the store holds key %q", w.Key)
	require.False(t, kept.Version.less(w.Version), "the store keeps the newest version")
}

// fits checks that an answer can be sent in one frame.
func fits(t *testing.T, res any) {
	out, err := json.Marshal(res)
	require.NoError(t, err, "an answer can be sent")
	require.LessOrEqual(t, len(out), wire.MaxFrame, "an answer fits in one frame")
}
