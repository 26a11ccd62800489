package catalog_test

import (
	"fmt"
	"strings"

	"dsdemo/models/catalog"
)

// The launcher's view of a catalogue entry: list it, then start its programs
// in order, passing on the address each server announced in its hello.
func Example() {
	m, _ := catalog.ByID("clientserver")
	fmt.Println(m.Title.In("de"), "/", m.Title.In("en"))
	for _, r := range m.Roles {
		fmt.Println("  role:", r.Name)
	}
	for _, e := range m.Experiments {
		fmt.Println("  experiment:", e.Title.In("en"))
	}

	order, err := m.StartOrder()
	if err != nil {
		fmt.Println(err)
		return
	}
	addrs := map[string]string{}
	for _, p := range order {
		args, err := p.LaunchArgs("127.0.0.1:9000", addrs)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("bin/"+p.Binary, strings.Join(args, " "))
		if p.Listen != catalog.NoListen {
			addrs[p.Node] = "127.0.0.1:41234" // as its hello would report it
		}
	}
	// Output:
	// Client/Server / Client/server
	//   role: server
	//   role: client
	//   experiment: A first request
	//   experiment: The server crashes
	//   experiment: Many clients, one server
	//   experiment: A slow and lossy network
	//   experiment: Predict the flow: where does the message go?
	// bin/server --name server --listen 127.0.0.1:0 --trace 127.0.0.1:9000 --exit-with-collector
	// bin/client --name client-1 --trace 127.0.0.1:9000 --exit-with-collector --server 127.0.0.1:41234
}

// Servers that need each other's addresses have reserved ports, so every
// placeholder can be filled in before any of them starts.
func ExampleProgram_ExpandArgs() {
	m, _ := catalog.ByID("cooperating-replicate")
	addrs := map[string]string{
		"server-1": "127.0.0.1:7101", // reserved by the launcher
		"server-2": "127.0.0.1:7102",
		"server-3": "127.0.0.1:7103",
	}
	p, _ := m.Program("server-1")
	fmt.Println(p.Args)
	args, err := p.ExpandArgs(addrs)
	fmt.Println(args, err)
	// Output:
	// [--mode replicate --peers {addr:server-2},{addr:server-3} --group-key dsdemo-class-demo-key]
	// [--mode replicate --peers 127.0.0.1:7102,127.0.0.1:7103 --group-key dsdemo-class-demo-key] <nil>
}
