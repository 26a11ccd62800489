package launch_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// testAddsTheCataloguesRole: key a (AddClient) starts one more program of
// the role the catalogue names in Adds, not only a client: in the broker
// model a copy of consumer-1, named after its role, which subscribes like
// the original. No launcher code knows the broker model.
func testAddsTheCataloguesRole(t *testing.T, bin string) {
	l, log := start(t, bin, "broker")
	name, err := l.AddClient(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "consumer-4", name, "consumer-2 and consumer-3 belong to the model's experiments")
	added := proc(t, l, name)
	assert.Equal(t, launch.StateRunning, added.State)
	assert.Equal(t, "consumer", added.Role)
	assert.Contains(t, added.Cmdline, "--from queue:orders")
	waitFor(t, log, 0, catalog.Match{Kind: trace.KindRecv, Node: name, Type: "subscribe_ok"})
}
