// Package mobilecode is the lecture's mobile code model: instead of the data
// moving to the code, the code moves to where it runs.
//
// Code on demand (applets, AJAX): a client fetches a script from a server,
// runs it locally in a sandbox, and the script calls home for data.
// Remote evaluation is the reverse: a client sends a script for the server to
// run, in the same sandbox, and gets its output back.
//
//	 codeserver                                   sandbox (client)
//	+------------------+  fetch "convert"       +----------------------+
//	| signed scripts   | <--------------------- |                      |
//	|  (private key)   |  fetch_ok {src, sig}   | Verify(trusted pub)  |
//	|                  | ---------------------> | Run: steps, timeout, |
//	| data API         |  call {"op":"rates"}   |      alloc. budget   |
//	|  rates products  | <--------------------- | origin.call  show    |
//	|  echo            |  call_ok {result}      |                      |
//	+------------------+ ---------------------> +----------------------+
//
// Mobile code needs security in both directions:
//
//   - Protect the host from the code. Run executes Starlark, which has no
//     file, network, time or OS access, and gives a script exactly two
//     capabilities: origin.call(op, args), which reaches only the server the
//     code came from (same-origin), and show(...) for output. Limits stop what
//     is left: a step limit for endless loops, a wall-clock timeout, and an
//     allocation budget, because one step can ask for any amount of memory
//     ('x' * (1 << 30)) or time (int() of four million digits). Before a
//     script runs, the sandbox rewrites every operation that can build a
//     large value into a checked one (instrument.go), which refuses it
//     before it allocates (budget.go); a heap watchdog is the last line.
//     Values that leave the sandbox are bounded in depth and size, and a
//     value that contains itself is refused. Starlark also forbids recursion
//     and load is refused.
//   - Protect the code from tampering. The server signs each script with its
//     ed25519 private key; the client runs it only if the signature checks
//     out against the public key it trusts, and only if it is the script it
//     asked for. A flipped byte, a signature moved to another script, a
//     genuine script sent under another name's request, or another key's
//     signature is refused before a single step runs.
//   - Protect the server from replays. For remote evaluation the client
//     signs the script with a nonce and the time; the server runs a request
//     once, refuses one it has seen (replay.go) and one signed more than
//     ReplayWindow ago. It runs at most MaxConcurrentRuns at once and
//     refuses one more as busy before it even checks the signature: anyone
//     holding a trusted key (the classroom's demo key is published) could
//     otherwise start a run, and its budget, on every connection.
//
// What a signature covers (sign.go): a list of fields, each framed as a
// netstring ("9:aggregate," is its length, a colon, the bytes, a comma), so
// no two messages sign the same bytes. The first field names the purpose,
// so a signature made for one cannot be used for the other:
//
//	script (fetch_ok):  "dsdemo mobile code: script v2", name, source
//	run request:        "dsdemo mobile code: run v2", name, nonce, issued (Unix ms), source
//
// The wire protocol (package wire envelopes, one JSON object per line):
//
//	list                      -> list_ok  {"scripts":["aggregate",...]}
//	fetch {"name"}            -> fetch_ok {"name","src","sig"(base64)}
//	call  {"op","args"}       -> call_ok  {"result"}
//	run   {"name","src","nonce"(base64),"issued","sig"} -> run_ok {"output","steps","verdict"}
//
// A script has at most MaxScriptSize bytes and a name of 1 to MaxNameLen
// letters, digits, '-', '_' and '.'.
//
// Each way a run can stop is its own error type, with one sentence for the
// user: *StepLimitError, *TimeoutError, *AllocLimitError, *IntLimitError,
// *HeapLimitError, *RecursionError, *PanicError and *ScriptError; a refused
// script gives ErrUnsigned or ErrBadSignature, a replayed run request
// ErrReplay, a run request while the server is full ErrBusy.
package mobilecode
