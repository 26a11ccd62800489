// Command ca is the certificate authority of the security model: it
// certifies the public keys of Alice and Bob with real X.509
// certificates, and withdraws them on a revocation list.
package main

import (
	"context"
	"os"

	"dsdemo/models/program"
	"dsdemo/security"
)

func main() {
	p := program.New("ca", "security", "127.0.0.1:7900", "[--names alice,bob --key FILE]")
	p.Commands = true
	var cfg security.CAConfig
	names := p.Flags.String("names", "alice,bob", "the `NAMES` this CA certifies, comma-separated")
	p.Flags.StringVar(&cfg.Key, "key", "", "the CA's private key, a PEM `FILE` (default: a new key each start)")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		cfg.Names = program.List(*names)
		return security.RunCA(ctx, env, cfg)
	}))
}
