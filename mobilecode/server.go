package mobilecode

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"slices"
	"time"

	"go.starlark.net/starlark"

	"dsdemo/models/program"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// embedded holds the scripts in scripts/, the codeserver's default offer.
//
//go:embed scripts/*.star
var embedded embed.FS

// embeddedScripts returns the scripts directory of embedded.
func embeddedScripts() fs.FS {
	sub, _ := fs.Sub(embedded, "scripts") // cannot fail: the pattern above names it
	return sub
}

// CodeserverConfig is what the codeserver program starts with: its flags.
type CodeserverConfig struct {
	Key     string         // the private key that signs the scripts: a NAME.key file from keygen, or "demo" for the classroom key
	Trust   string         // run clients' scripts signed by this public key (a NAME.pub file, or "demo"); "" runs none
	Scripts string         // serve the NAME.star files of this directory; "" serves the built-in scripts
	Tamper  string         // serve this script changed after signing (tamperedLine appended), for the class; "" for none
	Limits  sandbox.Limits // of remote evaluations; zero fields take the defaults
}

// RunCodeserver is the codeserver program: it signs its scripts with the
// key of cfg and serves them on env.Listener until ctx is done, answering
// the calls they make home and, when cfg trusts a key, running scripts
// that key signed (remote evaluation).
func RunCodeserver(ctx context.Context, env *program.Env, cfg CodeserverConfig) error {
	if cfg.Key == "" {
		return program.Usagef("--key FILE is required (make one with: codeserver keygen --out NAME)")
	}
	sc := serverConfig{Tamper: cfg.Tamper, Limits: cfg.Limits}
	var err error
	if sc.Key, err = sandbox.ReadPrivateKey(cfg.Key); err != nil {
		return err
	}
	if cfg.Trust != "" {
		if sc.Trust, err = sandbox.ReadPublicKey(cfg.Trust); err != nil {
			return err
		}
	}
	if cfg.Scripts != "" {
		sc.Scripts = os.DirFS(cfg.Scripts)
	}
	s, err := newServer(env.Node, sc)
	if err != nil {
		return err
	}
	return s.Serve(ctx, env.Listener)
}

// serverConfig is a CodeserverConfig with its files read: the keys
// themselves and the file system of the scripts.
type serverConfig struct {
	Key     ed25519.PrivateKey // signs every script it offers
	Scripts fs.FS              // NAME.star files at its top; nil means embeddedScripts
	Tamper  string             // a script served changed after signing, for the class; "" for none
	Trust   ed25519.PublicKey  // whose scripts it runs for clients (remote evaluation); nil runs none
	Limits  sandbox.Limits     // for remote evaluation; zero fields take the defaults
}

// maxConcurrentRuns is how many remote evaluations a server runs at once.
// Each run may allocate its whole budget (Limits.Heap), and a signature
// proves only who wrote a script, not that it is kind: with the classroom's
// demo key, whose seed is published, anyone can sign one. Without a bound,
// the wire's MaxConns connections could start 2048 runs of 64 MiB each. A
// run beyond the bound is refused at once (errBusy), not queued: a queue
// would need a bound of its own, and the client's wait would run into its
// reply timeout anyway. Four is enough for a class taking turns, and keeps
// the server's memory at a few budgets.
const maxConcurrentRuns = sandbox.MaxConcurrentRuns

// errBusy: the server already runs maxConcurrentRuns remote evaluations.
// The request was neither checked nor run, so the client may send it again.
var errBusy = fmt.Errorf("busy: the server already runs %d remote evaluations at once; try again later", maxConcurrentRuns)

// server offers signed scripts (code on demand), answers the calls those
// scripts make home, and runs signed scripts for clients (remote evaluation).
type server struct {
	node    *wire.Node
	scripts map[string]script // by name; read-only after newServer
	trust   ed25519.PublicKey
	limits  sandbox.Limits
	replays *replayGuard
	running chan struct{} // one token per remote evaluation in progress; capacity maxConcurrentRuns
}

// newServer loads and signs the scripts of cfg.
func newServer(node *wire.Node, cfg serverConfig) (*server, error) {
	if len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("the codeserver needs its private key to sign scripts (--key FILE)")
	}
	if cfg.Scripts == nil {
		cfg.Scripts = embeddedScripts()
	}
	scripts, err := loadScripts(cfg.Scripts, cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Tamper != "" {
		s, ok := scripts[cfg.Tamper]
		if !ok {
			return nil, fmt.Errorf("cannot tamper with %q: no such script", cfg.Tamper)
		}
		scripts[cfg.Tamper] = tamper(s)
	}
	return &server{node: node, scripts: scripts, trust: cfg.Trust, limits: cfg.Limits, replays: newReplayGuard(processStart),
		running: make(chan struct{}, maxConcurrentRuns)}, nil
}

// tamperedLine is what an attacker on the way adds to the script --tamper
// names: one line that calls home and shows the answer. The signature stays
// the server's genuine one, made over the source without this line.
const tamperedLine = "\nshow(\"injected on the way:\", origin.call(\"products\"))\n"

