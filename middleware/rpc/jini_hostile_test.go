package rpc_test

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/program/programtest"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// registerProxy registers a Printer named name, in the room, carrying p.
func registerProxy(t *testing.T, dir, name, room, addr string, p *rpc.Proxy) {
	t.Helper()
	dc := rpc.NewDirectoryClient(wire.NewNode("mallory"), dir, 5*time.Second)
	defer dc.Close()
	_, err := dc.Register(programtest.Context(t), rpc.RegisterRequest{Name: name, Interface: "Printer",
		Address: addr, Attributes: map[string]string{"room": room}, Proxy: p})
	require.NoError(t, err)
}

func TestHostileProxyRegistrationRefused(t *testing.T) {
	dir := startDirectory(t)
	c := programtest.DialRaw(t, dir.Addr)
	reg := func(proxy string) string {
		return `{"name":"p","interface":"Printer","address":"127.0.0.1:1","proxy":` + proxy + `}`
	}
	big, _ := json.Marshal(strings.Repeat("#", rpc.MaxProxySource+1))
	for _, tc := range []struct{ name, proxy, want string }{
		{"oversized script", `{"script":"Printer","source":` + string(big) + `}`, fmt.Sprintf("at most %d", rpc.MaxProxySource)},
		{"no script name", `{"source":"x = 1"}`, "proxy script missing"},
		{"no source", `{"script":"Printer"}`, "proxy Printer: no source"},
		{"a long signature", `{"script":"Printer","source":"x = 1","sig":"` + strings.Repeat("A", 400) + `"}`, "a signature of 300 bytes, at most 128"},
		{"a signature that is not base64", `{"script":"Printer","source":"x = 1","sig":"!!"}`, "the body is not a"},
		{"a proxy that is not an object", `"x = 1"`, "the body is not a"},
	} {
		t.Run(tc.name, func(t *testing.T) { refused(t, c.In(t), rpc.TypeRegister, reg(tc.proxy), tc.want) })
	}
	t.Run("a subscription to a kind of event there is not", func(t *testing.T) {
		refused(t, c.In(t), rpc.TypeSubscribe, `{"kinds":["registered","exploded"]}`, `kinds: "exploded" is no kind of event`)
	})
	assert.Equal(t, rpc.TypeLookupOK, ask(c, rpc.TypeLookup, `{"interface":"Printer"}`).Type, "the lookup service goes on")
}

// TestHostileManyProxiesStayWithinAFrame: however many large proxies
// match, one lookup reply carries a bounded amount of them, and the
// client gets the one it picks by name.
func TestHostileManyProxiesStayWithinAFrame(t *testing.T) {
	dir := startDirectory(t)
	printer := startDevice(t, "printer", dir.Addr)
	waitKnown(t, dir.Addr, "printer", true)
	src := "def status():\n    return \"a big one\"\n" + strings.Repeat("# padding\n", (rpc.MaxProxySource-64)/10)
	require.LessOrEqual(t, len(src), rpc.MaxProxySource)
	p := rpc.SignProxy(sandbox.DemoKey, "Printer", src)
	for i := range 40 {
		registerProxy(t, dir.Addr, fmt.Sprintf("big-%02d", i), "666", printer.Addr, p)
	}
	dc := rpc.NewDirectoryClient(wire.NewNode("test"), dir.Addr, 5*time.Second)
	defer dc.Close()
	m, err := dc.Lookup(programtest.Context(t), rpc.LookupRequest{Interface: "Printer", Attributes: map[string]string{"room": "666"}})
	require.NoError(t, err)
	require.Len(t, m, 40)
	var with, size int
	for _, r := range m {
		if r.Proxy != nil {
			with++
			size += len(r.Proxy.Source)
		}
	}
	assert.Less(t, with, 40, "not every proxy fits one reply")
	assert.Less(t, size, wire.MaxFrame/2)
	out, errOut, code := jini(t, dir.Addr, "use", "Printer", "room=666", "status")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "a big one\n", out)
}

