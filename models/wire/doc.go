// Package wire is the interaction model every dsdemo program shares: how two
// processes exchange messages over TCP.
//
// A distributed system's parts coordinate only by exchanging messages. Here a
// message is an Envelope, written as one JSON object per line, so a student can
// read and even type it with nc:
//
//	{"from":"client-1","to":"server","type":"put","id":7,"reply_to":0,"clock":12,"body":{"key":"a","value":"1"}}
//
// Who talks to whom:
//
//	 client process                        server process
//	+-----------------+   Envelope lines  +-----------------+
//	| Conn.Call(put)  | ----------------> | Serve: Handler  |
//	|   waits for id  | <---------------- |   put_ok        |
//	+-----------------+   reply_to = id   +-----------------+
//	        |                                     |
//	        +--- trace events ---> collector <----+
//
// Serve is for a server that only answers. A server that also speaks
// first, a broker pushing messages to its consumers or a directory sending
// events, accepts with ServeConns, which hands it each connection
// (ServeConnsWith for its own bound of connections); the three share one
// accept loop.
//
// Every Node (one process) carries a LamportClock: it ticks before each send,
// and on each receive it jumps to max(local, received)+1. A reply's clock is
// therefore always greater than its request's, which is what lets a viewer draw
// the messages of many processes in one causal order without a global clock.
//
// The wire is also where observation and failure happen, so that demo code
// stays free of both: a Conn reports every send and receive to the Node's trace
// emitter (package trace) and asks the Node's fault injector (package faults)
// whether a message is delayed, dropped, duplicated, held or cut off by a
// partition.
//
// A program's timeouts that wait for a peer count protocol time
// (Node.WithTimeout, timeout.go), not wall-clock time. Why: slow motion and
// step mode are for watching a protocol, not for changing it. At 3 s per
// message a request and its reply take 6 s, and a client that gave up
// after its usual 2 s would fill the run with errors its class never sees
// at full speed. So slow motion stretches every such timeout (a message
// leg counts for at most SlowHop) and step mode stops it; a dead peer is
// still noticed, only later. Nothing of this travels on the wire: each
// node reads its own pace from its fault injector. A server with many
// deadlines (leases, ack deadlines) keeps them in a DeadlineQueue, whose
// one goroutine sleeps until the earliest at the pace of a ProtocolClock.
//
// Bad input never crashes a peer: a line that is not JSON, not an envelope,
// not UTF-8, longer than MaxFrame, or carrying a clock too far ahead to be
// true (MaxClockJump) gets an "error" envelope with the reason, and the
// connection goes on with the next line.
//
// Nor can a peer make a node hold more than it should (limits.go): the
// frames of all connections together are bounded (MaxHeld), and so is the
// number of connections (MaxConns); a peer that stops reading is
// disconnected (WriteTimeout), and a silent or crawling one too
// (IdleTimeout, FrameTimeout). A request is never sent twice by the wire
// itself: only the caller knows whether doing it twice is harmless.
package wire
