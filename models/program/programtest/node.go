package programtest

import (
	"context"
	"io"
	"strings"
	"testing"

	"dsdemo/models/program"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// StartNode runs a program named name inside the test's process, through
// program.Run with --trace pointing at r, as the launcher starts a program,
// and returns its node once it has said hello. Control lines the test
// sends with r.Steer reach the node the way the launcher's do: over the
// trace connection into the program's fault injector. The program serves
// nobody and stops when the test ends.
func StartNode(t testing.TB, r *Recorder, name string) *wire.Node {
	t.Helper()
	nodes := make(chan *wire.Node, 1)
	stop, stopped := make(chan struct{}), make(chan struct{})
	p := program.New(name, "test", "", "")
	args := []string{"--" + program.FlagName, name, "--" + program.FlagTrace, r.Addr()}
	go func() {
		defer close(stopped)
		p.Run(args, strings.NewReader(""), io.Discard, io.Discard, func(ctx context.Context, env *program.Env) error {
			nodes <- env.Node
			select {
			case <-ctx.Done():
			case <-stop:
			}
			return nil
		})
	}()
	t.Cleanup(func() {
		close(stop)
		<-stopped
	})
	var n *wire.Node
	select {
	case n = <-nodes:
	case <-stopped:
		t.Fatalf("program %s stopped before it ran", name)
	}
	r.WaitFor(t, "the hello of "+name, Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello && ev.Node == name }))
	return n
}

// Steer sends the fault line c to the program named node and waits for
// its answer, the "faults" state that says the line took effect, as the
// launcher does before it goes on. A program that is up may not have said
// hello yet (its trace connection is its own): Steer waits for the hello
// first.
func (r *Recorder) Steer(t testing.TB, node string, c trace.Control) {
	t.Helper()
	r.WaitFor(t, "the hello of "+node, Has(func(ev trace.Event) bool { return ev.Kind == trace.KindHello && ev.Node == node }))
	answer := func(ev trace.Event) bool {
		return ev.Kind == trace.KindState && ev.Node == node && ev.Key == "faults"
	}
	before := len(r.Matching(answer))
	if err := r.Send(node, c); err != nil {
		t.Fatalf("control %s to %s: %v", c.Op, node, err)
	}
	r.WaitN(t, before+1, answer)
}
