package security_test

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkThroughMallory is the whole path with real processes: Alice's
// session sends letters one after the other, each through Mallory to Bob
// and its receipt back, per protection (go test -bench ThroughMallory
// ./security/). Bob reads at once and limits nobody, so only the
// protection and the two hops count.
func BenchmarkThroughMallory(b *testing.B) {
	for _, p := range []string{"plain", "signed", "encrypted", "signed+encrypted", "shared"} {
		b.Run(p, func(b *testing.B) {
			s := setup(b, []string{"--protect", p}, []string{"--work", "0", "--mailbox", "4096", "--per-sender", "0"})
			do(b, s.alice, "send warm up", "letter #1 (")
			var cmds strings.Builder
			for i := range b.N {
				fmt.Fprintf(&cmds, "send letter %d\n", i)
			}
			b.ResetTimer()
			if _, err := s.alice.Stdin.Write([]byte(cmds.String())); err != nil {
				b.Fatal(err)
			}
			s.alice.WaitLine(b, fmt.Sprintf("accepted letter #%d (", b.N+1))
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
		})
	}
}
