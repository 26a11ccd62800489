package trace

import (
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Op names what a control line asks a program to do.
type Op string

// The control operations. The first six set the program's fault injector
// (package faults); Do runs one of the program's own commands.
const (
	OpDelay     Op = "delay"     // Ms: delay every outgoing message by Ms milliseconds (0 turns it off)
	OpDrop      Op = "drop"      // P: lose each outgoing message with probability P
	OpDuplicate Op = "duplicate" // P: send each outgoing message twice with probability P
	OpHold      Op = "hold"      // On: step mode; every outgoing message waits for a release
	OpStill     Op = "still"     // On: protocol time stands still (the class thinks); messages go on as before
	OpRelease   Op = "release"   // ID: let held message ID go; All: let every held message go
	OpPartition Op = "partition" // Peers: names or addresses this node cannot reach (empty heals)
	OpDo        Op = "do"        // Cmd: run a command as if typed, e.g. "put a 1"
	OpRefused   Op = "refused"   // Cmd: why the collector does not take this program's events; it closes the connection next
)

// Control is one line a collector writes to a program.
type Control struct {
	V     int      `json:"v"`
	Op    Op       `json:"ctl"`
	Ms    int64    `json:"ms,omitempty"`
	P     float64  `json:"p,omitempty"`
	On    bool     `json:"on,omitempty"`
	ID    uint64   `json:"id,omitempty"`
	All   bool     `json:"all,omitempty"`
	Peers []string `json:"peers,omitempty"`
	Cmd   string   `json:"cmd,omitempty"`
}

// Bounds of a control line's values. A collector is trusted to steer a
// program, not to break it: a value past these is refused as a whole.
const (
	MaxDelayMs = 60_000 // one minute per message is slower than any lesson needs
	MaxPeers   = 256    // names in one partition line
	MaxName    = 256    // bytes of one peer name or address
	MaxCmd     = 4096   // bytes of one "do" command
)

// ParseControl reads one control line and checks that its fields make sense
// for its operation and stay within the bounds above. A command must be
// printable text on one line: it is echoed to the program's terminal, where
// an escape sequence would be obeyed, not shown.
func ParseControl(line []byte) (Control, error) {
	var c Control
	if err := json.Unmarshal(line, &c); err != nil {
		return Control{}, fmt.Errorf("bad control line: %w", err)
	}
	if c.V != Version {
		return Control{}, fmt.Errorf("bad control line: version %d, want %d", c.V, Version)
	}
	switch c.Op {
	case OpDelay:
		if c.Ms < 0 || c.Ms > MaxDelayMs {
			return Control{}, fmt.Errorf("bad control line: delay of %d ms is not between 0 and %d", c.Ms, MaxDelayMs)
		}
	case OpDrop, OpDuplicate:
		if c.P < 0 || c.P > 1 {
			return Control{}, fmt.Errorf("bad control line: %s probability %v is not between 0 and 1", c.Op, c.P)
		}
	case OpHold, OpStill:
	case OpPartition:
		if len(c.Peers) > MaxPeers {
			return Control{}, fmt.Errorf("bad control line: partition from %d peers, at most %d", len(c.Peers), MaxPeers)
		}
		for _, p := range c.Peers {
			if p == "" || len(p) > MaxName || !printable(p) {
				return Control{}, fmt.Errorf("bad control line: partition peer %.40q is not a name", p)
			}
		}
	case OpRelease:
		if c.ID == 0 && !c.All {
			return Control{}, fmt.Errorf(`bad control line: release needs "id" or "all"`)
		}
	case OpRefused:
		if len(c.Cmd) > MaxCmd || !printable(c.Cmd) {
			return Control{}, fmt.Errorf("bad control line: refused %.40q is not a printable reason of at most %d bytes", c.Cmd, MaxCmd)
		}
	case OpDo:
		if c.Cmd == "" {
			return Control{}, fmt.Errorf(`bad control line: do needs "cmd"`)
		}
		if len(c.Cmd) > MaxCmd || !printable(c.Cmd) {
			return Control{}, fmt.Errorf("bad control line: do %.40q is not a printable command of at most %d bytes", c.Cmd, MaxCmd)
		}
	default:
		return Control{}, fmt.Errorf("bad control line: unknown operation %q", c.Op)
	}
	return c, nil
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
