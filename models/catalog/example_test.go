package catalog_test

import (
	"fmt"

	"dsdemo/models/catalog"
)

// The home screen's view of a catalogue entry: its title, its roles and
// its experiments. (How the launcher starts it: tui/launch.)
func Example() {
	m, _ := catalog.ByID("clientserver")
	fmt.Println(m.Title.In("de"), "/", m.Title.In("en"))
	for _, r := range m.Roles {
		fmt.Println("  role:", r.Name)
	}
	for _, e := range m.Experiments {
		fmt.Println("  experiment:", e.Title.In("en"))
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
