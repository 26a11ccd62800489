package catalog

import (
	"fmt"
	"slices"
	"strings"

	"dsdemo/models/program"
)

// A placeholder in a program's arguments is "{addr:NODE}": the address
// NODE listens on, as "127.0.0.1:PORT". An argument may hold several, with
// text around them: "--peers {addr:server-2},{addr:server-3}". Braces have
// no other use in arguments, so a brace outside a placeholder is an error.
const addrPrefix = "addr:"

// expand replaces each placeholder in arg by what addr returns for its node.
func expand(arg string, addr func(node string) (string, error)) (string, error) {
	var b strings.Builder
	rest := arg
	for {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		if rest[open] == '}' {
			return "", fmt.Errorf("argument %q: a } without its {", arg)
		}
		b.WriteString(rest[:open])
		closing := strings.IndexAny(rest[open+1:], "{}")
		if closing < 0 || rest[open+1+closing] == '{' {
			return "", fmt.Errorf("argument %q: a { without its }", arg)
		}
		inner := rest[open+1 : open+1+closing]
		node, ok := strings.CutPrefix(inner, addrPrefix)
		if !ok || node == "" {
			return "", fmt.Errorf("argument %q: unknown placeholder {%s}, want {addr:NODE}", arg, inner)
		}
		a, err := addr(node)
		if err != nil {
			return "", fmt.Errorf("argument %q: %w", arg, err)
		}
		b.WriteString(a)
		rest = rest[open+1+closing+1:]
	}
}

// Refs returns the nodes whose addresses the program's arguments name, each
// once, in the order they first appear.
func (p Program) Refs() ([]string, error) {
	var refs []string
	for _, arg := range p.Args {
		_, err := expand(arg, func(node string) (string, error) {
			if !slices.Contains(refs, node) {
				refs = append(refs, node)
			}
			return "", nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Node, err)
		}
	}
	return refs, nil
}

// ExpandArgs returns the program's arguments with every {addr:NODE} replaced
// by addrs[NODE]. A node missing from addrs is an error: the launcher has
// not yet learned or reserved its address.
func (p Program) ExpandArgs(addrs map[string]string) ([]string, error) {
	out := make([]string, len(p.Args))
	for i, arg := range p.Args {
		a, err := expand(arg, func(node string) (string, error) {
			if addr, ok := addrs[node]; ok {
				return addr, nil
			}
			return "", fmt.Errorf("no address for node %q yet", node)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Node, err)
		}
		out[i] = a
	}
	return out, nil
}

// LaunchArgs returns the whole command line after the binary's name: the
// common flags every dsdemo program has (program.Common, the same
// definition the program parses them with), then the program's own
// expanded arguments. A program that serves gets --listen addrs[p.Node]
// when its address is known (reserved, or learned before and now
// restarted, so it comes back where its clients look for it) and
// 127.0.0.1:0 otherwise. An empty collector leaves out --trace and
// --exit-with-collector, for a program run by hand.
func (p Program) LaunchArgs(collector string, addrs map[string]string) ([]string, error) {
	common := program.Common{Name: p.Node, Trace: collector, ExitWithCollector: true}
	switch p.Listen {
	case NoListen:
	case ListenAny, ListenReserved:
		addr, ok := addrs[p.Node]
		if !ok && p.Listen == ListenReserved {
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

// StartOrder returns the programs that start with the model (not Later), in
// an order in which each comes after every ListenAny program whose address
// it needs, and otherwise in the order the model lists them. It is an error
// when a program needs the address of a node the model does not have, of a
// program that serves nobody or of a Later program, or when programs wait
// for each other in a cycle.
func (m Model) StartOrder() ([]Program, error) {
	var todo []Program
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
			case q.Listen == NoListen:
				return nil, fmt.Errorf("%s needs the address of %s, which serves nobody", p.Node, r)
			case q.Later && q.Listen != ListenReserved:
				// A reserved address is known before the program runs, so a
				// program may name one that an experiment starts later (a
				// web tier that learns of a second app instance).
				return nil, fmt.Errorf("%s needs the address of %s, which only an experiment starts", p.Node, r)
			case q.Listen == ListenAny:
				deps[p.Node] = append(deps[p.Node], r)
			}
		}
		todo = append(todo, p)
	}

	started := map[string]bool{}
	var order []Program
	for len(todo) > 0 {
		i := slices.IndexFunc(todo, func(p Program) bool {
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
