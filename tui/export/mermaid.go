package export

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"dsdemo/models/trace"
	"dsdemo/tui/history"
)

// Mermaid writes the run, or the part of it opts choose, as a Mermaid
// sequence diagram: one participant per node, in the order they first
// appeared, and one arrow per message, in Lamport order. Requests are solid
// lines, replies dotted; a delivered message ends in an arrowhead, a lost
// one in a cross, and one that was held or never received in an open
// arrow:
//
//	client->>server: put a=1 ✓
//	server--xclient: put a=1 → ok ✗ dropped
//	Note over client,server: ⚡ kill server
//
// What the launcher did to the run (a kill, a partition, a new drop rate)
// is a note across every lifeline, at the place history.Rows gives it.
// A node name that Mermaid would not read as a name, such as client-1 or
// 127.0.0.1:7100, gets a short alias: participant p1 as client-1.
func Mermaid(w io.Writer, events []trace.Event, opts Options) error {
	d := newDiagram(events, opts)
	ids := mermaidIDs(d.nodes)
	bw := bufio.NewWriter(w)
	bw.WriteString("sequenceDiagram\n")
	for _, name := range d.nodes {
		if id := ids[name]; id == name {
			fmt.Fprintf(bw, "    participant %s\n", id)
		} else {
			fmt.Fprintf(bw, "    participant %s as %s\n", id, mermaidText(name))
		}
	}
	i := 0 // the rows hold the arrows in their order
	for _, r := range d.rows {
		if r.Fault != nil {
			if over := mermaidOver(d.nodes, ids); over != "" {
				fmt.Fprintf(bw, "    Note over %s: %s\n", over, mermaidText(d.faultLabel(r.Fault)))
			}
			continue
		}
		a := &d.arrows[i]
		fmt.Fprintf(bw, "    %s%s%s: %s\n", ids[a.From], mermaidArrow(a), ids[a.To], mermaidText(d.labels[i]))
		i++
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the Mermaid diagram: %w", err)
	}
	return nil
}

// mermaidOver is where a fault's note goes: across every lifeline, from
// the first participant to the last, so it reads as a row of its own.
func mermaidOver(nodes []string, ids map[string]string) string {
	switch len(nodes) {
	case 0:
		return ""
	case 1:
		return ids[nodes[0]]
	}
	return ids[nodes[0]] + "," + ids[nodes[len(nodes)-1]]
}

// mermaidArrow draws a request solid and a reply dotted, and ends the arrow
// by what became of the message.
func mermaidArrow(a *history.Arrow) string {
	line := "-"
	if a.ReplyTo != 0 {
		line = "--"
	}
	switch {
	case a.Lost():
		return line + "x"
	case a.Delivered():
		return line + ">>"
	default: // held, or not received (yet)
		return line + ")"
	}
}

// plainID is a name Mermaid reads as a participant as it is.
var plainID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// mermaidKeywords are the words of Mermaid's sequence diagrams. Its lexer
// takes the first rule that matches, so a name that merely starts with one
// ("endpoint", "notes") would be split; such names get an alias as well.
var mermaidKeywords = []string{
	"accdescr", "acctitle", "activate", "actor", "alt", "and", "autonumber", "box", "break",
	"create", "critical", "deactivate", "destroy", "details", "else", "end", "link", "loop",
	"note", "off", "opt", "over", "par", "participant", "properties", "rect", "sequencediagram", "title",
}

// mermaidIDs gives every node the identifier it has in the diagram: its own
// name where Mermaid can read that, or else p1, p2 ..., skipping any of
// those that is another node's own name.
func mermaidIDs(nodes []string) map[string]string {
	ids := make(map[string]string, len(nodes))
	taken := map[string]bool{}
	for _, name := range nodes {
		if usableID(name) {
			ids[name] = name
			taken[name] = true
		}
	}
	n := 0
	for _, name := range nodes {
		if _, ok := ids[name]; ok {
			continue
		}
		for {
			n++
			if id := "p" + strconv.Itoa(n); !taken[id] {
				ids[name] = id
				taken[id] = true
				break
			}
		}
	}
	return ids
}

func usableID(name string) bool {
	if !plainID.MatchString(name) {
		return false
	}
	lower := strings.ToLower(name)
	for _, k := range mermaidKeywords {
		if strings.HasPrefix(lower, k) {
			return false
		}
	}
	return true
}

// mermaidEntities replaces what would end or change a Mermaid text: '#'
// starts a comment, ';' ends a statement, and '<', '>' and '&' would be read
// as HTML. Mermaid turns its codes #35; #59; #lt; #gt; #amp; back into the
// characters.
var mermaidEntities = strings.NewReplacer("#", "#35;", ";", "#59;", "<", "#lt;", ">", "#gt;", "&", "#amp;")

// mermaidText makes s safe as the rest of a Mermaid line: one line, with
// its special characters as codes.
func mermaidText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if strings.TrimSpace(s) == "" {
		return "(no name)"
	}
	return mermaidEntities.Replace(s)
}
