package mobilecode

import (
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

func TestVerify(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	otherPub, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	src := []byte(`show("hi")`)
	sig := signScript(priv, "hello", src)

	tampered := append([]byte(nil), sig...)
	tampered[0] ^= 1
	tests := []struct {
		name     string
		pub      ed25519.PublicKey
		script   string
		src, sig []byte
		want     error
	}{
		{"signed", pub, "hello", src, sig, nil},
		{"unsigned", pub, "hello", src, nil, errUnsigned},
		{"source changed", pub, "hello", []byte(`show("ha")`), sig, errBadSignature},
		{"signature changed", pub, "hello", src, tampered, errBadSignature},
		{"signature moved to another script", pub, "hello2", src, sig, errBadSignature},
		{"signed by another key", pub, "hello", src, signScript(otherPriv, "hello", src), errBadSignature},
		{"another trusted key", otherPub, "hello", src, sig, errBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verifyScript(tt.pub, tt.script, tt.src, tt.sig))
		})
	}
}

// TestTamperChangesTheCode: --tamper changes the script's code after it was
// signed and keeps the genuine signature, so what the client refuses is
// changed code, and the other scripts stay as they were.
func TestTamperChangesTheCode(t *testing.T) {
	genuine, err := newServer(wire.NewNode("codeserver"), serverConfig{Key: demoKey})
	require.NoError(t, err)
	tampered, err := newServer(wire.NewNode("codeserver"), serverConfig{Key: demoKey, Tamper: "calculator"})
	require.NoError(t, err)

	got, want := tampered.scripts["calculator"], genuine.scripts["calculator"]
	assert.Equal(t, string(want.Src)+tamperedLine, string(got.Src), "the code gains one line")
	assert.Equal(t, want.Sig, got.Sig, "the signature is the genuine one")
	assert.Equal(t, errBadSignature, verifyScript(demoKey.Public().(ed25519.PublicKey), "calculator", got.Src, got.Sig))
	assert.True(t, strings.HasPrefix(string(got.Src), string(want.Src)))
	assert.Equal(t, genuine.scripts["convert"], tampered.scripts["convert"], "the other scripts are untouched")
}

func TestKeyFiles(t *testing.T) {
	name := filepath.Join(t.TempDir(), "k")
	require.NoError(t, generateKey(rand.Reader, name))
	priv, err := readPrivateKey(name + ".key")
	require.NoError(t, err)
	pub, err := readPublicKey(name + ".pub")
	require.NoError(t, err)
	assert.NoError(t, verifyScript(pub, "a", nil, signScript(priv, "a", nil)))

	_, err = readPublicKey(name + ".key")
	assert.ErrorContains(t, err, "is not a key file")
}

func TestDemoKey(t *testing.T) {
	priv, err := readPrivateKey(demoName)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := readPublicKey(demoName)
	if err != nil {
		t.Fatal(err)
	}
	sig := signScript(priv, "hello", []byte("show(1)"))
	if err := verifyScript(pub, "hello", []byte("show(1)"), sig); err != nil {
		t.Errorf("the demo pair does not match: %v", err)
	}
}
