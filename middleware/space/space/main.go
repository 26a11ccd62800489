// Command space is the tuple space of the JavaSpaces model: typed entries
// written under leases, read and taken by template, notify events, and
// transactions whose lease ends them when their holder dies.
package main

import (
	"context"
	"os"

	"dsdemo/middleware/space"
	"dsdemo/models/program"
)

func main() {
	p := program.New("space", "space", "127.0.0.1:7850", "[--max-entries N --max-bytes N --max-waiting N --max-txns N --max-lease D]")
	cfg := space.DefaultConfig()
	p.Flags.IntVar(&cfg.MaxEntries, "max-entries", cfg.MaxEntries, "entries the space holds at most")
	p.Flags.Int64Var(&cfg.MaxBytes, "max-bytes", cfg.MaxBytes, "bytes all entries together hold at most")
	p.Flags.IntVar(&cfg.MaxWaiting, "max-waiting", cfg.MaxWaiting, "reads and takes waiting for an entry at once")
	p.Flags.IntVar(&cfg.MaxTxns, "max-txns", cfg.MaxTxns, "transactions open at once")
	p.Flags.DurationVar(&cfg.MaxLease, "max-lease", cfg.MaxLease, "the longest lease the space grants")
	// A space whose flags do not fit together serves nobody: it fails
	// before it says that it is listening.
	p.ClientRun = func() bool { return cfg.Check() != nil }
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return space.RunSpace(ctx, env, cfg)
	}))
}
