package sandbox

import (
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignAndVerify(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sig := Sign(priv, "purpose", "a", "bc")
	tests := []struct {
		name    string
		sig     []byte
		purpose string
		fields  []string
		want    error
	}{
		{"as signed", sig, "purpose", []string{"a", "bc"}, nil},
		{"unsigned", nil, "purpose", []string{"a", "bc"}, ErrUnsigned},
		{"another purpose", sig, "other", []string{"a", "bc"}, ErrBadSignature},
		{"fields framed apart: ab,c is not a,bc", sig, "purpose", []string{"ab", "c"}, ErrBadSignature},
		{"a field more", sig, "purpose", []string{"a", "bc", ""}, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Verify(pub, tt.sig, tt.purpose, tt.fields...))
		})
	}
}

func TestKeyFiles(t *testing.T) {
	name := filepath.Join(t.TempDir(), "k")
	require.NoError(t, GenerateKey(rand.Reader, name))
	priv, err := ReadPrivateKey(name + ".key")
	require.NoError(t, err)
	pub, err := ReadPublicKey(name + ".pub")
	require.NoError(t, err)
	assert.NoError(t, Verify(pub, Sign(priv, "p", "a"), "p", "a"))

	_, err = ReadPublicKey(name + ".key")
	assert.ErrorContains(t, err, "is not a key file")
}

func TestDemoKey(t *testing.T) {
	priv, err := ReadPrivateKey(DemoName)
	require.NoError(t, err)
	pub, err := ReadPublicKey(DemoName)
	require.NoError(t, err)
	assert.NoError(t, Verify(pub, Sign(priv, "p", "hello"), "p", "hello"), "the demo pair matches")
}
