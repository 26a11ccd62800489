package security

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"dsdemo/models/wire"
)

// command runs one session command of a person.
func (p *person) command(ctx context.Context, line string) (string, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	switch verb {
	case "send":
		if rest == "" {
			return "", errors.New("send needs a text")
		}
		return p.send(ctx, rest)
	case "protect":
		if !isProtection(rest) {
			return "", fmt.Errorf("protect %q: want one of %s", rest, protectionSet)
		}
		p.smu.Lock()
		p.protect = rest
		p.smu.Unlock()
		p.node.Trace.State("protect", rest)
		return "letters go " + rest + " now", nil
	case "require":
		if rest == "any" {
			rest = ""
		}
		if rest != "" && !isProtection(rest) {
			return "", fmt.Errorf("require %q: want any or one of %s", rest, protectionSet)
		}
		p.rmu.Lock()
		p.require = rest
		p.rmu.Unlock()
		p.node.Trace.State("require", cmpOr(rest, "any"))
		return "letters received must be at least " + cmpOr(rest, "any"), nil
	case "verify", "tls":
		if rest != "on" && rest != "off" {
			return "", fmt.Errorf("%s on|off", verb)
		}
		return p.toggle(verb, rest == "on"), nil
	case "limit":
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 {
			return "", errors.New("limit needs a number of letters, 0 for none")
		}
		p.rmu.Lock()
		p.limit = n
		p.rmu.Unlock()
		p.node.Trace.State("limit per sender", rest)
		return fmt.Sprintf("at most %s letters of one sender wait in the mailbox (0: no limit)", rest), nil
	case "work":
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 || d > time.Minute {
			return "", errors.New("work needs a duration up to 1m, such as 1s")
		}
		p.work.Store(int64(d))
		p.node.Trace.State("work per letter", d.String())
		return "reading one letter takes " + d.String() + " now", nil
	case "hello":
		p.smu.Lock()
		defer p.smu.Unlock()
		p.peerCert = nil
		if err := p.greet(ctx); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s's certificate (serial %s): %s", p.cfg.PeerName, p.peerCert.SerialNumber, p.trust()), nil
	case "key":
		p.smu.Lock()
		defer p.smu.Unlock()
		p.shared = nil
		if err := p.shareKey(ctx); err != nil {
			return "", err
		}
		return "sent a new shared key to " + p.cfg.PeerName + ", in the clear", nil
	}
	return "", fmt.Errorf("unknown command %q; %s", verb, personHelp)
}

// toggle turns certificate checks or TLS on or off. Either way the
// connection to the peer starts anew, with a new exchange of certificates.
func (p *person) toggle(what string, on bool) string {
	p.smu.Lock()
	defer p.smu.Unlock()
	if p.conn != nil {
		p.conn.Close()
		p.conn, p.peerCert = nil, nil
	}
	state := map[bool]string{true: "on", false: "off"}[on]
	if what == "verify" {
		p.noVerify.Store(!on)
		p.node.Trace.State("verify", state)
		return "certificate checks " + state
	}
	p.tls = on
	p.node.Trace.State("protect", map[bool]string{true: "tls", false: p.protect}[on])
	return "TLS " + state
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// connected returns the connection to the peer, dialling it (and over
// TLS shaking hands) when there is none.
func (p *person) connected(ctx context.Context) (*wire.Conn, error) {
	if p.cfg.Peer == "" {
		return nil, errors.New("this person has no --peer to write to")
	}
	if p.conn != nil {
		select {
		case <-p.conn.Done():
			p.conn.Close()
			p.conn, p.peerCert = nil, nil
		default:
			return p.conn, nil
		}
	}
	ctx, cancel := p.node.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", p.cfg.Peer)
	if err != nil {
		return nil, fmt.Errorf("cannot reach %s at %s: %w", p.cfg.PeerName, p.cfg.Peer, err)
	}
	if p.tls {
		tc := tls.Client(nc, p.tlsConfig(ctx, false))
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			p.node.Trace.State("certificate of "+p.cfg.PeerName, "refused")
			return nil, fmt.Errorf("TLS handshake with %s failed: %w", p.cfg.PeerName, err)
		}
		p.peerCert = tc.ConnectionState().PeerCertificates[0]
		p.node.Trace.State("certificate of "+p.cfg.PeerName, p.trust()+" (tls)")
		nc = tc
	}
	p.conn = wire.NewConn(p.node, nc)
	return p.conn, nil
}

