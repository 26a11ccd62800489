// Command keyserver is a test program shaped like the demo servers that
// need something of their own before they can serve (the code server's
// --key, the data tier's --data): it reads its --key file, reports it, and
// then answers every request with its own body. The tests of package
// program start it to see when it says "listening on" and hello.
package main

import (
	"context"
	"fmt"
	"os"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

func main() {
	p := program.New("keyserver", "test", "127.0.0.1:0", "[flags]")
	key := p.Flags.String("key", "", "the `FILE` holding the key (required)")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if *key == "" {
			return program.Usagef("--key FILE is required")
		}
		if _, err := os.ReadFile(*key); err != nil {
			return fmt.Errorf("cannot read the key: %w", err)
		}
		env.Node.Trace.State("key", *key) // before it serves, and still after its hello
		return wire.Serve(ctx, env.Node, env.Listener, func(_ context.Context, req wire.Envelope) (any, error) {
			return req.Body, nil
		})
	}))
}
