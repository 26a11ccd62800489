package rpc_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// requests numbers the requests the tests send by hand.
var requests atomic.Uint64

// ask sends one request from mallory with the given type and body (any
// JSON text) and returns the reply.
func ask(r *programtest.Raw, typ, body string) wire.Envelope {
	r.Line(fmt.Sprintf(`{"from":"mallory","type":%q,"id":%d,"clock":1,"body":%s}`, typ, requests.Add(1), body))
	return r.Reply()
}

// refused asserts an error reply whose reason contains want.
func refused(t *testing.T, r *programtest.Raw, typ, body, want string) {
	t.Helper()
	e := ask(r, typ, body)
	assert.Equal(t, wire.TypeError, e.Type, "reply to %s %s: %s", typ, body, e.Body)
	assert.Contains(t, programtest.Reason(e), want)
}

func TestHostileDirectoryRefusesBadInput(t *testing.T) {
	dir := startDirectory(t, "--max-registrations", "3")
	c := programtest.DialRaw(t, dir.Addr)
	long := strings.Repeat("x", rpc.MaxNameLen+1)
	many := map[string]string{}
	for i := range rpc.MaxAttributes + 1 {
		many[fmt.Sprint("k", i)] = "v"
	}
	tooMany, _ := json.Marshal(rpc.RegisterRequest{Name: "n", Interface: "I", Address: "127.0.0.1:1", Attributes: many})
	cases := []struct{ name, typ, body, want string }{
		{"unknown type", "frob", `{}`, `unknown message type "frob"`},
		{"body of the wrong shape", rpc.TypeRegister, `[1,2]`, "the body is not a"},
		{"name missing", rpc.TypeRegister, `{"interface":"Bank","address":"127.0.0.1:1"}`, "name missing"},
		{"name too long", rpc.TypeRegister, `{"name":"` + long + `","interface":"Bank","address":"127.0.0.1:1"}`, "at most 64"},
		{"control characters", rpc.TypeRegister, `{"name":"a\u0007b","interface":"Bank","address":"127.0.0.1:1"}`, "only printable"},
		{"no port", rpc.TypeRegister, `{"name":"n","interface":"Bank","address":"somewhere"}`, "want HOST:PORT"},
		{"too many attributes", rpc.TypeRegister, string(tooMany), "at most 16"},
		{"negative lease", rpc.TypeRegister, `{"name":"n","interface":"Bank","address":"127.0.0.1:1","lease_ms":-5}`, "at least 20 ms"},
		{"a lease of a wrong type", rpc.TypeRegister, `{"name":"n","interface":"Bank","address":"127.0.0.1:1","lease_ms":"long"}`, "the body is not a"},
		{"forged lease id", rpc.TypeRenew, `{"lease":"L999","key":"00"}`, `no lease "L999"`},
		{"cancel of a forged lease", rpc.TypeCancel, `{"lease":"L999","key":"00"}`, `no lease "L999"`},
		{"template too long", rpc.TypeLookup, `{"interface":"` + long + `"}`, "at most 64"},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) { refused(t, c.In(t), k.typ, k.body, k.want) })
	}

	t.Run("renewing someone else's lease", func(t *testing.T) {
		c := c.In(t)
		e := ask(c, rpc.TypeRegister, `{"name":"victim","interface":"Bank","address":"127.0.0.1:1"}`)
		require.Equal(t, rpc.TypeRegisterOK, e.Type)
		var g rpc.Grant
		require.NoError(t, json.Unmarshal(e.Body, &g))
		other := programtest.DialRaw(t, dir.Addr) // knows the lease's id from a list, not its key
		refused(t, other, rpc.TypeRenew, fmt.Sprintf(`{"lease":%q,"key":"guess"}`, g.Lease), "is not yours")
		refused(t, other, rpc.TypeCancel, fmt.Sprintf(`{"lease":%q,"key":%q}`, g.Lease, strings.Repeat("0", 32)), "is not yours")
		e = ask(c, rpc.TypeRenew, fmt.Sprintf(`{"lease":%q,"key":%q}`, g.Lease, g.Key))
		assert.Equal(t, rpc.TypeRenewOK, e.Type, "the owner still renews it")
	})
	t.Run("full", func(t *testing.T) {
		c := c.In(t)
		for i := range 2 {
			e := ask(c, rpc.TypeRegister, fmt.Sprintf(`{"name":"s%d","interface":"Bank","address":"127.0.0.1:1"}`, i))
			require.Equal(t, rpc.TypeRegisterOK, e.Type, string(e.Body))
		}
		refused(t, c, rpc.TypeRegister, `{"name":"one-more","interface":"Bank","address":"127.0.0.1:1"}`, "directory full")
	})
	t.Run("not JSON, and oversized, and the connection goes on", func(t *testing.T) {
		c := c.In(t)
		c.Line("this is not json")
		e := c.Reply()
		assert.Equal(t, wire.TypeError, e.Type, string(e.Body))
		c.Line(`{"from":"m","type":"list","id":1,"clock":1,"body":"` + strings.Repeat("a", wire.MaxFrame) + `"}`)
		e = c.Reply()
		assert.Equal(t, wire.TypeError, e.Type)
		assert.Contains(t, programtest.Reason(e), "too large")
		assert.Equal(t, rpc.TypeListOK, ask(c, rpc.TypeList, `{}`).Type)
	})
}

