package mobilecode

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Key files are one line of hex each, so a student can look at them:
// NAME.key holds the 64-byte ed25519 private key (keep it secret, it signs),
// NAME.pub the 32-byte public key (give it to every client, it verifies).

// errUnsigned: the script came without a signature.
var errUnsigned = errors.New("refused: the script is not signed")

// errBadSignature: the signature does not fit the script and the trusted key.
var errBadSignature = errors.New("refused: the signature does not match (tampered or signed by another key)")

// What a signature covers. Every signed message is a list of fields, each
// framed as a netstring ("9:aggregate,": the length, a colon, the bytes, a
// comma), so no two different messages sign the same bytes, whatever their
// fields contain. The first field says what the signature is for, so a
// signature made for one purpose is worthless for another: a script the
// server signed for code on demand cannot be sent back as a run request.
const (
	purposeScript = "dsdemo mobile code: script v2" // fields: name, source
	purposeRun    = "dsdemo mobile code: run v2"    // fields: name, nonce, issued, source
)

// signed frames the fields of one signed message.
func signed(fields ...string) []byte {
	var msg []byte
	for _, f := range fields {
		msg = strconv.AppendInt(msg, int64(len(f)), 10)
		msg = append(msg, ':')
		msg = append(msg, f...)
		msg = append(msg, ',')
	}
	return msg
}

// signScript signs the script name with source src, as the codeserver does for
// code on demand. The signature covers the name, so a sandbox that asked
// for one script can tell when it got another.
func signScript(priv ed25519.PrivateKey, name string, src []byte) []byte {
	return ed25519.Sign(priv, signed(purposeScript, name, string(src)))
}

// verifyScript checks that sig is pub's signature of the script name with source src.
func verifyScript(pub ed25519.PublicKey, name string, src, sig []byte) error {
	return verify(pub, sig, signed(purposeScript, name, string(src)))
}

func verify(pub ed25519.PublicKey, sig, msg []byte) error {
	if len(sig) == 0 {
		return errUnsigned
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, msg, sig) {
		return errBadSignature
	}
	return nil
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
	r.Sig = ed25519.Sign(priv, r.signed())
	return r
}

// Verify checks that r is signed by pub: its name, nonce, time and source.
func (r runRequest) Verify(pub ed25519.PublicKey) error {
	return verify(pub, r.Sig, r.signed())
}

func (r runRequest) signed() []byte {
	return signed(purposeRun, r.Name, string(r.Nonce), strconv.FormatInt(r.Issued.UnixMilli(), 10), string(r.Src))
}

// generateKey makes a key pair from the randomness in rand and writes it to
// NAME.key and NAME.pub (the private key file readable only by its owner).
func generateKey(rand io.Reader, name string) error {
	pub, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	if err := os.WriteFile(name+".key", []byte(hex.EncodeToString(priv)+"\n"), 0o600); err != nil {
		return fmt.Errorf("write private key: %w", err)
	}
	if err := os.WriteFile(name+".pub", []byte(hex.EncodeToString(pub)+"\n"), 0o644); err != nil {
		return fmt.Errorf("write public key: %w", err)
	}
	return nil
}

// demoName is the name of the classroom key pair: "--key demo" and "--trust
// demo" use it, so the launcher can start a codeserver and its sandboxes
// without key files. Its seed is written in this file, so anybody can sign
// with it: it shows how signatures work and protects nothing.
const demoName = "demo"

var demoKey = ed25519.NewKeyFromSeed([]byte("dsdemo classroom key: not secret")[:ed25519.SeedSize])

// readPrivateKey reads a NAME.key file, or returns the demo key for "demo".
func readPrivateKey(path string) (ed25519.PrivateKey, error) {
	if path == demoName {
		return demoKey, nil
	}
	b, err := readHexKey(path, ed25519.PrivateKeySize)
	return ed25519.PrivateKey(b), err
}

// readPublicKey reads a NAME.pub file, or returns the demo key's public half
// for "demo".
func readPublicKey(path string) (ed25519.PublicKey, error) {
	if path == demoName {
		return demoKey.Public().(ed25519.PublicKey), nil
	}
	b, err := readHexKey(path, ed25519.PublicKeySize)
	return ed25519.PublicKey(b), err
}

func readHexKey(path string, size int) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read key: %w", err)
	}
	b, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(b) != size {
		return nil, fmt.Errorf("%s is not a key file: want %d bytes in hex", path, size)
	}
	return b, nil
}
