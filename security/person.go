package security

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// PersonConfig is the person program's command line.
type PersonConfig struct {
	Name      string        // who this is: alice or bob (the node name)
	CA        string        // the CA's address
	Peer      string        // where letters go (Mallory's address, when she sits in between); "" sends none
	PeerName  string        // whom letters are for, and whose certificate is expected
	Protect   string        // the protection of the letters sent
	Require   string        // the least protection a letter received must have: "" takes any
	NoVerify  bool          // take any certificate, unchecked
	TLS       bool          // speak TLS 1.3 with mutual authentication instead of envelopes in the clear
	Key       string        // PEM file of the private key; "" makes a new one
	Mailbox   int           // letters waiting to be read, at most
	PerSender int           // letters of one sender in the mailbox, at most; 0: no limit
	Work      time.Duration // how long reading one letter takes
	Timeout   time.Duration // how long to wait for an answer
}

// Check reports the first flag that makes no sense.
func (c PersonConfig) Check() error {
	switch {
	case CheckName(c.Name) != nil:
		return program.Usagef("--name: %v", CheckName(c.Name))
	case c.CA == "":
		return program.Usagef("--ca needs the CA's address")
	case c.Peer != "" && CheckName(c.PeerName) != nil:
		return program.Usagef("--peer-name: %v", CheckName(c.PeerName))
	case !isProtection(c.Protect):
		return program.Usagef("--protect %q: want one of %s", c.Protect, protectionSet)
	case c.Require != "" && !isProtection(c.Require):
		return program.Usagef("--require %q: want one of %s", c.Require, protectionSet)
	case c.Mailbox < 1 || c.PerSender < 0 || c.Work < 0 || c.Timeout <= 0:
		return program.Usagef("--mailbox must be at least 1, --per-sender and --work not negative, --timeout positive")
	}
	return nil
}

func isProtection(p string) bool {
	return p != "" && strings.Contains("|"+protectionSet+"|", "|"+p+"|")
}

// person is one of the two who write to each other. As a sender it keeps
// its connection to the peer (through Mallory, if she is on the path),
// the peer's certificate and its sequence number; as a receiver the
// certificates of those who said hello, their last sequence numbers, and
// a mailbox of letters waiting to be read.
type person struct {
	node *wire.Node
	cfg  PersonConfig
	key  *ecdsa.PrivateKey // never leaves this process
	cert *x509.Certificate
	root *x509.Certificate
	ca   *wire.Pool
	out  func(format string, args ...any)

	smu      sync.Mutex // guards the sending side below
	conn     *wire.Conn
	peerCert *x509.Certificate
	shared   []byte // the symmetric key sent to the peer, once sent
	seq      uint64
	protect  string
	tls      bool // the next connection to the peer is TLS

	rmu     sync.Mutex // guards the receiving side below
	known   map[string]*x509.Certificate
	lastSeq map[string]*window // the sequence numbers seen from each sender
	keys    map[string][]byte
	waiting map[string]int // letters of each sender in the mailbox
	require string
	limit   int         // letters of one sender in the mailbox, at most; 0: no limit
	mailbox chan Letter // the letters accepted, opened, waiting to be read

	ready    chan struct{} // closed once the CA has certified our key
	noVerify atomic.Bool   // take any certificate, unchecked
	work     atomic.Int64  // how long reading one letter takes, in nanoseconds
}

// RunPerson is the person program: it gets a certificate from the CA,
// serves hello, key and letter, and runs a session whose commands send
// letters (send TEXT, protect MODE, hello, key, require MODE).
func RunPerson(ctx context.Context, env *program.Env, cfg PersonConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	key, err := LoadKey(cfg.Key)
	if err != nil {
		return err
	}
	p := &person{node: env.Node, cfg: cfg, key: key, ca: wire.NewPool(env.Node, cfg.CA), protect: cfg.Protect, require: cfg.Require, tls: cfg.TLS, limit: cfg.PerSender,
		known: map[string]*x509.Certificate{}, lastSeq: map[string]*window{}, keys: map[string][]byte{}, waiting: map[string]int{},
		mailbox: make(chan Letter, cfg.Mailbox), ready: make(chan struct{})}
	p.out = func(format string, args ...any) { fmt.Fprintf(env.Stdout, format+"\n", args...) }
	p.noVerify.Store(cfg.NoVerify)
	p.work.Store(int64(cfg.Work))
	defer p.ca.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Accept at once, so that the hello (said on the first Accept) comes
	// before the messages to the CA and the live view draws them; a
	// connection waits in serveConn until the certificate is there.
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { serveSniffed(ctx, env.Listener, p.serveConn) })
	if err := p.certify(ctx); err != nil {
		return err
	}
	close(p.ready)
	p.report()
	wg.Go(func() { p.read(ctx) })
	s := program.Session{Prompt: cfg.Name + "> ", Help: personHelp, Run: p.command}
	err = s.Loop(ctx, env)
	cancel()
	p.smu.Lock()
	if p.conn != nil {
		p.conn.Close()
	}
	p.smu.Unlock()
	wg.Wait()
	return err
}

