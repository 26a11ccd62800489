package security

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// CAConfig is the ca program's command line.
type CAConfig struct {
	Key   string   // PEM file of the CA's private key; "" makes a new one
	Names []string // the names the CA certifies
}

// CA is a certificate authority: a key pair, a self-signed root
// certificate that every person trusts, and the certificates it issued.
type CA struct {
	key   *ecdsa.PrivateKey // never leaves this process
	root  *x509.Certificate
	names []string

	mu      sync.Mutex       // guards issued, revoked and next
	issued  map[int64]string // serial to name
	revoked map[int64]time.Time
	next    int64
	crlNo   int64
}

// NewCA makes a CA with key and a fresh root certificate.
func NewCA(key *ecdsa.PrivateKey, names []string) (*CA, error) {
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "dsdemo CA"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	root, _ := x509.ParseCertificate(der)
	return &CA{key: key, root: root, names: names, issued: map[int64]string{}, revoked: map[int64]time.Time{}, next: 2}, nil
}

// Issue certifies the key of a signing request for the name it asks for.
func (ca *CA) Issue(csrDER []byte) (Issued, error) {
	csr, err := ParseCSR(csrDER)
	if err != nil {
		return Issued{}, err
	}
	name := csr.Subject.CommonName
	if !slices.Contains(ca.names, name) {
		return Issued{}, fmt.Errorf("this CA certifies only %s, not %q", strings.Join(ca.names, ", "), name)
	}
	ca.mu.Lock()
	serial := ca.next
	ca.next++
	ca.mu.Unlock()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name}, // so that TLS can check the name too
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(12 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.root, csr.PublicKey, ca.key)
	if err != nil {
		return Issued{}, err
	}
	ca.mu.Lock()
	ca.issued[serial] = name
	ca.mu.Unlock()
	return Issued{Cert: der, Serial: serial}, nil
}

// Revoke puts every certificate issued for name on the revocation list.
func (ca *CA) Revoke(name string) (Revoked, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	var out Revoked
	for serial, n := range ca.issued {
		if n == name {
			if _, done := ca.revoked[serial]; !done {
				ca.revoked[serial] = time.Now()
			}
			out.Serials = append(out.Serials, serial)
		}
	}
	if len(out.Serials) == 0 {
		return out, fmt.Errorf("no certificate issued for %q", name)
	}
	slices.Sort(out.Serials)
	return out, nil
}

// CRL returns the current revocation list, signed by the CA.
func (ca *CA) CRL() ([]byte, error) {
	ca.mu.Lock()
	ca.crlNo++
	tmpl := &x509.RevocationList{Number: big.NewInt(ca.crlNo), ThisUpdate: time.Now(), NextUpdate: time.Now().Add(time.Hour)}
	for serial, at := range ca.revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: big.NewInt(serial), RevocationTime: at})
	}
	ca.mu.Unlock()
	return x509.CreateRevocationList(rand.Reader, tmpl, ca.root, ca.key)
}

// handle answers one request to the CA.
func (ca *CA) handle(ctx context.Context, req wire.Envelope) (any, error) {
	switch req.Type {
	case TypeRoot:
		return Cert{Cert: ca.root.Raw}, nil
	case TypeIssue:
		var r IssueRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return ca.Issue(r.CSR)
	case TypeRevoke:
		var r RevokeRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return nil, err
		}
		return ca.Revoke(r.Name)
	case TypeCRL:
		der, err := ca.CRL()
		return CRL{CRL: der}, err
	}
	return nil, fmt.Errorf("unknown message type %q (want root, issue, revoke or crl)", req.Type)
}

// RunCA is the ca program: it serves root, issue, revoke and crl, and
// takes "revoke NAME" from the collector's do lines.
func RunCA(ctx context.Context, env *program.Env, cfg CAConfig) error {
	if len(cfg.Names) == 0 {
		return program.Usagef("--names needs at least one name")
	}
	for _, n := range cfg.Names {
		if err := CheckName(n); err != nil {
			return program.Usagef("--names: %v", err)
		}
	}
	key, err := LoadKey(cfg.Key)
	if err != nil {
		return err
	}
	ca, err := NewCA(key, cfg.Names)
	if err != nil {
		return err
	}
	env.Node.Trace.State("certifies", strings.Join(cfg.Names, ","))
	go ca.commands(ctx, env)
	return wire.Serve(ctx, env.Node, env.Listener, func(ctx context.Context, req wire.Envelope) (any, error) {
		out, err := ca.handle(ctx, req)
		if err == nil {
			ca.report(env, req.Type, out)
		}
		return out, err
	})
}

// report tells the live view what the CA did.
func (ca *CA) report(env *program.Env, typ string, out any) {
	switch o := out.(type) {
	case Issued:
		ca.mu.Lock()
		name := ca.issued[o.Serial]
		ca.mu.Unlock()
		env.Node.Trace.State("cert "+name, fmt.Sprintf("serial %d", o.Serial))
		env.Node.Trace.Logf("issued certificate serial %d for %s", o.Serial, name)
	case Revoked:
		env.Node.Trace.State("revoked", fmt.Sprint(o.Serials))
	}
}

// commands carries out the do lines: revoke NAME.
func (ca *CA) commands(ctx context.Context, env *program.Env) {
	for {
		select {
		case <-ctx.Done():
			return
		case line := <-env.Commands:
			verb, name, _ := strings.Cut(strings.TrimSpace(line), " ")
			var err error
			var r Revoked
			if verb == "revoke" {
				if r, err = ca.Revoke(strings.TrimSpace(name)); err == nil {
					ca.report(env, TypeRevoke, r)
				}
			} else {
				err = errors.New("commands: revoke NAME")
			}
			if err != nil {
				env.Node.Trace.Logf("%s: error: %v", line, err)
				continue
			}
			fmt.Fprintf(env.Stdout, "revoked %s: serials %v\n", name, r.Serials)
			env.Node.Trace.Logf("%s: revoked serials %v", line, r.Serials)
		}
	}
}
