package p2p

// What the external tests (package p2p_test) use beyond the exported API:
// a client of the ring, to play traffic through real peers, and the ring
// interval, to pick names that hash where an attack wants them.
type Client = client

var (
	NewClient = newClient
	Inside    = inside
)
