// Command container is the application server: it hosts components
// (Starlark scripts), creates and pools their instances, and wraps every
// business call in the transaction and the role check its deployment
// descriptor declares.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/middleware/container"
	"dsdemo/models/program"
	"dsdemo/models/sandbox"
)

func main() {
	p := program.New("container", "container", "127.0.0.1:7950", "[--deploy FILE,FILE --data DIR --idle DURATION]")
	var cfg container.Config
	var deploy string
	p.Flags.StringVar(&deploy, "deploy", "", "deploy these descriptors at start (`FILE,FILE`)")
	p.Flags.StringVar(&cfg.Data, "data", "", "the data source and passivated instances live in `DIR` (default: dsdemo-container-PORT in the temporary directory)")
	p.Flags.DurationVar(&cfg.Idle, "idle", 10*time.Second, "passivate a stateful instance idle this long")
	limits := sandbox.LimitFlags(p.Flags)
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		var err error
		if cfg.Limits, err = limits(); err != nil {
			return err
		}
		cfg.Deploy = program.List(deploy)
		return container.RunContainer(ctx, env, cfg)
	}))
}
