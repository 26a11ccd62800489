package ntier_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
)

// TestBookerDirect: with the addresses of the tiers behind the web tier,
// the booker's "direct app" and "direct db" ask them past the web tier,
// on the wire, and each answers a search; this is what the four-tiers
// experiment's firewalls (partitions) then cut off.
func TestBookerDirect(t *testing.T) {
	bin := build(t)
	s := startTiers(t, bin, 1)
	booker := filepath.Join(bin, "booker")
	for tier, addr := range map[string]string{"app": s.apps[0].Addr, "db": s.db.Addr} {
		out, errOut, code := programtest.Run(t, booker, "--web", s.url, "--"+tier, addr, "direct", tier)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "the "+tier+" tier at "+addr+" answered directly, past the web tier: ")
		assert.NotContains(t, out, ": 0 flights", "the timetable has flights")
	}
}

// TestHostileBookerDirect: a tier the booker does not know, a tier whose
// address it was not given, an address that is no HOST:PORT and one where
// nobody listens each get one clear sentence and a non-zero exit.
func TestHostileBookerDirect(t *testing.T) {
	bin := build(t)
	booker := filepath.Join(bin, "booker")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no such tier", []string{"direct", "web"}, `booker: direct asks the app or the db tier, not "web"`},
		{"no address", []string{"direct", "db"}, "booker: direct db needs the address of the db tier: start the booker with --db HOST:PORT"},
		{"a bad address", []string{"--app", "nowhere", "direct", "app"}, `booker: --app must be HOST:PORT, not "nowhere"`},
		{"nobody listens", []string{"--app", "127.0.0.1:1", "direct", "app"}, "booker: the app tier at 127.0.0.1:1 cannot be reached: connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := programtest.Run(t, booker, append([]string{"--web", "http://127.0.0.1:1"}, tc.args...)...)
			assert.NotEqual(t, 0, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
}
