package broker_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/program/programtest"
)

// TestPythonExample runs examples/produce_consume.py against a real broker:
// the protocol needs nothing but a socket and a JSON library.
func TestPythonExample(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	b := startBroker(t, "")
	out, errOut, code := programtest.Run(t, python, filepath.Join("examples", "produce_consume.py"), b.Addr)
	assert.Equal(t, 0, code, "stderr: %s", errOut)
	assert.Regexp(t, `(?s)sent #\d+: one\nsent #\d+: two\nsent #\d+: three\npublished: four\n`+
		`got #\d+ delivery 1: one -> acked\ngot #\d+ delivery 1: two -> acked\ngot #\d+ delivery 1: three -> acked\n`+
		`got #\d+ delivery 1: four -> acked\n`, out)
}
