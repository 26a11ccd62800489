// Package p2p is the lecture's peer-to-peer model, built as a Chord ring
// (Stoica et al., 2001): every process is a peer, client and server at
// once; no peer knows all the others; peers come and go at any time, and
// the ring repairs itself.
//
// # The picture
//
// Peers and keys are hashed onto one circle of 2^32 positions, growing
// clockwise. A key belongs to its successor: the first peer at or after
// the key's position. The three peers of "try it" below, and the key
// "apple":
//
//	               p1 (b78f5766) <------ client: put apple red
//	              ^              \
//	             /                \
//	            /                  v
//	p3 (e4fbe62d)                   p2 (c5fd961c)
//	            ^                  /
//	             \                /
//	              +--- apple ----+
//	                  (d0be2dc4)
//
// Each arrow points from a peer to its successor. "apple" lies between p2
// and p3, so p3 is its successor and holds it; copies go to the next r-1
// peers, p1 and p2 (r = 3).
//
// The put, message by message (p1 knows p2, p2 knows where the key lives):
//
//	client -> p1   put {items: [apple=red]}
//	p1 -> p2       closest {id: d0be2dc4}           one hop of the lookup
//	p2 -> p1       closest_ok {done, succs: [p3 p1]}
//	p1 -> p3       store {items: [apple=red]}
//	p3 -> p1, p2   replicate {items: [apple=red]}   the copies, before the answer
//	p3 -> p1       store_ok {key, peer: p3}
//	p1 -> client   put_ok {key, peer: p3, hops: 1}
//
// Meanwhile every peer runs its maintenance rounds (every --stabilize):
// predecessor and notify to its successor, ping to its predecessor, one
// closest lookup to repair a finger, replicate when its neighbours changed.
//
// # Consistent hashing
//
// When a peer joins, it takes over only the keys between its predecessor
// and itself (handover from its successor); when it leaves, only those go
// to its successor. Every other key stays where it is.
//
// # Routing in O(log N)
//
// Each peer keeps its predecessor, a list of its r nearest successors, and
// a finger table: finger i is the successor of (own position + 2^i). The
// fingers point a half, a quarter, an eighth, ... of the way round the
// ring, so each step of a lookup can halve the distance to the key, and a
// lookup needs about ½·log2(N) hops on average (BENCHMARKS.md measures it).
// This package looks up iteratively, as the paper describes it: the asking
// peer asks the closest peer it knows, which names a closer one, and so
// on; a peer that does not answer within the timeout is dropped and the
// next-best one asked (lookup.go).
//
// # Keeping the ring whole
//
// Every peer runs maintenance rounds (maintain.go): stabilize (ask the
// successor for its predecessor and adopt a peer that joined in between),
// notify (tell the successor "I might be your predecessor"), check the
// predecessor, fix one finger, and copy its own keys to its r-1
// successors. A put is acknowledged only after the key's successor has
// copied it to them, so r-1 adjacent peers may crash at once without a key
// being lost. A peer that leaves gracefully (SIGINT, SIGTERM) hands its
// keys to its successor and introduces its neighbours to each other.
//
// # The messages
//
// Peers talk over models/wire, one JSON line per message; each request of
// type T is answered by T_ok or by an error. The constants and bodies are
// in messages.go.
//
//	type         body               reply        sent by
//	closest      FindBody {id}      Step         a peer looking up a position, to the closest peer it knows
//	predecessor  {}                 Neighbours   a peer's stabilize, to its successor
//	notify       NodeBody {node}    {}           a peer's stabilize, to its successor
//	ping         {}                 NodeBody     a peer checking its predecessor, or one it was told of
//	store        ItemsBody (1 item) Stored       the peer carrying out a put, to the key's successor
//	replicate    ItemsBody          {}           a key's successor, to its r-1 successors
//	handover     ItemsBody          {}           a peer to a new predecessor, or to its successor as it leaves
//	fetch        KeyBody {key}      Fetched      the peer carrying out a get, to the key's successor and its copies
//	leave        LeaveBody          {}           a peer shutting down, to its predecessor and successor
//	state        {}                 State        the peer walking the ring, to each peer on the way
//	put          ItemsBody (1 item) Stored       a client
//	get          KeyBody {key}      Found        a client
//	ring         {}                 RingView     a client
//
// # Trusting what a peer is told
//
// Anybody can open a connection to a peer and type a message, so a peer
// believes nothing it is told without looking (trust.go). One forged
// notify ("I am your predecessor, at the position just before yours")
// would otherwise make the victim's predecessor route a whole stretch of
// keys to the liar, which answers gets with what it likes and drops puts.
// So:
//
//   - A position is recomputed: it must be the hash of the peer's name, or
//     of its address when it has no name of its own.
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
// # Try it
//
// Build the programs (make build puts them in bin/), then start each peer
// in a terminal of its own and ask from a fourth:
//
//	bin/peer --name p1 --listen 127.0.0.1:7601
//	bin/peer --name p2 --listen 127.0.0.1:7602 --join 127.0.0.1:7601
//	bin/peer --name p3 --listen 127.0.0.1:7603 --join 127.0.0.1:7602
//
//	bin/peer --to 127.0.0.1:7601 put apple red   # stored at p3@e4fbe62d ..., 1 hop
//	bin/peer --to 127.0.0.1:7601 get apple       # apple = red (held by p3@e4fbe62d ...)
//	bin/peer --to 127.0.0.1:7602 ring            # the walk along successors, keys per peer
//	bin/peer --to 127.0.0.1:7601,127.0.0.1:7602 --session --every 1s
//
// Then kill p3 with kill -9 (a crash) and get apple again: p1 answers from
// its copy. Ctrl-C on a peer instead is a graceful leave; ring shows its
// keys at its successor. A peer reads JSON lines, so nc can ask it too:
//
//	echo '{"from":"me","type":"get","id":1,"body":{"key":"apple"}}' | nc 127.0.0.1 7601
//
// # Teacher notes
//
// What to point at:
//   - The client knows one peer, not the ring. The peer it asks does the
//     lookup; the answer says who held the key and after how many hops.
//   - ring is a walk: the asked peer follows successor pointers and asks
//     each peer for its state, because nobody holds a member list. Each
//     peer lists only a few fingers (about log2 N distinct ones).
//   - Start a fourth peer: the handover arrow carries only the keys between
//     its predecessor and itself. Kill two adjacent peers of five at once
//     (r = 3): every key is still there.
//   - In the live view, the background arrows (predecessor, notify, ping)
//     never stop: a ring that stops maintaining itself decays.
//
// The usual wrong answers:
//   - "A key lives at the peer whose position is nearest." No: at its
//     successor, the first peer clockwise at or after it, even when the
//     peer before it is much nearer.
//   - "A lookup asks every peer" or "every peer knows every other one."
//     No: each step asks one peer, which names a closer one; O(log N)
//     steps, O(log N) routing state.
//   - "A new peer makes all keys move." No: only the keys of one stretch,
//     between its predecessor and itself, change hands; that is what makes
//     the hashing consistent.
//   - "A crashed peer's keys are lost." Not unless its r-1 successors
//     crash with it: a put is acknowledged only once r peers hold the key.
//   - "Hops counts all messages." It counts the peers a lookup asked; the
//     store, the copies and the rounds of maintenance come on top.
package p2p
