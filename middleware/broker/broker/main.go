// Command broker is the message broker of the message-oriented middleware
// model: queues and topics, push and pull, acknowledgements, a log on disk
// for persistent messages, and dead-letter queues.
package main

import (
	"context"
	"os"

	"dsdemo/middleware/broker"
	"dsdemo/models/program"
)

func main() {
	p := program.New("broker", "broker", "127.0.0.1:7700", "[--data DIR --max-depth N --when-full refuse|block ...]")
	cfg := broker.DefaultConfig()
	p.Flags.StringVar(&cfg.Data, "data", "", "keep the message log in `DIR` (default: dsdemo-broker-PORT in the temporary directory)")
	p.Flags.IntVar(&cfg.MaxDepth, "max-depth", cfg.MaxDepth, "messages one queue or subscription holds at most")
	p.Flags.Int64Var(&cfg.MaxBytes, "max-bytes", cfg.MaxBytes, "bytes of text one queue or subscription holds at most")
	p.Flags.Int64Var(&cfg.MaxMemory, "max-memory", cfg.MaxMemory, "bytes of text all destinations hold together at most")
	p.Flags.StringVar(&cfg.WhenFull, "when-full", cfg.WhenFull, "a send to a full destination: `refuse` it, or block it for up to --block-timeout")
	p.Flags.DurationVar(&cfg.BlockTimeout, "block-timeout", cfg.BlockTimeout, "with --when-full block, how long a send waits for room")
	p.Flags.DurationVar(&cfg.AckTimeout, "ack-timeout", cfg.AckTimeout, "how long a consumer has to acknowledge a message before it goes to another")
	p.Flags.IntVar(&cfg.MaxDeliveries, "max-deliveries", cfg.MaxDeliveries, "deliveries of a message before it goes to the dead-letter queue NAME.dlq (0: never)")
	p.Flags.Int64Var(&cfg.CompactAt, "compact-at", cfg.CompactAt, "rewrite the log when it grows past this many bytes")
	// A broker whose flags do not fit together serves nobody: it fails
	// before it says that it is listening.
	p.ClientRun = func() bool { return cfg.Check() != nil }
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return broker.RunBroker(ctx, env, cfg)
	}))
}
