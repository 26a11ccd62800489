package mobilecode

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/sandbox"
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
		{"unsigned", pub, "hello", src, nil, sandbox.ErrUnsigned},
		{"source changed", pub, "hello", []byte(`show("ha")`), sig, sandbox.ErrBadSignature},
		{"signature changed", pub, "hello", src, tampered, sandbox.ErrBadSignature},
		{"signature moved to another script", pub, "hello2", src, sig, sandbox.ErrBadSignature},
		{"signed by another key", pub, "hello", src, signScript(otherPriv, "hello", src), sandbox.ErrBadSignature},
		{"another trusted key", otherPub, "hello", src, sig, sandbox.ErrBadSignature},
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
	genuine, err := newServer(wire.NewNode("codeserver"), serverConfig{Key: sandbox.DemoKey})
	require.NoError(t, err)
	tampered, err := newServer(wire.NewNode("codeserver"), serverConfig{Key: sandbox.DemoKey, Tamper: "calculator"})
	require.NoError(t, err)

	got, want := tampered.scripts["calculator"], genuine.scripts["calculator"]
	assert.Equal(t, string(want.Src)+tamperedLine, string(got.Src), "the code gains one line")
	assert.Equal(t, want.Sig, got.Sig, "the signature is the genuine one")
	assert.Equal(t, sandbox.ErrBadSignature, verifyScript(sandbox.DemoKey.Public().(ed25519.PublicKey), "calculator", got.Src, got.Sig))
	assert.True(t, strings.HasPrefix(string(got.Src), string(want.Src)))
	assert.Equal(t, genuine.scripts["convert"], tampered.scripts["convert"], "the other scripts are untouched")
}
