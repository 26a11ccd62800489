package launch_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// testChurn lets peers of the p2p ring leave and come back while a client
// puts and gets keys every second, and checks that its lookups go on
// succeeding and that no peer stays away for good.
func testChurn(t *testing.T, bin string) {
	l, log := start(t, bin, "p2p")
	require.NoError(t, l.StartNode(t.Context(), "client-1"))
	gets := func(evs []trace.Event) int {
		n := 0
		for _, e := range evs {
			if e.Node == "client-1" && e.Kind == trace.KindLog && strings.Contains(e.Text, "(held by") {
				n++
			}
		}
		return n
	}
	for i := range 6 {
		did, err := l.Churn(t.Context())
		require.NoError(t, err)
		assert.Regexp(t, `^peer-[2-7] (leaves|joins)$`, did)
		// Between steps the client gets at least one more key back.
		before := gets(log.All())
		log.WaitFor(t, fmt.Sprintf("a successful get after churn step %d (%s)", i+1, did), func(evs []trace.Event) bool {
			return gets(evs) > before
		})
	}
	away := 0
	for _, p := range l.Procs() {
		if p.Role == "peer" && p.State != launch.StateRunning {
			away++
		}
	}
	assert.LessOrEqual(t, away, 2, "churn keeps at most two peers away")
	for _, e := range log.Matching(func(e trace.Event) bool { return e.Node == "client-1" && e.Kind == trace.KindLog }) {
		assert.NotContains(t, e.Text, "error", "every command of the client succeeds: %s", programtest.String(e))
	}
	var left int
	for _, e := range log.Matching(func(e trace.Event) bool { return e.Kind == trace.KindBye }) {
		if strings.HasPrefix(e.Node, "peer-") {
			left++
		}
	}
	assert.Positive(t, left, "leaving peers say goodbye")
}
