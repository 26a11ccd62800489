package security

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// The bounds of every decoder in the model: nothing a peer sends is
// parsed before its size is checked.
const (
	MaxCert   = 4096 // bytes of a certificate, a CSR or a revocation list in DER
	MaxCRL    = 16384
	MaxText   = 4096 // bytes of a letter's text
	MaxSealed = MaxText + 512
	MaxSig    = 80 // an ECDSA P-256 signature in ASN.1 is at most 72 bytes
	MaxName   = 32
	keyLen    = 32 // AES-256
	ephLen    = 65 // an uncompressed P-256 point
)

// NewKey returns a new ECDSA P-256 key pair. The same key signs (ECDSA)
// and, turned into its ECDH form, opens letters sealed for it.
func NewKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// LoadKey reads a PEM file holding an EC or PKCS#8 P-256 private key, or
// returns a new key when path is "".
func LoadKey(path string) (*ecdsa.PrivateKey, error) {
	if path == "" {
		return NewKey()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s holds no PEM block", path)
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s holds no EC private key: %w", path, err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%s holds no P-256 key", path)
	}
	return ec, nil
}

// ParseCert parses a certificate from a peer: at most MaxCert bytes of
// DER, with a P-256 ECDSA public key.
func ParseCert(der []byte) (*x509.Certificate, error) {
	if len(der) == 0 {
		return nil, errors.New("no certificate")
	}
	if len(der) > MaxCert {
		return nil, fmt.Errorf("certificate of %d bytes, more than %d", len(der), MaxCert)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("not an X.509 certificate: %w", err)
	}
	if _, err := publicKey(c); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseCSR parses a certificate signing request and checks its signature,
// the proof that the asker holds the private key.
func ParseCSR(der []byte) (*x509.CertificateRequest, error) {
	if len(der) == 0 || len(der) > MaxCert {
		return nil, fmt.Errorf("a signing request is 1 to %d bytes, not %d", MaxCert, len(der))
	}
	r, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("not a certificate signing request: %w", err)
	}
	if err := r.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the signing request is not signed by its own key: %w", err)
	}
	if pk, ok := r.PublicKey.(*ecdsa.PublicKey); !ok || pk.Curve != elliptic.P256() {
		return nil, errors.New("the signing request's key is not an ECDSA P-256 key")
	}
	return r, nil
}

// ParseCRL parses a revocation list and checks that root signed it.
func ParseCRL(der []byte, root *x509.Certificate) (*x509.RevocationList, error) {
	if len(der) == 0 || len(der) > MaxCRL {
		return nil, fmt.Errorf("a revocation list is 1 to %d bytes, not %d", MaxCRL, len(der))
	}
	l, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("not a revocation list: %w", err)
	}
	if err := l.CheckSignatureFrom(root); err != nil {
		return nil, fmt.Errorf("the revocation list is not signed by the CA: %w", err)
	}
	return l, nil
}

func publicKey(c *x509.Certificate) (*ecdsa.PublicKey, error) {
	pk, ok := c.PublicKey.(*ecdsa.PublicKey)
	if !ok || pk.Curve != elliptic.P256() {
		return nil, errors.New("the certificate's key is not an ECDSA P-256 key")
	}
	return pk, nil
}

// CheckName says whether s is a name a person may have.
func CheckName(s string) error {
	if s == "" || len(s) > MaxName {
		return fmt.Errorf("a name is 1 to %d characters, not %d", MaxName, len(s))
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("name %q: only a-z, 0-9 and -", s)
		}
	}
	return nil
}

