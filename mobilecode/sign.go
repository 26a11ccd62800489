package mobilecode

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Key files are one line of hex each, so a student can look at them:
// NAME.key holds the 64-byte ed25519 private key (keep it secret, it signs),
// NAME.pub the 32-byte public key (give it to every client, it verifies).

// ErrUnsigned: the script came without a signature.
var ErrUnsigned = errors.New("refused: the script is not signed")

// ErrBadSignature: the signature does not fit the script and the trusted key.
var ErrBadSignature = errors.New("refused: the signature does not match (tampered or signed by another key)")

// signed is what a signature covers: the script's name, a NUL and its source.
// Covering the name means a signature cannot be moved to another script.
func signed(name string, src []byte) []byte {
	msg := make([]byte, 0, len(name)+1+len(src))
	msg = append(msg, name...)
	msg = append(msg, 0)
	return append(msg, src...)
}

// Sign signs the script name with source src.
func Sign(priv ed25519.PrivateKey, name string, src []byte) []byte {
	return ed25519.Sign(priv, signed(name, src))
}

// Verify checks that sig is pub's signature of the script name with source src.
func Verify(pub ed25519.PublicKey, name string, src, sig []byte) error {
	if len(sig) == 0 {
		return ErrUnsigned
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, signed(name, src), sig) {
		return ErrBadSignature
	}
	return nil
}

// GenerateKey makes a key pair from the randomness in rand and writes it to
// NAME.key and NAME.pub (the private key file readable only by its owner).
func GenerateKey(rand io.Reader, name string) error {
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

// Demo is the name of the classroom key pair: "--key demo" and "--trust
// demo" use it, so the launcher can start a codeserver and its sandboxes
// without key files. Its seed is written in this file, so anybody can sign
// with it: it shows how signatures work and protects nothing.
const Demo = "demo"

var demoKey = ed25519.NewKeyFromSeed([]byte("dsdemo classroom key: not secret")[:ed25519.SeedSize])

// ReadPrivateKey reads a NAME.key file, or returns the demo key for "demo".
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	if path == Demo {
		return demoKey, nil
	}
	b, err := readHexKey(path, ed25519.PrivateKeySize)
	return ed25519.PrivateKey(b), err
}

// ReadPublicKey reads a NAME.pub file, or returns the demo key's public half
// for "demo".
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	if path == Demo {
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
