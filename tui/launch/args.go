package launch

import (
	"fmt"
	"slices"
	"strings"

	"dsdemo/models/catalog"
	"dsdemo/models/program"
)

// What the launcher makes of a catalogue entry: the order to start its
// programs in and each one's command line. The entry says what a model
// is (its programs and the {addr:NODE} placeholders in their arguments,
// see catalog.Program.ExpandArgs); how to bring it up is the launcher's
// business, here and in reserveAddr.

// launchArgs returns the whole command line after the binary's name: the
// common flags every dsdemo program has (program.Common, the same
// definition the program parses them with), then the program's own
// expanded arguments. A program that serves gets --listen addrs[p.Node]
// when its address is known (reserved, or learned before and now
// restarted, so it comes back where its clients look for it) and
// 127.0.0.1:0 otherwise. An empty collector leaves out --trace and
// --exit-with-collector, for a program run by hand.
func launchArgs(p catalog.Program, collector string, addrs map[string]string) ([]string, error) {
	common := program.Common{Name: p.Node, Trace: collector, ExitWithCollector: true}
	switch p.Listen {
	case catalog.NoListen:
	case catalog.ListenAny, catalog.ListenReserved:
		addr, ok := addrs[p.Node]
		if !ok && p.Listen == catalog.ListenReserved {
			return nil, fmt.Errorf("%s: its port must be reserved before it starts", p.Node)
		}
		if !ok {
			addr = "127.0.0.1:0"
		}
		common.Listen = addr
	default:
		return nil, fmt.Errorf("%s: unknown listen mode %q", p.Node, p.Listen)
	}
	own, err := p.ExpandArgs(addrs)
	if err != nil {
		return nil, err
	}
	return append(common.Args(), own...), nil
}

// startOrder returns the programs that start with the model (not Later), in
// an order in which each comes after every ListenAny program whose address
// it needs, and otherwise in the order the model lists them. It is an error
// when a program needs the address of a node the model does not have, of a
// program that serves nobody or of a Later program, or when programs wait
// for each other in a cycle.
func startOrder(m catalog.Model) ([]catalog.Program, error) {
	var todo []catalog.Program
	deps := map[string][]string{} // node to the ListenAny nodes it waits for
	for _, p := range m.Programs {
		if p.Later {
			continue
		}
		refs, err := p.Refs()
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			q, ok := m.Program(r)
			switch {
			case !ok:
				return nil, fmt.Errorf("%s needs the address of %q, which is not in the model", p.Node, r)
			case q.Listen == catalog.NoListen:
				return nil, fmt.Errorf("%s needs the address of %s, which serves nobody", p.Node, r)
			case q.Later && q.Listen != catalog.ListenReserved:
				// A reserved address is known before the program runs, so a
				// program may name one that an experiment starts later (a
				// web tier that learns of a second app instance).
				return nil, fmt.Errorf("%s needs the address of %s, which only an experiment starts", p.Node, r)
			case q.Listen == catalog.ListenAny:
				deps[p.Node] = append(deps[p.Node], r)
			}
		}
		todo = append(todo, p)
	}

	started := map[string]bool{}
	var order []catalog.Program
	for len(todo) > 0 {
		i := slices.IndexFunc(todo, func(p catalog.Program) bool {
			return !slices.ContainsFunc(deps[p.Node], func(d string) bool { return !started[d] })
		})
		if i < 0 {
			var waiting []string
			for _, p := range todo {
				waiting = append(waiting, p.Node)
			}
			return nil, fmt.Errorf("cannot start %s: they wait for addresses in a cycle; make the servers that need each other ListenReserved",
				strings.Join(waiting, ", "))
		}
		started[todo[i].Node] = true
		order = append(order, todo[i])
		todo = slices.Delete(todo, i, i+1)
	}
	return order, nil
}
