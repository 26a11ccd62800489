package proxy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

// TestCatalogueSpeaksOurProtocol: every message the catalogue's
// experiments wait for is an HTTP request or status code, the only
// messages the caching proxy's programs send.
func TestCatalogueSpeaksOurProtocol(t *testing.T) {
	m, ok := catalog.ByID("proxy")
	require.True(t, ok)
	assert.NoError(t, m.CheckProtocol(catalog.Protocol{HTTP: true}))
}
