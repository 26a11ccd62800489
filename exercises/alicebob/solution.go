//go:build solution

package alicebob

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
)

// Sign signs with the sender's PRIVATE key: only Alice can make this
// signature, and everyone with her public key can check it.
func Sign(from *Person, to string, body []byte) Signed {
	m := Signed{From: from.Name, To: to, Body: body}
	// The recipient's name is signed too. Without it, Bob could decrypt
	// Alice's "I love you" and re-encrypt it for Carol, and Carol would
	// believe Alice wrote it to her.
	m.Signature = ed25519.Sign(from.SignKey, m.SignedBytes())
	return m
}

// Verify checks the signature with the sender's PUBLIC key.
func Verify(from Identity, m Signed) error {
	if m.From != from.Name {
		return fmt.Errorf("message claims to be from %q, checked against %q: %w", m.From, from.Name, ErrBadSignature)
	}
	if !ed25519.Verify(from.VerifyKey, m.SignedBytes(), m.Signature) {
		return fmt.Errorf("message from %q to %q: %w", m.From, m.To, ErrBadSignature)
	}
	return nil
}

// Encrypt encrypts for the receiver's PUBLIC key: anyone may do it, only
// the receiver can undo it.
func Encrypt(to Identity, m Signed) (Sealed, error) {
	// A fresh key per message: nothing learnt about one message helps with
	// another, and the random nonce can never repeat under the same key.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return Sealed{}, fmt.Errorf("encrypt for %s: %w", to.Name, err)
	}
	wrapped, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, to.EncryptKey, key, OAEPLabel)
	if err != nil {
		return Sealed{}, fmt.Errorf("encrypt for %s: wrap key: %w", to.Name, err)
	}
	gcm, err := newGCM(key)
	if err != nil {
		return Sealed{}, fmt.Errorf("encrypt for %s: %w", to.Name, err)
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, fmt.Errorf("encrypt for %s: %w", to.Name, err)
	}
	return Sealed{
		From:       m.From,
		To:         to.Name,
		WrappedKey: wrapped,
		Nonce:      nonce,
		// GCM both encrypts and adds a tag that detects any change of the
		// ciphertext or of the header it is given as additional data.
		Ciphertext: gcm.Seal(nil, nonce, m.Marshal(), Header(m.From, to.Name)),
	}, nil
}

// Decrypt unwraps the message key with the receiver's PRIVATE key and
// decrypts.
func Decrypt(to *Person, s Sealed) (Signed, error) {
	key, err := rsa.DecryptOAEP(sha256.New(), nil, to.DecryptKey, s.WrappedKey, OAEPLabel)
	if err != nil {
		// Not for our key, or the wrapped key was changed. Say no more:
		// telling an attacker which check failed helps the attacker.
		return Signed{}, fmt.Errorf("decrypt message for %s: %w", to.Name, ErrTampered)
	}
	gcm, err := newGCM(key)
	if err != nil {
		return Signed{}, fmt.Errorf("decrypt message for %s: %w", to.Name, err)
	}
	if len(s.Nonce) != gcm.NonceSize() {
		return Signed{}, fmt.Errorf("decrypt message for %s: nonce of %d bytes: %w", to.Name, len(s.Nonce), ErrTampered)
	}
	plain, err := gcm.Open(nil, s.Nonce, s.Ciphertext, Header(s.From, s.To))
	if err != nil {
		return Signed{}, fmt.Errorf("decrypt message for %s: %w", to.Name, ErrTampered)
	}
	m, err := UnmarshalSigned(plain)
	if err != nil {
		return Signed{}, fmt.Errorf("decrypt message for %s: %w: %w", to.Name, ErrTampered, err)
	}
	return m, nil
}

// Seal signs, then encrypts. Signing first means the signature is on what
// Alice wrote, not on some ciphertext, and it travels hidden inside the
// encryption: an eavesdropper cannot even see who signed.
func Seal(from *Person, to Identity, body []byte) (Sealed, error) {
	return Encrypt(to, Sign(from, to.Name, body))
}

// Open decrypts, verifies, and checks that the message was meant for us.
func Open(to *Person, from Identity, s Sealed) ([]byte, error) {
	m, err := Decrypt(to, s)
	if err != nil {
		return nil, err
	}
	if err := Verify(from, m); err != nil {
		return nil, err
	}
	if m.To != to.Name {
		return nil, fmt.Errorf("%s signed this message for %q, not %q: %w", m.From, m.To, to.Name, ErrWrongRecipient)
	}
	return m.Body, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
