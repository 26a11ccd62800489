// Package p2p is the lecture's peer-to-peer model, built as a Chord ring
// (Stoica et al., 2001): every process is a peer, client and server at
// once; no peer knows all the others; peers come and go at any time, and
// the ring repairs itself.
//
// # Consistent hashing
//
// Peers and keys are hashed onto one circle of 2^32 positions. A key
// belongs to its successor: the first peer at or after the key's position,
// clockwise. When a peer joins, it takes over only the keys between its
// predecessor and itself; when it leaves, only those go to its successor.
//
//	           peer-1 (05)
//	        /             \
//	peer-6 (e1)          peer-2 (2a)      key "apple" at 33:
//	    |                      |          its successor is peer-3,
//	peer-5 (b7)          peer-3 (41) <--  which holds it, and copies
//	        \             /               go to peer-4 and peer-5 (r = 3)
//	           peer-4 (8c)
//
// # Routing in O(log N)
//
// Each peer keeps its predecessor, a list of its r nearest successors, and
// a finger table: finger i is the successor of (own position + 2^i). The
// fingers point a quarter, an eighth, ... of the way round the ring, so a
// lookup (Peer.Lookup) can halve the distance to the key at every hop and
// needs about ½·log2(N) hops on average. This package looks up iteratively,
// as the paper describes it: the asking peer asks the closest peer it
// knows, which names a closer one, and so on; a peer that does not answer
// within the timeout is dropped and the next-best one asked.
//
// # Keeping the ring whole
//
// Every peer runs maintenance rounds (Peer.Maintain): stabilize (ask the
// successor for its predecessor and adopt a peer that joined in between),
// notify (tell the successor "I might be your predecessor"), check the
// predecessor, fix one finger, and copy its own keys to its r-1
// successors. A put is acknowledged only after the key's successor has
// copied it to them, so r-1 adjacent peers may crash at once without a key
// being lost. A peer that leaves gracefully (SIGTERM) hands its keys to its
// successor and introduces its neighbours to each other.
//
// # The messages
//
// Peers talk over models/wire, one JSON line per message:
//
//	closest {id}            the next step of a lookup: done with the successor list, or closer peers
//	predecessor {}          stabilize: who is your predecessor, and your successors?
//	notify {node}           I might be your predecessor
//	ping {}                 are you still there, and who are you? (answered with {node})
//	store {items}           you are this key's successor: keep it and copy it on
//	replicate {items}       keep these copies for your predecessor
//	handover {items}        these keys are yours now (join and leave)
//	fetch {key}             what do you hold for this key?
//	leave {node,pred,succs} I am leaving: link up with my neighbours
//	state {}                your routing state (the ring walk)
//	put, get, ring          a client's requests, which the asked peer carries out
//
// # Trusting what a peer is told
//
// Anybody can open a connection to a peer and type a message, so a peer
// believes nothing it is told without looking. One forged notify ("I am
// your predecessor, at the position just before yours") would otherwise
// make the victim's predecessor route a whole stretch of keys to the liar,
// which answers gets with what it likes and drops puts. So:
//
//   - A position is recomputed: it must be the hash of the peer's name, or
//     of its address when it has no name of its own (NodeRef.check).
//   - A peer named in a notify, a successor list, a leave or a join is
//     asked who it is (ping) before it is adopted, and must answer at its
//     address with exactly the reference it was named by: nobody can pass
//     itself off as another peer, or name an address where nobody is.
//   - A notify is taken only from a position between the predecessor and
//     this peer, as Chord's notify has it; a leave only once the leaver no
//     longer answers.
//   - Every message is bounded: keys, values, names and lists of peers
//     (MaxKey, MaxValue, MaxName, MaxSuccessors), and an item's version
//     may not be later than the Lamport clock of the message carrying it,
//     so a forged version cannot win over every later put of its key.
//
// What the checks cannot stop: names are chosen freely, so an attacker
// can try names until one hashes where it wants to be, join there
// honestly and then misbehave (a Sybil attack). Placing peers by address
// only, as the paper does, narrows the choice to the addresses one has;
// closing it needs identities that an authority hands out and signs, the
// certificates of the security model.
//
// Run a ring by hand:
//
//	peer --name p1 --listen 127.0.0.1:7601
//	peer --name p2 --listen 127.0.0.1:7602 --join 127.0.0.1:7601
//	peer --name p3 --listen 127.0.0.1:7603 --join 127.0.0.1:7602
//	peer --to 127.0.0.1:7603 put apple red
//	peer --to 127.0.0.1:7601 get apple     # apple = red (held by p2@..., 1 hop)
//	peer --to 127.0.0.1:7601 ring
package p2p
