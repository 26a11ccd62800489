package mobilecode

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The message types of the mobile code protocol. Each request of type T is
// answered by T+"_ok" or by an error envelope.
const (
	TypeList  = "list"  // which scripts do you offer?
	TypeFetch = "fetch" // send me this script with its signature (code on demand)
	TypeCall  = "call"  // a running script calls home for data
	TypeRun   = "run"   // run my signed script for me (remote evaluation)
)

// MaxScriptSize is the largest script the programs accept, send or offer.
// Useful scripts are a few KiB; the limit keeps every message that carries
// a script well inside one wire frame, even when JSON escapes every byte.
const MaxScriptSize = 128 << 10

// MaxNameLen is the longest script name.
const MaxNameLen = 64

// NonceSize is the length of a run request's nonce, in bytes.
const NonceSize = 16

// Script is a piece of mobile code as it travels: its name, its source and
// the signature over both.
type Script struct {
	Name string
	Src  []byte
	Sig  []byte
}

// RunRequest is a remote evaluation as the client signs it: the script, a
// nonce and the time of signing. The signature covers all of them, so the
// server can refuse a request it has seen before (a replay) and one too old
// to remember.
type RunRequest struct {
	Name   string
	Src    []byte
	Nonce  []byte    // NonceSize random bytes, new for every request
	Issued time.Time // when the client signed it, to the millisecond
	Sig    []byte
}

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

// Body returns s as it travels.
func (s Script) Body() ScriptBody {
	return ScriptBody{Name: s.Name, Src: string(s.Src), Sig: base64.StdEncoding.EncodeToString(s.Sig)}
}

// Body returns r as it travels.
func (r RunRequest) Body() RunBody {
	return RunBody{
		Name:   r.Name,
		Src:    string(r.Src),
		Nonce:  base64.StdEncoding.EncodeToString(r.Nonce),
		Issued: r.Issued.UnixMilli(),
		Sig:    base64.StdEncoding.EncodeToString(r.Sig),
	}
}

// DecodeFetch decodes a fetch_ok body into a Script. It checks the form
// only; whether the signature fits is Verify's job.
func DecodeFetch(raw []byte) (Script, error) {
	var b ScriptBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return Script{}, fmt.Errorf("bad script message: %w", err)
	}
	s := Script{Name: b.Name, Src: []byte(b.Src)}
	var err error
	if err = checkScript(s.Name, s.Src); err == nil {
		s.Sig, err = decodeBase64("signature", b.Sig)
	}
	if err != nil {
		return Script{}, fmt.Errorf("bad script message: %w", err)
	}
	return s, nil
}

// DecodeRun decodes a run body into a RunRequest. It checks the form only;
// whether the signature fits and the request is fresh is the server's job.
func DecodeRun(raw []byte) (RunRequest, error) {
	var b RunBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return RunRequest{}, fmt.Errorf("bad run message: %w", err)
	}
	r := RunRequest{Name: b.Name, Src: []byte(b.Src), Issued: time.UnixMilli(b.Issued)}
	err := checkScript(r.Name, r.Src)
	if err == nil {
		r.Nonce, err = decodeBase64("nonce", b.Nonce)
	}
	if err == nil && len(r.Nonce) != NonceSize {
		err = fmt.Errorf("the nonce has %d bytes, want %d", len(r.Nonce), NonceSize)
	}
	if err == nil && b.Issued <= 0 {
		err = fmt.Errorf("no time of signing (issued)")
	}
	if err == nil {
		r.Sig, err = decodeBase64("signature", b.Sig)
	}
	if err != nil {
		return RunRequest{}, fmt.Errorf("bad run message: %w", err)
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
	return checkScriptSize(len(src))
}

// checkName accepts 1 to MaxNameLen letters, digits, '-', '_' and '.', not
// starting with '.': a name that is also a safe file name and one word in a
// session command.
func checkName(name string) error {
	ok := name != "" && len(name) <= MaxNameLen && name[0] != '.'
	for _, c := range name {
		ok = ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.", c))
	}
	if ok {
		return nil
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("a script name of %d bytes: want at most %d", len(name), MaxNameLen)
	}
	return fmt.Errorf("bad script name %q: want 1 to %d letters, digits, '-', '_' or '.'", name, MaxNameLen)
}

// checkScriptSize refuses a script larger than MaxScriptSize.
func checkScriptSize(size int) error {
	if size > MaxScriptSize {
		return fmt.Errorf("the script has %d KiB, and a script may have at most %d KiB", size>>10, MaxScriptSize>>10)
	}
	return nil
}

// scriptName is the name a request means: "aggregate.star" is "aggregate".
func scriptName(name string) string { return strings.TrimSuffix(name, ".star") }

// Messages maps each message type to the type of its body, for tools that
// check names against the protocol: the catalogue's tests check that every
// type and body field a guided experiment waits for is one of these.
var Messages = map[string]any{
	TypeList: struct{}{}, TypeList + "_ok": ListReply{},
	TypeFetch: FetchRequest{}, TypeFetch + "_ok": ScriptBody{},
	TypeCall: CallRequest{}, TypeCall + "_ok": CallReply{},
	TypeRun: RunBody{}, TypeRun + "_ok": RunReply{},
}
