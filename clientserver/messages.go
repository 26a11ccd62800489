package clientserver

import "encoding/json"

// The message types of the key-value service. Each request of type T is
// answered by T+"_ok" (wire.Serve's convention) or by an error envelope.
// Get, put and del come from clients; replicate, sync and catch_up only
// from the other servers of a group (their bodies are sealed, see doc.go).
const (
	TypeGet         = "get" // Request -> get_ok Result
	TypePut         = "put" // Request -> put_ok Result
	TypeDel         = "del" // Request -> del_ok Result
	TypeGetOK       = TypeGet + "_ok"
	TypePutOK       = TypePut + "_ok"
	TypeDelOK       = TypeDel + "_ok"
	TypeReplicate   = "replicate" // Replica -> replicate_ok ReplicateResult
	TypeSync        = "sync"      // SyncRequest -> sync_ok SyncPage
	TypeCatchUp     = "catch_up"  // {} -> catch_up_ok {}: "I am back, send me what I missed"
	TypeReplicateOK = TypeReplicate + "_ok"
	TypeSyncOK      = TypeSync + "_ok"
	TypeCatchUpOK   = TypeCatchUp + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol: the catalogue's tests check that every
// type and body field a guided experiment waits for is one of these, so a
// renamed field fails a test instead of silently breaking a lesson.
var Messages = map[string]any{
	TypeGet: Request{}, TypePut: Request{}, TypeDel: Request{},
	TypeGetOK: Result{}, TypePutOK: Result{}, TypeDelOK: Result{},
	TypeReplicate: Replica{}, TypeReplicateOK: ReplicateResult{},
	TypeSync: SyncRequest{}, TypeSyncOK: SyncPage{},
	TypeCatchUp: struct{}{}, TypeCatchUpOK: struct{}{},
}

// The bodies, as they travel in the envelope's "body". Between the servers
// of a group each of them travels inside a Sealed instead (seal.go).

// Request is the body of get, put and del from a client. A request that
// one server forwards to the owner of the key in partition mode is a
// Request in a Sealed body instead (seal.go): only servers of the group
// may forward. Even a forwarded request gives no right to store a key the
// server does not own: it answers one with an error rather than pass it on
// again.
type Request struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// Result is the body of get_ok, put_ok and del_ok. Server names the server
// that holds the key, which in partition mode is not always the one asked.
type Result struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Found  bool   `json:"found"`
	Server string `json:"server"`
}

// Replica is the body of replicate: one write, passed from the server that
// took it to every other replica, with the version it was given there.
type Replica struct {
	Key     string  `json:"key"`
	Value   string  `json:"value,omitempty"`
	Deleted bool    `json:"deleted,omitempty"`
	Version Version `json:"version"`
}

// ReplicateResult is the body of replicate_ok. Newer is set when the
// replica already holds a newer version of the key and kept it: the write
// is late, and the server that took it must not call it done. CatchingUp
// says that the replica took the write but is still copying its peers, so
// it does not count towards the majority.
type ReplicateResult struct {
	Newer      *Replica `json:"newer,omitempty"`
	CatchingUp bool     `json:"catching_up,omitempty"`
}

// SyncRequest is the body of sync: a replica that catches up asks a peer
// for the store's entries after the key After, one page at a time. The
// seal names the asker, so the peer knows that it is alive again.
type SyncRequest struct {
	After string `json:"after"`
}

// SyncPage is the body of sync_ok: one page of entries, tombstones
// included. Incomplete says that the replica answering has restarted and
// not finished copying its own peers: its store may lack writes it once
// took, so a copy of it alone proves nothing.
type SyncPage struct {
	Entries    []Replica `json:"entries"`
	More       bool      `json:"more"`
	Incomplete bool      `json:"incomplete,omitempty"`
}

// Version orders the writes to one key: a Lamport timestamp, with the name
// of the server that took the write to break ties between equal clocks.
// Every replica that sees the same writes keeps the same winner, in
// whatever order they arrive. Versions are only ever compared, never added
// to, so no arithmetic can wrap one around to "older".
type Version struct {
	Clock uint64 `json:"clock"`
	Node  string `json:"node"`
}

// less reports whether v is older than w.
func (v Version) less(w Version) bool {
	if v.Clock != w.Clock {
		return v.Clock < w.Clock
	}
	return v.Node < w.Node
}

// Sealed is the body of a message between servers of a group and of its
// reply: the message's own body, Msg, and the seal that proves a member
// of the group sent it to this receiver.
type Sealed struct {
	Msg      json.RawMessage `json:"msg"`
	Sender   string          `json:"sender"`   // the sender's address, as its peers know it
	Receiver string          `json:"receiver"` // the address of the server it is meant for
	Nonce    string          `json:"nonce"`    // random in a request; a reply carries its request's
	Issued   int64           `json:"issued"`   // when it was sealed, in Unix milliseconds (replay.go)
	MAC      string          `json:"mac"`      // HMAC-SHA256 under the group key, in hex
}