// CheckLetter checks the sizes and the shape of a letter before anything
// is done with it: a malformed letter is an error, not a refusal.
func CheckLetter(l Letter) error {
	if err := CheckName(l.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := CheckName(l.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	switch {
	case len(l.Text) > MaxText:
		return fmt.Errorf("text of %d bytes, more than %d", len(l.Text), MaxText)
	case !utf8.ValidString(l.Text):
		return errors.New("text is not UTF-8")
	case len(l.Sig) > MaxSig:
		return fmt.Errorf("signature of %d bytes, more than %d", len(l.Sig), MaxSig)
	case len(l.Sealed) > MaxSealed:
		return fmt.Errorf("sealed text of %d bytes, more than %d", len(l.Sealed), MaxSealed)
	}
	sealed := l.Protect == Encrypted || l.Protect == SignedSealed || l.Protect == SharedSealed
	switch {
	case !strings.Contains("|"+protectionSet+"|", "|"+l.Protect+"|") || l.Protect == "":
		return fmt.Errorf("protection %q: want one of %s", l.Protect, protectionSet)
	case sealed && len(l.Nonce) != 12:
		return fmt.Errorf("a sealed letter needs a nonce of 12 bytes, not %d", len(l.Nonce))
	case sealed && len(l.Sealed) < 16:
		return fmt.Errorf("sealed text of %d bytes is shorter than its 16-byte tag", len(l.Sealed))
	case (l.Protect == Encrypted || l.Protect == SignedSealed) && len(l.Eph) != ephLen:
		return fmt.Errorf("a letter sealed for a public key needs an ephemeral key of %d bytes, not %d", ephLen, len(l.Eph))
	case l.Protect == Signed && len(l.Sig) == 0:
		return errors.New("a signed letter without a signature")
	}
	return nil
}

// SignedBytes is what a signature covers: sender, receiver, sequence
// number and text, each length-prefixed so that no two letters give the
// same bytes.
func SignedBytes(from, to string, seq uint64, text string) []byte {
	b := []byte("dsdemo letter v1")
	for _, s := range []string{from, to, text} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return binary.BigEndian.AppendUint64(b, seq)
}

// header is the additional data of a seal: the parts of a letter that
// stay readable, bound to the sealed text.
func header(l Letter) []byte {
	return SignedBytes(l.From, l.To, l.Seq, l.Protect)
}

// Sign signs a letter's text with the sender's private key.
func Sign(key *ecdsa.PrivateKey, from, to string, seq uint64, text string) ([]byte, error) {
	sum := sha256.Sum256(SignedBytes(from, to, seq, text))
	return ecdsa.SignASN1(rand.Reader, key, sum[:])
}

// Verify checks a signature against the sender's certificate.
func Verify(cert *x509.Certificate, from, to string, seq uint64, text string, sig []byte) bool {
	pk, err := publicKey(cert)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(SignedBytes(from, to, seq, text))
	return ecdsa.VerifyASN1(pk, sum[:], sig)
}

// content is what a sealed letter holds.
type content struct {
	Text string `json:"text"`
	Sig  []byte `json:"sig,omitempty"`
}

// SealFor seals text (and sig, for signed+encrypted) for the owner of
// cert: a one-time ECDH key pair, the shared secret with the receiver's
// public key, HKDF-SHA256 to an AES-256 key, AES-GCM. Only the private key
// that belongs to cert can compute the same secret. It fills in Eph,
// Nonce and Sealed.
func SealFor(cert *x509.Certificate, l *Letter, text string, sig []byte) error {
	pk, err := publicKey(cert)
	if err != nil {
		return err
	}
	their, err := pk.ECDH()
	if err != nil {
		return err
	}
	eph, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	secret, err := eph.ECDH(their)
	if err != nil {
		return err
	}
	l.Eph = eph.PublicKey().Bytes()
	key, err := hkdf.Key(sha256.New, secret, l.Eph, "dsdemo letter key", keyLen)
	if err != nil {
		return err
	}
	return SealShared(key, l, text, sig)
}

// OpenWith opens a letter sealed for key: the inverse of SealFor.
func OpenWith(key *ecdsa.PrivateKey, l Letter) (text string, sig []byte, err error) {
	mine, err := key.ECDH()
	if err != nil {
		return "", nil, err
	}
	eph, err := ecdh.P256().NewPublicKey(l.Eph)
	if err != nil {
		return "", nil, fmt.Errorf("the ephemeral key is no P-256 point: %w", err)
	}
	secret, err := mine.ECDH(eph)
	if err != nil {
		return "", nil, err
	}
	k, err := hkdf.Key(sha256.New, secret, l.Eph, "dsdemo letter key", keyLen)
	if err != nil {
		return "", nil, err
	}
	return OpenShared(k, l)
}

// SealShared seals text with a symmetric AES-256 key (AES-GCM, a random
// nonce, the header as additional data). It fills in Nonce and Sealed.
func SealShared(key []byte, l *Letter, text string, sig []byte) error {
	aead, err := gcm(key)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(content{Text: text, Sig: sig})
	if err != nil {
		return err
	}
	l.Nonce = make([]byte, aead.NonceSize())
	if _, err := rand.Read(l.Nonce); err != nil {
		return err
	}
	l.Sealed = aead.Seal(nil, l.Nonce, plain, header(*l))
	return nil
}

// ErrUnreadable is the error of a seal that does not open: a wrong key,
// or a ciphertext or header changed on the way.
var ErrUnreadable = errors.New("the sealed text does not open: wrong key, or changed on the way")

// OpenShared opens a letter sealed with the symmetric key.
func OpenShared(key []byte, l Letter) (text string, sig []byte, err error) {
	aead, err := gcm(key)
	if err != nil {
		return "", nil, err
	}
	if len(l.Nonce) != aead.NonceSize() || len(l.Sealed) > MaxSealed {
		return "", nil, ErrUnreadable
	}
	plain, err := aead.Open(nil, l.Nonce, l.Sealed, header(l))
	if err != nil {
		return "", nil, ErrUnreadable
	}
	var c content
	if err := json.Unmarshal(plain, &c); err != nil || len(c.Text) > MaxText || len(c.Sig) > MaxSig {
		return "", nil, errors.New("the sealed text opened but holds no letter")
	}
	return c.Text, c.Sig, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	if len(key) != keyLen {
		return nil, fmt.Errorf("a key of %d bytes, not %d", len(key), keyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
