package programtest

import (
	"bufio"
	"encoding/json"
	"net"
	"slices"
	"testing"
	"time"

	"dsdemo/models/wire"
)

// Raw is a connection that speaks the wire by hand, as a student with nc
// (or an attacker) would: it writes lines as typed, so a test can send
// what no Go client would, and reads the envelopes that come back.
type Raw struct {
	t  testing.TB
	nc net.Conn
	r  *bufio.Reader
}

// In returns r for use in the subtest t: the same connection, whose
// failures are t's. A Raw fails the test it was given to, and a subtest
// may not fail its parent.
func (r *Raw) In(t testing.TB) *Raw {
	c := *r
	c.t = t
	return &c
}

// DialRaw connects to a program at addr; the connection closes when the
// test ends.
func DialRaw(t testing.TB, addr string) *Raw {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { nc.Close() })
	return &Raw{t: t, nc: nc, r: bufio.NewReaderSize(nc, 2<<20)}
}

// Line writes s and a newline.
func (r *Raw) Line(s string) {
	r.t.Helper()
	if _, err := r.nc.Write([]byte(s + "\n")); err != nil {
		r.t.Fatalf("write %.80q: %v", s, err)
	}
}

// Reply reads envelopes until one whose type is not among skip, and
// returns it: skip names what a server pushes unasked (a broker's
// deliveries, a space's events). It waits at most Patience.
func (r *Raw) Reply(skip ...string) wire.Envelope {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(Patience))
	for {
		line, err := r.r.ReadBytes('\n')
		if err != nil {
			r.t.Fatalf("no reply: %v", err)
		}
		var e wire.Envelope
		if err := json.Unmarshal(line, &e); err != nil {
			r.t.Fatalf("reply %.80q is not an envelope: %v", line, err)
		}
		if !slices.Contains(skip, e.Type) {
			return e
		}
	}
}

// Reason is the reason an error envelope gives; "" for any other.
func Reason(e wire.Envelope) string {
	var eb wire.ErrorBody
	_ = json.Unmarshal(e.Body, &eb)
	return eb.Reason
}
