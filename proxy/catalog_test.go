package proxy

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/catalog/catalogtest"
)

// TestCatalogueSpeaksOurProtocol: the catalogue's protocol file of the
// proxy model says what Messages says, and every message its experiments
// wait for is an HTTP request or an answer, the only messages the caching
// proxy's programs send. After a change to Messages, write the file anew
// with
//
//	go test ./proxy/ -run Catalogue -update-protocol
func TestCatalogueSpeaksOurProtocol(t *testing.T) {
	catalogtest.SpeaksProtocol(t, catalog.Protocol{Messages: Messages, HTTP: true}, "proxy")
}

// TestCatalogueWaitsForOurStatusCodes: every answer the catalogue's
// experiments wait for is one of the status codes the proxy's programs
// give (Messages): a catalogue that waited for a 418 would wait in front
// of a class for ever.
func TestCatalogueWaitsForOurStatusCodes(t *testing.T) {
	m, ok := catalog.ByID("proxy")
	require.True(t, ok)
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
