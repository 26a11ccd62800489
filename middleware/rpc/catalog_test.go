package rpc

import (
	"testing"

	"dsdemo/models/catalog"
	"dsdemo/models/catalog/catalogtest"
)

// TestCatalogueSpeaksOurProtocol: the catalogue's protocol file of the
// remote-call model says what Messages says, and every message type and
// body field its experiments wait for is one these programs send. A
// renamed message or JSON field fails here, not in front of a class;
// after a change to Messages, write the file anew with
//
//	go test ./middleware/rpc/ -run Catalogue -update-protocol
func TestCatalogueSpeaksOurProtocol(t *testing.T) {
	catalogtest.SpeaksProtocol(t, catalog.Protocol{Messages: Messages}, "rpc")
}
