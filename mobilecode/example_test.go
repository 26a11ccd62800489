package mobilecode_test

import (
	"context"
	"fmt"
	"net"
	"os"

	"dsdemo/mobilecode"
	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// Code on demand in one process: a codeserver signs its scripts with the
// classroom key and serves them; a sandbox fetches convert, checks its
// signature, and runs it. The script calls home twice (rates, products),
// and the conversion happens in the sandbox.
func ExampleRunSandbox() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		server := &program.Env{Node: wire.NewNode("codeserver"), Listener: ln, Stdout: os.Stdout}
		served <- mobilecode.RunCodeserver(ctx, server, mobilecode.CodeserverConfig{Key: "demo"})
	}()

	sandbox := &program.Env{Node: wire.NewNode("sandbox"), Args: []string{"convert"}, Stdout: os.Stdout}
	err = mobilecode.RunSandbox(ctx, sandbox, mobilecode.SandboxConfig{Server: ln.Addr().String(), Trust: "demo"})
	fmt.Println("error:", err)
	stop()
	<-served
	// Output:
	// pencil: 0.80 EUR, 0.86 USD, 0.68 GBP
	// fountain pen: 24.00 EUR, 25.92 USD, 20.40 GBP
	// error: <nil>
}
