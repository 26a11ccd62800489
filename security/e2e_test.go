package security_test

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/security"
)

// programs are the model's programs, built once for all its tests.
var programs = programtest.Programs{Pkgs: []string{"dsdemo/security/ca", "dsdemo/security/person", "dsdemo/security/mallory"}}

func bin(t testing.TB, name string) string { return programs.Path(t, name) }

func TestMain(m *testing.M) {
	code := m.Run()
	programs.Remove()
	os.Exit(code)
}

// scene is the model running as processes: the CA, Bob, Mallory in
// front of Bob, and Alice writing to Mallory's address, all tracing to r.
type scene struct {
	r                       *programtest.Recorder
	ca, bob, mallory, alice *programtest.Proc
}

// setup starts the four programs; extra arguments go to alice and bob.
func setup(t testing.TB, alice, bob []string) *scene {
	t.Helper()
	return setupWithCA(t, nil, alice, bob)
}

// setupWithCA is setup with arguments for the CA too.
func setupWithCA(t testing.TB, ca, alice, bob []string) *scene {
	t.Helper()
	s := &scene{r: programtest.NewRecorder(t)}
	common := func(name string) []string {
		return []string{"--name", name, "--listen", "127.0.0.1:0", "--trace", s.r.Addr()}
	}
	s.ca = programtest.StartServer(t, bin(t, "ca"), append(common("ca"), ca...)...)
	s.bob = programtest.StartServer(t, bin(t, "person"), append(append(common("bob"), "--ca", s.ca.Addr), bob...)...)
	s.mallory = programtest.StartServer(t, bin(t, "mallory"), append(common("mallory"), "--bob", s.bob.Addr)...)
	s.alice = programtest.StartServer(t, bin(t, "person"),
		append(append(common("alice"), "--ca", s.ca.Addr, "--peer", s.mallory.Addr), alice...)...)
	return s
}

// do types a command at p and waits for a line of its answer.
func do(t testing.TB, p *programtest.Proc, cmd, want string) string {
	t.Helper()
	_, err := p.Stdin.Write([]byte(cmd + "\n"))
	require.NoError(t, err)
	return p.WaitLine(t, want)
}

// state waits until node reports key with a value containing want.
func (s *scene) state(t *testing.T, node, key, want string) {
	t.Helper()
	s.r.WaitFor(t, node+" "+key+" "+want, programtest.Has(func(ev trace.Event) bool {
		return ev.Kind == trace.KindState && ev.Node == node && ev.Key == key && strings.Contains(ev.Value, want)
	}))
}

// logged reports whether node logged a line containing text.
func (s *scene) logged(node, text string) bool {
	return len(s.r.Matching(func(ev trace.Event) bool {
		return ev.Kind == trace.KindLog && ev.Node == node && strings.Contains(ev.Text, text)
	})) > 0
}

func TestPlainTextReadAndChanged(t *testing.T) {
	s := setup(t, nil, nil)
	do(t, s.alice, "send meet at noon", "bob accepted letter #1 (plain)")
	s.state(t, "mallory", "read", "meet at noon")
	do(t, s.mallory, "change meet at midnight", "the next letter will say")
	do(t, s.alice, "send pay bob 10", "bob accepted letter #2")
	s.bob.WaitLine(t, "read letter #2 from alice (plain): meet at midnight")
}

func TestSignedChangeCaught(t *testing.T) {
	s := setup(t, []string{"--protect", "signed"}, nil)
	do(t, s.alice, "send pay bob 10", "bob accepted letter #1 (signed)")
	s.state(t, "mallory", "read", "pay bob 10") // signed is not secret
	do(t, s.mallory, "change pay mallory 1000", "the next letter will say")
	do(t, s.alice, "send pay bob 20", "bob refused letter #2: bad-signature")
}

