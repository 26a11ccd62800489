// Command worker is a worker of the compute farm: it takes a task from the
// space under a transaction, computes its tile of the Mandelbrot set,
// writes the result and commits, again and again.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/middleware/space"
	"dsdemo/models/program"
)

func main() {
	p := program.New("worker", "space", "", "[flags]")
	var cfg space.WorkerConfig
	p.Flags.StringVar(&cfg.Space, "space", "127.0.0.1:7850", "the space's `ADDR`")
	p.Flags.DurationVar(&cfg.TxnLease, "txn-lease", 3*time.Second, "the lease of each transaction; renewed while the worker lives")
	p.Flags.DurationVar(&cfg.Wait, "wait", 30*time.Second, "how long one take waits for a task")
	p.Flags.DurationVar(&cfg.Work, "work", 0, "extra time per tile, so the class can watch (protocol time)")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for the space's answer")
	p.Flags.IntVar(&cfg.Tiles, "tiles", 0, "stop after this many tiles (0: never)")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return space.RunWorker(ctx, env, cfg)
	}))
}
