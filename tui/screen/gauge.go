package screen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"dsdemo/tui/history"
)

// Timers and gauges a node reports (trace.Timer, trace.Gauge) are drawn as
// bars of █ and ░, so they read without colour too (NO_COLOR):
//
//	inspector:  timeout  ██████░░░░  1.2 s left · reply to put a
//	            fill     ███░░░░░░░  312 KiB/1 MiB
//	topology:   ⟦client ● ██░░⟧    the timer that runs out first, else the first gauge
//
// A timer's bar is as long as the share of it that is left at the scene's
// time, so it empties by itself as the redraw ticker lays the view out
// again (every 100 ms); nothing redraws more because a timer runs.

// barWidth is the length of a bar in the inspector; badgeWidth on a node.
const (
	barWidth   = 10
	badgeWidth = 4
)

// bar is frac (0 to 1) of width cells filled: █ for the share, ░ for the rest.
func bar(frac float64, width int) string {
	if math.IsNaN(frac) {
		frac = 0
	}
	full := int(math.Round(min(max(frac, 0), 1) * float64(width)))
	return strings.Repeat("█", full) + strings.Repeat("░", width-full)
}

// typedLine is the inspector's line for state key k of node n when it is
// a timer or a gauge; ok is false for a plain value.
func typedLine(c *common, n *history.Node, k string, now time.Time) (string, bool) {
	if tm, ok := n.Timers[k]; ok {
		left := tm.Left(now)
		words := fmt.Sprintf(c.t("noch %s", "%s left"), seconds(c, left))
		if left <= 0 {
			words = c.t("abgelaufen", "run out")
		}
		if tm.Still {
			words += c.t(" · steht", " · stands still")
		}
		if tm.Label != "" {
			words += " · " + tm.Label
		}
		return fmt.Sprintf("  %s  %s  %s", k, bar(tm.Fraction(now), barWidth), words), true
	}
	if g, ok := n.Gauges[k]; ok {
		return fmt.Sprintf("  %s  %s  %s", k, bar(g.Fraction(), barWidth), g.String()), true
	}
	return "", false
}

// seconds writes a time left for people: "1.4 s" ("1,4 s" in German), and
// whole seconds from 10 s on.
func seconds(c *common, d time.Duration) string {
	s := d.Seconds()
	text := strconv.FormatFloat(s, 'f', 1, 64)
	if s >= 10 {
		text = strconv.FormatFloat(math.Floor(s), 'f', 0, 64)
	}
	if c.lang == "de" {
		text = strings.ReplaceAll(text, ".", ",")
	}
	return text + " s"
}

// badge is the small bar on a node's label in the topology: its most
// urgent running timer, else its first gauge; "" when it has neither.
func badge(n *history.Node, now time.Time) string {
	if n == nil {
		return ""
	}
	if _, tm, ok := n.Urgent(now); ok {
		return bar(tm.Fraction(now), badgeWidth)
	}
	for _, k := range n.Keys {
		if g, ok := n.Gauges[k]; ok {
			return "▕" + bar(g.Fraction(), badgeWidth) + "▏"
		}
	}
	return ""
}

// badgeOf is node's badge with a space before it, for its label.
func (sc *scene) badgeOf(node string) string {
	if b := badge(sc.store.Node(node), sc.now); b != "" {
		return " " + b
	}
	return ""
}