func TestEncryptedUnreadable(t *testing.T) {
	s := setup(t, []string{"--protect", "encrypted"}, nil)
	do(t, s.alice, "send the secret is 42", "bob accepted letter #1 (encrypted)")
	s.bob.WaitLine(t, "read letter #1 from alice (encrypted): the secret is 42")
	s.state(t, "mallory", "read", "nothing:")
	require.False(t, s.logged("mallory", "secret is 42"), "mallory read a sealed letter")
	do(t, s.mallory, "change hello", "the next letter will say")
	do(t, s.alice, "send second", "bob refused letter #2: unreadable")
}

func TestEncryptionAloneIsNoAuthenticity(t *testing.T) {
	t.Run("encrypted", func(t *testing.T) {
		s := setup(t, []string{"--protect", "encrypted"}, nil)
		do(t, s.alice, "send hi", "bob accepted letter #1")
		do(t, s.mallory, "inject from alice: pay mallory", "injected letter #201 as alice: accepted")
	})
	t.Run("signed+encrypted", func(t *testing.T) {
		s := setup(t, []string{"--protect", "signed+encrypted"}, nil)
		do(t, s.alice, "send hi", "bob accepted letter #1")
		do(t, s.mallory, "inject from alice: pay mallory", "injected letter #201 as alice: refused, bad-signature")
	})
}

func TestMalloryCertificate(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		s := setup(t, []string{"--protect", "encrypted"}, nil)
		do(t, s.mallory, "pose on", "posing as bob")
		do(t, s.alice, "send for bob only", "not sent: the certificate of bob is refused")
		s.state(t, "alice", "certificate of bob", "refused")
	})
	t.Run("taken without checks", func(t *testing.T) {
		s := setup(t, []string{"--protect", "signed+encrypted", "--no-verify"}, nil)
		do(t, s.mallory, "pose on", "posing as bob")
		do(t, s.alice, "send for bob only", "bob accepted letter #1")
		s.state(t, "mallory", "read", "for bob only")
		s.bob.WaitLine(t, "read letter #1 from alice (signed+encrypted): for bob only")
	})
}

func TestReplay(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		s := setup(t, nil, nil)
		do(t, s.alice, "send pay bob 10", "bob accepted letter #1")
		do(t, s.mallory, "replay", "replayed letter #101 as alice: accepted")
	})
	t.Run("signed", func(t *testing.T) {
		s := setup(t, []string{"--protect", "signed"}, nil)
		do(t, s.alice, "send pay bob 10", "bob accepted letter #1")
		do(t, s.mallory, "replay", "replayed letter #1 as alice: refused, replay")
	})
}

func TestSharedKeyStolen(t *testing.T) {
	s := setup(t, []string{"--protect", "shared"}, nil)
	do(t, s.alice, "send only we know this", "bob accepted letter #1 (shared)")
	s.state(t, "mallory", "stolen key", "from alice")
	s.state(t, "mallory", "read", "only we know this")
}

func TestRevokedCertificateRefused(t *testing.T) {
	s := setup(t, []string{"--protect", "signed"}, nil)
	do(t, s.alice, "send before", "bob accepted letter #1")
	require.NoError(t, s.r.Send("ca", trace.Control{Op: trace.OpDo, Cmd: "revoke bob"}))
	s.state(t, "ca", "revoked", "[")
	do(t, s.alice, "hello", "error: not sent: the certificate of bob is refused: certificate serial")
}

func TestFlood(t *testing.T) {
	for _, c := range []struct {
		limit, full, want string
	}{{"4", "too-many", "bob accepted letter #1"}, {"0", "mailbox-full", "bob refused letter #1: mailbox-full"}} {
		t.Run("per-sender "+c.limit, func(t *testing.T) {
			s := setup(t, nil, []string{"--per-sender", c.limit, "--work", "300ms"})
			_, err := s.mallory.Stdin.Write([]byte("flood 4s\n"))
			require.NoError(t, err)
			s.state(t, "bob", "refused", c.full) // mallory's letters fill what she may
			do(t, s.alice, "send are you there", c.want)
			s.mallory.WaitLine(t, "flooded bob")
		})
	}
}

