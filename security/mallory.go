package security

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// MalloryConfig is the mallory program's command line.
type MalloryConfig struct {
	Bob     string        // where she passes everything on: the real receiver's address
	PoseAs  string        // the name on her own certificate
	Rate    int           // letters a second in a flood
	Timeout time.Duration // how long to wait for an answer
}

// mallory is the man in the middle. Both persons were told her address
// as the other's, so every connection of Alice's comes to her and she
// opens one of her own to Bob for it. What she can read she reports;
// what she was told to do to the next letter (change, drop) she does.
type mallory struct {
	node *wire.Node
	cfg  MalloryConfig
	key  *ecdsa.PrivateKey // her own key; her certificate carries its public half
	fake *x509.Certificate // self-signed, in the name cfg.PoseAs
	bob  *wire.Pool        // her own connection to Bob for replay, inject and flood

	mu       sync.Mutex // guards everything below
	armed    string     // what she does to the next letter: "", "change" or "drop"
	change   string
	pose     bool
	last     *Letter // the last letter she passed on, for replay
	certs    map[string]*x509.Certificate
	stolen   map[string][]byte
	seen     int
	readable int
	floodSeq atomic.Uint64
}

// RunMallory is the mallory program: she serves whoever connects, passes
// everything on to Bob, and runs a session of attacks (change TEXT, drop,
// replay, inject TEXT, pose on|off, flood DURATION).
func RunMallory(ctx context.Context, env *program.Env, cfg MalloryConfig) error {
	if cfg.Bob == "" {
		return program.Usagef("--bob needs the address to pass messages on to")
	}
	if err := CheckName(cfg.PoseAs); err != nil {
		return program.Usagef("--pose-as: %v", err)
	}
	if cfg.Rate < 1 || cfg.Rate > 10000 {
		return program.Usagef("--rate must be 1 to 10000 letters a second, not %d", cfg.Rate)
	}
	key, err := NewKey()
	if err != nil {
		return err
	}
	fake, err := selfSigned(key, cfg.PoseAs)
	if err != nil {
		return err
	}
	m := &mallory{node: env.Node, cfg: cfg, key: key, fake: fake, bob: wire.NewPool(env.Node, cfg.Bob),
		certs: map[string]*x509.Certificate{}, stolen: map[string][]byte{}}
	defer m.bob.Close()
	env.Node.Trace.State("posing as "+cfg.PoseAs, "off")
	env.Node.Trace.State("read", "nothing yet")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { serveSniffed(ctx, env.Listener, m.serveConn) })
	s := program.Session{Prompt: "mallory> ", Help: malloryHelp, Run: m.command}
	err = s.Loop(ctx, env)
	cancel()
	wg.Wait()
	return err
}

const malloryHelp = "commands: change TEXT | drop | replay | inject TEXT | pose on|off | flood DURATION | status | help | quit"

