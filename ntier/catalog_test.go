package ntier

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

// TestCatalogueSpeaksOurProtocol: every message type and body field the
// catalogue's experiments wait for, and every background type, is one this
// package's programs send. A renamed message or JSON field fails here,
// not in front of a class.
func TestCatalogueSpeaksOurProtocol(t *testing.T) {
	for _, id := range []string{"ntier"} {
		m, ok := catalog.ByID(id)
		require.True(t, ok, "the catalogue has no model %q", id)
		assert.NoError(t, m.CheckProtocol(catalog.Protocol{Messages: Messages, HTTP: true}))
	}
}
