package rpc

import (
	"fmt"
	"time"
)

// The lookup service's side of Jini's proxies: the directory keeps a
// service's proxy with its registration and hands it out with the match.
// It never runs or judges the code (it holds no key to check it with);
// the client does, before it runs a byte of it.
const (
	// MaxProxySource is the longest proxy script a registration may carry.
	MaxProxySource = 16 << 10
	// maxProxySig is the longest signature the directory keeps; an
	// ed25519 signature has 64 bytes, anything else fails the client's check.
	maxProxySig = 128
	// maxProxyReply bounds the proxy source one lookup_ok carries, so a
	// reply stays far below wire.MaxFrame however many services match;
	// matches beyond it come without their proxy, and the client looks
	// the one it wants up by name to get it.
	maxProxyReply = 256 << 10
)

// checkProxy refuses a proxy that breaks a bound. An unsigned or wrongly
// signed proxy is registered all the same: judging it is the client's
// job, against the keys it trusts.
func checkProxy(p *Proxy) error {
	if p == nil {
		return nil
	}
	if err := checkName("proxy script", p.Script, true); err != nil {
		return err
	}
	switch {
	case p.Source == "":
		return fmt.Errorf("proxy %s: no source", p.Script)
	case len(p.Source) > MaxProxySource:
		return fmt.Errorf("proxy %s: %d bytes of source, at most %d", p.Script, len(p.Source), MaxProxySource)
	case len(p.Sig) > maxProxySig:
		return fmt.Errorf("proxy %s: a signature of %d bytes, at most %d", p.Script, len(p.Sig), maxProxySig)
	}
	return nil
}

// withProxy is e as a lookup shows it: with its proxy, while the reply's
// budget of proxy source lasts.
func (e *entry) withProxy(now time.Duration, budget *int) Registration {
	r := e.view(now)
	if p := e.req.Proxy; p != nil && len(p.Source) <= *budget {
		*budget -= len(p.Source)
		r.Proxy = p
	}
	return r
}
