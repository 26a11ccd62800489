// Command caller is a client of the container: it calls business methods
// through the container's remote interface and, as the deployer, deploys
// and undeploys components.
package main

import (
	"context"
	"os"
	"time"

	"dsdemo/middleware/container"
	"dsdemo/models/program"
)

func main() {
	p := program.New("caller", "container", "", "--call COMPONENT.METHOD ARGS... | deploy FILE | undeploy NAME | status")
	p.Commands = true
	var cfg container.CallerConfig
	p.Flags.StringVar(&cfg.Container, "container", "127.0.0.1:7950", "the container (`ADDR`)")
	p.Flags.StringVar(&cfg.User, "user", "", "call as `USER`; the descriptor gives each user roles")
	p.Flags.StringVar(&cfg.Session, "session", "", "the `ID` of this client's session with stateful components")
	p.Flags.StringVar(&cfg.Call, "call", "", "call `COMPONENT.METHOD` with the arguments and exit")
	p.Flags.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "how long to wait for the container's answer")
	os.Exit(p.Main(func(ctx context.Context, env *program.Env) error {
		return container.RunCaller(ctx, env, cfg)
	}))
}