// tamper returns s with tamperedLine appended to its source after it was
// signed, as an attacker between server and client would change the code.
// The client's check finds the changed code: the signature no longer
// matches the source.
func tamper(s script) script {
	s.Src = append(slices.Clip(s.Src), tamperedLine...)
	return s
}

// loadScripts reads every NAME.star at the top of fsys and signs it with key.
func loadScripts(fsys fs.FS, key ed25519.PrivateKey) (map[string]script, error) {
	files, err := fs.Glob(fsys, "*.star")
	if err != nil {
		return nil, fmt.Errorf("cannot list scripts: %w", err)
	}
	scripts := make(map[string]script, len(files))
	for _, file := range files {
		name := scriptName(path.Base(file))
		src, err := readScript(fsys, file)
		if err == nil {
			err = checkName(name)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot offer %s: %w", name, err)
		}
		scripts[name] = script{Name: name, Src: src, Sig: signScript(key, name, src)}
	}
	if len(scripts) == 0 {
		return nil, errors.New("no scripts to offer: want NAME.star files")
	}
	return scripts, nil
}

// readScript reads a script file; one over maxScriptSize is refused
// without reading all of it.
func readScript(fsys fs.FS, file string) ([]byte, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxScriptSize+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxScriptSize {
		size := int64(len(src))
		if info, err := f.Stat(); err == nil {
			size = max(size, info.Size())
		}
		return nil, sandbox.CheckScriptSize(int(min(size, 1<<40)))
	}
	return src, nil
}

// Serve answers requests on ln until ctx is done.
func (s *server) Serve(ctx context.Context, ln net.Listener) error {
	return wire.Serve(ctx, s.node, ln, s.Handle)
}

// Handle answers one request; it is the server's wire.Handler.
func (s *server) Handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case TypeList:
		names := make([]string, 0, len(s.scripts))
		for name := range s.scripts {
			names = append(names, name)
		}
		slices.Sort(names)
		return ListReply{Scripts: names}, nil
	case TypeFetch:
		var r FetchRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		sc, ok := s.scripts[scriptName(r.Name)]
		if !ok {
			return nil, fmt.Errorf("no script named %q", r.Name)
		}
		return sc.Body(), nil
	case TypeCall:
		var r CallRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		res, err := serveCall(ctx, r.Op, r.Args)
		return CallReply{Result: res}, err
	case TypeRun:
		return s.run(ctx, req.Body)
	}
	return nil, fmt.Errorf("unknown message type %q: want list, fetch, call or run", req.Type)
}

// run is remote evaluation: the client's code moves to the server and runs
// in the same sandbox, under the same limits, once its signature checks out
// and the request is fresh (replay.go). Each run has its own allocation
// budget, so runs at the same time do not take each other's memory, and at
// most maxConcurrentRuns run at once, so their budgets together are bounded.
func (s *server) run(ctx context.Context, body []byte) (any, error) {
	req, err := decodeRun(body)
	if err != nil {
		return nil, err
	}
	if s.trust == nil {
		return nil, errors.New("refused: this server trusts no key for remote evaluation (start it with --trust)")
	}
	// Refused before the signature is checked or the nonce remembered: a
	// busy request costs nothing, and the same request may come again.
	select {
	case s.running <- struct{}{}:
		defer func() { <-s.running }()
	default:
		s.node.Trace.Logf("refused a remote evaluation of %s: already %d running", req.Name, maxConcurrentRuns)
		return nil, errBusy
	}
	if err := req.Verify(s.trust); err != nil {
		return nil, err
	}
	if err := s.replays.admit(req, time.Now()); err != nil {
		return nil, err
	}
	out := &cappedBuffer{max: maxRunOutput}
	res, _ := runScript(ctx, req.Name, req.Src, s.limits, localCall, out)
	return RunReply{Output: out.String(), Steps: res.Steps, Verdict: res.Verdict}, nil
}

// maxRunOutput bounds what a remotely evaluated script may show, so that its
// reply always fits in one wire frame.
const maxRunOutput = 64 << 10

// cappedBuffer is a bytes.Buffer that refuses to grow beyond max bytes; the
// script's show then fails, which stops the script.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, fmt.Errorf("output longer than %d KiB", b.max>>10)
	}
	return b.Buffer.Write(p)
}

// localCall is origin.call for code running on the server itself: the
// origin is right here, so the call goes straight to the data API.
func localCall(ctx context.Context, op string, args starlark.Value) (starlark.Value, error) {
	goArgs, err := sandbox.ToGo(args)
	if err != nil {
		return nil, err
	}
	res, err := serveCall(ctx, op, goArgs)
	if err != nil {
		return nil, err
	}
	return viaJSON(res)
}

// viaJSON gives a script the result exactly as it would arrive over the wire.
func viaJSON(x any) (starlark.Value, error) {
	raw, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	var plain any
	if err := json.Unmarshal(raw, &plain); err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	return sandbox.FromGo(plain)
}
