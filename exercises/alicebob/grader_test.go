//go:build grade

package alicebob

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"sync"
	"testing"
)

// The cast. RSA keys take a moment to make, so they are made once.
var (
	castOnce   sync.Once
	alice, bob *Person
	carol      *Person
	castErr    error
	body       = []byte("Treffen morgen um 10 Uhr am Bahnhof. Bitte niemandem sagen! / Meet me at 10.")
	castNames  = []string{"alice", "bob", "carol"}
)

func cast(t *testing.T) {
	t.Helper()
	castOnce.Do(func() {
		ps := make([]*Person, len(castNames))
		for i, n := range castNames {
			if ps[i], castErr = NewPerson(n); castErr != nil {
				return
			}
		}
		alice, bob, carol = ps[0], ps[1], ps[2]
	})
	if castErr != nil {
		t.Fatalf("grader setup: NewPerson: %v", castErr)
	}
}

// genuine builds a correctly signed message with the grader's own code, so
// Verify is tested independently of the student's Sign.
func genuine(from *Person, to string, b []byte) Signed {
	m := Signed{From: from.Name, To: to, Body: b}
	m.Signature = ed25519.Sign(from.SignKey, m.SignedBytes())
	return m
}

func clone(m Signed) Signed {
	m.Body = bytes.Clone(m.Body)
	m.Signature = bytes.Clone(m.Signature)
	return m
}

func cloneSealed(s Sealed) Sealed {
	s.WrappedKey = bytes.Clone(s.WrappedKey)
	s.Nonce = bytes.Clone(s.Nonce)
	s.Ciphertext = bytes.Clone(s.Ciphertext)
	return s
}

func flip(b []byte, i int) {
	if len(b) > 0 {
		b[(i%len(b)+len(b))%len(b)] ^= 0x01
	}
}

func TestSign(t *testing.T) {
	cast(t)
	t.Run("sign/with-alice's-private-key", func(t *testing.T) {
		m := Sign(alice, "bob", body)
		if m.From != "alice" || m.To != "bob" || !bytes.Equal(m.Body, body) {
			t.Fatalf("Sign(alice, \"bob\", body): got From %q, To %q, body %q; want From \"alice\", To \"bob\" and the body", m.From, m.To, m.Body)
		}
		if !ed25519.Verify(alice.Public().VerifyKey, m.SignedBytes(), m.Signature) {
			t.Errorf("Sign(alice, \"bob\", body): the signature (%d bytes) does not verify with Alice's public key over m.SignedBytes(); sign m.SignedBytes() with ed25519.Sign(from.SignKey, ...)", len(m.Signature))
		}
	})
	t.Run("sign/covers-the-recipient", func(t *testing.T) {
		m := Sign(alice, "bob", body)
		if !ed25519.Verify(alice.Public().VerifyKey, m.SignedBytes(), m.Signature) {
			t.Fatalf("Sign(alice, \"bob\", body) made no valid signature over m.SignedBytes(), so the recipient cannot be covered either")
		}
		m.To = "carol"
		if ed25519.Verify(alice.Public().VerifyKey, m.SignedBytes(), m.Signature) {
			t.Errorf("a signature for \"bob\" still verifies after changing To to \"carol\"; sign m.SignedBytes() of the whole message, To included")
		}
	})
}

func TestVerify(t *testing.T) {
	cast(t)
	aliceID := alice.Public()
	t.Run("verify/accepts-genuine", func(t *testing.T) {
		if err := Verify(aliceID, genuine(alice, "bob", body)); err != nil {
			t.Errorf("Verify(alice, a message Alice really signed): got error %v, want nil", err)
		}
	})
	cases := []struct {
		name   string
		from   Identity
		change func(*Signed)
		what   string
	}{
		{"verify/tampered-body", aliceID, func(m *Signed) { flip(m.Body, 3) }, "one bit of the body flipped"},
		{"verify/tampered-signature", aliceID, func(m *Signed) { flip(m.Signature, 10) }, "one bit of the signature flipped"},
		{"verify/changed-recipient", aliceID, func(m *Signed) { m.To = "carol" }, "To changed from bob to carol"},
		{"verify/forged-by-carol", aliceID, func(m *Signed) { *m = genuine(carol, "bob", body); m.From = "alice" }, "Carol signed with her own key and wrote From: alice"},
		{"verify/checked-against-carol", carol.Public(), func(*Signed) {}, "a genuine message from Alice, but checked as if from Carol"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := clone(genuine(alice, "bob", body))
			c.change(&m)
			err := Verify(c.from, m)
			if !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify(%s, message with %s): got error %v, want ErrBadSignature (check From against the identity's name and the signature with its public key)", c.from.Name, c.what, err)
			}
		})
	}
}

