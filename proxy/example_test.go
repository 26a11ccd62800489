package proxy_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"dsdemo/models/program"
	"dsdemo/models/wire"
	"dsdemo/proxy"
)

// ExampleRunOrigin shows revalidation from the client's side: the second
// request says which version it holds, and the origin answers 304 Not
// Modified without sending the resource again. A proxy asks the same way
// when its copy must be checked.
func ExampleRunOrigin() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	stopped := make(chan error, 1)
	go func() {
		env := &program.Env{Node: wire.NewNode("origin"), Listener: ln}
		stopped <- proxy.RunOrigin(ctx, env, proxy.OriginConfig{})
	}()
	url := "http://" + ln.Addr().String() + "/etag/a"

	resp, err := http.Get(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.Status, " ETag: ", resp.Header.Get("ETag"), "\n", string(body))

	req, _ := http.NewRequest(proxy.MethodGet, url, nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "ETag:", resp.Header.Get("ETag"))

	stop()
	fmt.Println("stopped:", <-stopped)
	// Output:
	// 200 OK ETag: "v1"
	// resource /etag/a, version 1
	// 304 Not Modified ETag: "v1"
	// stopped: <nil>
}
