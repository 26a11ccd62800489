package p2p

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
)

// bits is the size of the identifier space: positions on the ring run from
// 0 to 2^bits-1 and then wrap around to 0. Chord's paper uses all 160 bits
// of SHA-1; 32 are plenty for a classroom and print as 8 hex digits.
const bits = 32

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

// add returns the position d steps clockwise from id, wrapping around.
func (id ID) add(d uint64) ID { return ID(uint64(id) + d) }

// between reports whether x lies in the ring interval (a, b]: clockwise
// after a, up to and including b. When a == b the interval is the whole
// ring, as for a peer that is alone and responsible for every key.
func between(x, a, b ID) bool {
	if a < b {
		return a < x && x <= b
	}
	return a < x || x <= b // the interval wraps past 0 (or is the whole ring)
}

// inside reports whether x lies strictly inside (a, b), both ends excluded.
// When a == b it is the whole ring but a itself.
func inside(x, a, b ID) bool {
	return between(x, a, b) && x != b
}

// isZero reports whether r names nobody.
func (r NodeRef) isZero() bool { return r.Addr == "" }

// String prints a peer as name@position.
func (r NodeRef) String() string {
	if r.isZero() {
		return "-"
	}
	return fmt.Sprintf("%s@%s", r.Name, r.ID)
}
