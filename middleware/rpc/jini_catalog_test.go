package rpc_test

import (
	"testing"

	"dsdemo/middleware/rpc"
	"dsdemo/models/catalog"
	"dsdemo/models/catalog/catalogtest"
)

// TestJiniCatalogueSpeaksOurProtocol: the Jini model runs the same
// programs' protocol (one Messages table for the package), so its
// protocol file says what Messages says, and its experiments wait only
// for message types and body fields these programs send. After a change
// to Messages, write the file anew with
//
//	go test ./middleware/rpc/ -run Catalogue -update-protocol
func TestJiniCatalogueSpeaksOurProtocol(t *testing.T) {
	catalogtest.SpeaksProtocol(t, catalog.Protocol{Messages: rpc.Messages}, "jini")
}
