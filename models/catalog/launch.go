package catalog

import (
	"fmt"
	"slices"
	"strings"
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
