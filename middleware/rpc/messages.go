package rpc

import "encoding/json"

// The message types of the directory and of the remote call. A request of
// type T is answered by T+"_ok" (wire.Serve's convention) or by an error
// envelope ({"reason":"..."}). One message is not a request: event, which
// the directory sends by itself to a subscriber.
const (
	TypeRegister  = "register"  // RegisterRequest -> register_ok Grant: a server offers a service
	TypeRenew     = "renew"     // LeaseRequest -> renew_ok Grant: "I am still here"
	TypeCancel    = "cancel"    // LeaseRequest -> cancel_ok {}: "I am leaving"
	TypeLookup    = "lookup"    // LookupRequest -> lookup_ok LookupResult: where is it?
	TypeList      = "list"      // {} -> list_ok LookupResult: everything registered
	TypeSubscribe = "subscribe" // SubscribeRequest -> subscribe_ok Grant: tell me about changes
	TypeEvent     = "event"     // Event, from the directory to a subscriber; no reply
	TypeCall      = "call"      // Call -> call_ok Result: the marshalled remote call
	TypeInvoke    = "invoke"    // Invoke -> invoke_ok InvokeResult: a downloaded proxy asks its device (jini.go)

	TypeRegisterOK  = TypeRegister + "_ok"
	TypeRenewOK     = TypeRenew + "_ok"
	TypeCancelOK    = TypeCancel + "_ok"
	TypeLookupOK    = TypeLookup + "_ok"
	TypeListOK      = TypeList + "_ok"
	TypeSubscribeOK = TypeSubscribe + "_ok"
	TypeCallOK      = TypeCall + "_ok"
	TypeInvokeOK    = TypeInvoke + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol (the catalogue's protocol file).
var Messages = map[string]any{
	TypeRegister: RegisterRequest{}, TypeRegisterOK: Grant{},
	TypeRenew: LeaseRequest{}, TypeRenewOK: Grant{},
	TypeCancel: LeaseRequest{}, TypeCancelOK: struct{}{},
	TypeLookup: LookupRequest{}, TypeLookupOK: LookupResult{},
	TypeList: struct{}{}, TypeListOK: LookupResult{},
	TypeSubscribe: SubscribeRequest{}, TypeSubscribeOK: Grant{},
	TypeEvent: Event{},
	TypeCall:  Call{}, TypeCallOK: Result{},
	TypeInvoke: Invoke{}, TypeInvokeOK: InvokeResult{},
}

// The kinds of change an Event reports.
const (
	Registered = "registered" // a new registration, or one that replaced another of the same name
	Renewed    = "renewed"    // its lease was renewed
	Expired    = "expired"    // its lease ran out: nobody renewed it in time
	Cancelled  = "cancelled"  // its owner gave it up
)

// The external data formats of a call's arguments and results (Call.Codec).
const (
	CodecJSON   = "json"   // a JSON object, one field per parameter: text, self-describing
	CodecBinary = "binary" // big-endian bytes in a fixed order, in hex (doc.go has the table)
	CodecRaw    = "raw"    // no external format: the sender's memory image, in its own byte order
)

// The call semantics a client may ask for.
const (
	AtLeastOnce = "at-least-once" // retry until a reply comes: a lost reply means the call runs again
	AtMostOnce  = "at-most-once"  // retry with the same request id: the server answers a repeat from its reply cache
)

// RegisterRequest is the body of register. Name is what a client looks
// up ("bank"), Interface the type of service it offers ("Bank"), Address
// where to call it, Attributes what sets it apart from others of its type
// ("currency": "EUR"). LeaseMS is the lease the server asks for; the
// directory may grant less (Grant.DurationMS), and 0 asks for its default.
type RegisterRequest struct {
	Name       string            `json:"name"`
	Interface  string            `json:"interface"`
	Address    string            `json:"address"`
	Attributes map[string]string `json:"attributes,omitempty"`
	LeaseMS    int64             `json:"lease_ms,omitempty"`
	Proxy      *Proxy            `json:"proxy,omitempty"` // a Jini service's own code for its clients (jini.go)
}

// Grant is the body of register_ok, renew_ok and subscribe_ok: a lease.
// Lease names it in events and lists; Key proves that whoever renews or
// cancels it is the one it was granted to, so only the owner can keep it
// alive or give it up. DurationMS is how long it lasts unless renewed.
// Replaced names the lease of an earlier registration of the same name
// that this one took the place of (a server that moved).
type Grant struct {
	Lease      string `json:"lease"`
	Key        string `json:"key"`
	DurationMS int64  `json:"duration_ms"`
	Replaced   string `json:"replaced,omitempty"`
}

// LeaseRequest is the body of renew and cancel. LeaseMS asks for a new
// duration on renew; 0 keeps the one granted before.
type LeaseRequest struct {
	Lease   string `json:"lease"`
	Key     string `json:"key"`
	LeaseMS int64  `json:"lease_ms,omitempty"`
}

// LookupRequest is the body of lookup: by Name, or by Interface and an
// attribute template. An attribute of the template must be present with
// the same value; one the template leaves out matches anything. Every
// field empty matches every registration.
type LookupRequest struct {
	Name       string            `json:"name,omitempty"`
	Interface  string            `json:"interface,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// LookupResult is the body of lookup_ok and list_ok, sorted by name.
type LookupResult struct {
	Matches []Registration `json:"matches"`
}

// Registration is one entry of the directory as others see it: what was
// registered, under which lease, and how long that lease has left.
type Registration struct {
	Name       string            `json:"name"`
	Interface  string            `json:"interface"`
	Address    string            `json:"address"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Lease      string            `json:"lease"`
	LeftMS     int64             `json:"left_ms"`
	Proxy      *Proxy            `json:"proxy,omitempty"` // in lookup_ok and list_ok, never in events (jini.go)
}

// SubscribeRequest is the body of subscribe: the registrations to hear
// about (a template, as in lookup; empty: all of them) and the lease the
// subscriber asks for. The subscription lasts until its lease runs out or
// the subscriber's connection closes; events arrive on that connection.
type SubscribeRequest struct {
	LookupRequest
	LeaseMS int64    `json:"lease_ms,omitempty"`
	Kinds   []string `json:"kinds,omitempty"` // the kinds of change to hear of (Jini's transitions); empty: every kind
}

// Event is the body of event: one change to a registration that matches a
// subscription. Seq counts the events of one subscription from 1 up, so a
// subscriber sees from a gap that it missed some (the directory drops
// events for a subscriber that does not read them).
type Event struct {
	Subscription string       `json:"subscription"`
	Seq          uint64       `json:"seq"`
	Kind         string       `json:"kind"`
	Registration Registration `json:"registration"`
}

// Call is the body of call: one remote method call as the stub marshalled
// it. Args holds the arguments in the external data format Codec: a JSON
// object for json, a string of hex digits for binary and raw. Caller and
// Request identify the call for at-most-once: every retry carries the
// same pair, so the server can tell a repeat from a new call. Attempt
// counts the tries, from 1, for the reader of the trace; the server never
// relies on it.
type Call struct {
	Interface string          `json:"interface"`
	Method    string          `json:"method"`
	Codec     string          `json:"codec"`
	Args      json.RawMessage `json:"args"`
	Caller    string          `json:"caller,omitempty"`
	Request   uint64          `json:"request,omitempty"`
	Attempt   int             `json:"attempt,omitempty"`
}

// Result is the body of call_ok: the results in the call's Codec.
// Replayed says that the server did not run the method again but answered
// a repeated request from its reply cache (at-most-once).
type Result struct {
	Codec    string          `json:"codec"`
	Results  json.RawMessage `json:"results"`
	Replayed bool            `json:"replayed,omitempty"`
}

// Proxy is a Jini service's own code for its clients: a Starlark script
// its vendor signed. It travels in the registration; a client that looks
// the service up gets it with the match, checks the signature against a
// key it trusts and runs it in a sandbox, where the script reaches its
// device with invoke. The client needs no driver of its own (jini.go).
// Script is the name the signature covers (the service's interface,
// "Printer"), Source the code, Sig the ed25519 signature (base64).
type Proxy struct {
	Script string `json:"script"`
	Source string `json:"source"`
	Sig    []byte `json:"sig,omitempty"`
}

// Invoke is the body of invoke: one operation a downloaded proxy asks of
// its device, in the device's own protocol. Only the proxy knows the ops
// and their arguments; the client that runs the proxy never sees them.
type Invoke struct {
	Op   string          `json:"op"`
	Args json.RawMessage `json:"args,omitempty"`
}

// InvokeResult is the body of invoke_ok: what the operation returned.
type InvokeResult struct {
	Result json.RawMessage `json:"result"`
}
