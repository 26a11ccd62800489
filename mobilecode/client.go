package mobilecode

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"go.starlark.net/starlark"

	"dsdemo/models/program"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// SandboxConfig is what the sandbox program starts with: its flags. The
// script to fetch and run is the program's one argument (env.Args).
type SandboxConfig struct {
	Server  string         // the codeserver's address: the origin of the code
	Trust   string         // run only scripts signed by this public key: a NAME.pub file, or "demo"
	Key     string         // the client's own private key (NAME.key, or "demo"), to sign the scripts it sends; "" for none
	Scripts string         // the client's own NAME.star scripts to send are in this directory; "" for the built-in ones
	Send    string         // remote evaluation: send this script for the server to run, instead of fetching one
	List    bool           // only list the scripts the server offers
	Session bool           // an interactive sandbox: run scripts by name as they are typed or sent with do
	Limits  sandbox.Limits // of the sandbox's own runs; zero fields take the defaults
}

// check refuses a configuration that cannot work, before anything is read
// or sent.
func (cfg SandboxConfig) check(args []string) error {
	switch {
	case cfg.List:
		return nil
	case cfg.Send != "" && cfg.Key == "":
		return program.Usagef("--send needs --key, the key that signs the script")
	case cfg.Send == "" && (cfg.Trust == "" || (len(args) != 1 && !cfg.Session)):
		return program.Usagef("want --trust PUBKEY and one SCRIPT name (or --list, or --session)")
	}
	return nil
}

// RunSandbox is the sandbox program. It lists what the server offers
// (cfg.List), or fetches the script named in env.Args, refuses it unless
// cfg.Trust signed it, and runs it (code on demand), or sends one of its
// own scripts for the server to run (cfg.Send, remote evaluation), or
// does any of these as commands arrive (cfg.Session).
func RunSandbox(ctx context.Context, env *program.Env, cfg SandboxConfig) error {
	if err := cfg.check(env.Args); err != nil {
		return err
	}
	c := newClient(env.Node, cfg.Server)
	defer c.Close()
	if cfg.List {
		names, err := c.List(ctx)
		for _, n := range names {
			fmt.Fprintln(env.Stdout, n)
		}
		return err
	}
	var own ed25519.PrivateKey
	if cfg.Key != "" {
		var err error
		if own, err = sandbox.ReadPrivateKey(cfg.Key); err != nil {
			return err
		}
	}
	mine := embeddedScripts()
	if cfg.Scripts != "" {
		mine = os.DirFS(cfg.Scripts)
	}
	if cfg.Send != "" {
		return c.evaluateAndShow(ctx, env.Stdout, cfg.Send, own, mine)
	}
	trust, err := sandbox.ReadPublicKey(cfg.Trust)
	if err != nil {
		return err
	}
	if cfg.Session {
		return c.Session(ctx, env, trust, cfg.Limits, own, mine)
	}
	_, err = c.FetchAndRun(ctx, env.Args[0], trust, cfg.Limits, env.Stdout)
	return err
}

// serverName is the node name a client addresses its requests to.
const serverName = "codeserver"

// client talks to one codeserver: the origin of the code it fetches.
type client struct {
	node *wire.Node // its timeouts count protocol time (wire.Node.WithTimeout)
	pool *wire.Pool
}

// newClient returns a client of the codeserver at addr.
func newClient(node *wire.Node, addr string) *client {
	return &client{node: node, pool: wire.NewPool(node, addr)}
}

// Close closes the client's connections.
func (c *client) Close() { c.pool.Close() }

// replyTimeout is how long the client waits for any answer of the server,
// in protocol time (wire.Node.WithTimeout), so slow motion does not cut it off.
// A server that never answers, or answers with a line too long to read,
// does not make the client hang.
const replyTimeout = 30 * time.Second

// maxBody is the largest message body the client sends: a wire frame, less
// room for the envelope around the body.
const maxBody = wire.MaxFrame - 1<<10

// call is one request to the server, bounded by replyTimeout. A body
// too large for one frame is refused before it is sent.
func (c *client) call(ctx context.Context, typ string, body any) (wire.Envelope, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return wire.Envelope{}, fmt.Errorf("encode %s: %w", typ, err)
	}
	if len(raw) > maxBody {
		return wire.Envelope{}, fmt.Errorf("a %s message of %d KiB does not fit in one message (at most %d KiB)", typ, len(raw)>>10, maxBody>>10)
	}
	ctx, cancel := c.node.WithTimeout(ctx, replyTimeout)
	defer cancel()
	return c.pool.Call(ctx, serverName, typ, json.RawMessage(raw))
}

