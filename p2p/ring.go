package p2p

import (
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
)

// Bits is the size of the identifier space: positions on the ring run from
// 0 to 2^Bits-1 and then wrap around to 0. Chord's paper uses all 160 bits
// of SHA-1; 32 are plenty for a classroom and print as 8 hex digits.
const Bits = 32

// ID is a position on the ring. Peers and keys share the one identifier
// space, which is what makes the hashing consistent: a key lives at the
// first peer at or after its position, and when a peer comes or goes only
// the keys between it and its predecessor change hands.
type ID uint32

// Hash places a name on the ring: the first 32 bits of its SHA-1 digest.
// Peers are placed by their name or address, keys by the key itself.
func Hash(s string) ID {
	sum := sha1.Sum([]byte(s))
	return ID(binary.BigEndian.Uint32(sum[:4]))
}

// String prints an ID as 8 hex digits, the way the ring shows positions.
func (id ID) String() string { return fmt.Sprintf("%08x", uint32(id)) }

// Add returns the position d steps clockwise from id, wrapping around.
func (id ID) Add(d uint64) ID { return ID(uint64(id) + d) }

// Between reports whether x lies in the ring interval (a, b]: clockwise
// after a, up to and including b. When a == b the interval is the whole
// ring, as for a peer that is alone and responsible for every key.
func Between(x, a, b ID) bool {
	if a < b {
		return a < x && x <= b
	}
	return a < x || x <= b // the interval wraps past 0 (or is the whole ring)
}

// Inside reports whether x lies strictly inside (a, b), both ends excluded.
// When a == b it is the whole ring but a itself.
func Inside(x, a, b ID) bool {
	return Between(x, a, b) && x != b
}

// NodeRef names a peer: its position, its address and its name in traces.
// The zero NodeRef is "nobody" (no predecessor known yet).
type NodeRef struct {
	ID   ID     `json:"id"`
	Addr string `json:"addr"`
	Name string `json:"name"`
}

// What a peer accepts from the network. Everything longer is refused with
// an error reply, so no message can make a peer hold more than it meant to.
const (
	MaxKey        = 256                  // bytes of a key
	MaxValue      = 64 << 10             // bytes of a value
	MaxName       = 64                   // bytes of a peer's name
	MaxSuccessors = 16                   // peers in a successor list, and so the largest r
	maxAddr       = 64                   // bytes of a peer's address (host:port)
	maxRefs       = Bits + MaxSuccessors // peers one lookup step may name: fingers and successors
)

// IsZero reports whether r names nobody.
func (r NodeRef) IsZero() bool { return r.Addr == "" }

// check refuses a reference read from the network that no peer could
// have: one without a name or a usable address, or one whose position is
// not where its name or address puts it. A peer's position is the hash of
// its name, or of its address when it has none of its own (NewPeer), so
// anybody can recompute it; a peer that claims another position lies.
func (r NodeRef) check() error {
	if r.Addr == "" || r.Name == "" {
		return errors.New("a peer needs an address and a name")
	}
	if len(r.Name) > MaxName {
		return fmt.Errorf("a peer name of %d bytes; at most %d", len(r.Name), MaxName)
	}
	host, port, err := net.SplitHostPort(r.Addr)
	if n, perr := strconv.Atoi(port); err != nil || len(r.Addr) > maxAddr || host == "" || perr != nil || n < 1 || n > 65535 {
		return fmt.Errorf("bad peer address %q", r.Addr)
	}
	if r.ID != Hash(r.Name) && r.ID != Hash(r.Addr) {
		return fmt.Errorf("position %s of %s at %s is the hash of neither its name nor its address", r.ID, r.Name, r.Addr)
	}
	return nil
}

// checkOptional is check for a reference that may name nobody, such as a
// predecessor not known yet.
func (r NodeRef) checkOptional() error {
	if r == (NodeRef{}) {
		return nil
	}
	return r.check()
}

// checkList checks every reference of a list of at most max peers.
func checkList(what string, list []NodeRef, max int) error {
	if len(list) > max {
		return fmt.Errorf("%d %s; at most %d", len(list), what, max)
	}
	for _, r := range list {
		if err := r.check(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// String prints a peer as name@position.
func (r NodeRef) String() string {
	if r.IsZero() {
		return "-"
	}
	return fmt.Sprintf("%s@%s", r.Name, r.ID)
}
