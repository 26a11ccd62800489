// Command codeserver serves signed Starlark scripts to sandbox clients (code
// on demand), answers the calls they make home, and runs signed scripts for
// clients (remote evaluation). "codeserver keygen --out NAME" makes a key pair.
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"

	"dsdemo/mobilecode"
	"dsdemo/models/program"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "keygen" {
		os.Exit(mobilecode.KeygenMain(rand.Reader, os.Args[2:], os.Stdout, os.Stderr))
	}
	p := program.New("codeserver", "mobilecode", "127.0.0.1:7400", "--key FILE [--tamper NAME] [--trust PUBKEY [--steps N --timeout D --heap MIB]] | keygen --out NAME")
	key := p.Flags.String("key", "", "the private key that signs the scripts (`FILE` from keygen, or demo for the classroom key)")
	tamper := p.Flags.String("tamper", "", "serve script `NAME` with a broken signature")
	trust := p.Flags.String("trust", "", "run clients' scripts signed by this public key (`PUBKEY` file)")
	scripts := p.Flags.String("scripts", "", "serve the NAME.star files in `DIR` (default: the built-in scripts)")
	limits := mobilecode.LimitFlags(p.Flags) // of remote evaluations
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		cfg := mobilecode.ServerConfig{Tamper: *tamper}
		if *key == "" {
			return program.Usagef("--key FILE is required (make one with: codeserver keygen --out NAME)")
		}
		var err error
		if cfg.Limits, err = limits(); err != nil {
			return err
		}
		if cfg.Key, err = mobilecode.ReadPrivateKey(*key); err != nil {
			return err
		}
		if *trust != "" {
			var pub ed25519.PublicKey
			if pub, err = mobilecode.ReadPublicKey(*trust); err != nil {
				return err
			}
			cfg.Trust = pub
		}
		if *scripts != "" {
			cfg.Scripts = os.DirFS(*scripts)
		}
		s, err := mobilecode.NewServer(env.Node, cfg)
		if err != nil {
			return err
		}
		return s.Serve(ctx, env.Listener)
	}))
}
