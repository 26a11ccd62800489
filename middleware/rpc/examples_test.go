package rpc_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/program/programtest"
)

// TestPythonExample runs examples/lookup_call.py against a real directory
// and server: looking up and calling need nothing but a socket, a JSON
// library and the byte table of doc.go.
func TestPythonExample(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	dir := startDirectory(t)
	srv := startServer(t, dir.Addr)
	waitRegistered(t, dir.Addr, "bank", "")
	out, errOut, code := programtest.Run(t, python, filepath.Join("examples", "lookup_call.py"), dir.Addr, "alice")
	assert.Equal(t, 0, code, "stderr: %s", errOut)
	assert.Equal(t, "looked up bank: Bank at "+srv.Addr+", lease L1\n"+
		"json:   alice holds 10000 cents\n"+
		"binary: alice holds 10000 cents (sent 0005616c696365, got 0000000000002710)\n", out)
}
