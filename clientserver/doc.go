// Package clientserver is the client/server model: a key-value service that
// clients ask over the network, and the same service spread over cooperating
// servers.
//
// Client/server: the server offers a service (get, put, del of keys) and waits;
// clients take the initiative and send requests, each answered by one reply.
//
//	client-1 --get a--> +--------+
//	client-2 --put b--> | server |   one goroutine per connection,
//	client-3 <--ok----- +--------+   one store guarded by a lock
//
// Cooperating servers: several servers appear to the clients as one service.
// The client is the same program; it is given all addresses and fails over to
// the next when one does not answer. Two ways to cooperate:
//
//	partition: each key has one owner,    replicate: every server holds every
//	chosen by hash; a server forwards     key; a write reaches a majority of
//	requests for keys it does not own.    the replicas before the client is told ok.
//
//	client --get k--> server-1 --get k--> server-2 (owner of k)
//	client --put k--> server-1 --replicate k--> server-2, server-3
//
// Partitioning spreads the load and the data but not the risk: when the owner
// of a key is down, that key is unavailable. Only the owner stores a key: a
// forwarded request that reaches another server is refused, so nobody can
// plant a copy where nobody looks for it.
//
// # Only servers of the group speak for the group
//
// Anyone can connect to a server. So the messages that only servers of the
// group may send (replicate, sync, catch_up, a forwarded get, put or del)
// and their replies travel sealed: the body is a Sealed, the message itself
// and an HMAC-SHA256 under the group key that every server is given
// (--group-key) and no client knows. A message without a valid MAC is
// refused ("not from a member of the group") and changes nothing. seal.go
// says what the MAC covers and what replaying a genuine message could do:
// an owner takes each forwarded request once (replay.go), since a forwarded
// put sent again would overwrite the newer writes of its key.
//
// # What replicate mode promises
//
// Replication masks the crash of a server (fault tolerance, failure
// transparency) at the price of sending each write to every replica. What a
// client is told means this:
//
//   - ok: the write is on a majority of the group (two of three), the server
//     asked and every replica that answered in time. It survives the crash of
//     any one server, and of more one after the other, as long as each has
//     caught up again before the next one crashes. (The store lives in
//     memory only: servers that crash together lose what only they held.)
//   - "too few servers": fewer than a majority answer; nothing was done.
//   - "outcome unknown" (the client's ErrUnknownOutcome): the server took the
//     write but could not pass it on to a majority, or the client's first
//     server did not answer in time. The write may last or vanish.
//   - "stale write" and "catching up" are refusals the client handles by
//     itself; a user never sees them (see below).
//
// A get is answered by one replica. A replica that knows it may be behind
// refuses it ("catching up") and the client asks the next server; one that
// is cut off and does not know yet may answer with an older value.
//
// # Versions: a late request never wins
//
// Each key keeps the newest version of its writes: a Lamport timestamp, with
// the name of the server that took the write to break ties. The timestamp
// is the Lamport time at which the client sent the request, not the time a
// server carries it out. That matters when a server is frozen: a client
// gives up on it, writes v1 and then v2 through another server, and when the
// frozen server thaws it finds the first v1 still waiting in its input. That
// request carries the clock its client had before it ever heard of v2, so
// it loses to v2 on every replica. The clock is optional on the wire: a
// request without one (typed into nc) gets the Lamport time of the server
// that takes it, which is later than every version that server holds, so
// it wins over them, late or not.
//
// So that an acknowledged write is never silently older than what a replica
// already holds, a server refuses a write whose timestamp is not newer than
// the key's version ("stale write"); a replica that holds a newer version
// says so in its replicate_ok, and the server refuses then too. The refusal
// carries the server's clock: the client's clock moves past the version,
// and the client sends the write again, now newer. Quorum intersection does
// the rest: the majority that takes a write meets the majority that took
// any earlier one, so some replica asked always knows the newer version.
//
// # A slow replica is suspected, then caught up
//
// A replica that misses a deadline (--timeout, one second) is suspected:
// writes stop going to it and stop waiting for it, so one frozen replica
// costs one deadline, not every write (state "suspect"). Each server that
// suspects a peer asks it, with growing pauses, to catch up; the first
// answer ends the suspicion. A replica that may have missed writes (it has
// just started, or a peer told it so) copies its peers' stores with sync,
// page by page, merging entry by entry, and meanwhile refuses clients with
// "catching up" (state "sync": "catching up", then "in sync"): a "not found"
// for a key it has not copied yet would be a wrong answer that looks right,
// while a refusal sends the client to the next server. It copies as
// many peers as it takes to be sure: a replica that was frozen copies one of
// two peers (what it missed is on both), one that restarted copies both (it
// forgot what it took itself). A peer that does not answer is asked again
// until it does; a peer whose address refuses the connection runs no
// process and holds nothing. While it catches up it takes writes, but does
// not count towards a majority.
//
// The messages, as bodies of wire envelopes:
//
//	get {"key":"a"}             -> get_ok {"key":"a","value":"1","found":true,"server":"server-2"}
//	put {"key":"a","value":"1"} -> put_ok {"key":"a","value":"1","found":true,"server":"server-1"}
//	del {"key":"a"}             -> del_ok {"key":"a","found":true,"server":"server-1"}
//
// and between the servers of a group, each body (written here as SEAL(...))
// in a Sealed {"msg":...,"sender":ADDR,"receiver":ADDR,"nonce":N,"issued":MS,"mac":HEX}:
//
//	get, put, del SEAL({"key":"a","value":"1"})   forwarded to the owner (partition)
//	                            -> get_ok, put_ok, del_ok SEAL({"key":"a",...})
//	replicate SEAL({"key":"a","value":"1","version":{"clock":9,"node":"server-1"}})
//	                            -> replicate_ok SEAL({} or {"newer":{...}} or {"catching_up":true})
//	sync SEAL({"after":""})     -> sync_ok SEAL({"entries":[{"key":"a","value":"1","version":{...}}],"more":false})
//	catch_up SEAL({})           -> catch_up_ok SEAL({})
//
// Keys are at most MaxKey bytes and values MaxValue bytes, so any entry fits
// in one message however it is escaped.
package clientserver
