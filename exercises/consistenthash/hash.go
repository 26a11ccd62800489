// Package consistenthash is a coding exercise on consistent hashing, the
// idea under the Chord ring of package p2p: nodes and keys are hashed onto
// one circle of 2^m positions, and a key belongs to its successor, the
// first node at or after the key's position, clockwise.
//
// The ring of 2^6 = 64 positions the grader starts with, cut open at 0
// (N: a node, k: a key; an arrow names the key's owner):
//
//	0     3        9            28  31         40   44 47    52            63
//	|-----N--------k------------N---k----------N----k--N-----k-------------|
//	      epsilon  banana       delta cherry   beta fig alpha apple
//	               -> delta         -> beta         -> alpha -> epsilon
//	                                                           (past 63 the
//	                                                            ring wraps to 0)
//
// The point of it: when a node joins, it takes over only the keys between
// its predecessor and itself; when it leaves, only its own keys go to its
// successor. With N nodes and K keys that is about K/N keys, where a plain
// hash(key) mod N would move almost all of them.
//
// This file holds what the student's code and the grader share: the hash
// function and the Move type. The student writes the Ring and Moved in
// consistenthash.go; the reference solution is in solution.go.
package consistenthash

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"strconv"
)

// ID is a position on a ring of 2^m positions, 0 to 2^m-1.
type ID uint64

// Hash places a node name or a key on a ring of 2^m positions (1 <= m <= 64):
// the top m bits of the first 8 bytes of its SHA-1 digest, read big endian.
// With m = 32 this is exactly p2p.Hash, the position a peer of the Chord demo
// takes. SHA-1 is no longer safe against forgery, but here it only has to
// spread names evenly, which it still does well.
func Hash(s string, m uint) ID {
	if m < 1 || m > 64 {
		panic(fmt.Sprintf("consistenthash: ring size 2^%d: m must be 1 to 64", m))
	}
	sum := sha1.Sum([]byte(s))
	return ID(binary.BigEndian.Uint64(sum[:8]) >> (64 - m))
}

// VirtualName is the name whose hash gives the i-th virtual node of node:
// "node#i". A ring with v > 1 virtual nodes per node places node at
// Hash(VirtualName(node, 0)), ..., Hash(VirtualName(node, v-1)); a ring
// with one per node places it at Hash(node) itself.
func VirtualName(node string, i int) string {
	return node + "#" + strconv.Itoa(i)
}

// Move is one key that changes owner between two rings.
type Move struct {
	Key  string
	From string // the owner before ("" when the ring before was empty)
	To   string // the owner after ("" when the ring after is empty)
}

// String prints a move as "key: from -> to".
func (mv Move) String() string { return fmt.Sprintf("%s: %s -> %s", mv.Key, mv.From, mv.To) }
