package trace_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/program/programtest"
)

// TestPythonCollector proves that a collector written in another language can
// follow a demo: examples/collector.py watches a real server and client.
func TestPythonCollector(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH, so the example collector cannot run (CI installs it)")
	}
	bin := programtest.Build(t, "dsdemo/clientserver/server", "dsdemo/clientserver/client")

	collector := programtest.Start(t, python, filepath.Join("examples", "collector.py"), "0")
	traceAddr := strings.TrimPrefix(collector.WaitLine(t, "collector on "), "collector on ")

	server := programtest.StartServer(t, filepath.Join(bin, "server"),
		"--listen", "127.0.0.1:0", "--trace", traceAddr, "--exit-with-collector")
	client := programtest.Start(t, filepath.Join(bin, "client"),
		"--server", server.Addr, "--trace", traceAddr, "put", "a", "1")
	client.WaitLine(t, "ok")

	// The collector prints "NODE  KIND  TYPE ..." for each event, e.g.
	// "server  recv  put from client id 1 clock 2".
	hello := collector.WaitLine(t, "server  hello ")
	assert.Contains(t, hello, "listen="+server.Addr, "the hello reports the address the server printed")
	recv := collector.WaitLine(t, "server  recv  put ")
	assert.Contains(t, recv, "from client")
	send := collector.WaitLine(t, "server  send  put_ok ")
	assert.Contains(t, send, "to client")
}