// sealForBob encrypts a genuine Alice-to-Bob message with the student's Encrypt.
func sealForBob(t *testing.T) (Signed, Sealed) {
	t.Helper()
	m := genuine(alice, "bob", body)
	s, err := Encrypt(bob.Public(), m)
	if err != nil {
		t.Fatalf("Encrypt(bob, message): %v; want a sealed message", err)
	}
	return m, s
}

func TestEncrypt(t *testing.T) {
	cast(t)
	t.Run("encrypt/round-trip", func(t *testing.T) {
		m, s := sealForBob(t)
		if s.From != "alice" || s.To != "bob" {
			t.Errorf("Encrypt(bob, message from alice): got From %q, To %q; want \"alice\", \"bob\"", s.From, s.To)
		}
		got, err := Decrypt(bob, s)
		if err != nil {
			t.Fatalf("Decrypt(bob, Encrypt(bob, m)): %v; want m back", err)
		}
		if got.From != m.From || got.To != m.To || !bytes.Equal(got.Body, m.Body) || !bytes.Equal(got.Signature, m.Signature) {
			t.Errorf("Decrypt(bob, Encrypt(bob, m)) is not m:\n got  From %q To %q Body %q\n want From %q To %q Body %q (and the same signature)",
				got.From, got.To, got.Body, m.From, m.To, m.Body)
		}
	})
	t.Run("encrypt/hides-the-body", func(t *testing.T) {
		_, s := sealForBob(t)
		for _, part := range [][]byte{s.Ciphertext, s.WrappedKey, s.Nonce} {
			if bytes.Contains(part, body[:16]) {
				t.Fatalf("the sealed message contains the body in plain text; encrypt it with AES-GCM")
			}
		}
		if len(s.Ciphertext) < len(body) {
			t.Errorf("Ciphertext has %d bytes, less than the %d-byte body; the whole signed message must be in it", len(s.Ciphertext), len(body))
		}
	})
	t.Run("encrypt/fresh-each-time", func(t *testing.T) {
		_, s1 := sealForBob(t)
		_, s2 := sealForBob(t)
		if bytes.Equal(s1.Ciphertext, s2.Ciphertext) || bytes.Equal(s1.WrappedKey, s2.WrappedKey) {
			t.Errorf("two encryptions of the same message gave the same ciphertext or wrapped key; use a fresh random AES key and nonce each time (else an eavesdropper sees when a message repeats)")
		}
	})
	t.Run("encrypt/empty-and-large-bodies", func(t *testing.T) {
		for _, b := range [][]byte{{}, bytes.Repeat([]byte("0123456789abcdef"), 64<<10/16)} {
			m := genuine(alice, "bob", b)
			s, err := Encrypt(bob.Public(), m)
			if err != nil {
				t.Fatalf("Encrypt(bob, message of %d bytes): %v", len(b), err)
			}
			got, err := Decrypt(bob, s)
			if err != nil || !bytes.Equal(got.Body, b) {
				t.Errorf("Decrypt(Encrypt(message of %d bytes)): got %d bytes, error %v; want the body back (RSA alone cannot encrypt that much: that is why the encryption is hybrid)", len(b), len(got.Body), err)
			}
		}
	})
}

func TestTamper(t *testing.T) {
	cast(t)
	cases := []struct {
		name   string
		change func(*Sealed)
		what   string
	}{
		{"tamper/ciphertext-first-byte", func(s *Sealed) { flip(s.Ciphertext, 0) }, "one bit of the ciphertext flipped"},
		{"tamper/ciphertext-last-byte", func(s *Sealed) { flip(s.Ciphertext, -1) }, "one bit of the GCM tag at the end flipped"},
		{"tamper/ciphertext-cut-short", func(s *Sealed) { s.Ciphertext = s.Ciphertext[:len(s.Ciphertext)/2] }, "the ciphertext cut in half"},
		{"tamper/nonce", func(s *Sealed) { flip(s.Nonce, 0) }, "one bit of the nonce flipped"},
		{"tamper/wrapped-key", func(s *Sealed) { flip(s.WrappedKey, 7) }, "one bit of the wrapped key flipped"},
		{"tamper/header-from", func(s *Sealed) { s.From = "carol" }, "the readable From changed to carol (authenticate Header(From, To) as GCM additional data)"},
		{"tamper/header-to", func(s *Sealed) { s.To = "bobby" }, "the readable To changed to bobby (authenticate Header(From, To) as GCM additional data)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, s := sealForBob(t)
			s = cloneSealed(s)
			c.change(&s)
			got, err := Decrypt(bob, s)
			if !errors.Is(err, ErrTampered) {
				t.Errorf("Decrypt(bob, message with %s): got body %q, error %v; want ErrTampered", c.what, got.Body, err)
			}
		})
	}
}