// greet exchanges certificates with the peer, unless done on this
// connection already, and checks the peer's. The caller holds smu.
func (p *person) greet(ctx context.Context) error {
	c, err := p.connected(ctx)
	if err != nil || p.peerCert != nil {
		return err
	}
	var h Hello
	if err := p.ask(ctx, c, TypeHello, Hello{Name: p.cfg.Name, Cert: p.cert.Raw}, &h); err != nil {
		return err
	}
	cert, err := ParseCert(h.Cert)
	if err == nil && h.Name != p.cfg.PeerName {
		err = fmt.Errorf("the answer is from %q, not %s", h.Name, p.cfg.PeerName)
	}
	if err == nil {
		err = p.verify(ctx, cert, p.cfg.PeerName)
	}
	if err != nil {
		p.node.Trace.State("certificate of "+p.cfg.PeerName, "refused")
		return fmt.Errorf("not sent: the certificate of %s is refused: %w", p.cfg.PeerName, err)
	}
	p.peerCert = cert
	p.node.Trace.State("certificate of "+p.cfg.PeerName, p.trust())
	return nil
}

// shareKey makes a symmetric key and sends it to the peer, in the clear:
// the symmetric variant's weak point. The caller holds smu.
func (p *person) shareKey(ctx context.Context) error {
	if p.shared != nil {
		return nil
	}
	c, err := p.connected(ctx)
	if err != nil {
		return err
	}
	k := make([]byte, keyLen)
	if _, err := rand.Read(k); err != nil {
		return err
	}
	if err := p.ask(ctx, c, TypeKey, SharedKey{From: p.cfg.Name, Key: k}, &struct{}{}); err != nil {
		return err
	}
	p.shared = k
	return nil
}

func (p *person) ask(ctx context.Context, c *wire.Conn, typ string, body, into any) error {
	ctx, cancel := p.node.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	reply, err := c.Call(ctx, p.cfg.PeerName, typ, body)
	if err != nil {
		return err
	}
	return reply.UnmarshalBody(into)
}

// send writes one letter to the peer in the current protection.
func (p *person) send(ctx context.Context, text string) (string, error) {
	if len(text) > MaxText {
		return "", fmt.Errorf("a text of %d bytes is longer than %d", len(text), MaxText)
	}
	p.smu.Lock()
	defer p.smu.Unlock()
	if _, err := p.connected(ctx); err != nil {
		return "", err
	}
	protect := p.protect
	if p.tls {
		protect = Plain // the channel protects it
	} else if err := p.greet(ctx); err != nil {
		return "", err
	}
	if protect == SharedSealed {
		if err := p.shareKey(ctx); err != nil {
			return "", err
		}
	}
	p.seq++
	l, err := p.seal(protect, p.seq, text)
	if err != nil {
		return "", err
	}
	var r Receipt
	if err := p.ask(ctx, p.conn, TypeLetter, l, &r); err != nil {
		return "", err
	}
	if r.Status != StatusAccepted {
		return fmt.Sprintf("%s refused letter #%d: %s (%s)", p.cfg.PeerName, l.Seq, r.Why, r.Reason), nil
	}
	return fmt.Sprintf("%s accepted letter #%d (%s)", p.cfg.PeerName, l.Seq, protect), nil
}

// seal builds a letter in a protection. The caller holds smu.
func (p *person) seal(protect string, seq uint64, text string) (Letter, error) {
	l := Letter{From: p.cfg.Name, To: p.cfg.PeerName, Seq: seq, Protect: protect}
	var sig []byte
	if protect == Signed || protect == SignedSealed {
		var err error
		if sig, err = Sign(p.key, l.From, l.To, seq, text); err != nil {
			return l, err
		}
	}
	switch protect {
	case Plain:
		l.Text = text
	case Signed:
		l.Text, l.Sig = text, sig
	case Encrypted, SignedSealed:
		return l, SealFor(p.peerCert, &l, text, sig)
	case SharedSealed:
		return l, SealShared(p.shared, &l, text, nil)
	}
	return l, nil
}
