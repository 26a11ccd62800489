package sandbox

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A sandbox confines what code does; a signature says who wrote it and that
// nobody changed it on the way. Code that travels (a mobile script, a
// downloaded proxy) is checked with Verify before it runs, and refused
// before a single step when the check fails.
//
// Key files are one line of hex each, so a student can look at them:
// NAME.key holds the 64-byte ed25519 private key (keep it secret, it signs),
// NAME.pub the 32-byte public key (give it to every client, it verifies).

// ErrUnsigned: the code came without a signature.
var ErrUnsigned = errors.New("refused: the script is not signed")

// ErrBadSignature: the signature does not fit the code and the trusted key.
var ErrBadSignature = errors.New("refused: the signature does not match (tampered or signed by another key)")

// Sign signs a message made of a purpose and fields. Each is framed as a
// netstring ("9:aggregate,": the length, a colon, the bytes, a comma), so
// no two different messages sign the same bytes, whatever their fields
// contain. The purpose comes first, so a signature made for one purpose
// ("dsdemo mobile code: script v2") is worthless for another.
func Sign(priv ed25519.PrivateKey, purpose string, fields ...string) []byte {
	return ed25519.Sign(priv, framed(purpose, fields))
}

// Verify checks that sig is pub's signature of purpose and fields, as Sign
// made it: ErrUnsigned without a signature, ErrBadSignature when it does
// not fit.
func Verify(pub ed25519.PublicKey, sig []byte, purpose string, fields ...string) error {
	if len(sig) == 0 {
		return ErrUnsigned
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, framed(purpose, fields), sig) {
		return ErrBadSignature
	}
	return nil
}

// framed writes the purpose and fields of one signed message as netstrings.
func framed(purpose string, fields []string) []byte {
	msg := netstring(nil, purpose)
	for _, f := range fields {
		msg = netstring(msg, f)
	}
	return msg
}

func netstring(msg []byte, f string) []byte {
	msg = strconv.AppendInt(msg, int64(len(f)), 10)
	msg = append(msg, ':')
	msg = append(msg, f...)
	return append(msg, ',')
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

// DemoName is the name of the classroom key pair: "--key demo" and "--trust
// demo" use it, so the launcher can start programs that sign and verify
// without key files. Its seed is written in this file, so anybody can sign
// with it: it shows how signatures work and protects nothing.
const DemoName = "demo"

// DemoKey is the classroom key pair's private key.
var DemoKey = ed25519.NewKeyFromSeed([]byte("dsdemo classroom key: not secret")[:ed25519.SeedSize])

// ReadPrivateKey reads a NAME.key file, or returns DemoKey for DemoName.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	if path == DemoName {
		return DemoKey, nil
	}
	b, err := readHexKey(path, ed25519.PrivateKeySize)
	return ed25519.PrivateKey(b), err
}

// ReadPublicKey reads a NAME.pub file, or returns DemoKey's public half for
// DemoName.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	if path == DemoName {
		return DemoKey.Public().(ed25519.PublicKey), nil
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
