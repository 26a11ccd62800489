// Package alicebob is a coding exercise on secure communication as the
// lecture draws it: Alice sends Bob a message that only Bob can read
// (confidentiality), that nobody can change unnoticed (integrity) and that
// provably comes from Alice (authenticity).
//
// Each person has two key pairs, one per job. The public halves are what a
// certificate would vouch for; the private halves never leave their owner.
//
//	         Alice                                          Bob
//	1. sign with Alice's PRIVATE signing key
//	   Signed{From, To, Body, Signature}
//	2. encrypt for Bob with Bob's PUBLIC key
//	   Sealed{From, To, WrappedKey, Nonce, Ciphertext}  ---->  3. decrypt with Bob's PRIVATE key
//	                                                           4. verify with Alice's PUBLIC
//	                                                              signing key, check To == Bob
//
// Encryption is hybrid, as in TLS and PGP: RSA is slow and can only encrypt
// a few hundred bytes, so the message itself is encrypted with a fresh
// AES-256-GCM key, and only that key is encrypted with Bob's RSA public key
// (RSA-OAEP). Signatures use Ed25519.
//
// This file holds what the student's code and the grader share: the
// people, their keys, the two message types and their byte layouts. The
// student writes Sign, Verify, Encrypt, Decrypt, Seal and Open in
// alicebob.go; the reference solution is in solution.go.
package alicebob

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors of Verify, Decrypt and Open. Return them (or an error wrapping them
// with %w), so that the caller and the grader can tell the cases apart with
// errors.Is.
var (
	// ErrBadSignature: the signature does not fit the message and the
	// claimed sender's public key, or the sender's name does not match.
	ErrBadSignature = errors.New("alicebob: signature does not match sender and message")
	// ErrTampered: the message cannot be decrypted with this key: it was
	// changed in transit, or it was never encrypted for this receiver.
	ErrTampered = errors.New("alicebob: message cannot be decrypted: changed in transit or not for this key")
	// ErrWrongRecipient: a genuine, well-signed message that its sender
	// addressed to someone else (it was passed on).
	ErrWrongRecipient = errors.New("alicebob: message was signed for another recipient")

	ErrNotImplemented = errors.New("not implemented")
)

// RSABits is the size of the RSA keys: 2048 bits, the smallest size still
// considered safe, and the smallest Go accepts by default.
const RSABits = 2048

// Person is one participant with both private keys. Only the owner holds a
// Person; everyone else knows just its Identity.
type Person struct {
	Name       string
	SignKey    ed25519.PrivateKey // signs what this person sends
	DecryptKey *rsa.PrivateKey    // opens what others encrypt for this person
}

// Identity is the public face of a Person: what a certificate binds to a
// name. Anyone may have it.
type Identity struct {
	Name       string
	VerifyKey  ed25519.PublicKey // checks this person's signatures
	EncryptKey *rsa.PublicKey    // encrypts messages only this person can read
}

// NewPerson makes a person with two new key pairs.
func NewPerson(name string) (*Person, error) {
	_, signKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("new person %s: signing key: %w", name, err)
	}
	decryptKey, err := rsa.GenerateKey(rand.Reader, RSABits)
	if err != nil {
		return nil, fmt.Errorf("new person %s: encryption key: %w", name, err)
	}
	return &Person{Name: name, SignKey: signKey, DecryptKey: decryptKey}, nil
}

// Public returns the person's identity: name and public keys.
func (p *Person) Public() Identity {
	return Identity{
		Name:       p.Name,
		VerifyKey:  p.SignKey.Public().(ed25519.PublicKey),
		EncryptKey: &p.DecryptKey.PublicKey,
	}
}

// Signed is a message with its sender's signature. The signature covers
// the sender's name, the recipient's name and the body (SignedBytes), so
// none of the three can be changed without the signature failing.
type Signed struct {
	From      string
	To        string
	Body      []byte
	Signature []byte
}

// signDomain starts every signed byte string, so a signature made here can
// never be passed off as one for some other protocol using the same key.
const signDomain = "dsdemo alicebob signed message v1\x00"

// SignedBytes returns exactly the bytes the signature covers: a domain
// string, then From, To and Body, each with a 4-byte big-endian length in
// front, so that ("ab","c") and ("a","bc") never give the same bytes.
func (m Signed) SignedBytes() []byte {
	b := []byte(signDomain)
	b = appendField(b, []byte(m.From))
	b = appendField(b, []byte(m.To))
	return appendField(b, m.Body)
}

// Marshal returns the signed message as bytes: the plaintext that Encrypt
// encrypts. Fields as in SignedBytes, with the signature last.
func (m Signed) Marshal() []byte {
	var b []byte
	b = appendField(b, []byte(m.From))
	b = appendField(b, []byte(m.To))
	b = appendField(b, m.Body)
	return appendField(b, m.Signature)
}

// UnmarshalSigned reads what Marshal wrote.
func UnmarshalSigned(data []byte) (Signed, error) {
	var fields [4][]byte
	for i := range fields {
		if len(data) < 4 {
			return Signed{}, errors.New("alicebob: signed message too short")
		}
		n := binary.BigEndian.Uint32(data)
		data = data[4:]
		if uint64(n) > uint64(len(data)) {
			return Signed{}, errors.New("alicebob: signed message too short")
		}
		fields[i], data = data[:n:n], data[n:]
	}
	if len(data) != 0 {
		return Signed{}, errors.New("alicebob: bytes left over after the signed message")
	}
	return Signed{From: string(fields[0]), To: string(fields[1]), Body: fields[2], Signature: fields[3]}, nil
}

func appendField(b, field []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(field)))
	return append(b, field...)
}

// Sealed is what travels over the network: the signed message, encrypted
// for one recipient. From and To are readable by anyone, like the address
// on an envelope; everything else only the recipient can open.
type Sealed struct {
	From       string
	To         string
	WrappedKey []byte // the message's AES key, encrypted with the recipient's RSA public key (RSA-OAEP)
	Nonce      []byte // AES-GCM nonce
	Ciphertext []byte // the Marshal()ed Signed, encrypted and authenticated with AES-GCM
}

// Header returns the bytes AES-GCM authenticates along with the ciphertext
// without encrypting them ("additional data"): From and To. Whoever changes
// the address on the envelope then breaks the decryption.
func Header(from, to string) []byte {
	return appendField(appendField([]byte("dsdemo alicebob sealed v1\x00"), []byte(from)), []byte(to))
}

// OAEPLabel is the label RSA-OAEP binds to the wrapped key, so a key
// wrapped for this exercise cannot be mistaken for one of another use.
var OAEPLabel = []byte("dsdemo alicebob message key")
