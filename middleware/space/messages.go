package space

// The message types of the space. A request of type T is answered by
// T+"_ok" or by an error envelope ({"reason":"..."}). One message is not a
// request: event, which the space sends by itself to the connection that
// registered a notify, and which is not answered.
const (
	TypeWrite  = "write"  // WriteRequest -> write_ok WriteResult: a new entry, under a lease
	TypeRead   = "read"   // MatchRequest -> read_ok MatchResult: a copy of an entry matching a template
	TypeTake   = "take"   // MatchRequest -> take_ok MatchResult: an entry matching a template, removed
	TypeNotify = "notify" // NotifyRequest -> notify_ok NotifyResult: events for entries written from now on
	TypeEvent  = "event"  // Event, from the space to a notify's connection; no reply
	TypeRenew  = "renew"  // RenewRequest -> renew_ok LeaseResult: a lease (entry, notify, transaction) runs longer
	TypeCancel = "cancel" // CancelRequest -> cancel_ok {}: a lease ends now
	TypeBegin  = "begin"  // BeginRequest -> begin_ok BeginResult: a new transaction, under a lease
	TypeCommit = "commit" // TxnRequest -> commit_ok TxnResult: the transaction's operations take effect
	TypeAbort  = "abort"  // TxnRequest -> abort_ok TxnResult: they are undone, taken entries go back
	TypeStatus = "status" // {} -> status_ok Status: how much the space holds

	TypeWriteOK  = TypeWrite + "_ok"
	TypeReadOK   = TypeRead + "_ok"
	TypeTakeOK   = TypeTake + "_ok"
	TypeNotifyOK = TypeNotify + "_ok"
	TypeRenewOK  = TypeRenew + "_ok"
	TypeCancelOK = TypeCancel + "_ok"
	TypeBeginOK  = TypeBegin + "_ok"
	TypeCommitOK = TypeCommit + "_ok"
	TypeAbortOK  = TypeAbort + "_ok"
	TypeStatusOK = TypeStatus + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol (the catalogue's CheckProtocol).
var Messages = map[string]any{
	TypeWrite: WriteRequest{}, TypeWriteOK: WriteResult{},
	TypeRead: MatchRequest{}, TypeReadOK: MatchResult{},
	TypeTake: MatchRequest{}, TypeTakeOK: MatchResult{},
	TypeNotify: NotifyRequest{}, TypeNotifyOK: NotifyResult{},
	TypeEvent: Event{},
	TypeRenew: RenewRequest{}, TypeRenewOK: LeaseResult{},
	TypeCancel: CancelRequest{}, TypeCancelOK: struct{}{},
	TypeBegin: BeginRequest{}, TypeBeginOK: BeginResult{},
	TypeCommit: TxnRequest{}, TypeCommitOK: TxnResult{},
	TypeAbort: TxnRequest{}, TypeAbortOK: TxnResult{},
	TypeStatus: struct{}{}, TypeStatusOK: Status{},
}

// Entry is a typed tuple: a type name and named fields whose values are
// JSON strings, numbers or booleans. As a template, an empty Type matches
// every type, and a field left out or set to null matches any value
// (a wildcard); every other field must be equal.
type Entry struct {
	Type   string         `json:"type"`
	Fields map[string]any `json:"fields,omitempty"`
}

// WriteRequest is the body of write: a new entry, living LeaseMS
// milliseconds of protocol time unless renewed (0: as long as the space
// grants at most). Under transaction Txn (0: none) only that transaction
// sees it until it commits.
type WriteRequest struct {
	Entry   Entry  `json:"entry"`
	LeaseMS int64  `json:"lease_ms,omitempty"`
	Txn     uint64 `json:"txn,omitempty"`
}

// WriteResult is the body of write_ok: the entry's lease (its id, for
// renew and cancel) and how long the space granted, which may be less
// than asked.
type WriteResult struct {
	Lease   uint64 `json:"lease"`
	LeaseMS int64  `json:"lease_ms"`
}

// MatchRequest is the body of read and take: the template, and how long
// to wait for a matching entry when none is there (0: answer at once).
// IfExists (readIfExists, takeIfExists) waits only while a matching entry
// exists that another transaction holds, and answers "none" as soon as
// none does. Under transaction Txn the entries it wrote count too, and a
// take keeps the entry for the transaction until it ends.
type MatchRequest struct {
	Template Entry  `json:"template"`
	WaitMS   int64  `json:"wait_ms,omitempty"`
	Txn      uint64 `json:"txn,omitempty"`
	IfExists bool   `json:"if_exists,omitempty"`
}

// MatchResult is the body of read_ok and take_ok: Found says whether an
// entry matched within the wait; Lease is its id.
type MatchResult struct {
	Found bool   `json:"found"`
	Lease uint64 `json:"lease,omitempty"`
	Entry *Entry `json:"entry,omitempty"`
}

// NotifyRequest is the body of notify: the space sends an event for every
// entry matching Template that is written (or committed) from now on, for
// LeaseMS milliseconds of protocol time unless renewed, and for no longer
// than the connection lives.
type NotifyRequest struct {
	Template Entry `json:"template"`
	LeaseMS  int64 `json:"lease_ms,omitempty"`
}

// NotifyResult is the body of notify_ok: the registration's lease.
type NotifyResult struct {
	Reg     uint64 `json:"reg"`
	LeaseMS int64  `json:"lease_ms"`
}

// Event is the body of event: registration Reg saw entry Lease written.
// Seq counts the registration's events from 1; a gap says the space
// dropped events its listener did not take fast enough.
type Event struct {
	Reg   uint64 `json:"reg"`
	Seq   uint64 `json:"seq"`
	Lease uint64 `json:"lease"`
	Entry Entry  `json:"entry"`
}

// RenewRequest is the body of renew: lease Lease (an entry's, a notify's
// or a transaction's) runs LeaseMS more milliseconds from now (0: as long
// as the space grants at most).
type RenewRequest struct {
	Lease   uint64 `json:"lease"`
	LeaseMS int64  `json:"lease_ms,omitempty"`
}

// LeaseResult is the body of renew_ok: what the space granted.
type LeaseResult struct {
	LeaseMS int64 `json:"lease_ms"`
}

// CancelRequest is the body of cancel: lease Lease ends now. Cancelling an
// entry's lease removes the entry, a notify's ends its events, a
// transaction's aborts it.
type CancelRequest struct {
	Lease uint64 `json:"lease"`
}

// BeginRequest is the body of begin: a new transaction, which aborts by
// itself when its lease of LeaseMS (0: DefaultTxnLease) runs out unless
// renewed. That is how a space learns that a client holding one died.
type BeginRequest struct {
	LeaseMS int64 `json:"lease_ms,omitempty"`
}

// BeginResult is the body of begin_ok: the transaction's id (also its
// lease's) and the lease granted.
type BeginResult struct {
	Txn     uint64 `json:"txn"`
	LeaseMS int64  `json:"lease_ms"`
}

// TxnRequest is the body of commit and abort.
type TxnRequest struct {
	Txn uint64 `json:"txn"`
}

// TxnResult is the body of commit_ok and abort_ok: how many entries the
// transaction wrote and took. On commit the written ones become visible
// and the taken ones are gone; on abort the written ones are gone and the
// taken ones are back.
type TxnResult struct {
	Written int `json:"written"`
	Taken   int `json:"taken"`
}

// Status is the body of status_ok.
type Status struct {
	Entries       int            `json:"entries"` // every entry, visible or held by a transaction
	Bytes         int64          `json:"bytes"`
	Types         map[string]int `json:"types"` // entries by type
	Transactions  int            `json:"transactions"`
	Waiting       int            `json:"waiting"` // reads and takes waiting for an entry
	Registrations int            `json:"registrations"`
}
