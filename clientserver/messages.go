package clientserver

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
