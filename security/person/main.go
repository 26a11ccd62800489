// Command person is Alice or Bob of the security model: it gets a
// certificate from the CA, exchanges certificates with the other person,
// and writes and reads letters in a chosen protection, or over TLS.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/security"
)

func main() {
	p := program.New("person", "security", "127.0.0.1:7901", "--name alice|bob --ca ADDR [--peer ADDR --protect MODE ...]")
	p.Commands = true
	var cfg security.PersonConfig
	p.Flags.StringVar(&cfg.CA, "ca", "127.0.0.1:7900", "the CA's `ADDR`")
	p.Flags.StringVar(&cfg.Peer, "peer", "", "where letters go: the other person's `ADDR` (or Mallory's, who passes them on)")
	p.Flags.StringVar(&cfg.PeerName, "peer-name", "", "whom letters are for (default: bob for alice, else alice)")
	p.Flags.StringVar(&cfg.Protect, "protect", security.Plain, "letters go `plain`, signed, encrypted, signed+encrypted or shared")
	p.Flags.StringVar(&cfg.Require, "require", "", "the least protection of a letter received (default: any)")
	p.Flags.BoolVar(&cfg.NoVerify, "no-verify", false, "take any certificate, unchecked (to see why checking matters)")
	p.Flags.BoolVar(&cfg.TLS, "tls", false, "talk TLS 1.3 with certificates on both sides instead of letters in the clear")
	p.Flags.StringVar(&cfg.Key, "key", "", "the private key, a PEM `FILE` (default: a new key each start)")
	p.Flags.IntVar(&cfg.Mailbox, "mailbox", 16, "letters waiting to be read, at most")
	p.Flags.IntVar(&cfg.PerSender, "per-sender", 4, "letters of one sender waiting, at most (0: no limit)")
	p.Flags.DurationVar(&cfg.Work, "work", 100*time.Millisecond, "how long reading one letter takes")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for an answer")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		cfg.Name = env.Node.Name
		if cfg.PeerName == "" {
			cfg.PeerName = "alice"
			if cfg.Name == "alice" {
				cfg.PeerName = "bob"
			}
		}
		return security.RunPerson(ctx, env, cfg)
	}))
}
