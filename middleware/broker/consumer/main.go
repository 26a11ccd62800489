// Command consumer takes messages from the broker, pushed or pulled, and
// acknowledges them: one line per message.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/middleware/broker"
	"dsdemo/models/program"
)

func main() {
	p := program.New("consumer", "broker", "", "[--from queue:NAME|topic:NAME] [--push|--pull] [--ack auto|explicit|client] [flags]")
	var cfg broker.ConsumerConfig
	var push bool
	p.Flags.StringVar(&cfg.Broker, "broker", "127.0.0.1:7700", "the broker's `ADDR`")
	p.Flags.StringVar(&cfg.From, "from", "queue:orders", "the destination: `queue:NAME` or topic:NAME")
	p.Flags.BoolVar(&push, "push", false, "the broker sends messages as they come (the default)")
	p.Flags.BoolVar(&cfg.Pull, "pull", false, "ask the broker for messages, waiting at most --wait")
	p.Flags.StringVar(&cfg.Ack, "ack", broker.AckExplicit, "acknowledge `auto` (on delivery), explicit (each message) or client (all up to one)")
	p.Flags.IntVar(&cfg.Window, "window", broker.DefaultWindow, "push: unacknowledged messages at most; pull: messages per pull")
	p.Flags.DurationVar(&cfg.Wait, "wait", 5*time.Second, "pull: how long one pull waits for a message")
	p.Flags.DurationVar(&cfg.Work, "work", 0, "time to process one message")
	p.Flags.IntVar(&cfg.FailEvery, "fail-every", 0, "crash, without acknowledging, on every `N`th message (a message containing \"poison\" always fails)")
	p.Flags.IntVar(&cfg.AckEvery, "ack-every", 3, "with --ack client, acknowledge every `N`th message, and with it all before")
	p.Flags.DurationVar(&cfg.AckTimeout, "ack-timeout", 0, "ask the broker for this ack deadline (0: the broker's --ack-timeout)")
	p.Flags.StringVar(&cfg.Durable, "durable", "", "a durable subscription `NAME` of a topic: keeps messages while this consumer is away")
	p.Flags.IntVar(&cfg.Count, "count", 0, "stop after `N` messages (0: run until stopped)")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for the broker's answer")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		if push && cfg.Pull {
			return program.Usagef("--push and --pull exclude each other")
		}
		return broker.RunConsumer(ctx, env, cfg)
	}))
}