// selfSigned makes Mallory's own certificate: her key, any name she
// likes, signed by herself. Nobody who checks against the CA trusts it.
func selfSigned(key *ecdsa.PrivateKey, name string) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(666),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(12 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// serveConn serves one person's connection: a TLS handshake goes to
// tlsConn, envelopes pass on to Bob.
func (m *mallory) serveConn(ctx context.Context, nc net.Conn, tlsFirst bool) {
	if tlsFirst {
		m.tlsConn(ctx, nc)
		return
	}
	c := wire.NewServedConn(m.node, nc, 0) // a person may be silent for long, but not half way through a letter
	defer c.Close()
	up := &upstream{node: m.node, addr: m.cfg.Bob}
	defer up.close()
	wire.ServeConn(ctx, c, func(ctx context.Context, req wire.Envelope) (any, error) { return m.handle(ctx, up, req) })
}

// upstream is Mallory's connection to Bob for one connection of Alice's,
// dialled on first use.
type upstream struct {
	node *wire.Node
	addr string
	c    *wire.Conn // only the connection's own goroutine uses it
}

func (u *upstream) call(ctx context.Context, typ string, body any) (wire.Envelope, error) {
	if u.c == nil {
		c, err := wire.Dial(ctx, u.node, u.addr)
		if err != nil {
			return wire.Envelope{}, err
		}
		u.c = c
	}
	return u.c.Call(ctx, "bob", typ, body)
}

func (u *upstream) close() {
	if u.c != nil {
		u.c.Close()
	}
}

// handle passes one request on to Bob and his answer back, reading and
// meddling on the way.
func (m *mallory) handle(ctx context.Context, up *upstream, req wire.Envelope) (any, error) {
	ctx, cancel := m.node.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	body := json.RawMessage(req.Body)
	switch req.Type {
	case TypeHello:
		return m.hello(ctx, up, req)
	case TypeKey:
		var k SharedKey
		if req.UnmarshalBody(&k) == nil && len(k.Key) == keyLen {
			m.mu.Lock()
			m.stolen[k.From] = k.Key
			m.mu.Unlock()
			m.node.Trace.State("stolen key", "from "+k.From)
			m.node.Trace.Logf("copied the shared key %s sent in the clear", k.From)
		}
	case TypeLetter:
		var l Letter
		if req.UnmarshalBody(&l) == nil && CheckLetter(l) == nil {
			out, forged := m.letter(l)
			if forged != nil {
				return *forged, nil
			}
			body, _ = json.Marshal(out)
		}
	}
	return answer(up.call(ctx, req.Type, body))
}

// answer turns Bob's reply into what Mallory answers herself.
func answer(reply wire.Envelope, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return json.RawMessage(reply.Body), nil
}

// hello passes the exchange of certificates on, keeping both, and when
// she poses, puts her own certificate in the place of Bob's.
func (m *mallory) hello(ctx context.Context, up *upstream, req wire.Envelope) (any, error) {
	var h Hello
	if err := req.UnmarshalBody(&h); err == nil {
		if c, err := ParseCert(h.Cert); err == nil {
			m.mu.Lock()
			m.certs[h.Name] = c
			m.mu.Unlock()
		}
	}
	reply, err := up.call(ctx, TypeHello, json.RawMessage(req.Body))
	if err != nil {
		return nil, err
	}
	var back Hello
	if err := reply.UnmarshalBody(&back); err != nil {
		return json.RawMessage(reply.Body), nil
	}
	if c, err := ParseCert(back.Cert); err == nil {
		m.mu.Lock()
		m.certs[back.Name] = c
		m.mu.Unlock()
	}
	m.mu.Lock()
	pose := m.pose
	m.mu.Unlock()
	if pose {
		back.Cert = m.fake.Raw
		m.node.Trace.Logf("gave %s my own certificate in the name of %s", h.Name, back.Name)
	}
	return back, nil
}

// letter reads what it can of a letter, carries out what she was told
// to do with it, and returns the letter to pass on, or a forged receipt
// when she drops it.
func (m *mallory) letter(l Letter) (Letter, *Receipt) {
	m.mu.Lock()
	defer m.mu.Unlock()
	text, sig, ok := m.read(l)
	m.seen++
	if ok {
		m.readable++
		m.node.Trace.State("read", text)
		m.node.Trace.Logf("read letter #%d %s->%s (%s): %s", l.Seq, l.From, l.To, l.Protect, text)
		if l.Protect == Encrypted || l.Protect == SignedSealed {
			// Sealed for her key, since Alice took her certificate:
			// seal it again for the real Bob, who notices nothing.
			l = m.reseal(l, text, sig)
		}
	} else {
		m.node.Trace.State("read", fmt.Sprintf("nothing: %d bytes sealed", len(l.Sealed)))
		m.node.Trace.Logf("could not read letter #%d %s->%s (%s): %d bytes sealed", l.Seq, l.From, l.To, l.Protect, len(l.Sealed))
	}
	m.node.Trace.State("letters read", fmt.Sprintf("%d of %d", m.readable, m.seen))
	switch m.armed {
	case "drop":
		m.armed = ""
		m.node.Trace.Logf("dropped letter #%d and answered %s myself", l.Seq, l.From)
		return l, &Receipt{Seq: l.Seq, Status: StatusAccepted}
	case "change":
		m.armed = ""
		l = m.alter(l, ok, sig)
	}
	last := l
	m.last = &last
	m.node.Trace.State("armed", "nothing")
	return l, nil
}

// read returns a letter's text if Mallory can read it: in the clear, or
// sealed with a key she has (a stolen shared key, or her own when Alice
// sealed for her certificate). The caller holds mu.
func (m *mallory) read(l Letter) (string, []byte, bool) {
	switch l.Protect {
	case Plain, Signed:
		return l.Text, l.Sig, true
	case Encrypted, SignedSealed:
		text, sig, err := OpenWith(m.key, l)
		return text, sig, err == nil
	case SharedSealed:
		if k := m.stolen[l.From]; k != nil {
			text, sig, err := OpenShared(k, l)
			return text, sig, err == nil
		}
	}
	return "", nil, false
}

// reseal seals a letter she could read again for its real receiver. The
// caller holds mu.
func (m *mallory) reseal(l Letter, text string, sig []byte) Letter {
	switch l.Protect {
	case SharedSealed:
		if k := m.stolen[l.From]; k != nil {
			_ = SealShared(k, &l, text, sig)
		}
	case Encrypted, SignedSealed:
		if c := m.certs[l.To]; c != nil {
			_ = SealFor(c, &l, text, sig)
		}
	}
	return l
}

// alter puts her text in the letter. In the clear that is all; sealed
// with a key she has, she seals her text; sealed with a key she lacks,
// she can only flip a bit of the ciphertext. The caller holds mu.
func (m *mallory) alter(l Letter, readable bool, sig []byte) Letter {
	m.node.Trace.Logf("changed letter #%d to %q", l.Seq, m.change)
	switch {
	case l.Protect == Plain || l.Protect == Signed:
		l.Text = m.change
	case readable:
		l = m.reseal(l, m.change, sig)
	default:
		l.Sealed = append([]byte(nil), l.Sealed...)
		l.Sealed[0] ^= 1
	}
	return l
}

// tlsConn handles a TLS connection: she passes its records on unread,
// or, posing, answers the handshake with her own certificate.
func (m *mallory) tlsConn(ctx context.Context, nc net.Conn) {
	m.mu.Lock()
	pose := m.pose
	m.mu.Unlock()
	if pose {
		tc := tls.Server(nc, &tls.Config{MinVersion: tls.VersionTLS13,
			Certificates: []tls.Certificate{{Certificate: [][]byte{m.fake.Raw}, PrivateKey: m.key, Leaf: m.fake}}})
		hctx, cancel := m.node.WithTimeout(ctx, m.cfg.Timeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			m.node.Trace.State("read", "nothing: my certificate was refused")
			m.node.Trace.Logf("posed as %s over TLS and was refused: %v", m.cfg.PoseAs, err)
			return
		}
		m.node.Trace.Logf("posed as %s over TLS and was taken for %s", m.cfg.PoseAs, m.cfg.PoseAs)
		return
	}
	var d net.Dialer
	bob, err := d.DialContext(ctx, "tcp", m.cfg.Bob)
	if err != nil {
		m.node.Trace.Logf("cannot reach %s: %v", m.cfg.Bob, err)
		return
	}
	defer bob.Close()
	stop := context.AfterFunc(ctx, func() { bob.Close() })
	defer stop()
	m.node.Trace.State("read", "nothing: TLS ciphertext")
	var relayed atomic.Int64
	var wg sync.WaitGroup
	pass := func(dst, src net.Conn) {
		buf := make([]byte, 16<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
				total := relayed.Add(int64(n))
				m.node.Trace.State("tls bytes", fmt.Sprint(total))
				m.node.Trace.Logf("passed on %d bytes of TLS records, read none: %x...", n, buf[:min(n, 12)])
			}
			if err != nil {
				break
			}
		}
		dst.Close()
		src.Close()
	}
	wg.Go(func() { pass(bob, nc) })
	pass(nc, bob)
	wg.Wait()
}

