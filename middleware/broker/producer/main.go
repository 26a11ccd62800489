// Command producer sends messages to the broker: one (send TEXT), one
// every --every, or a session of commands typed or sent by the launcher.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/middleware/broker"
	"dsdemo/models/program"
)

func main() {
	p := program.New("producer", "broker", "", "[flags] [send TEXT | burst N [TEXT]]")
	p.Commands = true
	var cfg broker.ProducerConfig
	p.Flags.StringVar(&cfg.Broker, "broker", "127.0.0.1:7700", "the broker's `ADDR`")
	p.Flags.StringVar(&cfg.To, "to", "queue:orders", "the destination: `queue:NAME` or topic:NAME")
	p.Flags.BoolVar(&cfg.Persistent, "persistent", false, "send persistent messages: on the broker's disk before it confirms them")
	p.Flags.BoolVar(&cfg.Publish, "publish", false, "publish: hand non-persistent messages over without waiting for a receipt; only refusals come back")
	p.Flags.DurationVar(&cfg.Every, "every", 0, "repeat the command every `D`; in a session, send a message of its own every D")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for the broker's answer")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return broker.RunProducer(ctx, env, cfg)
	}))
}