func TestHostileServerRefusesBadCalls(t *testing.T) {
	dir := startDirectory(t)
	srv := startServer(t, dir.Addr)
	c := programtest.DialRaw(t, srv.Addr)
	call := func(iface, method, codec, args string) string {
		return fmt.Sprintf(`{"interface":%q,"method":%q,"codec":%q,"args":%s}`, iface, method, codec, args)
	}
	cases := []struct{ name, typ, body, want string }{
		{"not a call", "frob", `{}`, `unknown message type "frob"`},
		{"body of the wrong shape", rpc.TypeCall, `"call me"`, "the body is not a Call"},
		{"unknown interface", rpc.TypeCall, call("Printer", "Print", "json", `{}`), `no interface "Printer"`},
		{"unknown method", rpc.TypeCall, call("Bank", "Steal", "json", `{}`), "no method Bank.Steal: Bank has Balance, Transfer"},
		{"unknown codec", rpc.TypeCall, call("Bank", "Balance", "xml", `{}`), `codec "xml"`},
		{"missing argument", rpc.TypeCall, call("Bank", "Balance", "json", `{}`), "missing account"},
		{"wrong argument type", rpc.TypeCall, call("Bank", "Transfer", "json", `{"from":"alice","to":"bob","cents":"ten"}`), "cents: want a whole number"},
		{"a fraction of a cent", rpc.TypeCall, call("Bank", "Transfer", "json", `{"from":"alice","to":"bob","cents":1.5}`), "cents: want a whole number"},
		{"an argument too many", rpc.TypeCall, call("Bank", "Balance", "json", `{"account":"alice","pin":1234}`), "1 values the method does not take"},
		{"args not an object", rpc.TypeCall, call("Bank", "Balance", "json", `[1]`), "must be a JSON object"},
		{"binary args not hex", rpc.TypeCall, call("Bank", "Balance", "binary", `"zz"`), "not hex digits"},
		{"binary string longer than the bytes", rpc.TypeCall, call("Bank", "Balance", "binary", `"ffff61"`), "65535 bytes needed, 1 left"},
		{"binary bytes left over", rpc.TypeCall, call("Bank", "Balance", "binary", `"0005616c696365ff"`), "1 bytes left after the last value"},
		{"binary too short for an int64", rpc.TypeCall, call("Bank", "Transfer", "binary", `"0001610001620003"`), "cents (int64): 8 bytes needed, 2 left"},
		{"binary string not UTF-8", rpc.TypeCall, call("Bank", "Balance", "binary", `"0002fffe"`), "not UTF-8"},
		{"a negative transfer", rpc.TypeCall, call("Bank", "Transfer", "json", `{"from":"alice","to":"bob","cents":-100}`), "must be positive"},
		{"no such account", rpc.TypeCall, call("Bank", "Balance", "json", `{"account":"mallory"}`), `no account "mallory"`},
		{"a request id without a caller", rpc.TypeCall, `{"interface":"Bank","method":"Balance","codec":"json","args":{"account":"alice"},"request":7}`, "caller"},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) { refused(t, c.In(t), k.typ, k.body, k.want) })
	}
	t.Run("oversized binary args", func(t *testing.T) {
		refused(t, c.In(t), rpc.TypeCall, call("Bank", "Balance", "binary", `"`+strings.Repeat("00", rpc.MaxArgBytes+1)+`"`), "at most 65536")
	})
	t.Run("still serves", func(t *testing.T) {
		e := ask(c.In(t), rpc.TypeCall, call("Bank", "Balance", "json", `{"account":"alice"}`))
		assert.Equal(t, rpc.TypeCallOK, e.Type)
		assert.JSONEq(t, `{"codec":"json","results":{"cents":10000}}`, string(e.Body))
	})
}