func TestTLS(t *testing.T) {
	t.Run("ciphertext only", func(t *testing.T) {
		s := setup(t, []string{"--tls"}, []string{"--tls"})
		do(t, s.alice, "send over tls", "bob accepted letter #1")
		s.bob.WaitLine(t, "read letter #1 from alice (plain): over tls")
		s.state(t, "mallory", "read", "TLS ciphertext")
		s.state(t, "mallory", "tls bytes", "")
		require.False(t, s.logged("mallory", "over tls"), "mallory read TLS")
	})
	t.Run("cannot pose as bob", func(t *testing.T) {
		s := setup(t, []string{"--tls"}, []string{"--tls"})
		do(t, s.mallory, "pose on", "posing as bob")
		do(t, s.alice, "send over tls", "error: TLS handshake with bob failed")
		s.state(t, "mallory", "read", "refused")
	})
}

// TestNoPrivateKeyLeaves runs every protection with keys the test wrote,
// and looks for the private keys in every traced event and every line
// the programs printed, in the encodings a program might use.
func TestNoPrivateKeyLeaves(t *testing.T) {
	dir := t.TempDir()
	var secrets []string
	keyFile := func(name string) string {
		k, err := security.NewKey()
		require.NoError(t, err)
		der, err := x509.MarshalECPrivateKey(k)
		require.NoError(t, err)
		path := filepath.Join(dir, name+".pem")
		require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600))
		secrets = append(secrets, encodings(k, der)...)
		return path
	}
	alice, bob, ca := keyFile("alice"), keyFile("bob"), keyFile("ca")
	s := setupWithCA(t, []string{"--key", ca}, []string{"--key", alice}, []string{"--key", bob})
	for i, p := range []string{"plain", "signed", "encrypted", "signed+encrypted", "shared"} {
		do(t, s.alice, "protect "+p, "letters go "+p)
		do(t, s.alice, "send text "+p, "letter #"+string(rune('1'+i)))
	}
	do(t, s.mallory, "replay", "replayed")
	do(t, s.alice, "tls on", "TLS on")
	do(t, s.alice, "send text over tls", "letter #6")
	events := s.r.All()
	require.NotEmpty(t, events)
	var seen strings.Builder
	for _, ev := range events {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		seen.Write(b)
	}
	for _, p := range []*programtest.Proc{s.ca, s.bob, s.mallory, s.alice} {
		out, errOut := p.Output()
		seen.WriteString(strings.Join(out, "\n") + strings.Join(errOut, "\n"))
	}
	all := seen.String()
	require.NotContains(t, all, "PRIVATE KEY")
	for _, secret := range secrets {
		require.NotContains(t, all, secret, "a private key was traced or printed")
	}
}

// encodings are the ways a private key could show: its scalar and its
// DER in hex and base64.
func encodings(k *ecdsa.PrivateKey, der []byte) []string {
	scalar, _ := k.Bytes()
	var out []string
	for _, b := range [][]byte{scalar, der} {
		out = append(out, hex.EncodeToString(b), base64.StdEncoding.EncodeToString(b)[:40],
			base64.RawURLEncoding.EncodeToString(b)[:40], new(big.Int).SetBytes(scalar).String())
	}
	return out
}

// TestDropUnnoticed: Mallory drops a letter and answers Alice herself.
// Receipts carry no signature, so no protection of the letter helps;
// Alice believes it arrived, and Bob never sees it.
func TestDropUnnoticed(t *testing.T) {
	s := setup(t, []string{"--protect", "signed+encrypted"}, nil)
	do(t, s.mallory, "drop", "the next letter will not arrive")
	do(t, s.alice, "send lost on the way", "bob accepted letter #1")
	do(t, s.alice, "send the next one", "bob accepted letter #2")
	s.bob.WaitLine(t, "read letter #2 from alice (signed+encrypted): the next one")
	out, _ := s.bob.Output()
	require.NotContains(t, strings.Join(out, "\n"), "lost on the way")
}
