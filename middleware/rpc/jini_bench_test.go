package rpc_test

import (
	"context"
	"crypto/ed25519"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"dsdemo/middleware/rpc"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// BenchmarkJini measures what using a Jini service costs a client, in
// one process over real TCP on 127.0.0.1, tracing off:
//
//	go test -run '^$' -bench Jini -benchmem ./middleware/rpc/
//
// use: look the printer up (its proxy comes with the match), check the
// signature, compile and load the proxy in the sandbox, call status
// through it (one invoke); call: status through a proxy loaded once;
// verify: the signature check alone.
func BenchmarkJini(b *testing.B) {
	_, dir := serveDirectory(b, rpc.DefaultDirectoryConfig())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	node := wire.NewNode("printer")
	device := rpc.NewDevice(node, "printer", io.Discard)
	var wg sync.WaitGroup
	wg.Go(func() { wire.Serve(ctx, node, ln, device.Handle) })
	b.Cleanup(func() { cancel(); wg.Wait() })
	src := "def status():\n    r = device.call(\"status\")\n    return \"%d jobs\" % r[\"jobs\"]\n"
	proxy := rpc.SignProxy(sandbox.DemoKey, "Printer", src)
	_, err = dir.Register(ctx, rpc.RegisterRequest{Name: "printer", Interface: "Printer", Address: ln.Addr().String(), Proxy: proxy})
	require.NoError(b, err)
	trusted := sandbox.DemoKey.Public().(ed25519.PublicKey)
	cfg := rpc.DefaultJiniClientConfig()
	cfg.Lookups = []string{dir.Addr()}
	c := rpc.NewJiniClient(wire.NewNode("jiniclient"), cfg, trusted, io.Discard)
	b.Cleanup(c.Close)
	template := rpc.LookupRequest{Interface: "Printer"}

	b.Run("use", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Use(ctx, template, "status"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("call", func(b *testing.B) {
		lp, err := c.Download(ctx, template)
		require.NoError(b, err)
		defer lp.Close()
		for b.Loop() {
			if _, _, err := lp.Call(ctx, "status"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if err := rpc.VerifyProxy(trusted, "Printer", proxy); err != nil {
				b.Fatal(err)
			}
		}
	})
}