func TestHostileDeviceRefusesBadInvokes(t *testing.T) {
	dir := startDirectory(t)
	printer := startDevice(t, "printer", dir.Addr)
	c := programtest.DialRaw(t, printer.Addr)
	refused(t, c, "print", `{"text":"hi"}`, `unknown message type "print": this printer takes invoke`)
	refused(t, c, rpc.TypeInvoke, `{"op":"shred"}`, `no op "shred": a printer does print, status`)
	refused(t, c, rpc.TypeInvoke, `{"op":"print","args":{"text":5}}`, "print: bad arguments")
	refused(t, c, rpc.TypeInvoke, `{"op":"print","args":{"text":"`+strings.Repeat("x", rpc.MaxString+1)+`"}}`, "at most 1024")
	refused(t, c, rpc.TypeInvoke, `[1,2]`, "the body is not an Invoke")
	tenPages := `{"op":"print","args":{"text":"` + strings.Repeat("x", 799) + `"}}`
	for range 10 {
		e := ask(c, rpc.TypeInvoke, tenPages)
		require.Equal(t, rpc.TypeInvokeOK, e.Type, string(e.Body))
	}
	refused(t, c, rpc.TypeInvoke, tenPages, "out of paper (0 sheets left, the job needs 10)")
	e := ask(c, rpc.TypeInvoke, `{"op":"status"}`)
	assert.Equal(t, rpc.TypeInvokeOK, e.Type)
	assert.JSONEq(t, `{"result":{"jobs":10,"paper":0}}`, string(e.Body))
}

// TestHostileProxyIsConfined: a proxy signed by the trusted vendor may
// still be wrong or hostile; the sandbox stops it and the client says why.
func TestHostileProxyIsConfined(t *testing.T) {
	dir := startDirectory(t)
	printer := startDevice(t, "printer", dir.Addr)
	waitKnown(t, dir.Addr, "printer", true)
	for i, tc := range []struct{ name, src, want string }{
		// Each runs with at most 100,000 steps and 300 ms.
		{"an endless loop", "def status():\n    while True:\n        pass\n", "stopped: more than 100000 steps"},
		{"an endless loop as it loads", "while True:\n    pass\n", "stopped: more than 100000 steps"},
		{"a huge allocation", "def status():\n    return 'x' * (1 << 30)\n", "would go past the 64 MiB this run may allocate"},
		// Waits for the device count on their own clock, not as running
		// time; the steps stop a proxy that calls and calls.
		{"calls to the device without end", "def status():\n    for i in range(1000000):\n        device.call('status')\n", "stopped: more than 100000 steps"},
		{"a load of other code", "load('os.star', 'system')\n", "load is refused in the sandbox"},
		{"a device op the device lacks", "def status():\n    return device.call('firmware', {'url': 'http://evil'})\n", `no op "firmware"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			room := fmt.Sprintf("hostile-%d", i)
			registerProxy(t, dir.Addr, room, room, printer.Addr, rpc.SignProxy(sandbox.DemoKey, "Printer", tc.src))
			start := time.Now()
			_, errOut, code := jini(t, dir.Addr, "--proxy-steps", "100000", "--proxy-timeout", "300ms", "use", "Printer", "room="+room, "status")
			assert.Equal(t, 1, code)
			assert.Contains(t, errOut, tc.want)
			assert.Less(t, time.Since(start), 10*time.Second)
		})
	}
}

// TestHostileUnicastDiscovery: a lookup address that is wrong is a usage
// error; one where something else answers, with garbage, is tried again
// and again while the device joins the real lookup service.
func TestHostileUnicastDiscovery(t *testing.T) {
	for _, bad := range []string{"nonsense", "127.0.0.1", ","} {
		_, errOut, code := programtest.Run(t, bin(t, "device"), "--listen", "127.0.0.1:0", "--lookup", bad)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, errOut, "--lookup", bad)
	}
	_, errOut, code := programtest.Run(t, bin(t, "device"), "--listen", "127.0.0.1:0", "--lookup", "127.0.0.1:1", "--kind", "toaster")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `--kind "toaster": want printer or projector`)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	garbage := make(chan struct{}, 100)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("this is no lookup service\n\x00\xff{{{\n"))
			c.Close()
			select {
			case garbage <- struct{}{}:
			default:
			}
		}
	}()
	dir := startDirectory(t)
	printer := startDevice(t, "printer", ln.Addr().String()+","+dir.Addr, "--lease", "300ms", "--timeout", "300ms")
	waitKnown(t, dir.Addr, "printer", true)
	for range 3 {
		select {
		case <-garbage:
		case <-programtest.Context(t).Done():
			t.Fatal("the device stopped trying the address that answers with garbage")
		}
	}
	out, errOut, code := jini(t, ln.Addr().String()+","+dir.Addr, "use", "Printer", "status")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "the lookup service at "+ln.Addr().String()+" does not answer")
	assert.Contains(t, out, "0 jobs printed")
	assert.Nil(t, printer.Cmd.ProcessState, "the device runs on")
}
