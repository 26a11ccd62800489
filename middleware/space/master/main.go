// Command master is the master of the compute farm, and a console of the
// space: it writes one task entry per tile of the Mandelbrot set, takes
// the workers' results and assembles the picture (render), or runs the
// space's operations one by one (write, read, take, notify, begin ...).
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/middleware/space"
	"dsdemo/models/program"
)

func main() {
	p := program.New("master", "space", "", "[flags] [render [COLSxROWS] | write TYPE k=v.. | take TYPE k=v.. | ...]")
	p.Commands = true
	var cfg space.MasterConfig
	p.Flags.StringVar(&cfg.Space, "space", "127.0.0.1:7850", "the space's `ADDR`")
	p.Flags.StringVar(&cfg.Size, "size", "96x48", "the picture's size in pixels, `WxH`")
	p.Flags.StringVar(&cfg.Grid, "grid", "8x4", "its tiles, `COLSxROWS`: one task each")
	p.Flags.IntVar(&cfg.Iter, "iter", 500, "iterations per pixel at most")
	p.Flags.StringVar(&cfg.Out, "out", "", "write the finished picture to `FILE` (.png, else PPM)")
	p.Flags.DurationVar(&cfg.TaskLease, "task-lease", 0, "the lease of each task entry (0: as long as the space grants)")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for the space's answer")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return space.RunMaster(ctx, env, cfg)
	}))
}
