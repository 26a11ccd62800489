// Package space is a tuple space in the style of JavaSpaces, and a compute
// farm built on it: a master that cuts a picture of the Mandelbrot set
// into tiles, and workers that compute them.
//
// # The picture
//
// A remote call ties two programs together: the caller names the callee,
// and both must run at the same moment. A space ties them to neither: a
// program puts an entry into the space and goes on; another one, later,
// perhaps on another machine, finds it by its shape and takes it. Nobody
// names anybody, and the space is the only thing both know.
//
//	                    +---------------------------------+
//	master --write----> | space                           | <--take (txn #9)-- worker-1
//	  task tile=0..31   |  task   job=J tile=7  ...       | --take_ok--------> (computes tile 7)
//	                    |  task   job=J tile=8  ...       | <--write result--- (under txn #9)
//	master <--take----- |  result job=J tile=3 by=worker-2| <--commit---------
//	  result job=J      |  txn #9 (lease 3s, renewed)     |
//	                    +---------------------------------+ <--take (txn #12)- worker-2
//
// An entry is a typed tuple: a type name and named fields (strings,
// numbers, booleans). A template has the same shape; a field it leaves
// out or sets to null is a wildcard, every other field must be equal, and
// a template without a type matches every type.
//
//   - write puts a new entry in, under a lease: it lives that long
//     unless renewed. Two equal writes are two entries.
//   - read returns a copy of a matching entry; take removes it. Both wait
//     up to wait_ms for one to appear; the IfExists variants
//     (if_exists) wait only while a matching entry exists that a
//     transaction holds, and say "none" at once otherwise. JavaSpaces
//     promises no order; this space finds the oldest of several matching
//     entries and serves the request that waited longest first, so that
//     the class can predict the flow.
//   - notify asks for an event for every matching entry written from
//     now on, under a lease of its own, for as long as the connection
//     lives. Events the listener does not take fast enough are dropped;
//     their numbers (seq) show the gap.
//   - renew and cancel act on any lease: an entry's, a notify's, a
//     transaction's. Cancelling an entry's lease removes the entry.
//   - begin opens a transaction with a lease; write, read and take may
//     name it. What it writes only it sees, what it takes nobody sees,
//     until commit makes both final. abort, or the lease running out,
//     removes what it wrote and puts back what it took: nothing is lost
//     and nothing is taken twice.
//
// Leases are how a space copes with clients that die without a word: a
// transaction does not end with its connection, it ends when its holder
// stops renewing it. A worker renews its transaction's lease at a third
// of its length while it waits and computes; killed, it renews no more,
// and after at most the lease the task is back for another worker.
//
// Leases, waits and the live view's timers count protocol time
// (wire.ProtocolClock, wire.Node.WithTimeout): slow motion stretches them and step
// mode stops them, so nothing expires while the class looks. A space
// frozen from outside (SIGSTOP) cannot count that it stood still: when it
// thaws, the wall clock has run on, and a transaction whose renewals were
// stuck meanwhile may run out at once; its task goes to another worker,
// and the late commit is refused, so the picture still has each tile once.
//
// Bounds: the space holds at most --max-entries entries and --max-bytes
// of them (entries a transaction holds count too), --max-waiting waiting
// reads and takes, --max-txns open transactions, and grants no lease
// longer than --max-lease. An entry is at most MaxEntryBytes as JSON with
// MaxFields fields; a connection has at most MaxRegsPerConn notify
// registrations and maxPending waiting requests; a wait is at most
// MaxWait. What does not fit is refused with an error reply naming the
// bound.
//
// # The messages
//
// Every message is a models/wire envelope, one JSON object per line; a
// request of type T is answered by T_ok or by an error envelope
// ({"reason":"..."}). The bodies are in messages.go.
//
//	type     body                              reply                          sent by
//	write    {entry,lease_ms,txn}              write_ok {lease,lease_ms}      anyone: the master, a worker
//	read     {template,wait_ms,txn,if_exists}  read_ok {found,lease,entry}    anyone
//	take     {template,wait_ms,txn,if_exists}  take_ok {found,lease,entry}    a worker (task), the master (result)
//	notify   {template,lease_ms}               notify_ok {reg,lease_ms}       anyone
//	event    {reg,seq,lease,entry}             none                           the space, to a notify's connection
//	renew    {lease,lease_ms}                  renew_ok {lease_ms}            a lease's holder
//	cancel   {lease}                           cancel_ok {}                   a lease's holder
//	begin    {lease_ms}                        begin_ok {txn,lease_ms}        a worker
//	commit   {txn}                             commit_ok {written,taken}      a worker
//	abort    {txn}                             abort_ok {written,taken}       a worker with nothing to do
//	status   {}                                status_ok {entries,...}        anyone
//
// lease is the space's number of an entry, a notify (reg) or a
// transaction (txn): one counter for all three, never given twice.
//
// The compute farm's entries:
//
//	task   {job, tile, col, row, cols, rows, x0, y0, x1, y1, width, height, iter}
//	result {job, tile, by, shade, pixels (base64, one byte per pixel)}
//
// A task carries all a worker needs, so any worker can compute any tile;
// job keeps one picture's results apart from another's.
//
// # Where to read
//
// space.go is the space role (RunSpace, connections, requests), ops.go
// write, read, take and the waiting requests, txn.go transactions,
// lease.go leases (their sweeper is wire.DeadlineQueue's), notify.go
// events, report.go the live view's state, entry.go entries and
// templates. client.go is the protocol as Go calls; master.go and farm.go
// the master, worker.go the worker, mandel.go the tiles and the picture.
//
// What the space shows the live view: "entries", "waiting" and
// "transactions" as gauges, "txn NODE", "notify NODE" and "next lease" as
// timers. The master shows "picture", a gauge of the tiles done that names
// each worker's share, and "tiles": each result as a tile of the picture
// (trace.Tile), which the launcher draws beside the topology, each cell
// marked with the worker that computed it; a worker shows "working" and
// "tiles done".
//
// # Try it
//
// Build the programs (make build puts them in bin/), then each in its own
// terminal:
//
//	bin/space                                # listening on 127.0.0.1:7850
//	bin/worker                               # waits in take for a task
//	bin/worker --work 300ms                  # a slower one
//	bin/master --out mandel.png render       # one line per tile: which worker did it
//	bin/master                               # a session: write, read, take, notify, begin ...
//	master> write note text=hello n=1
//	master> read note n=*                    # a copy; the entry stays
//	master> notify note                      # events for every note written from now on
//	master> write for 5s note text=brief     # gone after 5 s: watch "next lease"
//	master> begin
//	master> take note                        # taken under the transaction
//	master> abort                            # and back in the space
//	master> status
//
// Kill a worker with kill -9 while it holds a task (--work 2s makes that
// easy): its transaction's lease runs out after at most --txn-lease
// (3 s), the task is back, another worker computes it, and the master
// still gets every tile once.
//
// The space reads JSON lines, so nc speaks to it too:
//
//	echo '{"from":"me","type":"write","id":1,"body":{"entry":{"type":"note","fields":{"n":1}}}}' | nc -q1 127.0.0.1 7850
//	echo '{"from":"me","type":"take","id":1,"body":{"template":{"type":"note"}}}' | nc -q1 127.0.0.1 7850
//
// # Teacher notes
//
// What to point at:
//   - Nobody addresses anybody: the master writes tasks without knowing a
//     worker, a worker takes whatever task is there. Add workers and the
//     tiles per second grow, with no balancer: a worker that is free takes
//     the next task, so the fast ones do more (the "picture" gauge names
//     each one's share).
//   - Kill a worker holding a task: nothing happens at once (the space
//     does not watch connections); its transaction timer runs out, the
//     txn line says "expired: 1 taken entry back", and another worker
//     takes the task. The picture still has every tile once.
//   - Freeze the space: everyone stops. The space is a single point of
//     failure, and it keeps its entries in memory only.
//   - A template is a question by example: "a task of job J, any tile".
//
// The usual wrong answers:
//   - "read and take are the same." read leaves the entry for others;
//     take removes it, and of two takers only one gets it.
//   - "The space notices a dead worker at once." It notices nothing; the
//     lease ends, and only because the worker stopped renewing it.
//   - "Without transactions nothing can go wrong." A worker that takes a
//     task without one and dies has lost it for good.
//   - "notify hands over the entry." It only says one was written; by the
//     time the listener asks, someone may have taken it.
package space
