// Package clientserver is the client/server model: a key-value service that
// clients ask over the network, and the same service spread over a group of
// cooperating servers.
//
// # The picture
//
// A server offers a service (here: get, put and del of keys) and waits. It
// lives longer than any of its clients and answers many of them at once.
// A client is started for one session; it takes the initiative, sends a
// request and waits for the one reply that belongs to it.
//
//	client-1 --put a 1--> +--------+
//	client-2 --get a----> | server |   one goroutine per connection,
//	client-3 <--get_ok--- +--------+   one store guarded by a lock
//
// Cooperating servers: several servers appear to the clients as one
// service. The client is the same program; it is given every address and
// fails over to the next when one does not answer. The servers cooperate in
// one of two ways (--mode):
//
//	partition: each key has one owner,    replicate: every server holds every
//	chosen by hash; a server forwards     key; a write reaches a majority of
//	requests for keys it does not own.    the replicas before the client is told ok.
//
//	client --get k--> server-1 --get k (sealed)--> server-2 (owner of k)
//	client --put k--> server-1 --replicate k (sealed)--> server-2, server-3
//
// Partitioning spreads the load and the data but not the risk: when the owner
// of a key is down, that key is unavailable. Only the owner stores a key: a
// forwarded request that reaches another server is refused, so nobody can
// plant a copy where nobody looks for it. Replication spreads the risk: a
// crashed replica costs the clients one timeout, not their data.
//
// # The messages
//
// Every message is a models/wire envelope, one JSON object per line; a
// request of type T is answered by T_ok, or by an error envelope whose body
// says why ({"reason":"..."}). The constants and bodies are in messages.go.
//
//	type       body                 reply                         sent by
//	get        Request {key}        get_ok Result                 a client, or a server forwarding to the key's owner (partition)
//	put        Request {key,value}  put_ok Result                 the same
//	del        Request {key}        del_ok Result                 the same
//	replicate  Replica              replicate_ok ReplicateResult  the server that took a write, to each other replica (replicate)
//	sync       SyncRequest {after}  sync_ok SyncPage              a replica catching up, to a peer, one page at a time
//	catch_up   {}                   catch_up_ok {}                a server, to a peer that may have missed writes
//
// A Replica is one write as the group passes it on: key, value, deleted,
// and its version {clock, node} (see "Versions" below).
// A Result names the server that holds the key ("server"), and says whether
// the key was there ("found"): a get of a missing key is an ordinary get_ok
// with "found":false, not an error. Between the servers of a group every
// body, and the body of its reply, travels inside a Sealed (seal.go):
//
//	{"msg":{"key":"a","value":"1"},"sender":"127.0.0.1:7101","receiver":"127.0.0.1:7102","nonce":"N","issued":MS,"mac":"HEX"}
//
// Keys are at most MaxKey bytes and values MaxValue bytes, so any entry fits
// in one message however it is escaped.
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
// # Where to read
//
// kvclient.go is the client role (RunClient, failover, the session),
// load.go its load mode (--bench). kvserver.go is the server role
// (RunServer, the three modes, forwarding); replica.go is replicate mode,
// seal.go and replay.go how the servers of a group know each other, and
// store.go the versioned store every server keeps in memory.
//
// # Try it
//
// Build the programs (make build puts them in bin/). One server, and a
// client in a second terminal:
//
//	bin/server                      # listening on 127.0.0.1:7100
//	bin/client put a 1              # ok
//	bin/client get a                # 1
//	bin/client del a                # deleted
//	bin/client get a                # client: not found (exit code 1)
//	bin/client                      # a session: type get, put, del; quit ends it
//	bin/client --bench -c 50 -n 100000
//
// The server reads JSON lines, so nc speaks to it as well as the client:
//
//	echo '{"from":"me","type":"get","id":1,"body":{"key":"a"}}' | nc -q1 127.0.0.1 7100
//	echo 'hello' | nc -q1 127.0.0.1 7100     # an error envelope: not JSON
//
// Three cooperating servers, each in its own terminal, with the group key
// in the environment of each:
//
//	export DSDEMO_GROUP_KEY=class-demo
//	bin/server --listen 127.0.0.1:7101 --name server-1 --mode replicate --peers 127.0.0.1:7102,127.0.0.1:7103
//	bin/server --listen 127.0.0.1:7102 --name server-2 --mode replicate --peers 127.0.0.1:7101,127.0.0.1:7103
//	bin/server --listen 127.0.0.1:7103 --name server-3 --mode replicate --peers 127.0.0.1:7101,127.0.0.1:7102
//
//	bin/client --server 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103 put a 1
//	echo '{"from":"me","type":"get","id":1,"body":{"key":"a"}}' | nc -q1 127.0.0.1 7103
//
// Kill server-1 (Ctrl-C, or kill -9) and put again through the same list:
// the client fails over and is told ok. Freeze server-2 as well (kill
// -STOP): one of three is no majority, and the put ends in "outcome
// unknown". Thaw it (kill -CONT), start server-1 again with the same
// command, and ask it with nc: it has copied its peers and answers with
// the write whose outcome was unknown. With --mode partition instead, put
// a few keys through server-1 and read "server" in the replies: each key
// has its owner; kill one owner and only its keys fail.
//
// # Teacher notes
//
// What to point at:
//   - The client moves first, always; a server never speaks to a client
//     unasked. A reply carries reply_to, the id of its request: that is
//     how a client with many requests in flight knows which answer is
//     which.
//   - The Lamport clock in every envelope: the reply's is larger than its
//     request's, on every arrow of the sequence diagram.
//   - Kill the lone server and restart it: the client gets an error, not a
//     wrong answer, and the data is gone, because it lived in memory only.
//   - In partition mode the forwarded request is a second arrow from
//     server to server; the client sees only the first. That is access
//     and location transparency, bought with one extra hop.
//   - In replicate mode, freeze one replica: the first write waits one
//     --timeout, the replica becomes "suspect", and the writes after it are
//     fast again. Thaw it: catch_up and sync arrows, then "in sync".
//
// The usual wrong answers:
//   - "not found is an error of the network." It is a reply (found:false):
//     the service answered, and it answered truthfully.
//   - "The server tells the clients when a value changes." Not in this
//     model: a server only ever answers, and a client learns of a change
//     when it asks again.
//   - "Partitioning makes the service survive a crash." It spreads the keys,
//     not copies of them: the keys of a dead owner are unavailable.
//   - "Replication means every write waits for every replica." A majority
//     is enough, and a suspected replica is not waited for at all.
//   - "A timeout means the write did not happen." It means the client does
//     not know: the request may still arrive and take effect (the frozen
//     replica above), which is why the client reports the outcome as
//     unknown and not as failed.
//   - "The group key encrypts the traffic." It only proves which messages
//     a server of the group sent; nc on the wire still reads every value.
package clientserver
