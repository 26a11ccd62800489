package mobilecode

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"io/fs"

	"go.starlark.net/starlark"

	"dsdemo/models/wire"
)

// ServerName is the node name a client addresses its requests to.
const ServerName = "codeserver"

// Client talks to one codeserver: the origin of the code it fetches.
type Client struct {
	pool *wire.Pool
}

// NewClient returns a client of the codeserver at addr.
func NewClient(node *wire.Node, addr string) *Client {
	return &Client{pool: wire.NewPool(node, addr)}
}

// Close closes the client's connections.
func (c *Client) Close() { c.pool.Close() }

// List returns the names of the scripts the server offers.
func (c *Client) List(ctx context.Context) ([]string, error) {
	reply, err := c.pool.Call(ctx, ServerName, TypeList, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("cannot list scripts: %w", err)
	}
	var l ListReply
	if err := reply.UnmarshalBody(&l); err != nil {
		return nil, err
	}
	return l.Scripts, nil
}

// Fetch downloads a script with its signature; it does not verify it.
func (c *Client) Fetch(ctx context.Context, name string) (Script, error) {
	reply, err := c.pool.Call(ctx, ServerName, TypeFetch, FetchRequest{Name: name})
	if err != nil {
		return Script{}, fmt.Errorf("cannot fetch %s: %w", name, err)
	}
	return DecodeFetch(reply.Body)
}

// Origin returns the origin.call of scripts fetched from this server: it can
// reach this server and no other (same-origin).
func (c *Client) Origin() CallFunc {
	return func(ctx context.Context, op string, args starlark.Value) (starlark.Value, error) {
		goArgs, err := ToGo(args)
		if err != nil {
			return nil, err
		}
		reply, err := c.pool.Call(ctx, ServerName, TypeCall, CallRequest{Op: op, Args: goArgs})
		if err != nil {
			return nil, err
		}
		var r CallReply
		if err := reply.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return FromGo(r.Result)
	}
}

// RunRemote sends a signed script for the server to run (remote evaluation).
func (c *Client) RunRemote(ctx context.Context, s Script) (RunReply, error) {
	reply, err := c.pool.Call(ctx, ServerName, TypeRun, s.Body())
	if err != nil {
		return RunReply{}, fmt.Errorf("remote evaluation of %s: %w", s.Name, err)
	}
	var r RunReply
	err = reply.UnmarshalBody(&r)
	return r, err
}

// Evaluate is remote evaluation from the client's side: it takes the script
// NAME.star from scripts, signs it with the client's key and sends it to the
// server, which runs it in its own sandbox and sends back what it showed.
func (c *Client) Evaluate(ctx context.Context, name string, key ed25519.PrivateKey, scripts fs.FS) (RunReply, error) {
	src, err := fs.ReadFile(scripts, name+".star")
	if err != nil {
		return RunReply{}, fmt.Errorf("no script %s to send: %w", name, err)
	}
	return c.RunRemote(ctx, Script{Name: name, Src: src, Sig: Sign(key, name, src)})
}

// FetchAndRun is code on demand from the client's side: fetch the script,
// refuse it unless trust signed it, then run it in the sandbox with
// origin.call going home to this server and show writing to show.
func (c *Client) FetchAndRun(ctx context.Context, name string, trust ed25519.PublicKey, limits Limits, show io.Writer) (Result, error) {
	s, err := c.Fetch(ctx, name)
	if err != nil {
		return Result{}, err
	}
	if err := Verify(trust, s.Name, s.Src, s.Sig); err != nil {
		return Result{Verdict: err.Error()}, err
	}
	return Run(ctx, s.Name, s.Src, limits, c.Origin(), show)
}
