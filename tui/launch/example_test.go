package launch_test

import (
	"context"
	"fmt"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// A launcher without a user interface: start the client/server model, show
// how each program was started, and play the first experiment, printing
// each caption and each message that arrives. (Not run as a test: it would
// build the programs into bin/.)
func Example() {
	ctx := context.Background()
	m, _ := catalog.ByID("clientserver")
	show := func(e trace.Event) {
		if e.Kind == trace.KindRecv {
			fmt.Printf("  %s got %s from %s\n", e.Node, e.Msg.Type, e.Msg.From)
		}
	}
	l, err := launch.Start(ctx, launch.Config{Model: m, OnEvent: show})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	for _, p := range l.Procs() {
		fmt.Printf("%s: %s\n", p.Node, p.Cmdline)
	}

	player := launch.NewPlayer(l, m.Experiments[0])
	for !player.Done() {
		step, err := player.Next(ctx)
		fmt.Println(step.Caption.In("en"))
		if err != nil {
			fmt.Println("  ", err)
		}
	}
}