const personHelp = "commands: send TEXT | protect plain|signed|encrypted|signed+encrypted|shared | hello | key | require MODE|any | verify on|off | tls on|off | limit N | work D | help | quit"

// certify asks the CA for its root certificate and for a certificate of
// this person's public key: a signing request, signed with the private
// key, proves that we hold it without sending it.
func (p *person) certify(ctx context.Context) error {
	ctx, cancel := p.node.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	var root Cert
	if err := p.call(ctx, TypeRoot, struct{}{}, &root); err != nil {
		return fmt.Errorf("cannot get the CA's root certificate: %w", err)
	}
	r, err := x509.ParseCertificate(root.Cert)
	if err != nil {
		return fmt.Errorf("the CA's root certificate: %w", err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: p.cfg.Name}}, p.key)
	if err != nil {
		return err
	}
	var got Issued
	if err := p.call(ctx, TypeIssue, IssueRequest{CSR: csr}, &got); err != nil {
		return fmt.Errorf("the CA issued no certificate: %w", err)
	}
	cert, err := ParseCert(got.Cert)
	if err != nil {
		return fmt.Errorf("the CA's certificate for us: %w", err)
	}
	p.root, p.cert = r, cert
	return nil
}

// call asks the CA.
func (p *person) call(ctx context.Context, typ string, body, into any) error {
	reply, err := p.ca.Call(ctx, "ca", typ, body)
	if err != nil {
		return err
	}
	return reply.UnmarshalBody(into)
}

func (p *person) report() {
	t := p.node.Trace
	t.State("certificate", fmt.Sprintf("serial %s from %s", p.cert.SerialNumber, p.root.Subject.CommonName))
	t.State("protect", p.protect)
	if p.tls {
		t.State("protect", "tls")
	}
	t.Gauge("mailbox", 0, int64(p.cfg.Mailbox), "letters")
}

// Verify checks a peer's certificate: signed by our CA, for name, and not
// on the CA's revocation list. With --no-verify it checks nothing.
func (p *person) verify(ctx context.Context, cert *x509.Certificate, name string) error {
	if p.noVerify.Load() {
		return nil
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.root)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: name, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return err
	}
	return p.notRevoked(ctx, cert)
}

// notRevoked fetches the CA's revocation list and looks for cert's serial.
func (p *person) notRevoked(ctx context.Context, cert *x509.Certificate) error {
	ctx, cancel := p.node.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	var crl CRL
	if err := p.call(ctx, TypeCRL, struct{}{}, &crl); err != nil {
		return fmt.Errorf("cannot get the revocation list: %w", err)
	}
	list, err := ParseCRL(crl.CRL, p.root)
	if err != nil {
		return err
	}
	for _, e := range list.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			return fmt.Errorf("certificate serial %s of %s is revoked", cert.SerialNumber, cert.Subject.CommonName)
		}
	}
	return nil
}

// tlsConfig is this person's TLS 1.3 configuration: its own certificate
// (the private key stays here; TLS only proves that we hold it), the CA's
// root as the only one trusted, and the peer's certificate required and
// checked against the revocation list.
func (p *person) tlsConfig(ctx context.Context, server bool) *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(p.root)
	c := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{{Certificate: [][]byte{p.cert.Raw}, PrivateKey: p.key, Leaf: p.cert}},
		RootCAs:      roots,
		ClientCAs:    roots,
		ServerName:   p.cfg.PeerName,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if p.noVerify.Load() || len(cs.PeerCertificates) == 0 {
				return nil
			}
			return p.notRevoked(ctx, cs.PeerCertificates[0])
		},
	}
	if p.noVerify.Load() {
		c.InsecureSkipVerify, c.ClientAuth = true, tls.RequireAnyClientCert
	}
	return c
}

