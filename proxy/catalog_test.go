package proxy

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

// TestCatalogueSpeaksOurProtocol: every message the catalogue's
// experiments wait for is an HTTP request or an answer, the only messages
// the caching proxy's programs send, and every answer is one of the status
// codes they give (Messages): a catalogue that waited for a 418 would wait
// in front of a class for ever.
func TestCatalogueSpeaksOurProtocol(t *testing.T) {
	m, ok := catalog.ByID("proxy")
	require.True(t, ok)
	assert.NoError(t, m.CheckProtocol(catalog.Protocol{Messages: Messages, HTTP: true}))
	for _, e := range m.Experiments {
		for i, s := range e.Steps {
			if _, err := strconv.Atoi(s.Until.Type); err == nil {
				assert.Contains(t, Messages, s.Until.Type, "experiment %q step %d", e.ID, i+1)
			}
		}
	}
}

// TestMessagesAreStatusCodes: each answer type is a status code as
// httpwire writes it, and its body is text.
func TestMessagesAreStatusCodes(t *testing.T) {
	for typ, body := range Messages {
		code, err := strconv.Atoi(typ)
		require.NoError(t, err, typ)
		assert.NotEmpty(t, http.StatusText(code), typ)
		assert.IsType(t, "", body, typ)
	}
}
