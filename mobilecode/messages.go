package mobilecode

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"dsdemo/models/sandbox"
)

// The message types of the mobile code protocol. Each request of type T is
// answered by T+"_ok" (wire.Serve's convention) or by an error envelope.
// List and fetch are code on demand, call is a running script calling
// home, run is remote evaluation.
const (
	TypeList    = "list"  // {} -> list_ok ListReply: which scripts do you offer?
	TypeFetch   = "fetch" // FetchRequest -> fetch_ok ScriptBody: send me this script with its signature
	TypeCall    = "call"  // CallRequest -> call_ok CallReply: a running script asks its origin for data
	TypeRun     = "run"   // RunBody -> run_ok RunReply: run my signed script for me
	TypeListOK  = TypeList + "_ok"
	TypeFetchOK = TypeFetch + "_ok"
	TypeCallOK  = TypeCall + "_ok"
	TypeRunOK   = TypeRun + "_ok"
)

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol: the catalogue's tests check that every
// type and body field a guided experiment waits for is one of these, so a
// renamed field fails a test instead of silently breaking a lesson.
var Messages = map[string]any{
	TypeList: struct{}{}, TypeListOK: ListReply{},
	TypeFetch: FetchRequest{}, TypeFetchOK: ScriptBody{},
	TypeCall: CallRequest{}, TypeCallOK: CallReply{},
	TypeRun: RunBody{}, TypeRunOK: RunReply{},
}

// The bodies, as they travel in the envelope's "body". Scripts travel as
// text and signatures and nonces in base64, so a student reading the wire
// with nc sees the code itself.

// ListReply is the body of list_ok.
type ListReply struct {
	Scripts []string `json:"scripts"`
}

// FetchRequest is the body of fetch.
type FetchRequest struct {
	Name string `json:"name"`
}

// ScriptBody is the body of fetch_ok: the source as text, the signature in
// base64, so both stay readable on the wire.
type ScriptBody struct {
	Name string `json:"name"`
	Src  string `json:"src"`
	Sig  string `json:"sig"`
}

// RunBody is the body of run.
type RunBody struct {
	Name   string `json:"name"`
	Src    string `json:"src"`
	Nonce  string `json:"nonce"`  // base64
	Issued int64  `json:"issued"` // Unix time in milliseconds
	Sig    string `json:"sig"`    // base64
}

// CallRequest is the body of call.
type CallRequest struct {
	Op   string `json:"op"`
	Args any    `json:"args"`
}

// CallReply is the body of call_ok.
type CallReply struct {
	Result any `json:"result"`
}

// RunReply is the body of run_ok: what the script showed and how its run ended.
type RunReply struct {
	Output  string `json:"output"`
	Steps   uint64 `json:"steps"`
	Verdict string `json:"verdict"`
}

// The forms the programs work with, and how they are decoded from the
// bodies: a decoder checks the form of what arrived, never whether it is
// genuine, which is the signature's job (sign.go).

// maxScriptSize is the largest script the programs accept, send or offer:
// the largest the sandbox compiles. Useful scripts are a few KiB; the limit
// keeps every message that carries a script well inside one wire frame,
// even when JSON escapes every byte.
const maxScriptSize = sandbox.MaxScriptSize

// maxNameLen is the longest script name.
const maxNameLen = 64

// nonceSize is the length of a run request's nonce, in bytes.
const nonceSize = 16

// script is a piece of mobile code as it travels: its name, its source and
// the signature over both.
type script struct {
	Name string
	Src  []byte
	Sig  []byte
}

// runRequest is a remote evaluation as the client signs it: the script, a
// nonce and the time of signing. The signature covers all of them, so the
// server can refuse a request it has seen before (a replay) and one too old
// to remember.
type runRequest struct {
	Name   string
	Src    []byte
	Nonce  []byte    // nonceSize random bytes, new for every request
	Issued time.Time // when the client signed it, to the millisecond
	Sig    []byte
}

// Body returns s as it travels.
func (s script) Body() ScriptBody {
	return ScriptBody{Name: s.Name, Src: string(s.Src), Sig: base64.StdEncoding.EncodeToString(s.Sig)}
}

// Body returns r as it travels.
func (r runRequest) Body() RunBody {
	return RunBody{
		Name:   r.Name,
		Src:    string(r.Src),
		Nonce:  base64.StdEncoding.EncodeToString(r.Nonce),
		Issued: r.Issued.UnixMilli(),
		Sig:    base64.StdEncoding.EncodeToString(r.Sig),
	}
}

// decodeFetch decodes a fetch_ok body into a script. It checks the form
// only; whether the signature fits is verifyScript's job.
func decodeFetch(raw []byte) (script, error) {
	var b ScriptBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return script{}, fmt.Errorf("bad script message: %w", err)
	}
	s := script{Name: b.Name, Src: []byte(b.Src)}
	var err error
	if err = checkScript(s.Name, s.Src); err == nil {
		s.Sig, err = decodeBase64("signature", b.Sig)
	}
	if err != nil {
		return script{}, fmt.Errorf("bad script message: %w", err)
	}
	return s, nil
}

// decodeRun decodes a run body into a runRequest. It checks the form only;
// whether the signature fits and the request is fresh is the server's job.
func decodeRun(raw []byte) (runRequest, error) {
	var b RunBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return runRequest{}, fmt.Errorf("bad run message: %w", err)
	}
	r := runRequest{Name: b.Name, Src: []byte(b.Src), Issued: time.UnixMilli(b.Issued)}
	err := checkScript(r.Name, r.Src)
	if err == nil {
		r.Nonce, err = decodeBase64("nonce", b.Nonce)
	}
	if err == nil && len(r.Nonce) != nonceSize {
		err = fmt.Errorf("the nonce has %d bytes, want %d", len(r.Nonce), nonceSize)
	}
	if err == nil && b.Issued <= 0 {
		err = fmt.Errorf("no time of signing (issued)")
	}
	if err == nil {
		r.Sig, err = decodeBase64("signature", b.Sig)
	}
	if err != nil {
		return runRequest{}, fmt.Errorf("bad run message: %w", err)
	}
	return r, nil
}

func decodeBase64(what, s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s is not base64: %w", what, err)
	}
	return b, nil
}

// checkScript checks a script's name and size.
func checkScript(name string, src []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	return sandbox.CheckScriptSize(len(src))
}

// checkName accepts 1 to maxNameLen letters, digits, '-', '_' and '.', not
// starting with '.': a name that is also a safe file name and one word in a
// session command.
func checkName(name string) error {
	ok := name != "" && len(name) <= maxNameLen && name[0] != '.'
	for _, c := range name {
		ok = ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.", c))
	}
	if ok {
		return nil
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("a script name of %d bytes: want at most %d", len(name), maxNameLen)
	}
	return fmt.Errorf("bad script name %q: want 1 to %d letters, digits, '-', '_' or '.'", name, maxNameLen)
}

// scriptName is the name a request means: "aggregate.star" is "aggregate".
func scriptName(name string) string { return strings.TrimSuffix(name, ".star") }