// serveConn serves a connection from another person (or Mallory). Over
// TLS the handshake comes first, and the name in the peer's certificate
// is who may send letters on that connection.
func (p *person) serveConn(ctx context.Context, nc net.Conn, tlsFirst bool) {
	select {
	case <-p.ready:
	case <-ctx.Done():
		return
	}
	via := ""
	if p.cfg.TLS && !tlsFirst {
		p.node.Trace.Logf("refused a connection from %s: not TLS, and %s speaks only TLS", nc.RemoteAddr(), p.cfg.Name)
		return
	}
	if tlsFirst {
		tc := tls.Server(nc, p.tlsConfig(ctx, true))
		hctx, cancel := p.node.WithTimeout(ctx, p.cfg.Timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			p.node.Trace.Logf("TLS handshake with %s failed: %v", nc.RemoteAddr(), err)
			return
		}
		via = tc.ConnectionState().PeerCertificates[0].Subject.CommonName
		p.node.Trace.State("tls peer", via)
		nc = tc
	}
	c := wire.NewServedConn(p.node, nc, 0) // a person may be silent for long, but not half way through a letter
	defer c.Close()
	wire.ServeConn(ctx, c, func(ctx context.Context, req wire.Envelope) (any, error) { return p.handle(ctx, req, via) })
}

// handle answers one request; via is the TLS peer's name, "" without TLS.
func (p *person) handle(ctx context.Context, req wire.Envelope, via string) (any, error) {
	switch req.Type {
	case TypeHello:
		var h Hello
		if err := req.UnmarshalBody(&h); err != nil {
			return nil, err
		}
		return p.hello(ctx, h)
	case TypeKey:
		var k SharedKey
		if err := req.UnmarshalBody(&k); err != nil {
			return nil, err
		}
		if err := CheckName(k.From); err != nil || len(k.Key) != keyLen {
			return nil, fmt.Errorf("a key message needs a sender's name and a key of %d bytes", keyLen)
		}
		p.rmu.Lock()
		p.keys[k.From] = k.Key
		p.rmu.Unlock()
		p.node.Trace.Logf("got a shared key from %s, sent in the clear", k.From)
		return struct{}{}, nil
	case TypeLetter:
		var l Letter
		if err := req.UnmarshalBody(&l); err != nil {
			return nil, err
		}
		if err := CheckLetter(l); err != nil {
			return nil, fmt.Errorf("malformed letter: %w", err)
		}
		if l.To != p.cfg.Name {
			return nil, fmt.Errorf("this letter is for %s, not for %s", l.To, p.cfg.Name)
		}
		r := p.receive(l, via)
		p.receipt(l, r)
		return r, nil
	}
	return nil, fmt.Errorf("unknown message type %q (want hello, key or letter)", req.Type)
}

// hello checks the certificate of the person who says hello and answers
// with ours.
func (p *person) hello(ctx context.Context, h Hello) (Hello, error) {
	if err := CheckName(h.Name); err != nil {
		return Hello{}, fmt.Errorf("hello: %w", err)
	}
	cert, err := ParseCert(h.Cert)
	if err != nil {
		return Hello{}, fmt.Errorf("hello from %s: %w", h.Name, err)
	}
	if err := p.verify(ctx, cert, h.Name); err != nil {
		p.node.Trace.State("certificate of "+h.Name, "refused")
		return Hello{}, fmt.Errorf("the certificate of %s is refused: %w", h.Name, err)
	}
	p.rmu.Lock()
	if old := p.known[h.Name]; old == nil || old.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		delete(p.lastSeq, h.Name) // a new certificate: a new start, from sequence number 1
	}
	p.known[h.Name] = cert
	p.rmu.Unlock()
	p.node.Trace.State("certificate of "+h.Name, p.trust())
	return Hello{Name: p.cfg.Name, Cert: p.cert.Raw}, nil
}

func (p *person) trust() string {
	if p.noVerify.Load() {
		return "unchecked"
	}
	return "trusted"
}