// command runs one of Mallory's session commands.
func (m *mallory) command(ctx context.Context, line string) (string, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	switch verb {
	case "change":
		if rest == "" || len(rest) > MaxText {
			return "", fmt.Errorf("change needs a text of 1 to %d bytes", MaxText)
		}
		return m.arm("change", rest), nil
	case "drop":
		return m.arm("drop", ""), nil
	case "pose":
		if rest != "on" && rest != "off" {
			return "", errors.New("pose on|off")
		}
		m.mu.Lock()
		m.pose = rest == "on"
		m.mu.Unlock()
		m.node.Trace.State("posing as "+m.cfg.PoseAs, rest)
		return "posing as " + m.cfg.PoseAs + " with my own certificate: " + rest, nil
	case "replay":
		return m.replay(ctx)
	case "inject":
		if rest == "" || len(rest) > MaxText {
			return "", fmt.Errorf("inject needs a text of 1 to %d bytes", MaxText)
		}
		return m.inject(ctx, rest)
	case "flood":
		d, err := time.ParseDuration(rest)
		if err != nil || d <= 0 || d > time.Minute {
			return "", errors.New("flood needs a duration up to 1m, such as 3s")
		}
		return m.flood(ctx, d), nil
	case "status":
		m.mu.Lock()
		defer m.mu.Unlock()
		return fmt.Sprintf("read %d of %d letters; armed: %s; posing: %v", m.readable, m.seen, cmpOr(m.armed, "nothing"), m.pose), nil
	}
	return "", fmt.Errorf("unknown command %q; %s", verb, malloryHelp)
}

