package security_test

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
	"dsdemo/security"
)

// call sends one request to addr as a stranger and returns the reply or the remote error.
func call(t *testing.T, addr, typ string, body any) (wire.Envelope, error) {
	t.Helper()
	ctx := programtest.Context(t)
	c, err := wire.Dial(ctx, wire.NewNode("stranger"), addr)
	require.NoError(t, err)
	defer c.Close()
	return c.Call(ctx, "x", typ, body)
}

// reason returns the reason of a remote error, failing when there is none.
func reason(t *testing.T, err error) string {
	t.Helper()
	var remote *wire.RemoteError
	require.True(t, errors.As(err, &remote), "want an error reply, got %v", err)
	return remote.Reason
}

func TestHostileCertificatesGetClearErrors(t *testing.T) {
	s := setup(t, nil, nil)
	for _, c := range []struct {
		name string
		cert []byte
		want string
	}{
		{"garbage", []byte("not a certificate"), "not an X.509 certificate"},
		{"empty", nil, "no certificate"},
		{"huge", make([]byte, security.MaxCert+1), "more than 4096"},
		{"self-signed", selfSigned(t, "eve"), "certificate of eve is refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := call(t, s.bob.Addr, security.TypeHello, security.Hello{Name: "eve", Cert: c.cert})
			assert.Contains(t, reason(t, err), c.want)
		})
	}
}

func TestHostileLettersGetClearErrors(t *testing.T) {
	s := setup(t, nil, nil)
	for _, c := range []struct {
		name   string
		letter security.Letter
		want   string
	}{
		{"no protection", security.Letter{From: "eve", To: "bob", Seq: 1}, "protection"},
		{"bad name", security.Letter{From: "EVE!", To: "bob", Seq: 1, Protect: "plain"}, "only a-z"},
		{"short nonce", security.Letter{From: "eve", To: "bob", Seq: 1, Protect: "encrypted", Nonce: []byte{1}, Sealed: make([]byte, 32), Eph: make([]byte, 65)}, "nonce of 12 bytes"},
		{"no ephemeral key", security.Letter{From: "eve", To: "bob", Seq: 1, Protect: "encrypted", Nonce: make([]byte, 12), Sealed: make([]byte, 32)}, "ephemeral key"},
		{"huge text", security.Letter{From: "eve", To: "bob", Seq: 1, Protect: "plain", Text: string(make([]byte, security.MaxText+1))}, "more than 4096"},
		{"for someone else", security.Letter{From: "eve", To: "carol", Seq: 1, Protect: "plain", Text: "hi"}, "for carol"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := call(t, s.bob.Addr, security.TypeLetter, c.letter)
			assert.Contains(t, reason(t, err), c.want)
		})
	}
	t.Run("ciphertext that does not open", func(t *testing.T) {
		l := security.Letter{From: "eve", To: "bob", Seq: 1, Protect: "encrypted", Nonce: make([]byte, 12), Sealed: make([]byte, 40), Eph: make([]byte, 65)}
		reply, err := call(t, s.bob.Addr, security.TypeLetter, l)
		require.NoError(t, err)
		var r security.Receipt
		require.NoError(t, reply.UnmarshalBody(&r))
		assert.Equal(t, security.WhyUnreadable, r.Why)
		assert.Contains(t, r.Reason, "P-256")
	})
}

func TestHostileRequestsToTheCA(t *testing.T) {
	s := setup(t, nil, nil)
	_, err := call(t, s.ca.Addr, security.TypeIssue, security.IssueRequest{CSR: []byte("junk")})
	assert.Contains(t, reason(t, err), "not a certificate signing request")
	k, err := security.NewKey()
	require.NoError(t, err)
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "mallory"}}, k)
	require.NoError(t, err)
	_, err = call(t, s.ca.Addr, security.TypeIssue, security.IssueRequest{CSR: csr})
	assert.Contains(t, reason(t, err), "certifies only alice, bob")
	_, err = call(t, s.ca.Addr, security.TypeRevoke, security.RevokeRequest{Name: "nobody"})
	assert.Contains(t, reason(t, err), "no certificate issued")
}

func TestHostileFlags(t *testing.T) {
	for _, c := range []struct {
		bin  string
		args []string
		want string
	}{
		{"person", []string{"--name", "alice", "--protect", "rot13"}, "--protect"},
		{"person", []string{"--name", "Alice!", "--ca", "127.0.0.1:1"}, "--name"},
		{"mallory", []string{"--rate", "0"}, "--rate"},
		{"ca", []string{"--names", ""}, "--names"},
	} {
		_, errOut, code := programtest.Run(t, bin(t, c.bin), append([]string{"--listen", "127.0.0.1:0"}, c.args...)...)
		assert.Equal(t, 2, code, "%s %v", c.bin, c.args)
		assert.Contains(t, errOut, c.want)
	}
}

func selfSigned(t *testing.T, name string) []byte {
	k, err := security.NewKey()
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	require.NoError(t, err)
	return der
}
