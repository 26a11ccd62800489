// Package mobilecode is the lecture's mobile code model: a program that
// moves across the network and runs where it arrives. Two programs play it.
// The codeserver offers signed Starlark scripts and a small data API; the
// sandbox is a client that fetches a script, checks who signed it, and runs
// it under limits, while the script asks home for the data it needs.
//
// The model has two directions. In code on demand (applets, the scripts
// of a web page) the code travels from the server to the client, and
// computes there on data it asks its origin for. In remote evaluation the
// client sends code of its own to the server, which runs it next to the
// data and sends back only the result.
//
// # The picture
//
//	 sandbox (client-1)                                  codeserver
//	+-------------------------+                       +-------------------------+
//	| trusts server.pub       |  list                 | server.key signs every  |
//	|                         | --------------------> | script it offers        |
//	|                         |  list_ok {scripts}    |                         |
//	|                         | <-------------------- |                         |
//	| 1. code on demand       |  fetch {name}         |                         |
//	|                         | --------------------> |                         |
//	| check the signature,    |  fetch_ok {src, sig}  |                         |
//	| then run the script:    | <-------------------- |                         |
//	|  steps, time, budget    |                       |                         |
//	|  origin.call("rates")   |  call {op, args}      | data API:               |
//	|                         | --------------------> |  rates, products, echo  |
//	|  show(...) -> stdout    |  call_ok {result}     |                         |
//	|                         | <-------------------- |                         |
//	| 2. remote evaluation    |  run {src, nonce,     | trusts client.pub:      |
//	| client.key signs the    |       issued, sig}    | check the signature,    |
//	| script, a nonce and     | --------------------> | run it once, in a       |
//	| the time                |  run_ok {output,      | sandbox of its own      |
//	|                         |   steps, verdict}     |                         |
//	|                         | <-------------------- |                         |
//	+-------------------------+                       +-------------------------+
//
// # Messages
//
// One JSON envelope per line (package wire); the bodies are the types of
// messages.go, and Messages maps each type to its body.
//
//	type   body                                 reply     reply body                        sent by
//	list   {}                                   list_ok   ListReply {scripts}               sandbox
//	fetch  FetchRequest {name}                  fetch_ok  ScriptBody {name, src, sig}       sandbox (code on demand)
//	call   CallRequest {op, args}               call_ok   CallReply {result}                a running script, through origin.call
//	run    RunBody {name, src, nonce,           run_ok    RunReply {output, steps, verdict} sandbox --send (remote evaluation)
//	            issued, sig}
//
// Any request may be answered by an error envelope instead, whose reason
// is one sentence: an unknown script or op, a refused signature, a replay,
// a server that is busy. Signatures and nonces travel in base64, the source
// as text, so a script can be read on the wire as it is.
//
// # Three protections
//
// Mobile code needs protection in both directions, and the server needs one
// of its own:
//
//   - The host against the code. Starlark has no files, sockets, clock or
//     processes, and a script gets exactly two more names: origin.call(op,
//     args), which reaches only the server the code came from (same
//     origin), and show(...) for its output. Limits stop what is left: a
//     number of steps against endless loops, a wall-clock timeout, and an
//     allocation budget, because a single step can ask for any amount of
//     memory ('x' * (1 << 30)) or time (int() of four million digits).
//     Before a script runs, every operation that can build a large value is
//     rewritten into a checked one, which refuses before it allocates; a
//     heap watchdog is the last line (all of it in package models/sandbox,
//     which other models share).
//     Recursion and load are refused, and values leaving the sandbox are
//     bounded in depth and size (sandbox.ToGo).
//   - The code against tampering. The codeserver signs each script with
//     its ed25519 private key; the sandbox runs one only when the signature
//     checks out against the public key it trusts and belongs to the script
//     it asked for. A changed byte, a signature moved to another script, or
//     another key's signature: refused before a single step runs (sign.go).
//   - The server against replays. In remote evaluation the client signs a
//     nonce and the time along with the script. The server runs each
//     request once, refuses one signed too long ago, and remembers what it
//     ran (replay.go). It runs at most four remote evaluations at once and
//     refuses a fifth as busy before even checking the signature, since
//     anyone who holds a trusted key could otherwise start a run, and its
//     budget, on every connection.
//
// A signature covers a list of fields, each written as a netstring (its
// length, a colon, the bytes, a comma: "9:aggregate,"), so two different
// messages never sign the same bytes. The first field names the purpose, so
// a signature made for one purpose is worth nothing for the other:
//
//	fetch_ok:  "dsdemo mobile code: script v2", name, source
//	run:       "dsdemo mobile code: run v2", name, nonce, issued (Unix ms), source
//
// Every way a run can end has its own sentence, which the sandbox prints and
// the launcher's inspector shows: "stopped: more than N steps", "stopped:
// ran longer than D", "stopped: OP would go past the N MiB this run may
// allocate", "stopped: recursion is not allowed in the sandbox", "the script
// failed: ...", and for a refused script "refused: the signature does not
// match (tampered or signed by another key)".
//
// # Where to read
//
// server.go is the codeserver (RunCodeserver) and api.go its data API;
// client.go and session.go are the sandbox program (RunSandbox);
// confinement.go grants a script its two names and runs it in
// models/sandbox under its limits; sign.go says what a signature covers; keygen.go makes key
// pairs (RunKeygen). The scripts the codeserver offers by default are in
// scripts/: four useful ones and the hostile-* ones, each of which one of
// the limits stops.
//
// # Try it
//
// From the repository's root, in three terminals (make build puts the
// same programs in bin/):
//
//	# terminal 1: two key pairs, then the codeserver on 127.0.0.1:7400; it
//	# runs what client.key signed, and serves calculator with a line added after signing
//	go run ./mobilecode/codeserver keygen --out /tmp/server
//	go run ./mobilecode/codeserver keygen --out /tmp/client
//	go run ./mobilecode/codeserver --key /tmp/server.key --trust /tmp/client.pub --tamper calculator
//
//	# terminal 2: code on demand, then remote evaluation
//	go run ./mobilecode/sandbox --list
//	go run ./mobilecode/sandbox --trust /tmp/server.pub convert         # prices in EUR, USD and GBP
//	go run ./mobilecode/sandbox --trust /tmp/server.pub hostile-loop    # sandbox: stopped: more than 1000000 steps
//	go run ./mobilecode/sandbox --trust /tmp/server.pub hostile-repeat  # stopped before the gigabyte is taken
//	go run ./mobilecode/sandbox --trust /tmp/server.pub calculator      # refused: the signature does not match ... (the code was changed)
//	go run ./mobilecode/sandbox --key /tmp/client.key --send aggregate  # runs on the server; only the totals come back
//	go run ./mobilecode/sandbox --trust /tmp/server.pub --key /tmp/client.key --session
//	sandbox> run convert
//	sandbox> send aggregate
//	sandbox> replay                                                     # refused: ... (a replay); each request runs once
//
//	# terminal 3: the wire by hand (nc, or bash's /dev/tcp)
//	nc 127.0.0.1 7400
//	{"from":"me","to":"codeserver","type":"call","id":1,"body":{"op":"rates"}}
//	{"from":"me","to":"codeserver","type":"fetch","id":2,"body":{"name":"convert"}}
//
// "--key demo" and "--trust demo" stand for the classroom key pair, whose
// seed is in models/sandbox/sign.go: the launcher uses it so that no key files are needed,
// and because anyone can sign with it, it protects nothing.
//
// # Teacher notes
//
// What to point at:
//
//   - In the experiment "code to the client", the size on the fetch_ok
//     arrow: the code travels once, then the computing happens on the
//     client, and only small call/call_ok pairs cross the network. In
//     "code to the server" the direction turns: the run arrow carries the
//     code, run_ok only the result, and the product data never leaves the
//     server. Put the two sequence diagrams side by side.
//   - The tampered calculator: its code gained a line after the server
//     signed it (the fetch_ok arrow is that much bigger), and client-1's
//     "last run" reads 0 steps. The changed script is refused before it
//     starts, not stopped while it runs, and the other scripts of the same
//     server still run.
//   - hostile-thirdhost: the refusal comes from the codeserver, because
//     origin.call has nowhere else to go. That is the same-origin rule.
//   - client-1's inspector ("last run"): steps, time and the KiB a run was
//     charged. hostile-memory ends with its 65536 KiB budget spent, a few
//     hundred steps in; hostile-repeat asks for a gigabyte in one step and
//     is refused with nothing charged, because the check comes first.
//   - The replay step: the attacker's copy carries a genuine signature,
//     and it is still refused.
//
// The usual wrong answers:
//
//   - "Signed code is safe code." A signature says who wrote the script
//     and that nobody changed it, not that it is harmless: hostile-loop
//     is signed by the server too, and it is the sandbox's limits that
//     stop it. The classroom key shows the point: anyone can sign with it.
//   - "The step limit protects the memory." One step can allocate a
//     gigabyte; that is why there is an allocation budget, and a watchdog
//     behind it.
//   - "The sandbox is on the server." In code on demand the client runs
//     the code; the server only delivers it and answers its calls. Only in
//     remote evaluation does the code run on the server.
//   - "A signed request cannot be misused." It can be sent again, byte for
//     byte; the nonce, the time and the server's memory of what it ran are
//     what refuse the replay.
//   - "Busy means the server is broken." It is a bound: four runs at once,
//     each with its own budget, and a fifth is told to come again later.
package mobilecode
