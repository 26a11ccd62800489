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
// the next server when one does not answer. Two ways to cooperate:
//
//	partition: each key has one owner,    replicate: every server holds every
//	chosen by hash; a server forwards     key; a write reaches all reachable
//	requests for keys it does not own.    replicas before the client is told ok.
//
//	client --get k--> server-1 --get k--> server-2 (owner of k)
//	client --put k--> server-1 --replicate k--> server-2, server-3
//
// Partitioning spreads the load and the data but not the risk: when the owner
// of a key is down, that key is unavailable. Replication masks the crash of a
// server (fault tolerance, failure transparency) at the price of sending each
// write to every replica. Replicas agree on the order of concurrent writes to
// a key by their Lamport timestamps: the write with the larger (clock, server
// name) wins everywhere, whatever order the replicas receive them in. A
// replica that starts (or comes back after a crash) first copies the store
// of a peer with sync, so it does not answer "not found" for what was
// written while it was away.
//
// The messages, as bodies of wire envelopes:
//
//	get {"key":"a"}             -> get_ok {"key":"a","value":"1","found":true,"server":"server-2"}
//	put {"key":"a","value":"1"} -> put_ok {"key":"a","value":"1","found":true,"server":"server-1"}
//	del {"key":"a"}             -> del_ok {"key":"a","found":true,"server":"server-1"}
//	replicate {"key":"a","value":"1","version":{"clock":9,"node":"server-1"}} -> replicate_ok
//	sync {"after":""}           -> sync_ok {"entries":[{"key":"a","value":"1","version":{...}}],"more":false}
package clientserver
