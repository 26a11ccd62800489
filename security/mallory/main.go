// Command mallory is the man in the middle of the security model: the
// persons were given her address as each other's, so everything passes
// through her. She reads what she can, and changes, drops, replays and
// injects letters, poses with her own certificate, and floods Bob.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/models/program"
	"dsdemo/security"
)

func main() {
	p := program.New("mallory", "security", "127.0.0.1:7902", "--bob ADDR [--pose-as NAME --rate N]")
	p.Commands = true
	var cfg security.MalloryConfig
	p.Flags.StringVar(&cfg.Bob, "bob", "127.0.0.1:7903", "the `ADDR` she passes everything on to")
	p.Flags.StringVar(&cfg.PoseAs, "pose-as", "bob", "the `NAME` on her own certificate")
	p.Flags.IntVar(&cfg.Rate, "rate", 200, "letters a second in a flood")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for an answer")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return security.RunMallory(ctx, env, cfg)
	}))
}
