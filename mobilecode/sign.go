package mobilecode

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"dsdemo/models/sandbox"
)

// What a signature covers (sandbox.Sign frames each field as a netstring).
// The first field says what the signature is for, so a signature made for
// one purpose is worthless for another: a script the server signed for
// code on demand cannot be sent back as a run request.
const (
	purposeScript = "dsdemo mobile code: script v2" // fields: name, source
	purposeRun    = "dsdemo mobile code: run v2"    // fields: name, nonce, issued, source
)

// signScript signs the script name with source src, as the codeserver does for
// code on demand. The signature covers the name, so a sandbox that asked
// for one script can tell when it got another.
func signScript(priv ed25519.PrivateKey, name string, src []byte) []byte {
	return sandbox.Sign(priv, purposeScript, name, string(src))
}

// verifyScript checks that sig is pub's signature of the script name with source src.
func verifyScript(pub ed25519.PublicKey, name string, src, sig []byte) error {
	return sandbox.Verify(pub, sig, purposeScript, name, string(src))
}

// newRunRequest signs the script name with source src for remote
// evaluation, with a fresh random nonce and the time now.
func newRunRequest(priv ed25519.PrivateKey, name string, src []byte) (runRequest, error) {
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return runRequest{}, fmt.Errorf("make a nonce: %w", err)
	}
	return signRun(priv, name, src, nonce, time.Now()), nil
}

// signRun signs a run request with the given nonce and time of signing
// (kept to the millisecond, as it travels).
func signRun(priv ed25519.PrivateKey, name string, src, nonce []byte, issued time.Time) runRequest {
	r := runRequest{Name: name, Src: src, Nonce: nonce, Issued: time.UnixMilli(issued.UnixMilli())}
	r.Sig = sandbox.Sign(priv, purposeRun, r.fields()...)
	return r
}

// Verify checks that r is signed by pub: its name, nonce, time and source.
func (r runRequest) Verify(pub ed25519.PublicKey) error {
	return sandbox.Verify(pub, r.Sig, purposeRun, r.fields()...)
}

func (r runRequest) fields() []string {
	return []string{r.Name, string(r.Nonce), strconv.FormatInt(r.Issued.UnixMilli(), 10), string(r.Src)}
}