func TestConfidential(t *testing.T) {
	cast(t)
	t.Run("confidential/carol-cannot-read-bob's", func(t *testing.T) {
		_, s := sealForBob(t)
		got, err := Decrypt(carol, s)
		if err == nil {
			t.Errorf("Decrypt(carol, a message encrypted for Bob) succeeded with body %q; only Bob's private key may open it", got.Body)
		}
	})
	t.Run("confidential/readdressed-to-carol", func(t *testing.T) {
		// Carol rewrites the envelope's To so a name check passes; now only
		// the cryptography stands between her and Bob's message.
		_, s := sealForBob(t)
		s.To = "carol"
		got, err := Decrypt(carol, s)
		if err == nil || bytes.Contains(got.Body, body[:16]) {
			t.Errorf("Decrypt(carol, Bob's message with To rewritten to carol): got body %q, error %v; want an error: the AES key was wrapped with Bob's public key, Carol's private key cannot unwrap it", got.Body, err)
		}
	})
	t.Run("confidential/bob-cannot-read-carol's", func(t *testing.T) {
		s, err := Encrypt(carol.Public(), genuine(alice, "carol", body))
		if err != nil {
			t.Fatalf("Encrypt(carol, message): %v", err)
		}
		got, err := Decrypt(bob, s)
		if err == nil {
			t.Errorf("Decrypt(bob, a message for Carol) succeeded with body %q; want an error", got.Body)
		}
	})
}

func TestSealOpen(t *testing.T) {
	cast(t)
	aliceID := alice.Public()
	t.Run("seal-open/round-trip", func(t *testing.T) {
		s, err := Seal(alice, bob.Public(), body)
		if err != nil {
			t.Fatalf("Seal(alice, bob, body): %v", err)
		}
		got, err := Open(bob, aliceID, s)
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("Open(bob, alice, Seal(alice, bob, body)): got %q, error %v; want the body", got, err)
		}
	})
	t.Run("seal-open/signs-then-encrypts", func(t *testing.T) {
		s, err := Seal(alice, bob.Public(), body)
		if err != nil {
			t.Fatalf("Seal(alice, bob, body): %v", err)
		}
		m, err := Decrypt(bob, s)
		if err != nil {
			t.Fatalf("Decrypt(bob, Seal(alice, bob, body)): %v", err)
		}
		if m.To != "bob" || !ed25519.Verify(aliceID.VerifyKey, m.SignedBytes(), m.Signature) {
			t.Errorf("inside Seal's ciphertext: To %q and a signature that does not verify with Alice's key; Seal must Sign(from, to.Name, body) first, then Encrypt", m.To)
		}
	})
	t.Run("open/wrong-sender", func(t *testing.T) {
		s, err := Seal(alice, bob.Public(), body)
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if got, err := Open(bob, carol.Public(), s); !errors.Is(err, ErrBadSignature) {
			t.Errorf("Open(bob, from carol, a message Alice sealed): got %q, error %v; want ErrBadSignature (it is not from Carol)", got, err)
		}
	})
	t.Run("open/forged-by-carol", func(t *testing.T) {
		forged := genuine(carol, "bob", []byte("Bob, überweise 100 € an Carol. Alice"))
		forged.From = "alice"
		s, err := Encrypt(bob.Public(), forged)
		if err != nil {
			t.Fatalf("Encrypt: %v", err)
		}
		if got, err := Open(bob, aliceID, s); !errors.Is(err, ErrBadSignature) {
			t.Errorf("Open(bob, from alice, a message Carol signed with her own key and labelled From: alice): got %q, error %v; want ErrBadSignature (encrypting for Bob needs only his public key: anyone can; only the signature proves the sender)", got, err)
		}
	})
	t.Run("open/forwarded-to-carol", func(t *testing.T) {
		// Bob decrypts Alice's message and passes it on, still signed by
		// Alice, encrypted for Carol.
		s, err := Seal(alice, bob.Public(), body)
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		m, err := Decrypt(bob, s)
		if err != nil {
			t.Fatalf("Decrypt(bob, ...): %v", err)
		}
		passed, err := Encrypt(carol.Public(), m)
		if err != nil {
			t.Fatalf("Encrypt(carol, ...): %v", err)
		}
		if got, err := Open(carol, aliceID, passed); !errors.Is(err, ErrWrongRecipient) {
			t.Errorf("Open(carol, from alice, Alice's message to Bob that Bob passed on): got %q, error %v; want ErrWrongRecipient (Alice signed it for bob; check the signed To)", got, err)
		}
	})
	t.Run("open/tampered", func(t *testing.T) {
		s, err := Seal(alice, bob.Public(), body)
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		s = cloneSealed(s)
		flip(s.Ciphertext, len(s.Ciphertext)/2)
		if got, err := Open(bob, aliceID, s); !errors.Is(err, ErrTampered) {
			t.Errorf("Open(bob, alice, sealed message with one ciphertext bit flipped): got %q, error %v; want ErrTampered", got, err)
		}
	})
}