// receive checks a well-formed letter and takes it into the mailbox, or
// says why not.
func (p *person) receive(l Letter, via string) Receipt {
	refuse := func(why, format string, args ...any) Receipt {
		return Receipt{Seq: l.Seq, Status: StatusRefused, Why: why, Reason: fmt.Sprintf(format, args...)}
	}
	if via != "" && l.From != via {
		return refuse(WhyNotYou, "the letter says it is from %s, the TLS certificate says %s", l.From, via)
	}
	p.rmu.Lock()
	defer p.rmu.Unlock()
	if via == "" && !strong(l.Protect, p.require) {
		return refuse(WhyTooWeak, "%s accepts only %s letters, this one is %s", p.cfg.Name, p.require, l.Protect)
	}
	text, sig, err := p.open(l)
	if err != nil {
		return refuse(WhyUnreadable, "%v", err)
	}
	if l.Protect == Signed || l.Protect == SignedSealed {
		cert := p.known[l.From]
		if cert == nil {
			return refuse(WhyUnknown, "no certificate of %s: no hello from %s yet", l.From, l.From)
		}
		if !Verify(cert, l.From, l.To, l.Seq, text, sig) {
			return refuse(WhyBadSignature, "the signature does not fit the text and the certificate of %s: changed on the way or not from %s", l.From, l.From)
		}
	}
	w := p.lastSeq[l.From]
	if w == nil {
		w = &window{seen: map[uint64]bool{}}
		p.lastSeq[l.From] = w
	}
	if !w.fresh(l.Seq) {
		return refuse(WhyReplay, "sequence number %d from %s seen before, or too old: a replay", l.Seq, l.From)
	}
	if p.limit > 0 && p.waiting[l.From] >= p.limit {
		return refuse(WhyTooMany, "%s has %d letters waiting already, the most one sender may", l.From, p.waiting[l.From])
	}
	l.Text, l.Sig = text, sig
	select {
	case p.mailbox <- l:
	default:
		return refuse(WhyMailboxFull, "the mailbox of %s is full (%d letters)", p.cfg.Name, p.cfg.Mailbox)
	}
	w.mark(l.Seq)
	p.waiting[l.From]++
	return Receipt{Seq: l.Seq, Status: StatusAccepted}
}

// strong reports whether a letter's protection has every property the
// least protection want has: a signature, a seal.
func strong(got, want string) bool {
	signs := func(p string) bool { return p == Signed || p == SignedSealed }
	seals := func(p string) bool { return p == Encrypted || p == SignedSealed || p == SharedSealed }
	return (!signs(want) || signs(got)) && (!seals(want) || seals(got))
}

// open returns a letter's text and signature, unsealing it if sealed.
// The caller holds rmu.
func (p *person) open(l Letter) (string, []byte, error) {
	switch l.Protect {
	case Encrypted, SignedSealed:
		return OpenWith(p.key, l)
	case SharedSealed:
		k := p.keys[l.From]
		if k == nil {
			return "", nil, fmt.Errorf("no shared key with %s", l.From)
		}
		return OpenShared(k, l)
	}
	return l.Text, l.Sig, nil
}

// receipt tells the live view about a letter's fate.
func (p *person) receipt(l Letter, r Receipt) {
	if r.Status == StatusRefused {
		p.node.Trace.State("refused", fmt.Sprintf("%s #%d: %s", l.From, l.Seq, r.Why))
		p.node.Trace.Logf("refused letter #%d from %s: %s", l.Seq, l.From, r.Reason)
		return
	}
	p.node.Trace.Gauge("mailbox", int64(len(p.mailbox)), int64(p.cfg.Mailbox), "letters")
}

// read takes the letters from the mailbox one by one, each taking Work.
func (p *person) read(ctx context.Context) {
	for {
		var l Letter
		select {
		case <-ctx.Done():
			return
		case l = <-p.mailbox:
		}
		if work := time.Duration(p.work.Load()); work > 0 {
			t := time.NewTimer(work)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		p.rmu.Lock()
		p.waiting[l.From]--
		p.rmu.Unlock()
		p.out("read letter #%d from %s (%s): %s", l.Seq, l.From, l.Protect, l.Text)
		p.node.Trace.State("read", l.Text)
		p.node.Trace.Logf("read letter #%d from %s (%s): %s", l.Seq, l.From, l.Protect, l.Text)
		p.node.Trace.Gauge("mailbox", int64(len(p.mailbox)), int64(p.cfg.Mailbox), "letters")
	}
}

// replayWindow is how many sequence numbers below the highest one seen a
// receiver remembers: letters may overtake each other a little, but a
// number older than that is refused as a replay all the same.
const replayWindow = 256

// window is the sequence numbers seen from one sender.
type window struct {
	top  uint64
	seen map[uint64]bool // the numbers seen in (top-replayWindow, top]
}

func (w *window) fresh(seq uint64) bool {
	if w.top >= replayWindow && seq <= w.top-replayWindow {
		return false
	}
	return !w.seen[seq]
}

func (w *window) mark(seq uint64) {
	w.seen[seq] = true
	if seq <= w.top {
		return
	}
	w.top = seq
	for s := range w.seen {
		if w.top >= replayWindow && s <= w.top-replayWindow {
			delete(w.seen, s)
		}
	}
}
