package p2p

// The message types of the Chord ring. Each request of type T is answered
// by T+"_ok" (wire.Serve's convention) or by an error envelope. The peers
// send the first ten to each other: lookups, maintenance and keys changing
// hands. put, get and ring come from a client (or from the launcher's "do"
// lines), and the asked peer does the work.
const (
	TypeClosest     = "closest"     // FindBody -> Step: one hop of a lookup
	TypePredecessor = "predecessor" // {} -> Neighbours: stabilize asks its successor
	TypeNotify      = "notify"      // NodeBody -> {}: "I might be your predecessor"
	TypePing        = "ping"        // {} -> NodeBody: are you alive, and who are you?
	TypeStore       = "store"       // ItemsBody (one item) -> Stored: keep this key, you are its successor
	TypeReplicate   = "replicate"   // ItemsBody -> {}: keep copies of your predecessor's keys
	TypeHandover    = "handover"    // ItemsBody -> {}: keys that are yours now (a join or a leave)
	TypeFetch       = "fetch"       // KeyBody -> Fetched: what do you hold for this key?
	TypeLeave       = "leave"       // LeaveBody -> {}: I am leaving, link up with my neighbours
	TypeState       = "state"       // {} -> State: your routing state, for the ring walk
	TypePut         = "put"         // ItemsBody (one item) -> Stored: a client stores a key
	TypeGet         = "get"         // KeyBody -> Found: a client reads a key
	TypeRing        = "ring"        // {} -> RingView: a client asks for the whole ring

	TypeClosestOK     = TypeClosest + "_ok"
	TypePredecessorOK = TypePredecessor + "_ok"
	TypeNotifyOK      = TypeNotify + "_ok"
	TypePingOK        = TypePing + "_ok"
	TypeStoreOK       = TypeStore + "_ok"
	TypeReplicateOK   = TypeReplicate + "_ok"
	TypeHandoverOK    = TypeHandover + "_ok"
	TypeFetchOK       = TypeFetch + "_ok"
	TypeLeaveOK       = TypeLeave + "_ok"
	TypeStateOK       = TypeState + "_ok"
	TypePutOK         = TypePut + "_ok"
	TypeGetOK         = TypeGet + "_ok"
	TypeRingOK        = TypeRing + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol: the catalogue's tests check that every
// type and body field a guided experiment waits for is one of these.
var Messages = map[string]any{
	TypeClosest: FindBody{}, TypeClosestOK: Step{},
	TypePredecessor: struct{}{}, TypePredecessorOK: Neighbours{},
	TypeNotify: NodeBody{}, TypeNotifyOK: struct{}{},
	TypePing: struct{}{}, TypePingOK: NodeBody{},
	TypeStore: ItemsBody{}, TypeStoreOK: Stored{},
	TypeReplicate: ItemsBody{}, TypeReplicateOK: struct{}{},
	TypeHandover: ItemsBody{}, TypeHandoverOK: struct{}{},
	TypeFetch: KeyBody{}, TypeFetchOK: Fetched{},
	TypeLeave: LeaveBody{}, TypeLeaveOK: struct{}{},
	TypeState: struct{}{}, TypeStateOK: State{},
	TypePut: ItemsBody{}, TypePutOK: Stored{},
	TypeGet: KeyBody{}, TypeGetOK: Found{},
	TypeRing: struct{}{}, TypeRingOK: RingView{},
}

// What a peer accepts from the network. Everything longer is refused with
// an error reply, so no message can make a peer hold more than it meant to.
const (
	MaxKey        = 256                  // bytes of a key
	MaxValue      = 64 << 10             // bytes of a value
	MaxName       = 64                   // bytes of a peer's name
	MaxSuccessors = 16                   // peers in a successor list, and so the largest r
	maxAddr       = 64                   // bytes of a peer's address (host:port)
	maxRefs       = bits + MaxSuccessors // peers one lookup step may name: fingers and successors
)

// maxBatch bounds the items of one message: replicate and handover send
// the keys in batches of at most this many.
const maxBatch = 1024

// maxWalk bounds the walk around the ring.
const maxWalk = 1024

// NodeRef names a peer: its position, its address and its name in traces.
// The zero NodeRef is "nobody" (no predecessor known yet).
type NodeRef struct {
	ID   ID     `json:"id"`
	Addr string `json:"addr"`
	Name string `json:"name"`
}

// Item is one key with its value. Version is the Lamport time of the put at
// the key's successor: where two copies disagree, the higher version wins.
type Item struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Version uint64 `json:"version"`
}

// FindBody asks for the next hop towards a position (closest).
type FindBody struct {
	ID ID `json:"id"`
}

// NodeBody names one peer: the sender of a notify, or the answer to a ping.
type NodeBody struct {
	Node NodeRef `json:"node"`
}

// KeyBody names the key of a get or a fetch.
type KeyBody struct {
	Key string `json:"key"`
}

// ItemsBody carries keys with their values: one for a put or a store, a
// batch of at most maxBatch for a replicate or a handover.
type ItemsBody struct {
	Items []Item `json:"items"`
}

// Neighbours answers a predecessor request: the asked peer's predecessor
// (zero when it knows none) and its successor list.
type Neighbours struct {
	Pred  NodeRef   `json:"pred"`
	Succs []NodeRef `json:"succs"`
}

// Step is a peer's answer to closest: either the position's successor is
// known (Done, with the successor list that holds its copies), or Next
// names the peers this one knows that are closer, the closest first.
type Step struct {
	Done  bool      `json:"done"`
	Succs []NodeRef `json:"succs,omitempty"`
	Next  []NodeRef `json:"next,omitempty"`
}

// Fetched answers a fetch: the item the asked peer holds for the key, if
// Found, and who answered.
type Fetched struct {
	Item  Item    `json:"item"`
	Found bool    `json:"found"`
	Peer  NodeRef `json:"peer"`
}

// LeaveBody is a peer's goodbye to its neighbours.
type LeaveBody struct {
	Node  NodeRef   `json:"node"`  // the peer that leaves
	Pred  NodeRef   `json:"pred"`  // its predecessor, for its successor
	Succs []NodeRef `json:"succs"` // its successors, for its predecessor
}

// Stored is the answer to a put: which peer took the key, after how many hops.
type Stored struct {
	Key  string  `json:"key"`
	Peer NodeRef `json:"peer"`
	Hops int     `json:"hops"`
}

// Found is the answer to a get: the value, the peer that held it and the
// hops of the lookup.
type Found struct {
	Key   string  `json:"key"`
	Value string  `json:"value"`
	Peer  NodeRef `json:"peer"`
	Hops  int     `json:"hops"`
}

// State is a peer's routing state and store, as "state" and "ring" show it.
// Fingers lists each distinct finger once, nearest first: that is all a
// peer knows of the ring beyond its neighbours, O(log N) peers.
type State struct {
	Self    NodeRef   `json:"self"`
	Pred    NodeRef   `json:"pred"`
	Succs   []NodeRef `json:"succs"`
	Fingers []NodeRef `json:"fingers"`
	Keys    int       `json:"keys"` // every key held, own and replicas
	Own     int       `json:"own"`  // keys this peer is the successor of
}

// RingView is the ring as one peer sees it: its own routing state, then
// every peer met by following successor pointers once around.
type RingView struct {
	Self State   `json:"self"`
	Walk []State `json:"walk"`
}
