package rpc

import (
	"context"
	"fmt"
)

// Invoker is the client's half of the middleware, the part every stub
// shares: it sends a marshalled call to the server and waits for the
// result (Client is one). args writes the call's arguments in order.
type Invoker interface {
	Invoke(ctx context.Context, iface, method string, args func(Encoder)) (Decoder, error)
}

// Method is a skeleton's entry for one method: it unmarshals the
// arguments from args, calls the implementation and marshals its results
// into results.
type Method func(ctx context.Context, args Decoder, results Encoder) error

// Skeleton is the server's half of one interface: its methods by name,
// each a Method generated from the interface (skeleton.go).
type Skeleton struct {
	Interface string
	Methods   map[string]Method
}

// ArgumentError says that a call's arguments did not unmarshal: the
// caller sent the wrong number or types of values, or, without an
// external data format, bytes the server reads differently.
type ArgumentError struct {
	Method string
	Err    error
}

func (e *ArgumentError) Error() string {
	return fmt.Sprintf("bad arguments to %s: %v", e.Method, e.Err)
}

func (e *ArgumentError) Unwrap() error { return e.Err }
