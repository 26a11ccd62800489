package security

import (
	"testing"

	"dsdemo/models/catalog"
	"dsdemo/models/catalog/catalogtest"
)

// TestCatalogueSpeaksOurProtocol: the catalogue's protocol file of the
// security model says what Messages says, and every message type and
// body field its experiments wait for is one these programs send. After
// a change to Messages, write the file anew with
//
//	go test ./security/ -run Catalogue -update-protocol
func TestCatalogueSpeaksOurProtocol(t *testing.T) {
	catalogtest.SpeaksProtocol(t, catalog.Protocol{Messages: Messages}, "security")
}
