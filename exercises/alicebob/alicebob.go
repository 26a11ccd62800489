//go:build !solution

package alicebob

// Sign signs a message from `from` to the recipient named `to` with the
// sender's PRIVATE signing key: Ed25519 over m.SignedBytes(). It returns the
// message with From, To, Body and Signature filled in.
func Sign(from *Person, to string, body []byte) Signed {
	return Signed{}
}

// Verify checks that m really comes from `from`: m.From must be from.Name,
// and the signature must verify with from's PUBLIC signing key over
// m.SignedBytes(). Otherwise it fails with ErrBadSignature.
func Verify(from Identity, m Signed) error {
	return ErrNotImplemented
}

// Encrypt encrypts m for `to`, hybrid:
//  1. a fresh random 32-byte AES key for this one message,
//  2. that key encrypted with to's PUBLIC key (RSA-OAEP, SHA-256, OAEPLabel)
//     goes into WrappedKey,
//  3. m.Marshal() encrypted with AES-256-GCM under a random nonce, with
//     Header(m.From, to.Name) as additional data, goes into Ciphertext.
//
// From is m.From and To is to.Name. Two encryptions of the same message
// must differ (fresh key and nonce each time).
func Encrypt(to Identity, m Signed) (Sealed, error) {
	return Sealed{}, ErrNotImplemented
}

// Decrypt undoes Encrypt with the receiver's PRIVATE key. It fails with
// ErrTampered when the key cannot be unwrapped or the ciphertext, nonce, From
// or To were changed (AES-GCM's check fails), and so also for a message
// encrypted for someone else. It does not check the signature.
func Decrypt(to *Person, s Sealed) (Signed, error) {
	return Signed{}, ErrNotImplemented
}

// Seal is what Alice does to send: sign, then encrypt (Sign, then Encrypt).
func Seal(from *Person, to Identity, body []byte) (Sealed, error) {
	return Sealed{}, ErrNotImplemented
}

// Open is what Bob does on receipt: decrypt, then verify, and check that
// the message was signed for him. It returns the body, or fails with
// ErrTampered (cannot decrypt), ErrBadSignature (not signed by `from`) or
// ErrWrongRecipient (genuinely from `from`, but signed for someone else
// and passed on to `to`).
func Open(to *Person, from Identity, s Sealed) ([]byte, error) {
	return nil, ErrNotImplemented
}
