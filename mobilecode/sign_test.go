package mobilecode_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/mobilecode"
)

func TestVerify(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	otherPub, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	src := []byte(`show("hi")`)
	sig := mobilecode.Sign(priv, "hello", src)

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
		{"unsigned", pub, "hello", src, nil, mobilecode.ErrUnsigned},
		{"source changed", pub, "hello", []byte(`show("ha")`), sig, mobilecode.ErrBadSignature},
		{"signature changed", pub, "hello", src, tampered, mobilecode.ErrBadSignature},
		{"signature moved to another script", pub, "hello2", src, sig, mobilecode.ErrBadSignature},
		{"signed by another key", pub, "hello", src, mobilecode.Sign(otherPriv, "hello", src), mobilecode.ErrBadSignature},
		{"another trusted key", otherPub, "hello", src, sig, mobilecode.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mobilecode.Verify(tt.pub, tt.script, tt.src, tt.sig))
		})
	}
}

func TestKeyFiles(t *testing.T) {
	name := filepath.Join(t.TempDir(), "k")
	require.NoError(t, mobilecode.GenerateKey(rand.Reader, name))
	priv, err := mobilecode.ReadPrivateKey(name + ".key")
	require.NoError(t, err)
	pub, err := mobilecode.ReadPublicKey(name + ".pub")
	require.NoError(t, err)
	assert.NoError(t, mobilecode.Verify(pub, "a", nil, mobilecode.Sign(priv, "a", nil)))

	_, err = mobilecode.ReadPublicKey(name + ".key")
	assert.ErrorContains(t, err, "is not a key file")
}

func TestDemoKey(t *testing.T) {
	priv, err := mobilecode.ReadPrivateKey(mobilecode.Demo)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := mobilecode.ReadPublicKey(mobilecode.Demo)
	if err != nil {
		t.Fatal(err)
	}
	sig := mobilecode.Sign(priv, "hello", []byte("show(1)"))
	if err := mobilecode.Verify(pub, "hello", []byte("show(1)"), sig); err != nil {
		t.Errorf("the demo pair does not match: %v", err)
	}
}
