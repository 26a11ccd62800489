package mobilecode

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// The decoders of everything mobile code reads from the network, fuzzed:
// go test -fuzz FuzzDecodeRun ./mobilecode/ (one target at a time). The
// corpora are kept in testdata/fuzz/. Whatever arrives, a decoder answers
// with a value or an error, never a panic, and what it accepts is within
// the protocol's bounds.

func FuzzDecodeFetch(f *testing.F) {
	f.Add([]byte(`{"name":"convert","src":"show(1)","sig":"AAEC"}`))
	f.Add([]byte(`{"name":"","src":"","sig":""}`))
	f.Add([]byte(`{"name":"x","sig":"not base64!"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := decodeFetch(raw)
		if err != nil {
			return
		}
		if s.Name == "" || len(s.Name) > maxNameLen || len(s.Src) > maxScriptSize {
			t.Fatalf("accepted a script out of bounds: name %q, %d bytes", s.Name, len(s.Src))
		}
		// What decodes must survive the trip back over the wire.
		again, err := json.Marshal(s.Body())
		require.NoError(t, err)
		s2, err := decodeFetch(again)
		require.NoError(t, err)
		assert.Equal(t, s.Name, s2.Name)
		assert.Equal(t, s.Sig, s2.Sig)
	})
}

func FuzzDecodeRun(f *testing.F) {
	f.Add([]byte(`{"name":"rem","src":"show(1)","nonce":"AAAAAAAAAAAAAAAAAAAAAA==","issued":1700000000000,"sig":"AAEC"}`))
	f.Add([]byte(`{"name":"rem","src":"show(1)","nonce":"AAEC","issued":1,"sig":""}`))
	f.Add([]byte(`{"name":"rem","nonce":"AAAAAAAAAAAAAAAAAAAAAA==","issued":-5}`))
	f.Add([]byte(`{"name":"../etc/passwd"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := decodeRun(raw)
		if err != nil {
			return
		}
		if r.Name == "" || len(r.Name) > maxNameLen || len(r.Src) > maxScriptSize ||
			len(r.Nonce) != nonceSize || r.Issued.UnixMilli() <= 0 {
			t.Fatalf("accepted a run request out of bounds: %+v", r)
		}
		again, err := json.Marshal(r.Body())
		require.NoError(t, err)
		r2, err := decodeRun(again)
		require.NoError(t, err)
		assert.Equal(t, r, r2)
	})
}

// FuzzCallReply decodes what a script's origin.call gets back from the
// network, as the client does.
func FuzzCallReply(f *testing.F) {
	f.Add([]byte(`{"result":{"EUR":1,"USD":1.08}}`))
	f.Add([]byte(`{"result":[{"name":"pencil","price":0.8,"stock":500}]}`))
	f.Add([]byte(`{"result":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`))
	f.Add([]byte(`{"result":1e400}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var r CallReply
		if json.Unmarshal(raw, &r) != nil {
			return
		}
		v, err := sandbox.FromGo(r.Result)
		if err != nil || len(raw) > sandbox.MaxValueSize/8 {
			return
		}
		// What a script was given, it can send home again (ToGo counts at
		// most 8 bytes for each byte of JSON).
		if _, err := sandbox.ToGo(v); err != nil {
			t.Fatalf("cannot send back what arrived: %v", err)
		}
	})
}

// FuzzServerHandle sends the codeserver a request of any type with any
// body, as a client on the network can: the answer is a reply or an error,
// never a panic.
func FuzzServerHandle(f *testing.F) {
	f.Add("list", []byte(`{}`))
	f.Add("fetch", []byte(`{"name":"aggregate.star"}`))
	f.Add("call", []byte(`{"op":"echo","args":{"a":[1,2,{"b":null}]}}`))
	f.Add("call", []byte(`{"op":"products","args":{"category":7}}`))
	f.Add("run", []byte(`{"name":"rem","src":"show(1)","nonce":"AAAAAAAAAAAAAAAAAAAAAA==","issued":1700000000000,"sig":"AAEC"}`))
	f.Add("nope", []byte(`null`))
	key, err := sandbox.ReadPrivateKey(sandbox.DemoName)
	require.NoError(f, err)
	trust, err := sandbox.ReadPublicKey(sandbox.DemoName)
	require.NoError(f, err)
	srv, err := newServer(wire.NewNode(serverName), serverConfig{Key: key, Trust: trust})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, typ string, body []byte) {
		reply, err := srv.Handle(context.Background(), wire.Envelope{Type: typ, Body: body})
		if err == nil {
			_, err = json.Marshal(reply)
			require.NoError(t, err, "a reply must be sendable")
		}
		var remote *wire.RemoteError
		assert.False(t, errors.As(err, &remote), "the server's own errors are not remote")
	})
}
