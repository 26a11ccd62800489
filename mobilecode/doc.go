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
//	| data API         |  call {"op":"rates"}   |      heap watchdog   |
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
//     is left: a step limit for endless loops, a wall-clock timeout, and a heap
//     watchdog, because a few steps can allocate any amount of memory.
//     Starlark also forbids recursion and load is refused.
//   - Protect the code from tampering. The server signs each script with its
//     ed25519 private key over name+NUL+source; the client runs it only if the
//     signature checks out against the public key it trusts. A flipped byte,
//     a signature moved to another script, or another key's signature is
//     refused before a single step runs.
//
// The wire protocol (package wire envelopes, one JSON object per line):
//
//	list                      -> list_ok  {"scripts":["aggregate",...]}
//	fetch {"name"}            -> fetch_ok {"name","src","sig"(base64)}
//	call  {"op","args"}       -> call_ok  {"result"}
//	run   {"name","src","sig"} -> run_ok  {"output","steps","verdict"}
//
// Each way a run can stop is its own error type, with one sentence for the
// user: *StepLimitError, *TimeoutError, *HeapLimitError, *RecursionError and
// *ScriptError; a refused script gives ErrUnsigned or ErrBadSignature.
package mobilecode