func (m *mallory) arm(what, text string) string {
	m.mu.Lock()
	m.armed, m.change = what, text
	m.mu.Unlock()
	m.node.Trace.State("armed", what)
	if what == "change" {
		return fmt.Sprintf("the next letter will say %q", text)
	}
	return "the next letter will not arrive"
}

// replay sends the last letter to Bob again. Where she can, she gives it
// a new sequence number: in the clear it is just a field, sealed with a
// key she has she seals it anew. Otherwise it goes as it was.
func (m *mallory) replay(ctx context.Context) (string, error) {
	m.mu.Lock()
	if m.last == nil {
		m.mu.Unlock()
		return "", errors.New("no letter passed by yet")
	}
	l := *m.last
	text, sig, ok := m.read(l)
	if l.Protect == Plain || (ok && l.Protect != Signed && l.Protect != SignedSealed) {
		l.Seq += 100
		if l.Protect != Plain {
			l = m.reseal(l, text, sig)
		}
	}
	m.mu.Unlock()
	return m.post(ctx, l, "replayed")
}

// inject writes a letter of her own in Alice's name, in the protection
// of the last letter, as well as she can: signed with her own key, sealed
// for Bob's public key or with a stolen key.
func (m *mallory) inject(ctx context.Context, text string) (string, error) {
	m.mu.Lock()
	l := Letter{From: "alice", To: "bob", Seq: 200, Protect: Plain}
	if m.last != nil {
		l = Letter{From: m.last.From, To: m.last.To, Seq: m.last.Seq + 200, Protect: m.last.Protect}
	}
	var sig []byte
	if l.Protect == Signed || l.Protect == SignedSealed {
		sig, _ = Sign(m.key, l.From, l.To, l.Seq, text)
	}
	var err error
	switch l.Protect {
	case Plain, Signed:
		l.Text, l.Sig = text, sig
	case Encrypted, SignedSealed:
		if c := m.certs[l.To]; c != nil {
			err = SealFor(c, &l, text, sig)
		} else {
			err = fmt.Errorf("no certificate of %s seen yet", l.To)
		}
	case SharedSealed:
		k := m.stolen[l.From]
		if k == nil {
			k = make([]byte, keyLen) // a guess
		}
		err = SealShared(k, &l, text, sig)
	}
	m.mu.Unlock()
	if err != nil {
		return "", err
	}
	return m.post(ctx, l, "injected")
}

// post sends a letter of hers to Bob and says what he answered.
func (m *mallory) post(ctx context.Context, l Letter, what string) (string, error) {
	ctx, cancel := m.node.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	reply, err := m.bob.Call(ctx, "bob", TypeLetter, l)
	if err != nil {
		return "", err
	}
	var r Receipt
	if err := reply.UnmarshalBody(&r); err != nil {
		return "", err
	}
	if r.Status != StatusAccepted {
		return fmt.Sprintf("%s letter #%d as %s: refused, %s", what, l.Seq, l.From, r.Why), nil
	}
	return fmt.Sprintf("%s letter #%d as %s: accepted", what, l.Seq, l.From), nil
}

// flood sends Bob letters of her own for d, at cfg.Rate a second over a
// few connections, and counts his answers.
func (m *mallory) flood(ctx context.Context, d time.Duration) string {
	const lanes = 4
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var taken, refused atomic.Int64
	var wg sync.WaitGroup
	gap := time.Second * lanes / time.Duration(m.cfg.Rate)
	for range lanes {
		wg.Go(func() {
			c, err := wire.Dial(ctx, m.node, m.cfg.Bob)
			if err != nil {
				return
			}
			defer c.Close()
			tick := time.NewTicker(gap)
			defer tick.Stop()
			for {
				l := Letter{From: m.node.Name, To: "bob", Seq: m.floodSeq.Add(1), Protect: Plain, Text: "spam"}
				var r Receipt
				reply, err := c.Call(ctx, "bob", TypeLetter, l)
				if err == nil && reply.UnmarshalBody(&r) == nil && r.Status == StatusAccepted {
					taken.Add(1)
				} else if err == nil {
					refused.Add(1)
				}
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
		})
	}
	wg.Wait()
	m.node.Trace.State("flood", fmt.Sprintf("%d taken, %d refused", taken.Load(), refused.Load()))
	return fmt.Sprintf("flooded bob for %s: %d letters taken, %d refused", d, taken.Load(), refused.Load())
}
