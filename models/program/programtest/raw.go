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

// Line writes s and a newline. It waits at most Patience for the
// program to take them.
func (r *Raw) Line(s string) {
	r.t.Helper()
	_ = r.nc.SetWriteDeadline(time.Now().Add(Patience))
	if _, err := r.nc.Write([]byte(s + "\n")); err != nil {
		r.t.Fatalf("write %.80q: %v", s, err)
	}
}

// ReadLine returns the next line that comes back as it came, newline
// included, for a test that looks at the bytes (a reply's size). It
// waits at most Patience.
func (r *Raw) ReadLine() []byte {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(Patience))
	return r.next()
}

// Reply reads envelopes until one whose type is not among skip, and
// returns it: skip names what a server pushes unasked (a broker's
// deliveries, a space's events). Each must be an envelope as
// wire.Decode reads one. It waits at most Patience.
func (r *Raw) Reply(skip ...string) wire.Envelope {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(Patience))
	for {
		line := r.next()
		e, err := wire.Decode(line[:len(line)-1])
		if err != nil {
			r.t.Fatalf("reply %.80q is not an envelope: %v", line, err)
		}
		if !slices.Contains(skip, e.Type) {
			return e
		}
	}
}

// next reads one line, within the deadline already set.
func (r *Raw) next() []byte {
	r.t.Helper()
	line, err := r.r.ReadBytes('\n')
	if err != nil {
		r.t.Fatalf("no reply: %v", err)
	}
	return line
}

// Reason is the reason an error envelope gives; "" for any other.
func Reason(e wire.Envelope) string {
	var eb wire.ErrorBody
	_ = json.Unmarshal(e.Body, &eb)
	return eb.Reason
}
