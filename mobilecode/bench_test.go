package mobilecode

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"testing"

	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// BenchmarkFetchVerifyRun measures code on demand end to end over loopback:
// fetch a small script, verify its signature, run it (it calls home once).
func BenchmarkFetchVerifyRun(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := newServer(wire.NewNode("codeserver"), serverConfig{Key: priv})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-served }()
	c := newClient(wire.NewNode("sandbox"), ln.Addr().String())
	defer c.Close()

	for b.Loop() {
		if _, err := c.FetchAndRun(ctx, "convert", pub, sandbox.Limits{}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSandboxSteps reports how many Starlark steps per second the
// sandbox runs, watchdog included.
func BenchmarkSandboxSteps(b *testing.B) {
	src := []byte("n = 0\nfor i in range(20000):\n    n += i\n")
	var steps uint64
	for b.Loop() {
		res, err := runScript(context.Background(), "steps", src, sandbox.Limits{}, nil, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		steps += res.Steps
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
}
