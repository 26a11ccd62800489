package mobilecode

import (
	"testing"

	"dsdemo/models/catalog"
	"dsdemo/models/catalog/catalogtest"
)

// TestCatalogueSpeaksOurProtocol: the catalogue's protocol file of each
// model this package's programs play says what Messages says, and every
// message type and body field its experiments wait for, and every
// background type, is one these programs send. A renamed message or JSON
// field fails here, not in front of a class; after a change to Messages,
// write the files anew with
//
//	go test ./mobilecode/ -run Catalogue -update-protocol
func TestCatalogueSpeaksOurProtocol(t *testing.T) {
	catalogtest.SpeaksProtocol(t, catalog.Protocol{Messages: Messages}, "mobilecode")
}
