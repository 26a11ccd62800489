package security

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
)

// BenchmarkLetter is the cost of the protection alone: one letter of 64
// bytes made by the sender and checked by the receiver, per protection
// (go test -bench Letter ./security/). The network and the mailbox are
// left out, so the differences are the cryptography's.
func BenchmarkLetter(b *testing.B) {
	_, alice, bob := benchParties(b)
	shared := make([]byte, keyLen)
	text := "pay bob 10 euros, and this text is sixty-four bytes long......."
	for _, protect := range []string{Plain, Signed, Encrypted, SignedSealed, SharedSealed} {
		b.Run(protect, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				seq := uint64(i + 1)
				l := Letter{From: "alice", To: "bob", Seq: seq, Protect: protect, Text: text}
				var sig []byte
				if protect == Signed || protect == SignedSealed {
					sig, _ = Sign(alice.key, "alice", "bob", seq, text)
					l.Sig = sig
				}
				switch protect {
				case Encrypted, SignedSealed:
					l.Text, l.Sig = "", nil
					if err := SealFor(bob.cert, &l, text, sig); err != nil {
						b.Fatal(err)
					}
					got, s, err := OpenWith(bob.key, l)
					if err != nil || got != text {
						b.Fatal(err)
					}
					sig = s
				case SharedSealed:
					l.Text = ""
					if err := SealShared(shared, &l, text, nil); err != nil {
						b.Fatal(err)
					}
					if _, _, err := OpenShared(shared, l); err != nil {
						b.Fatal(err)
					}
				}
				if sig != nil && !Verify(alice.cert, "alice", "bob", seq, text, sig) {
					b.Fatal("signature does not verify")
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
		})
	}
}

type benchParty struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

func benchParties(b *testing.B) (*CA, benchParty, benchParty) {
	key, err := NewKey()
	if err != nil {
		b.Fatal(err)
	}
	ca, err := NewCA(key, []string{"alice", "bob"})
	if err != nil {
		b.Fatal(err)
	}
	party := func(name string) benchParty {
		k, _ := NewKey()
		csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: name}}, k)
		got, err := ca.Issue(csr)
		if err != nil {
			b.Fatal(err)
		}
		c, _ := ParseCert(got.Cert)
		return benchParty{key: k, cert: c}
	}
	return ca, party("alice"), party("bob")
}
