package p2p

// The message types of the Chord ring. Each request of type T is answered
// by T+"_ok" or by an error envelope. The first group is the ring's own
// traffic between peers; put, get and ring are what a client asks.
const (
	TypeClosest     = "closest"     // findBody -> step: the next hops towards an id
	TypePredecessor = "predecessor" // {} -> neighbours (stabilise)
	TypeNotify      = "notify"      // nodeBody: "I might be your predecessor"
	TypePing        = "ping"        // {} -> nodeBody: is my predecessor alive?
	TypeStore       = "store"       // itemsBody -> Stored: keep this key, you own it
	TypeReplicate   = "replicate"   // itemsBody: keep copies of your predecessor's keys
	TypeHandover    = "handover"    // itemsBody: keys that are now yours (a join or a leave)
	TypeFetch       = "fetch"       // keyBody -> fetched
	TypeLeave       = "leave"       // leaveBody: I am leaving, here are my neighbours
	TypeState       = "state"       // {} -> State: a peer's view of the ring
	TypePut         = "put"         // itemsBody -> Stored
	TypeGet         = "get"         // keyBody -> Found
	TypeRing        = "ring"        // {} -> RingView
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol: the catalogue's tests check that every
// type and body field a guided experiment waits for is one of these.
var Messages = map[string]any{
	TypeClosest: findBody{}, TypeClosest + "_ok": step{},
	TypePredecessor: struct{}{}, TypePredecessor + "_ok": neighbours{},
	TypeNotify: nodeBody{}, TypeNotify + "_ok": struct{}{},
	TypePing: struct{}{}, TypePing + "_ok": nodeBody{},
	TypeStore: itemsBody{}, TypeStore + "_ok": Stored{},
	TypeReplicate: itemsBody{}, TypeReplicate + "_ok": struct{}{},
	TypeHandover: itemsBody{}, TypeHandover + "_ok": struct{}{},
	TypeFetch: keyBody{}, TypeFetch + "_ok": fetched{},
	TypeLeave: leaveBody{}, TypeLeave + "_ok": struct{}{},
	TypeState: struct{}{}, TypeState + "_ok": State{},
	TypePut: itemsBody{}, TypePut + "_ok": Stored{},
	TypeGet: keyBody{}, TypeGet + "_ok": Found{},
	TypeRing: struct{}{}, TypeRing + "_ok": RingView{},
}
