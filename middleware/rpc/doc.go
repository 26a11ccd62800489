// Package rpc is the remote call: a directory service where servers
// register what they offer under a lease, a server that offers a Bank
// through a skeleton, and a client that calls it through a stub as if it
// were a local Go value, in an external data format of its choice and
// with the call semantics it needs.
//
// # The picture
//
// The server tells the middleware what it offers; the client asks the
// middleware where to find it, then calls the server directly and waits.
//
//	                     +------------------------------+
//	  (1) register ----> | directory                    | <---- (2) lookup "bank"
//	      renew   ----> |  bank  Bank  127.0.0.1:7810   | ----> lookup_ok: 127.0.0.1:7810
//	      every D/3      |        currency=EUR lease L1 |
//	                     |  subscribers <-- event #1,#2 |
//	                     +------------------------------+
//	   rpcserver                                              rpcclient
//	+--------------+   (3) call Bank.Transfer {args}     +------------------+
//	| skeleton     | <---------------------------------- | stub  (BankStub) |
//	|  unmarshal   |                                     |  marshal         |
//	|  Accounts    | ----------------------------------> |  wait, retry     |
//	|  marshal     |   call_ok {results}                 |  unmarshal       |
//	+--------------+                                     +------------------+
//
// The caller sees only the Bank interface (bank.go). Everything between
// is middleware: the stub (stub.go) turns a method call into a message,
// the Client (rpcclient.go) finds the server, sends, waits and retries,
// the Server (rpcserver.go) finds the method, and the skeleton
// (skeleton.go) turns the message back into a call of Accounts. The stub
// and the skeleton are generated from the interface by
// internal/rpcgen (go generate ./middleware/rpc/), as an IDL compiler,
// rmic or protoc would: read them, they are what such a tool writes.
//
// # The messages
//
// One JSON envelope per line (models/wire); the table lists the body.
//
//	type          body                                          reply                  sent by
//	register      name, interface, address, attributes,         register_ok Grant      a server
//	              lease_ms
//	renew         lease, key, lease_ms                          renew_ok Grant         a lease's holder
//	cancel        lease, key                                    cancel_ok {}           a lease's holder
//	lookup        name | interface + attributes (a template)    lookup_ok {matches}    a client
//	list          {}                                            list_ok {matches}      anyone
//	subscribe     a template, lease_ms, kinds                   subscribe_ok Grant     a listener
//	event         subscription, seq, kind, registration         (none)                 the directory
//	call          interface, method, codec, args,               call_ok {codec,        a client
//	              caller, request, attempt                      results, replayed}
//
// A Grant is {lease, key, duration_ms, replaced}: the lease's name, its
// secret (only who holds it may renew or cancel), and how long it runs.
// An event's kind is registered, renewed, expired or cancelled; its seq
// counts the subscription's events 1, 2, 3, ... so a gap means missed
// events (the directory drops them for a subscriber that does not read).
// Every refusal is an error reply with a reason in one sentence.
//
// # Leases
//
// A registration lives only as long as its lease. The server renews it at
// a third of its duration; a server that crashes or freezes stops
// renewing, and its entry is gone once the lease runs out, at its
// deadline and not before, with an expired event to every subscriber.
// Nobody has to notice the crash. The directory grants at most
// --max-lease, whatever is asked. All leases wait in one heap watched by
// one goroutine, so 10,000 leases cost no timer or goroutine each. The
// directory reports each lease as a timer ("lease bank") and the number
// of registrations as a gauge; the server reports its own lease too.
// Leases count protocol time, as every timeout of the demos does
// (wire.Node.WithTimeout): in slow motion they run slower, in step mode
// not at all, so a lease lasts as many message legs at any pace, and the
// server's renewals, which wait in protocol time too, keep it alive. The
// timer's bar in the live view runs at the same pace. Freeze the server
// (SIGSTOP) to watch a lease run out: a frozen process sends nothing.
//
// A server that registers a name already taken replaces the entry (the
// grant names the lease it replaced): that is how a server that moved to
// another port takes its name along. Anyone may do it; the directory has
// no notion of who owns a name (see the security model for that).
//
// # External data formats
//
// A call's arguments travel in the codec the client chose (--codec). The
// json codec writes an object, one field per parameter, by name:
//
//	{"from":"alice","to":"bob","cents":1000}
//
// The binary codec writes the values in the interface's order, with no
// names and no type tags (both sides know the interface), as hex digits in
// the JSON body. Every number is big-endian ("network byte order"),
// whatever the machine:
//
//	value    bytes                                     example: Transfer("alice","bob",1000)
//	string   2-byte length, big-endian, then UTF-8     00 05 61 6c 69 63 65  ("alice")
//	                                                   00 03 62 6f 62        ("bob")
//	int64    8 bytes, two's complement, big-endian     00 00 00 00 00 00 03 e8  (1000)
//
//	args: "0005616c6963650003626f6200000000000003e8"
//
// Results the same way: Balance's result 10000 is "0000000000002710".
//
// The raw codec is no external format at all: the sender copies its
// memory, as a C program sending a struct with write() would. Strings
// sit in fixed 16-byte fields padded with zero bytes (char[16]); numbers
// are in the byte order of the machine (--byte-order big|little, the
// machine each program plays). Between two machines of the same byte
// order it works; a little-endian client and a big-endian server (the
// rpcserver's default) read each other's numbers backwards:
//
//	client (little) sends 1000 as   e8 03 00 00 00 00 00 00
//	server (big) reads              -1728537831980138496
//	server sends 10000 (big) as     00 00 00 00 00 00 27 10
//	client (little) reads           1163899028698562560: "alice holds 11638990286985625.60 EUR"
//
// Both sides show what they wrote and read in the trace (state "call" and
// "result", byte by byte), so the inspector shows where it went wrong.
//
// # Call semantics
//
// A client that gets no reply within --timeout cannot know whether the
// request or the reply was lost. It sends the call again, at most
// --retries times, and says so ("retry 2 of 3"); it never retries an error
// reply, which is the server's answer.
//
//   - at-least-once: each retry is a new call. When the replies were
//     lost, the server ran the method each time: a transfer of 10 EUR
//     booked three times. Harmless for Balance (idempotent), wrong for
//     Transfer.
//   - at-most-once: every attempt carries the same caller and request id.
//     The server keeps its last replies (--reply-cache, bounded) and
//     answers a repeat from there (replayed: true) without running the
//     method again; a repeat that comes while the first still runs waits
//     for its reply. The transfer is booked once, or, if no request ever
//     arrived, not at all.
//
// Neither is exactly-once: after the last retry the outcome stays
// unknown, and the client says so.
//
// # Location transparency
//
// The client looks the service up once (by name, or --where by interface
// and attributes) and caches the address. When the server moves (it
// restarts on another port and registers again), the cached address
// refuses the connection; the client forgets it, looks up again and goes
// on. No request was sent, so this is not a retry. When the directory is
// down, new lookups fail, but a client with a cached address still calls.
//
// # Try it
//
// In separate terminals (make build first):
//
//	bin/directory
//	bin/rpcserver --attr currency=EUR
//	bin/rpcclient                             # a session: balance alice, transfer alice bob 10, list, watch
//	bin/rpcclient --codec binary balance alice
//	bin/rpcclient --codec raw --byte-order little balance alice    # wrong numbers
//	bin/rpcclient --where currency=EUR balance bob
//
// By hand with nc, the directory and then the server:
//
//	nc 127.0.0.1 7800
//	{"from":"me","type":"lookup","id":1,"clock":1,"body":{"interface":"Bank","attributes":{"currency":"EUR"}}}
//	{"from":"me","type":"subscribe","id":2,"clock":2,"body":{}}
//	nc 127.0.0.1 7810
//	{"from":"me","type":"call","id":1,"clock":1,"body":{"interface":"Bank","method":"Balance","codec":"json","args":{"account":"alice"}}}
//	{"from":"me","type":"call","id":2,"clock":2,"body":{"interface":"Bank","method":"Balance","codec":"binary","args":"0005616c696365"}}
//
// Send the same transfer twice with "caller":"me","request":1 and the
// second reply says "replayed":true. examples/lookup_call.py does the
// lookup and both calls in Python with the standard library only.
//
// # Teacher notes
//
//   - Start with the lookup before the first call: the client does not
//     know the server's port, only the directory's. Then point at the
//     marshalled call in the inspector and read the bytes against the
//     table above.
//   - The call is synchronous: in slow motion the client's "timeout" bar
//     empties while it waits, and it does nothing else.
//   - Kill the server and start it again (the launcher gives it a new
//     port): the client's next call fails on the cached address, and a
//     new lookup follows. Kill the directory: old clients go on, new ones
//     cannot start. Ask why a cache makes a directory less critical, and
//     what it costs (a stale address).
//   - Lost replies: set drop 100% on the server, transfer, drop 0%, ask
//     for the balance, once at-least-once and once at-most-once. The usual
//     wrong answer: "the client retried because the request was lost". It
//     cannot tell, and here the server ran every attempt.
//   - "At-most-once is exactly-once": no; a call whose every attempt is
//     lost ran not at all, and the client cannot tell that from once.
//   - Byte order: the raw codec works between equal machines, which is
//     why the bug survives testing. The binary codec's big-endian fixed
//     order is XDR's and CDR's idea; CDR instead sends the sender's order
//     with a flag ("receiver makes it right"); ask what either costs.
//   - Leases: freeze the server. Nothing happens at once; its entry goes
//     when the lease runs out, and the watching client sees "expired".
//     Thawed, the server finds its lease gone and registers again.
//   - Slow motion stretches the client's timeouts and the leases alike
//     (protocol time), so no lease runs out only because the class
//     watches slowly; step mode stops both.
//
// # Jini: lookup services, leases, events and downloaded proxies
//
// The same directory is Jini's lookup service. A device (bin/device, a
// printer or a projector) is a service: it is told the addresses of the
// lookup services (unicast discovery; --lan adds multicast discovery,
// jinilan.go), joins every one of them with its type, attributes and its
// proxy under a lease of its own, renews each lease at a third, and joins
// again wherever a renewal is refused (JoinManager, jinijoin.go). Two lookup
// services hold the same registrations; either may fail.
//
//	                 +-----------------------------+
//	printer -------> | lookup-1  Printer room=101  | <--- lookup Printer room=101 ---- jiniclient
//	 register        |           proxy (signed)    | ---- lookup_ok + proxy --------->  check signature,
//	 + proxy         |           lease L1          |                                    run it in the sandbox
//	 renew every D/3 +-----------------------------+                                        |
//	        \------> | lookup-2  (the same, lease of its own) | --- event expired ---> listener
//	                 +----------------------------------------+                             |
//	printer <------------------------------ invoke {op: print, args} -----------------------+
//	        ------------------------------- invoke_ok {result} ---------------------------->
//
// The proxy is "the printer's driver, brought along": a Starlark script
// (proxies/*.star) the vendor signs (ed25519, --key). It travels in the
// registration and comes back with the lookup's match. The client
// (bin/jiniclient) checks that it was signed for the interface it asked
// for by the key it trusts (--trust), and refuses it otherwise before a
// single step runs: the lookup service takes anything from anybody. Then it
// runs the proxy in the mobile-code sandbox (models/sandbox: steps, time,
// an allocation budget), which grants one name, device.call(op, args):
// invoke to the address the device registered, nowhere else. The device's
// own ops and fields live only in the proxy (jiniproxy.go, jinidevice.go).
//
//	type        body                    reply                       sent by
//	invoke      Invoke {op, args}       invoke_ok {result}          a proxy, to its device
//	register    ... proxy {script,      register_ok Grant           a device
//	            source, sig}
//	lookup_ok   matches, each with its proxy (up to 256 KiB of proxies a reply; look the others up by name)
//
// bin/jiniclient --watch is a listener: it subscribes to the events of
// every lookup service, renews the subscriptions, subscribes again after a
// lookup service comes back, and prints registered, expired and cancelled:
// it subscribes to these kinds only (subscribe's kinds, Jini's
// transitions), since a renewal is no news. A device that is frozen
// stops renewing and is dropped by each lookup service once its lease
// there runs out; thawed, it finds its leases gone and joins again.
//
// In separate terminals:
//
//	bin/directory --listen 127.0.0.1:7800
//	bin/directory --listen 127.0.0.1:7801
//	bin/device --kind printer --lookup 127.0.0.1:7800,127.0.0.1:7801
//	bin/device --kind projector --listen 127.0.0.1:7831 --lookup 127.0.0.1:7800,127.0.0.1:7801
//	bin/jiniclient --lookup 127.0.0.1:7800,127.0.0.1:7801 --watch
//	bin/jiniclient --lookup 127.0.0.1:7800,127.0.0.1:7801 use Printer room=101 print_text hello
//	bin/jiniclient --lookup 127.0.0.1:7800,127.0.0.1:7801 proxy Projector
//	bin/device --kind printer --listen 127.0.0.1:7832 --service rogue --attr room=666 --tamper --lookup 127.0.0.1:7800
//	bin/jiniclient --lookup 127.0.0.1:7800 use Printer room=666 status     # refused: changed after signing
//
// The launcher's lookup services run with --jini, which only makes them
// say model jini in their trace hello, so a recording replays as Jini.
//
// Teacher notes: ask where the printer's protocol is written down (only in
// its proxy: the client never had it); ask why the client checks a
// signature when it got the proxy from "its own" lookup service (anybody
// can register; the lookup service vouches for nothing); freeze a device
// and ask when it will vanish (between two thirds of a lease and a lease
// after the freeze, and from each lookup service on its own clock); kill
// lookup-1 and ask who brings it back up to date (the devices, at their
// next renewal; the lookup services never talk to each other).
package rpc
