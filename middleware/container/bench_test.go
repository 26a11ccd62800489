package container

import (
	"context"
	"testing"

	"go.starlark.net/starlark"

	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// benchContainer opens a container in this process with the bank deployed
// and its first instance made.
func benchContainer(b *testing.B) *Container {
	c, err := Open(wire.NewNode("container"), Config{Data: b.TempDir(), Idle: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	req, err := ReadDeployment("example:bank")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.deploy(context.Background(), req, "bank.yaml"); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkContainer: calls/s of one client through the container's call
// path (role check, pooled instance, transaction, sandbox), without the
// network, with and without a transaction, against calling the same
// Starlark function directly in the sandbox (no role check, no pool, no
// transaction). The difference is the container's overhead per call.
func BenchmarkContainer(b *testing.B) {
	ctx := context.Background()
	calls := []struct {
		name string
		req  CallRequest
	}{
		{"stateless without transaction (Supports)", CallRequest{Method: "bank.balance", Args: []any{"a"}, User: "bob"}},
		{"stateless in a transaction (Required)", CallRequest{Method: "bank.transfer", Args: []any{"a", "b", int64(1)}, User: "alice"}},
	}
	for _, call := range calls {
		b.Run(call.name, func(b *testing.B) {
			c := benchContainer(b)
			back := call.req
			if len(back.Args) == 3 {
				back.Args = []any{"b", "a", int64(1)} // the money goes back and forth
			}
			for i := 0; b.Loop(); i++ {
				req := call.req
				if i%2 == 1 {
					req = back
				}
				if _, err := c.Call(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("direct: the same function in the sandbox, no container", func(b *testing.B) {
		ds, err := openDataSource(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer ds.close()
		req, _ := ReadDeployment("example:bank")
		p, err := sandbox.Compile("bank.star", []byte(req.Script), starlark.StringDict{"db": (&binding{ds: ds}).module()})
		if err != nil {
			b.Fatal(err)
		}
		globals, _, err := p.Init(ctx, sandbox.Limits{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		self := starlark.NewDict(0)
		if _, _, err := sandbox.Call(ctx, globals["create"], starlark.Tuple{self}, sandbox.Limits{}, nil); err != nil {
			b.Fatal(err)
		}
		args := starlark.Tuple{self, starlark.String("a")}
		for b.Loop() {
			if _, _, err := sandbox.Call(ctx, globals["balance"], args, sandbox.Limits{}, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
