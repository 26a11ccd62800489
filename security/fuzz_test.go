package security

import (
	"encoding/json"
	"testing"
)

// Every decoder of the model takes any bytes and returns an error, never
// panics or hangs.

func FuzzParseCert(f *testing.F) {
	f.Add([]byte{0x30, 0x82, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseCert(b) })
}

func FuzzParseCSR(f *testing.F) {
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseCSR(b) })
}

func FuzzParseCRL(f *testing.F) {
	key, _ := NewKey()
	ca, _ := NewCA(key, []string{"alice"})
	der, _ := ca.CRL()
	f.Add(der)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseCRL(b, ca.root) })
}

// FuzzLetter decodes a letter from JSON, checks it, and tries to open it
// with a private key and with a shared key, as a receiver does.
func FuzzLetter(f *testing.F) {
	key, _ := NewKey()
	f.Add([]byte(`{"from":"alice","to":"bob","seq":1,"protect":"encrypted","eph":"` +
		"BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==" + `","nonce":"AAAAAAAAAAAAAAAA","sealed":"AAAAAAAAAAAAAAAAAAAAAA=="}`))
	f.Add([]byte(`{"from":"alice","to":"bob","seq":1,"protect":"shared","nonce":"AAAAAAAAAAAAAAAA","sealed":"AAAAAAAAAAAAAAAAAAAAAA=="}`))
	shared := make([]byte, keyLen)
	f.Fuzz(func(t *testing.T, b []byte) {
		var l Letter
		if json.Unmarshal(b, &l) != nil || CheckLetter(l) != nil {
			return
		}
		_, _, _ = OpenWith(key, l)
		_, _, _ = OpenShared(shared, l)
	})
}
