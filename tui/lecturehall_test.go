package main_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
)

// classThinks is how long the class takes to answer a "predict the flow"
// question in TestLectureHall: a minute, longer than any program's own
// timeout, so the verdict comes only if the held message waits for the
// class. DSDEMO_THINK shortens it when working on the test.
func classThinks(t *testing.T) time.Duration {
	if s := os.Getenv("DSDEMO_THINK"); s != "" {
		d, err := time.ParseDuration(s)
		require.NoError(t, err, "DSDEMO_THINK")
		return d
	}
	return 60 * time.Second
}

// TestLectureHall plays the "predict the flow" experiment of every model
// on a projector's terminal (80×24, NO_COLOR), as a class would: every
// caption is shown whole, the footer names x and ?, a question the class
// answers only after a minute still gets its verdict, and a message the
// network loses shows its mark. For the last, the instructor turns the drop
// rate of the next step's sender up to 100 % after the first verdict; the
// rest of the experiment then cannot go as written, which is what a broken
// network does. The models play side by side, each in a tmux session of
// its own, since most of the time goes to thinking.
func TestLectureHall(t *testing.T) {
	pkgs := []string{"dsdemo/tui"}
	for _, p := range catalog.Packages() {
		pkgs = append(pkgs, "dsdemo/"+strings.TrimPrefix(p, "./"))
	}
	slices.Sort(pkgs)
	dir := programtest.Build(t, pkgs...)
	think := classThinks(t)
	for i, m := range catalog.All() {
		e := slices.IndexFunc(m.Experiments, func(e catalog.Experiment) bool {
			return slices.ContainsFunc(e.Steps, func(s catalog.Step) bool { return s.Kind == catalog.StepPredict })
		})
		if e < 0 {
			continue
		}
		t.Run(m.ID, func(t *testing.T) {
			t.Parallel()
			term := startDsdemoIn(t, dir, 80, 24, "NO_COLOR=1")
			term.waitText("dsdemo")
			for range i {
				term.keys("Down")
			}
			for range e + 1 {
				term.keys("Right")
			}
			term.keys("Enter")
			term.waitText("x experiment")
			steps := m.Experiments[e].Steps
			first := slices.IndexFunc(steps, func(s catalog.Step) bool { return s.Kind == catalog.StepPredict })
			for n, step := range steps {
				lose := n > first && step.Kind == catalog.StepDo
				if lose {
					require.NotContains(t, term.screen(), "✗", "nothing was lost before the drop")
					term.selectNode(step.Node)
					term.keys("d", "d", "d")
					term.waitText(fmt.Sprintf("drop %s 100%%", step.Node))
				}
				term.keys("x")
				caption := strings.Fields(step.Caption.EN)
				term.waitFor(fmt.Sprintf("step %d's caption, whole", n+1), func(s string) bool {
					return strings.Contains(strings.Join(strings.Fields(s), " "), strings.Join(caption, " "))
				})
				footer := lastLines(term.screen(), 2)
				assert.Contains(t, footer, "x ", "step %d: the footer names x", n+1)
				assert.Contains(t, footer, "?", "step %d: the footer names ?", n+1)
				if lose {
					term.waitFor(step.Node+"'s message marked lost (✗)", contains("✗"))
					return
				}
				if step.Kind == catalog.StepPredict && n == first {
					time.Sleep(think) // the class thinks; nothing to wait for but the clock
					term.keys(strconv.Itoa(slices.Index(step.Choices, step.Answer) + 1))
					term.waitText("✓ Right: " + step.Answer)
				}
			}
			t.Fatal("the experiment has no do step after its first prediction, so nothing could be lost")
		})
	}
}

// selectNode selects node in the live view, as an instructor does with
// ←/→, reading the name from the inspector's first line.
func (term *terminal) selectNode(node string) {
	term.t.Helper()
	term.keys("Tab", "Tab") // sequence → log → inspector
	term.waitFor("the inspector", func(s string) bool { return inspected(s) != "" })
	for range 16 {
		now := inspected(term.screen())
		if now == node {
			term.keys("Tab") // back to the sequence diagram
			return
		}
		term.keys("Right")
		term.waitFor("the next node in the inspector", func(s string) bool { return inspected(s) != now })
	}
	term.t.Fatalf("%s cannot be selected; the screen shows:\n%s", node, term.screen())
}

// inspected is the node the inspector shows: the line above its "role …"
// line.
func inspected(screen string) string {
	lines := strings.Split(screen, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "role ") {
			return strings.TrimSpace(lines[i-1])
		}
	}
	return ""
}

// lastLines returns the last n lines of a screen.
func lastLines(screen string, n int) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
