package mobilecode

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// The message types of the mobile code protocol. Each request of type T is
// answered by T+"_ok" or by an error envelope.
const (
	TypeList  = "list"  // which scripts do you offer?
	TypeFetch = "fetch" // send me this script with its signature (code on demand)
	TypeCall  = "call"  // a running script calls home for data
	TypeRun   = "run"   // run my signed script for me (remote evaluation)
)

// Script is a piece of mobile code as it travels: its name, its source and
// the signature over both.
type Script struct {
	Name string
	Src  []byte
	Sig  []byte
}

// ListReply is the body of list_ok.
type ListReply struct {
	Scripts []string `json:"scripts"`
}

// FetchRequest is the body of fetch.
type FetchRequest struct {
	Name string `json:"name"`
}

// ScriptBody is the body of fetch_ok and of run: the source as text, the
// signature in base64, so both stay readable on the wire.
type ScriptBody struct {
	Name string `json:"name"`
	Src  string `json:"src"`
	Sig  string `json:"sig"`
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

// DecodeFetch decodes a fetch_ok (or run) body into a Script. It checks the
// form only; whether the signature fits is Verify's job.
func DecodeFetch(raw []byte) (Script, error) {
	var b ScriptBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return Script{}, fmt.Errorf("bad script message: %w", err)
	}
	if b.Name == "" {
		return Script{}, errors.New("bad script message: no name")
	}
	sig, err := base64.StdEncoding.DecodeString(b.Sig)
	if err != nil {
		return Script{}, fmt.Errorf("bad script message: signature is not base64: %w", err)
	}
	return Script{Name: b.Name, Src: []byte(b.Src), Sig: sig}, nil
}
