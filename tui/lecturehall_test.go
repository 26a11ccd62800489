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
// question in TestLectureHall: longer than any program's own timeout, so
// the verdict comes only if the held message waits for the class. The
// issue asks for 60 s; DSDEMO_THINK shortens it when working on the test.
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
// caption is shown whole, the footer names x and ?, and a question the
// class answers only after a minute still gets its verdict. The models
// play side by side, each in a tmux session of its own, since most of the
// time goes to thinking.
//
// It is not yet part of make test: it has not been run green against the
// protocol-time timeouts. Run it with DSDEMO_LECTURE_HALL=1.
func TestLectureHall(t *testing.T) {
	if os.Getenv("DSDEMO_LECTURE_HALL") == "" {
		t.Skip("set DSDEMO_LECTURE_HALL=1 to play every model's prediction at 80x24 (about two minutes)")
	}
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
			for n, step := range m.Experiments[e].Steps {
				term.keys("x")
				caption := strings.Fields(step.Caption.EN)
				term.waitFor(fmt.Sprintf("step %d's caption, whole", n+1), func(s string) bool {
					return strings.Contains(strings.Join(strings.Fields(s), " "), strings.Join(caption, " "))
				})
				footer := lastLines(term.screen(), 2)
				assert.Contains(t, footer, "x ", "step %d: the footer names x", n+1)
				assert.Contains(t, footer, "?", "step %d: the footer names ?", n+1)
				if step.Kind != catalog.StepPredict {
					continue
				}
				time.Sleep(think) // the class thinks; nothing to wait for but the clock
				term.keys(strconv.Itoa(slices.Index(step.Choices, step.Answer) + 1))
				term.waitText("✓ Right: " + step.Answer)
			}
		})
	}
}

// lastLines returns the last n lines of a screen.
func lastLines(screen string, n int) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