// List returns the names of the scripts the server offers.
func (c *client) List(ctx context.Context) ([]string, error) {
	reply, err := c.call(ctx, TypeList, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("cannot list scripts: %w", err)
	}
	var l ListReply
	if err := reply.UnmarshalBody(&l); err != nil {
		return nil, err
	}
	return l.Scripts, nil
}

// Fetch downloads a script with its signature; it does not verify it. It
// refuses a script under another name than the one asked for: a genuine
// signature of another script (say hostile-loop when aggregate was asked
// for) proves only that the other script is genuine.
func (c *client) Fetch(ctx context.Context, name string) (script, error) {
	name = scriptName(name)
	reply, err := c.call(ctx, TypeFetch, FetchRequest{Name: name})
	if err != nil {
		return script{}, fmt.Errorf("cannot fetch %s: %w", name, err)
	}
	s, err := decodeFetch(reply.Body)
	if err != nil {
		return script{}, err
	}
	if s.Name != name {
		return script{}, fmt.Errorf("refused: asked for %s, but the server sent %s", name, s.Name)
	}
	return s, nil
}

// Origin returns the origin.call of scripts fetched from this server: it can
// reach this server and no other (same-origin).
func (c *client) Origin() callFunc {
	return func(ctx context.Context, op string, args starlark.Value) (starlark.Value, error) {
		goArgs, err := sandbox.ToGo(args)
		if err != nil {
			return nil, err
		}
		reply, err := c.call(ctx, TypeCall, CallRequest{Op: op, Args: goArgs})
		if err != nil {
			return nil, err
		}
		var r CallReply
		if err := reply.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return sandbox.FromGo(r.Result)
	}
}

// RunRemote sends a signed script for the server to run (remote
// evaluation). It sends it once: a request that may have run is never sent
// again by itself.
func (c *client) RunRemote(ctx context.Context, req runRequest) (RunReply, error) {
	reply, err := c.call(ctx, TypeRun, req.Body())
	if err != nil {
		return RunReply{}, fmt.Errorf("remote evaluation of %s: %w", req.Name, err)
	}
	var r RunReply
	err = reply.UnmarshalBody(&r)
	return r, err
}

// prepareRun takes the script NAME.star from scripts and signs it with the
// client's key, with a fresh nonce and the time, for RunRemote.
func prepareRun(name string, key ed25519.PrivateKey, scripts fs.FS) (runRequest, error) {
	name = scriptName(name)
	if err := checkName(name); err != nil {
		return runRequest{}, fmt.Errorf("cannot send %s: %w", name, err)
	}
	src, err := readScript(scripts, name+".star")
	if err != nil {
		return runRequest{}, fmt.Errorf("cannot send %s: %w", name, err)
	}
	return newRunRequest(key, name, src)
}

// Evaluate is remote evaluation from the client's side: it takes the script
// NAME.star from scripts, signs it with the client's key and sends it to the
// server, which runs it in its own sandbox and sends back what it showed.
func (c *client) Evaluate(ctx context.Context, name string, key ed25519.PrivateKey, scripts fs.FS) (RunReply, error) {
	req, err := prepareRun(name, key, scripts)
	if err != nil {
		return RunReply{}, err
	}
	return c.RunRemote(ctx, req)
}

// evaluateAndShow is "sandbox --send NAME": remote evaluation, with what
// the script showed on the server written to show. A run the server
// stopped is an error, as it is for a run in the sandbox itself.
func (c *client) evaluateAndShow(ctx context.Context, show io.Writer, name string, key ed25519.PrivateKey, scripts fs.FS) error {
	r, err := c.Evaluate(ctx, name, key, scripts)
	if err != nil {
		return err
	}
	fmt.Fprint(show, r.Output)
	if r.Verdict != sandbox.VerdictFinished {
		return fmt.Errorf("on the server: %s", r.Verdict)
	}
	return nil
}

// FetchAndRun is code on demand from the client's side: fetch the script,
// refuse it unless trust signed it, then run it in the sandbox with
// origin.call going home to this server and show writing to show.
func (c *client) FetchAndRun(ctx context.Context, name string, trust ed25519.PublicKey, limits sandbox.Limits, show io.Writer) (sandbox.Result, error) {
	s, err := c.Fetch(ctx, name)
	if err != nil {
		return sandbox.Result{Verdict: err.Error()}, err
	}
	if err := verifyScript(trust, s.Name, s.Src, s.Sig); err != nil {
		return sandbox.Result{Verdict: err.Error()}, err
	}
	limits.WaitClock = c.node.WithTimeout // a wait for the origin counts protocol time
	return runScript(ctx, s.Name, s.Src, limits, c.Origin(), show)
}
